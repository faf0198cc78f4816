#include "cli/run_session.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <sstream>
#include <system_error>

#include "analyze/plan.hpp"
#include "cli/commands.hpp"
#include "cli/left_to_exit.hpp"
#include "cli/report_output.hpp"
#include "cli/run_output.hpp"
#include "engine/scheduler.hpp"
#include "exec/leftovers.hpp"
#include "exec/process_executor.hpp"
#include "exec/process_identity.hpp"
#include "store/run_recorder.hpp"

extern char** environ;

namespace baton::cli {
namespace {

int exit_code_of(engine::RunStatus status) {
  switch (status) {
    case engine::RunStatus::kSucceeded:
      return kExitOk;
    case engine::RunStatus::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailed;
  }
}

// SPEC 6: the Orchestration Report, from what the run committed (the rows `baton report` reads
// from the store), on stdout (unless --quiet) and as report.md, report.json and report.html in
// the run's folder.
void print_report(store::Store& store, const engine::RunOptions& options,
                  const SessionOutput& output, const model::Workflow& workflow,
                  std::vector<store::TaskRecord> tasks, std::shared_ptr<const analyze::Plan> plan) {
  auto run = store.find_run(options.run_id);
  if (!run) return;
  auto markdown = write_run_reports(store, *run, output.state_flag, options.run_dir,
                                    {&workflow, std::move(tasks), std::move(plan)});
  if (!markdown) {
    std::cerr << fmt::format("baton: run {}: {}\n", options.run_id, markdown.error().message);
    if (!output.quiet) {
      std::cout << render_report(store, *run, output.state_flag, ReportFormat::kMarkdown);
    }
    return;
  }
  if (output.quiet) return;
  errno = 0;
  std::cout << *markdown << std::flush;
  if (!std::cout) {  // The run's outcome is its exit code; the files in its folder are whole.
    std::cerr << fmt::format("baton: run {}: cannot write the report to stdout{}; it is in {}\n",
                             options.run_id,
                             errno != 0 ? std::string(": ") + std::strerror(errno) : "",
                             (options.run_dir / "report.md").string());
  }
}

// SPEC 2.6, no child outlives baton: an attempt's process group is killed when the attempt
// ends, but a process that left it (setsid, a daemon) is found only by the BATON_RUN_ID it
// carries, or as a descendant of baton (re-parented to it, a subreaper), by a scan of /proc
// when the run is over: a few milliseconds a run.
void kill_escaped(const engine::RunOptions& options, bool say = true) {
  if (options.dry_run) return;
  int killed = exec::kill_run_leftovers(options.run_id) + exec::kill_descendants();
  if (killed == 0 || !say) return;
  std::cerr << fmt::format("baton: run {}: killed {}\n", options.run_id,
                           killed == 1 ? "1 process that a task left running outside its process "
                                         "group"
                                       : fmt::format("{} processes that tasks left running "
                                                     "outside their process groups",
                                                     killed));
}

using PlanAhead = std::future<std::shared_ptr<const analyze::Plan>>;

// The report's plan (its strategy, stages, critical path estimate), made on a thread of its own
// while the scheduler is made: at the start of a run a core is free, while at its end the plan
// would hold up the reports (5-8 ms of a 10,000-task run here). If no thread can be had, or the
// plan cannot be made, the report makes it.
PlanAhead plan_ahead(const model::Workflow& workflow, int jobs) {
  try {
    return std::async(std::launch::async, [&workflow, jobs] {
      return std::make_shared<const analyze::Plan>(analyze::make_plan(workflow, jobs));
    });
  } catch (const std::system_error&) {
    return {};
  }
}

std::shared_ptr<const analyze::Plan> plan_made(PlanAhead& plan) {
  try {
    return plan.valid() ? plan.get() : nullptr;
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

void stamp_process(store::RunRow& row) {
  auto me = exec::this_process();
  row.pid = me.pid;
  row.pid_start = me.start_ticks;
  row.host = me.host;
}

std::unique_ptr<exec::ProcessExecutor> make_run_executor() {
  // Every child of the baton command is an attempt of this run: it may reap any child.
  return std::make_unique<exec::ProcessExecutor>(exec::Reaping::kAnyChild);
}

int run_session(const model::Workflow& workflow, engine::RunOptions options, store::Store& store,
                store::RunRow row, const SessionOutput& output,
                std::unique_ptr<exec::ProcessExecutor> executor,
                std::vector<store::TaskRecord> recorded) {
  auto progress = make_progress(output.progress, options.run_id, output.state_flag, options.jobs);
  // Progress goes to stderr, which may close under the run (`2>&1 | head`), fill a disk or not
  // be read: every kind writes it without throwing or waiting (LineWriter, the tty's drawer).
  const auto tell = [&progress](const auto& what) {
    if (progress) what(*progress);
  };
  options.on_event = [&tell](const engine::RunEvent& event) {
    tell([&](Progress& p) { p.on_event(event); });
  };
  std::unique_ptr<store::RunJournal> journal;
  try {
    journal = store.open_journal();
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("baton: run {} not started: {}\n", options.run_id, e.what());
    return kExitFailed;
  }
  store::RunRecorder recorder(store, row, std::move(journal));
  // What the run commits is kept for its report (a resume: on top of what the store holds).
  recorder.keep_committed(std::move(recorded));
  options.journal = &recorder;
  // The recorder writes the store on a thread of its own: the verdicts of approval gates (read
  // only while a gate waits) use it once that thread is done.
  options.verdicts = [&store, &recorder, id = options.run_id] {
    recorder.wait_for_store();
    std::vector<engine::Verdict> verdicts;
    for (auto& v : store.untaken_verdicts(id)) verdicts.push_back({v.path, v.approved, v.by});
    return verdicts;
  };
  options.verdict_taken = [&recorder](const std::string& path) { recorder.verdict_taken(path); };
  PlanAhead plan = plan_ahead(workflow, options.jobs);
  auto scheduler = std::make_unique<engine::Scheduler>(workflow, *executor, options);
  // The run's recorded start; a resumed session's is now (row.started is the run's first).
  auto started =
      options.restore
          ? std::chrono::system_clock::now()
          : std::chrono::system_clock::time_point(std::chrono::milliseconds(row.started));
  tell([&](Progress& p) { p.run_started(workflow.name, started); });
  engine::RunResult result;
  try {
    result = scheduler->run();
    // Its processes are done, and signals are taken as usual again (see run_session.hpp).
    executor.reset();
    recorder.finish(result);
  } catch (const std::exception& e) {
    // The store could not be written (a full disk, say): stop everything, say so; what was
    // committed before stays intact and the run can be resumed.
    if (executor) executor->kill_all();
    kill_escaped(options, /*say=*/false);
    progress.reset();  // A live status line would share the message's line.
    std::cerr << fmt::format("baton: run {} stopped: {}\n", options.run_id, e.what());
    return kExitFailed;
  }
  store.settle_in_background();  // While the reports are written.
  kill_escaped(options);
  // A resumed run started when it first did: its makespan, as every line and report gives it,
  // is the run's end minus that start (SPEC 6), the time between the sessions included.
  if (row.started > 0) {
    result.started =
        std::min(result.started,
                 std::chrono::system_clock::time_point(std::chrono::milliseconds(row.started)));
  }
  tell([&](Progress& p) { p.run_finished(result); });
  print_report(store, options, output, workflow, recorder.take_committed(), plan_made(plan));
  leave_to_exit(std::move(scheduler));  // With its graph: this process ends now.
  return exit_code_of(result.status);
}

}  // namespace baton::cli
