// `baton approve RUN PATH` and `baton reject RUN PATH` (SPEC 3.6), from any shell: the verdict
// goes into the store, then the baton running the run is nudged (SIGUSR1) to read it. A run
// whose baton is gone takes the verdict when it is resumed.
#include <fmt/format.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/run_setup.hpp"
#include "cli/store_input.hpp"
#include "cli/workflow_input.hpp"
#include "store/run_recorder.hpp"

namespace baton::cli {
namespace {

struct VerdictOptions {
  std::string run;
  std::string path;
  std::string state;
};

std::string current_user() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* entry = ::getpwuid(::getuid())) return entry->pw_name;
  return std::to_string(::getuid());
}

// The gates a user may name: the workflow's approval leaves, by model path. An instance path
// (`regions[2].sign_off`) names the gate `regions.sign_off`.
std::vector<std::string> gate_paths(const model::Workflow& workflow) {
  std::vector<std::string> gates;
  for (const auto& node : workflow.nodes) {
    if (node.is_leaf() && node.action == model::ActionKind::kApproval) gates.push_back(node.path);
  }
  return gates;
}

// The fan-out indices in an instance's path, outermost first: `a[1].b[10]` → {1, 10}.
std::vector<long> indices_of(const std::string& path) {
  std::vector<long> out;
  for (std::size_t at = path.find('['); at != std::string::npos; at = path.find('[', at + 1)) {
    out.push_back(std::strtol(path.c_str() + at + 1, nullptr, 10));
  }
  return out;
}

// True if the node at `model_path` (or one of its groups) fans out: its gates are instances.
bool inside_fanout(const model::Workflow& workflow, const std::string& model_path) {
  for (const auto& node : workflow.nodes) {
    if (node.path != model_path) continue;
    for (auto n = &node; n; n = n->parent == model::kNoNode ? nullptr : &workflow.node(n->parent)) {
      if (n->foreach) return true;
    }
  }
  return false;
}

