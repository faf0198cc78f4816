// `baton cancel RUN`: stop a run from another shell (SPEC 3.4, 2.6). The baton running it gets
// SIGTERM, exactly as if it had been interrupted, and ends the run `cancelled`. A run whose
// baton is gone (killed, crashed) is marked `cancelled` in the store directly.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/report_output.hpp"
#include "cli/run_session.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "exec/leftovers.hpp"
#include "store/run_recorder.hpp"

namespace baton::cli {
namespace {

constexpr auto kWaitForEnd = std::chrono::seconds(30);

// A run whose baton died: what it recorded as going ends now, cancelled, so that the run's
// record says nothing runs any more (an attempt without an end would read as running).
void close_what_was_going(store::Store& store, const store::RunRow& run, store::Millis now) {
  store::Batch batch;
  for (auto& task : store.tasks(run.id)) {
    const auto& state = task.row.state;
    if (state == "running" || state == "retrying" || state == "waiting" || state == "ready") {
      task.row.state = "cancelled";
      task.row.reason = "cancelled (its baton process was gone)";
      batch.tasks.push_back(task.row);
    } else if (state == "compensating") {
      // Its success was committed and its undo cut short: it stays done (SPEC 4), as a
      // compensation interrupted by SIGINT leaves it, so that a resume never runs it again.
      task.row.state = "compensation_failed";
      task.row.reason = "compensation interrupted: its baton process was gone";
      batch.tasks.push_back(task.row);
    }
    for (auto* rows : {&task.attempts, &task.compensations, &task.waits}) {
      for (auto& attempt : *rows) {
        if (attempt.end != 0 || attempt.start == 0) continue;
        attempt.end = now;
        if (attempt.step != store::StepKind::kWait) attempt.error = "baton stopped while it ran";
        batch.attempts.push_back(attempt);
      }
    }
  }
  store.write(batch);
}

// The run's baton is gone (killed with -9, or it died before it could read the SIGTERM sent to
// it): what it left running is killed, and the run is recorded as cancelled, with its reports.
void cancel_without_its_baton(store::Store& store, const store::RunRow& run,
                              const std::string& state, int& exit_code) {
  const std::string command = "baton cancel";
  // Taken over first, with this process's pid: a resume started at the same moment then finds
  // the run taken and stops, and nothing of a resume that won is killed here.
  store::RunRow mine = run;
  stamp_process(mine);
  if (!store.claim_run(mine, run)) {
    std::cerr << fmt::format(
        "{}: run {} was just resumed by another baton process; cancel it again to stop that "
        "one\n",
        command, run.id);
    exit_code = kExitInvalid;
    return;
  }
  int leftovers = exec::kill_run_leftovers(run.id);
  auto now = store::to_millis(std::chrono::system_clock::now());
  close_what_was_going(store, run, now);
  store.end_run(run.id, "cancelled", now);
  // Its reports, as the run itself would have written them at its end.
  if (auto ended = store.find_run(run.id)) {
    auto written =
        write_run_reports(store, *ended, state_flag(state), state_dir(state) / "runs" / run.id);
    if (!written) std::cerr << command << ": " << written.error().message << '\n';
  }
  std::cout << fmt::format(
      "run {} cancelled (its baton process was gone{})\n", run.id,
      leftovers > 0 ? fmt::format("; {} of its processes were killed", leftovers) : "");
}

void execute(const std::string& run_id, const std::string& state, int& exit_code) {
  const std::string command = "baton cancel";
  auto store = open_store_or_report(command, state, exit_code);
  if (!store) return;
  auto run = find_run_or_report(command, *store, run_id, exit_code);
  if (!run) return;
  if (run->status != "running") {
    std::cerr << fmt::format("{}: run {} already ended: {}\n", command, run->id, run->status);
    exit_code = kExitInvalid;
    return;
  }
  if (!run_process_alive(*run)) {
    cancel_without_its_baton(*store, *run, state, exit_code);
    return;
  }
  if (::kill(static_cast<pid_t>(run->pid), SIGTERM) != 0) {
    std::cerr << fmt::format("{}: cannot signal baton (pid {}) running {}: {}\n", command, run->pid,
                             run->id, std::strerror(errno));
    exit_code = kExitFailed;
    return;
  }
  // A baton stopped (Ctrl-Z) acts on nothing until it is continued.
  ::kill(static_cast<pid_t>(run->pid), SIGCONT);
  // Its tasks get SIGTERM, then SIGKILL after their kill_grace; wait for the run to say so.
  auto give_up = std::chrono::steady_clock::now() + kWaitForEnd;
  while (std::chrono::steady_clock::now() < give_up) {
    auto now = store->find_run(run->id);
    if (now && now->status != "running") {
      std::cout << fmt::format("run {} {}\n", run->id, now->status);
      return;
    }
    // A baton that was still starting (a resume before it reads signals) dies of the SIGTERM
    // and records nothing: finish the cancel for it.
    if (now && !run_process_alive(*now)) {
      auto after = store->find_run(run->id);  // It may have recorded its end as it exited.
      if (after && after->status != "running") {
        std::cout << fmt::format("run {} {}\n", run->id, after->status);
      } else if (after) {
        cancel_without_its_baton(*store, *after, state, exit_code);
      }
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cout << fmt::format("run {}: cancel requested (baton pid {} is still stopping)\n", run->id,
                           run->pid);
}

}  // namespace

void add_cancel_command(CLI::App& app, int& exit_code) {
  auto run = std::make_shared<std::string>();
  auto state = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("cancel", "Stop a run from another shell");
  cmd->add_option("RUN", *run, "A run id, or `last`")->required();
  cmd->add_option("--state", *state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->footer(
      "\nThe run's baton gets SIGTERM: it stops starting tasks, stops the running ones (SIGTERM,\n"
      "then SIGKILL after kill_grace) and ends the run `cancelled`; nothing more runs, not even\n"
      "compensations. `baton resume RUN` can continue it later.\n"
      "Examples:\n  baton cancel last\n  baton cancel 20261125-210501-3fa2");
  cmd->callback([run, state, &exit_code] { execute(*run, *state, exit_code); });
}

}  // namespace baton::cli
