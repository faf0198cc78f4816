// One library run, as `baton run` does it (cli/run_command.cpp, cli/run_session.cpp): a store
// (SQLite in the state folder, else memory), a recorder as the scheduler's journal, the
// scheduler on the local executor, then the result read off the run graph.
#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "analyze/history.hpp"
#include "analyze/plan.hpp"
#include "engine/scheduler.hpp"
#include "exec/process_identity.hpp"
#include "lib/fast_path.hpp"
#include "lib/run_record.hpp"
#include "lib/workflow_state.hpp"
#include "report/run_report.hpp"
#include "store/memory/memory_store.hpp"
#include "store/run_id.hpp"
#include "store/run_recorder.hpp"

extern char** environ;

namespace baton::detail {
namespace {

RunStatus status_of(engine::RunStatus status) {
  switch (status) {
    case engine::RunStatus::kSucceeded:
      return RunStatus::kSucceeded;
    case engine::RunStatus::kRolledBack:
      return RunStatus::kRolledBack;
    case engine::RunStatus::kCancelled:
      return RunStatus::kCancelled;
    default:
      return RunStatus::kFailed;
  }
}

std::shared_ptr<store::Store> open_store(const EngineOptions& options) {
  if (options.state_dir.empty()) return std::make_shared<store::MemoryStore>();
  auto opened = store::open_sqlite_store(options.state_dir);
  if (!opened) throw std::runtime_error("baton: " + opened.error().message);
  return std::shared_ptr<store::Store>(std::move(*opened));
}

RunEvent public_event(const engine::RunEvent& event) {
  RunEvent out;
  out.event = std::string(engine::to_string(event.kind));
  out.at = event.at;
  if (event.unit) {
    out.task = event.unit->path;
    out.attempt = engine::event_attempt(event);  // As `--progress json` gives it.
    out.state = std::string(engine::to_string(event.unit->state));
    out.reason = event.unit->reason;
  } else if (event.transition) {
    out.task = event.transition->breaker;
    out.reason = fmt::format("{} -> {}: {}", engine::to_string(event.transition->from),
                             engine::to_string(event.transition->to), event.transition->why);
  }
  return out;
}

// The run's own events (SPEC 8), which `--progress json` prints first and last.
RunEvent run_event(std::string kind, std::string state) {
  RunEvent out;
  out.event = std::move(kind);
  out.state = std::move(state);
  out.at = std::chrono::system_clock::now();
  return out;
}

TaskResult task_result(const engine::Unit& unit) {
  TaskResult task;
  task.path = unit.path;
  task.state = std::string(engine::to_string(unit.state));
  task.reason = unit.reason;
  task.outputs = unit.outputs;
  for (const auto& record : unit.attempts) {
    AttemptResult& attempt = task.attempts.emplace_back();
    attempt.number = record.number;
    attempt.start = record.start;
    attempt.end = record.end;
    attempt.exit_code = record.exit_code;
    attempt.signal = record.signal;
    attempt.timed_out = record.timed_out;
    attempt.error = record.error;
    std::error_code ec;
    if (std::filesystem::exists(record.log_path, ec)) attempt.log = record.log_path;
  }
  return task;
}

}  // namespace

void RunRecord::set_lean_source(model::Workflow top,
                                std::vector<std::pair<std::uint32_t, std::uint32_t>> needs) {
  lean_ = std::make_unique<LeanSource>(LeanSource{std::move(top), std::move(needs)});
}

const model::Workflow& RunRecord::workflow() const {
  std::call_once(built_, [this] {
    if (!lean_) return;
    WorkflowState state;
    state.top = lean_->top;
    state.needs = lean_->needs;
    const auto& results = tasks();
    state.entries.resize(results.size() + 1);
    state.entries[model::kRoot].kind = model::NodeKind::kGroup;
    for (std::size_t i = 0; i < results.size(); ++i) {
      auto& entry = state.entries[i + 1];
      entry.id = results[i].path;  // A top-level task's path is its id.
      entry.parent = model::kRoot;
      entry.callable = static_cast<std::int32_t>(i);
    }
    workflow_ = std::move(state.to_model().workflow);
  });
  return workflow_;
}

std::shared_ptr<const RunRecord> run_workflow(const WorkflowState& state,
                                              const EngineOptions& options,
                                              std::shared_ptr<lib::CancelSignal> cancel) {
  if (auto graph = FastGraph::lean(state, options)) {  // Flat, plain callables: no model.
    auto record = std::make_shared<RunRecord>();
    record->set_lean_source(state.top, state.needs);
    run_fast_path(*record, std::move(*graph), state.top, state.callables, options, *cancel);
    return record;
  }
  auto built = state.to_model();
  if (!built.diagnostics.empty()) {
    std::string message;
    for (const auto& d : built.diagnostics) message += d.to_string() + "\n";
    throw std::invalid_argument(message);
  }
  auto record = std::make_shared<RunRecord>();
  record->set_workflow(std::move(built.workflow));
  model::Workflow& workflow = record->own_workflow();
  if (fast_path_eligible(workflow, options)) {  // Plain callables, no policy: lib/fast_path.hpp.
    run_fast_path(*record, FastGraph(workflow), workflow, state.callables, options, *cancel);
    return record;
  }
  record->store = open_store(options);

  engine::RunOptions run;
  run.jobs = options.concurrency > 0 ? options.concurrency : analyze::default_jobs(workflow);
  run.run_id = record->id = store::new_run_id();
  if (options.state_dir.empty()) {
    run.run_dir = std::filesystem::temp_directory_path() / ("baton-" + run.run_id);
  } else {
    run.run_dir = std::filesystem::path(options.state_dir) / "runs" / run.run_id;
    record->state_flag = report::state_flag(options.state_dir);
    std::vector<std::pair<std::string, Duration>> recorded;
    for (const auto& [path, ms] :
         record->store->typical_durations(workflow.name, store::kForever)) {
      recorded.emplace_back(path, Duration(ms));
    }
    analyze::apply_history(workflow, recorded);
  }
  run.workflow_dir = state.folder.empty() ? std::filesystem::current_path() : state.folder;
  for (char** e = environ; e && *e; ++e) run.base_env.emplace_back(*e);
  if (options.on_event) {
    run.on_event = [&options](const engine::RunEvent& event) {
      options.on_event(public_event(event));
    };
  }
  run.verdict_poll =
      std::chrono::milliseconds(200);  // `baton approve` does not signal a library's process.
  run.verdicts = [store = record->store, id = run.run_id] {
    std::vector<engine::Verdict> verdicts;
    for (auto& v : store->untaken_verdicts(id)) verdicts.push_back({v.path, v.approved, v.by});
    return verdicts;
  };

  store::RunRow row;
  row.id = run.run_id;
  row.workflow = workflow.name;
  row.file = "(C++ library)";
  row.status = "running";
  row.started = store::to_millis(std::chrono::system_clock::now());
  row.jobs = run.jobs;
  // Like `baton run`: `baton runs`/`status` see the run live, `cancel` signals this process.
  auto me = exec::this_process();
  row.pid = me.pid;
  row.pid_start = me.start_ticks;
  row.host = me.host;
  record->store->create_run(row);
  store::RunRecorder recorder(*record->store, row);
  run.journal = &recorder;
  run.verdict_taken = [&recorder](const std::string& path) { recorder.verdict_taken(path); };

  int threads = options.threads > 0 ? options.threads : run.jobs;
  engine::RunResult result;
  {
    lib::LocalExecutor executor(state.callables, threads, std::move(cancel));
    engine::Scheduler scheduler(workflow, executor, run);
    if (options.on_event) options.on_event(run_event("run_started", "running"));
    result = scheduler.run();
    recorder.finish(result);
    if (options.on_event) {
      options.on_event(run_event("run_finished", std::string(engine::to_string(result.status))));
    }
    for (const auto& unit : scheduler.graph().units()) {
      if (unit.kind != engine::UnitKind::kLeaf) continue;
      record->own_tasks().push_back(task_result(unit));
    }
  }
  record->status = status_of(result.status);
  record->started = result.started;
  record->ended = result.ended;
  std::error_code ec;
  std::filesystem::remove(run.run_dir / "logs", ec);     // Only if empty: callables that never
  std::filesystem::remove(run.run_dir / "outputs", ec);  // logged leave nothing behind.
  if (options.state_dir.empty()) std::filesystem::remove(run.run_dir, ec);
  return record;
}

}  // namespace baton::detail