// After a verdict on a waiting gate, waits (a few seconds at most) for the run to decide it. If
// something else did first (its timeout, a cancel), returns how it ended, and withdraws the
// verdict, so that it neither counts as given nor decides the gate when a resume starts it over.
std::optional<std::string> decided_before_the_verdict(store::Store& store, const std::string& run,
                                                      const std::string& path) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  auto pause = std::chrono::milliseconds(2);
  while (std::chrono::steady_clock::now() < give_up) {
    for (const auto& task : store.tasks(run)) {
      if (task.row.path != path || store::gate_undecided(task.row.state)) continue;
      const auto& reason = task.row.reason;
      if (reason.rfind("approved", 0) == 0 || reason.rfind("rejected", 0) == 0) {
        return std::nullopt;  // By a verdict: this one, the only one a gate can have.
      }
      store.take_verdict(run, path);
      return reason.empty() || reason == task.row.state ? task.row.state
                                                        : task.row.state + " (" + reason + ")";
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  return std::nullopt;  // Still waiting: its baton is busy; the verdict stands.
}

void execute(const VerdictOptions& opts, bool approved, int& exit_code) {
  const std::string command = approved ? "baton approve" : "baton reject";
  auto store = open_store_or_report(command, opts.state, exit_code);
  if (!store) return;
  auto run = find_run_or_report(command, *store, opts.run, exit_code);
  if (!run) return;
  if (run->status != "running") {
    std::cerr << fmt::format("{}: run {} already ended: {}\n", command, run->id, run->status);
    exit_code = kExitInvalid;
    return;
  }
  auto recorded = store->tasks(run->id);
  // A run of the C++ library records no workflow text: its gates are those waiting now.
  const bool library_run = run->workflow_text.empty();
  int ignored = 0;
  auto workflow =
      library_run ? std::nullopt : load_text_or_report(run->workflow_text, run->file, ignored);
  auto gates = workflow ? gate_paths(*workflow) : std::vector<std::string>{};
  if (library_run) {
    for (const auto& task : recorded) {
      if (task.row.state == "waiting" && task.row.reason == "waiting for approval") {
        gates.push_back(task.row.path);
      }
    }
  }
  std::string model_path = library_run ? opts.path : without_indices(opts.path);
  bool known_instance = std::any_of(recorded.begin(), recorded.end(),
                                    [&](const auto& task) { return task.row.path == opts.path; });
  // A gate inside a fan-out is named by one of its instances, which the run has reached.
  bool in_fanout = workflow && inside_fanout(*workflow, model_path);
  if (std::find(gates.begin(), gates.end(), model_path) == gates.end() ||
      (model_path != opts.path && !known_instance) || (model_path == opts.path && in_fanout)) {
    std::cerr << fmt::format("{}: '{}' is not an approval gate of run {}", command, opts.path,
                             run->id);
    // Named as they can be approved: a gate inside a fan-out by the instances reached so far.
    std::vector<std::string> names;
    for (const auto& gate : gates) {
      if (!workflow || !inside_fanout(*workflow, gate)) {
        names.push_back(gate);
        continue;
      }
      std::vector<std::pair<std::vector<long>, std::string>> instances;  // By their indices.
      for (const auto& task : recorded) {
        if (without_indices(task.row.path) == gate) {
          instances.emplace_back(indices_of(task.row.path), task.row.path);
        }
      }
      std::sort(instances.begin(), instances.end());
      for (auto& [indices, path] : instances) names.push_back(std::move(path));
    }
    if (gates.empty()) {
      std::cerr << " (it has none)";
    } else if (names.empty()) {
      std::cerr << fmt::format("; its gates, in fan-outs not reached yet: {}",
                               fmt::join(gates, ", "));
    } else {
      std::cerr << fmt::format("; its gates: {}", fmt::join(names, ", "));
    }
    std::cerr << '\n';
    exit_code = kExitInvalid;
    return;
  }
  bool gate_waits = false;
  for (const auto& task : recorded) {
    if (task.row.path == opts.path) gate_waits = task.row.state == "waiting";
    if (task.row.path == opts.path && !store::gate_undecided(task.row.state)) {
      std::cerr << fmt::format("{}: {} is already {}{}\n", command, opts.path, task.row.state,
                               task.row.reason.empty() ? "" : " (" + task.row.reason + ")");
      exit_code = kExitInvalid;
      return;
    }
  }
  store::VerdictRow verdict{opts.path, approved, current_user(),
                            store::to_millis(std::chrono::system_clock::now())};
  if (!store->give_verdict(run->id, verdict)) {
    std::cerr << fmt::format("{}: {} already has a verdict in run {}\n", command, opts.path,
                             run->id);
    exit_code = kExitInvalid;
    return;
  }
  const char* done = approved ? "approved" : "rejected";
  // A verdict given ahead (a sign-off known in advance) is kept for when the gate is reached.
  if (!gate_waits) {
    std::cout << fmt::format(
        "note: {} is not waiting yet; the verdict applies as soon as its upstreams are done\n",
        opts.path);
  }
  // Read again now that the verdict is in the store: a resume that took the run over since has
  // read the verdicts already or reads them after this, but only a nudge makes it look again.
  if (auto now = store->find_run(run->id)) run = std::move(now);
  // A library's process looks for verdicts itself: SIGUSR1 could end a program whose other
  // threads do not block it.
  if (run_process_alive(*run) &&
      (library_run || ::kill(static_cast<pid_t>(run->pid), SIGUSR1) == 0)) {
    if (gate_waits) {
      if (auto other = decided_before_the_verdict(*store, run->id, opts.path)) {
        std::cerr << fmt::format("{}: {} was decided before the verdict reached it: {}\n", command,
                                 opts.path, *other);
        exit_code = kExitInvalid;
        return;
      }
    }
    std::cout << fmt::format("{} {} in run {}\n", done, opts.path, run->id);
  } else {
    std::cout << fmt::format(
        "{} {} in run {}; it takes effect when the run is resumed "
        "(`baton resume {}{}`)\n",
        done, opts.path, run->id, run->id, state_flag(opts.state));
  }
}

void add_verdict_command(CLI::App& app, int& exit_code, bool approved) {
  auto opts = std::make_shared<VerdictOptions>();
  auto* cmd = app.add_subcommand(
      approved ? "approve" : "reject",
      approved ? "Let a run's approval gate pass" : "Fail a run's approval gate");
  cmd->add_option("RUN", opts->run, "A run id, or `last`")->required();
  cmd->add_option("PATH", opts->path, "The gate's path, e.g. release.sign_off")->required();
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->footer(approved ? "\nExample:\n  baton approve last release.sign_off"
                       : "\nThe gate fails; its dependents are skipped as for any failure.\n"
                         "Example:\n  baton reject last release.sign_off");
  cmd->callback([opts, approved, &exit_code] { execute(*opts, approved, exit_code); });
}

}  // namespace

void add_approval_commands(CLI::App& app, int& exit_code) {
  add_verdict_command(app, exit_code, true);
  add_verdict_command(app, exit_code, false);
}

}  // namespace baton::cli
