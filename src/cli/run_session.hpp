// One session of a run, shared by `baton run` and `baton resume`: the scheduler on real
// processes, recorded in the store turn by turn, with progress on stderr and the Orchestration
// Report on stdout at the end.
#pragma once

#include <string>
#include <vector>

#include "engine/run_options.hpp"
#include "exec/process_executor.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::cli {

struct SessionOutput {
  std::string progress = "auto";  ///< --progress
  bool quiet = false;             ///< --quiet
  std::string state_flag;         ///< " --state DIR" unless the state folder is the default.
};

/// The executor of a run, made before the run's row names this process: from then on
/// `baton cancel` may signal it, and the executor reads SIGINT, SIGTERM and SIGHUP (for the
/// loop, which ends the run cancelled) instead of letting them kill baton midway. Throws
/// std::system_error if the system refuses what it needs.
std::unique_ptr<exec::ProcessExecutor> make_run_executor();

/// Runs `workflow` as the run `row` (already in the store) on `executor`; returns the exit code
/// of SPEC 5. `recorded`: what the store holds of the run already (a resume), as Store::tasks()
/// reads it. The executor is gone once the loop ends: a second Ctrl-C while the last state is
/// written or the report printed (a locked store, a full pipe) then kills baton at once.
int run_session(const model::Workflow& workflow, engine::RunOptions options, store::Store& store,
                store::RunRow row, const SessionOutput& output,
                std::unique_ptr<exec::ProcessExecutor> executor,
                std::vector<store::TaskRecord> recorded = {});

/// This process's identity for the runs table: pid, start time, host.
void stamp_process(store::RunRow& row);

/// baton's own environment, "KEY=VALUE" each.
std::vector<std::string> current_environment();

}  // namespace baton::cli
