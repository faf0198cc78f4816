// `baton resume RUN|last` (SPEC 4): continue an interrupted, crashed or failed run from the
// workflow text it recorded. Succeeded tasks never run again; every other task starts over with
// its attempt numbers continuing (logs are never overwritten) and a fresh retry budget.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/run_session.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "cli/workflow_input.hpp"
#include "engine/run_graph.hpp"
#include "exec/leftovers.hpp"
#include "report/next_steps.hpp"
#include "store/run_recorder.hpp"

namespace baton::cli {
namespace {

struct ResumeOptions {
  std::string run;
  std::string state;
  int jobs = 0;
  std::string progress = "auto";
  bool quiet = false;
  std::string durability = "normal";
};

std::chrono::system_clock::time_point from_millis(store::Millis ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

engine::AttemptRecord to_attempt(const store::AttemptRow& row) {
  engine::AttemptRecord a;
  a.number = row.number;
  a.pid = row.pid;
  a.start = row.start ? from_millis(row.start) : std::chrono::system_clock::time_point{};
  a.end = row.end ? from_millis(row.end) : a.start;  // An attempt cut short by a crash.
  a.exit_code = row.exit_code;
  a.signal = row.signal;
  a.timed_out = row.timed_out;
  a.log_path = row.log;
  a.error = row.end ? row.error : "baton stopped while it ran";
  a.decision = row.decision;
  return a;
}

// The highest attempt numbers of each task among the run's log files (`PATH.N.log` and
// `PATH.compensate.N.log`). An attempt started just before a crash may have its log and no
// record yet (the store commits starts lazily, SPEC 4's at-least-once): its number is taken all
// the same, so no log is overwritten. An empty log is not evidence of an attempt: baton makes
// the logs of the next ready tasks ahead of their start, and a crash leaves those behind. It
// counts only if the attempt's processes were still running (`running`, what resume killed) or
// it wrote outputs (`outputs/PATH.N`, which a new attempt of that number could not write); else
// its number is used again, which overwrites nothing.
struct Logged {
  int attempts = 0, compensations = 0;
};
std::map<std::string, Logged> logged_attempts(const std::filesystem::path& logs,
                                              const std::set<exec::LeftoverAttempt>& running) {
  std::map<std::string, Logged> highest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(logs, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".log")) continue;
    name.resize(name.size() - 4);
    const std::filesystem::path outputs = logs.parent_path() / "outputs" / name;
    auto dot = name.rfind('.');
    if (dot == std::string::npos) continue;
    int n = std::atoi(name.c_str() + dot + 1);
    if (n <= 0) continue;
    name.resize(dot);
    constexpr std::string_view kCompensate = ".compensate";
    bool compensation = name.ends_with(kCompensate);
    if (compensation) name.resize(name.size() - kCompensate.size());
    std::error_code size_error;
    if (entry.file_size(size_error) == 0 && !size_error &&
        !running.contains(exec::LeftoverAttempt{name, n, compensation}) &&
        !std::filesystem::exists(outputs, size_error)) {
      continue;
    }
    int& slot = compensation ? highest[name].compensations : highest[name].attempts;
    slot = std::max(slot, n);
  }
  return highest;
}

// Appends a placeholder for each attempt whose log exists but whose record was lost, up to
// `logged`, so that the next attempt takes a fresh number.
void add_lost(std::vector<engine::AttemptRecord>& attempts, int logged,
              const std::filesystem::path& logs_dir, const std::string& stem) {
  while (static_cast<int>(attempts.size()) < logged) {
    engine::AttemptRecord lost;
    lost.number = static_cast<int>(attempts.size()) + 1;
    lost.error = "baton stopped before recording this attempt";
    lost.log_path = (logs_dir / fmt::format("{}.{}.log", stem, lost.number)).string();
    attempts.push_back(lost);
  }
}

// A retry that was due when baton stopped never came: the resumed session starts the task over
// instead, as SPEC 4 says, and that is no retry of the policy's. Said so in the last attempt's
// decision, as a cancelled run's is, so that the report neither counts a retry nor spans the
// time between the sessions as the task's.
void overrule_pending_retry(std::vector<engine::AttemptRecord>& attempts) {
  if (attempts.empty()) return;
  auto& decision = attempts.back().decision;
  if (decision.rfind("retry in", 0) == 0) decision = "not retried: baton stopped before it was due";
}

// Puts a leaf back as the run recorded it: a success stays done with its outputs (SPEC 4: a task
// whose success was committed never runs again), and so does one whose compensation failed or
// was cut short, since what it did may not be undone; a compensated task, whose effect was
// undone, and anything else start over, their attempts kept for numbering: pending again from
// the resume's start (not `skipped: upstream_failed: b` while b runs again, in `baton status`
// and the reports). Returns true when the leaf is no longer as recorded.
std::function<bool(engine::Unit&)> restorer(std::map<std::string, store::TaskRecord> recorded,
                                            std::map<std::string, Logged> logged,
                                            std::filesystem::path logs_dir) {
  auto tasks = std::make_shared<std::map<std::string, store::TaskRecord>>(std::move(recorded));
  auto logs = std::make_shared<std::map<std::string, Logged>>(std::move(logged));
  return [tasks, logs, logs_dir](engine::Unit& unit) {
    if (unit.kind != engine::UnitKind::kLeaf) return false;
    auto it = tasks->find(unit.path);
    if (it != tasks->end()) {
      for (const auto& row : it->second.attempts) unit.attempts.push_back(to_attempt(row));
      for (const auto& row : it->second.waits) unit.waits.push_back(to_attempt(row));
      for (const auto& row : it->second.compensations) {
        unit.compensations.push_back(to_attempt(row));
      }
    }
    overrule_pending_retry(unit.attempts);
    overrule_pending_retry(unit.compensations);
    if (auto log = logs->find(unit.path); log != logs->end()) {
      add_lost(unit.attempts, log->second.attempts, logs_dir, unit.path);
      add_lost(unit.compensations, log->second.compensations, logs_dir, unit.path + ".compensate");
    }
    unit.attempt_base = static_cast<int>(unit.attempts.size());
    unit.compensation_base = static_cast<int>(unit.compensations.size());
    if (it == tasks->end()) return false;
    const store::TaskRecord& task = it->second;
    const std::string& state = task.row.state;
    if (state != "succeeded" && state != "compensation_failed" && state != "compensating") {
      return state != "pending";
    }
    unit.state = engine::TaskState::kSucceeded;
    unit.outputs = task.outputs;
    // "not compensated: …" and the like described the rollback of the session before; any
    // other reason ("approved by ann") still holds.
    const std::string& reason = task.row.reason;
    bool of_the_rollback =
        reason.starts_with("not compensated") || reason.starts_with("compensation");
    if (state == "succeeded" && !of_the_rollback) unit.reason = reason;
    return state != "succeeded" || of_the_rollback;
  };
}

void execute(const ResumeOptions& opts, int& exit_code) {
  const std::string command = "baton resume";
  auto store = open_store_or_report(command, opts.state, exit_code, durability_of(opts.durability));
  if (!store) return;
  auto run = find_run_or_report(command, *store, opts.run, exit_code);
  if (!run) return;
  if (run->status == "rolled_back") {
    std::cerr << fmt::format(
        "{}: run {} was rolled back: its compensations undid what it did, so there is nothing "
        "to resume; start a new run with `{}`\n",
        command, run->id, report::new_run_command(*run, state_flag(opts.state)));
    exit_code = kExitInvalid;
    return;
  }
  if (run->status == "succeeded") {
    std::cout << fmt::format("run {} succeeded: nothing to resume\n", run->id);
    exit_code = kExitOk;
    return;
  }
  if (run->status == "running" && run_process_alive(*run)) {
    std::cerr << fmt::format(
        "{}: run {} is still running (baton pid {}); stop it first with `baton cancel {}{}`\n",
        command, run->id, run->pid, run->id, state_flag(opts.state));
    exit_code = kExitInvalid;
    return;
  }
  if (run->workflow_text.empty()) {
    std::cerr << fmt::format(
        "{}: run {} was made by a program with the C++ library, which records no workflow to "
        "resume; once the cause is fixed, run that program again\n",
        command, run->id);
    exit_code = kExitInvalid;
    return;
  }
  auto workflow = load_text_or_report(run->workflow_text, run->file, exit_code);
  if (!workflow) return;
  if (auto error = apply_overrides(*workflow, run->overrides); !error.empty()) {
    std::cerr << command << ": " << error << '\n';
    exit_code = kExitInvalid;
    return;
  }
  // The past as the run saw it when it started, not its own first session: the same
  // estimates as then, and as its reports show.
  apply_store_history(*workflow, *store, run->started);
  // Taken over before anything is killed or started: of two resumes started at once, the one
  // that loses stops here, and no task runs twice (SPEC 4).
  const store::RunRow as_seen = *run;
  run->status = "running";
  run->ended = 0;
  run->jobs = opts.jobs > 0 ? opts.jobs : (as_seen.jobs > 0 ? as_seen.jobs : 1);
  stamp_process(*run);
  auto executor = make_run_executor();  // Before the row names this process (`baton cancel`).
  if (!store->claim_run(*run, as_seen)) {
    std::cerr << fmt::format(
        "{}: run {} was just taken over by another baton process; see "
        "`baton status {}{}`\n",
        command, run->id, run->id, state_flag(opts.state));
    exit_code = kExitInvalid;
    return;
  }
  // Whatever the crashed session left running is killed before its task starts over.
  std::set<exec::LeftoverAttempt> running;
  int leftovers = exec::kill_run_leftovers(run->id, &running);
  if (leftovers > 0) {
    std::cerr << fmt::format("{}: killed {} process{} still running from run {}\n", command,
                             leftovers, leftovers == 1 ? "" : "es", run->id);
  }

  auto tasks = store->tasks(run->id);  // Read once: for the restorer, and for the report.
  std::map<std::string, store::TaskRecord> recorded;
  for (const auto& task : tasks) recorded.emplace(task.row.path, task);
  engine::RunOptions options;
  options.jobs = run->jobs;
  options.run_id = run->id;
  auto state = state_dir(opts.state);
  options.run_dir = state / "runs" / run->id;
  options.workflow_dir = std::filesystem::path(run->file).parent_path();
  options.base_env = current_environment();
  options.restore =
      restorer(std::move(recorded), logged_attempts(options.run_dir / "logs", running),
               options.run_dir / "logs");
  std::error_code ec;
  std::filesystem::create_directories(options.run_dir / "logs", ec);

  exit_code = run_session(*workflow, std::move(options), *store, std::move(*run),
                          {opts.progress, opts.quiet, state_flag(opts.state)}, std::move(executor),
                          std::move(tasks));
}

}  // namespace

void add_resume_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ResumeOptions>();
  auto* cmd = app.add_subcommand("resume",
                                 "Continue an interrupted, crashed or failed run where it stopped");
  cmd->add_option("RUN", opts->run, "A run id, or `last` for the most recent run")->required();
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->add_option("-j,--jobs", opts->jobs, "Leaf tasks running at once (default: as recorded)")
      ->check(CLI::Range(1, 100'000));
  add_session_options(*cmd, opts->progress, opts->quiet, opts->durability);
  cmd->footer(
      "\nSucceeded tasks never run again (nor do those whose compensation failed); running,\n"
      "failed, cancelled, skipped and compensated tasks start over with their attempt numbers\n"
      "continuing and a fresh retry budget. A rolled-back run cannot be resumed.\n"
      "Exit status: 0 succeeded, 1 failed, 2 unknown or unresumable run, 130 interrupted.\n"
      "Examples:\n  baton resume last\n  baton resume 20261125-210501-3fa2 --jobs 4");
  cmd->callback([opts, &exit_code] { execute(*opts, exit_code); });
}

}  // namespace baton::cli
