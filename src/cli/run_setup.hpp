// Everything `baton run` settles before the engine starts: its options, `--set` overrides, the
// state folder, the run's id, and the dry run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/run_options.hpp"
#include "model/workflow.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace baton::cli {

struct RunCommandOptions {
  std::string file;
  int jobs = 0;
  std::string state;
  std::vector<std::string> overrides;
  std::string progress = "auto";
  bool quiet = false;
  std::string durability = "normal";
  bool dry_run = false;
};

/// Applies `--set KEY=VALUE` (concurrency, failure_mode, name, description, env.NAME); returns
/// an error message, or empty.
std::string apply_overrides(model::Workflow& workflow, const std::vector<std::string>& overrides);

/// `--state DIR`, else $BATON_STATE, else ./.baton (SPEC 4).
std::filesystem::path state_dir(const std::string& option);

/// " --state DIR" (absolute) for commands printed to the user, or empty when the state folder
/// is the default ./.baton.
std::string state_flag(const std::string& option);

/// `--progress`, `--quiet` and `--durability`: the options `run` and `resume` share.
void add_session_options(CLI::App& cmd, std::string& progress, bool& quiet,
                         std::string& durability);

/// `--durability normal|full`.
store::Durability durability_of(const std::string& option);

int analyze_default_jobs(const model::Workflow& workflow);

/// Prints the leaves in the order the scheduler would start them, running nothing; returns the
/// exit code.
int dry_run(const model::Workflow& workflow, engine::RunOptions options);

}  // namespace baton::cli
