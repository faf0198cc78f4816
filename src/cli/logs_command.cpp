// `baton logs RUN PATH [--attempt N] [--compensation]`: what an attempt printed (SPEC 5), read
// from the log file the store names for it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/store_input.hpp"
#include "load/did_you_mean.hpp"
#include "load/load.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

struct LogsOptions {
  std::string run;
  std::string path;
  int attempt = 0;  ///< 0: the last.
  bool compensation = false;
};

// The recorded instance paths of a model path: `shards` → `shards[0]`, `shards[1]`; `g.t` →
// `g[0].t`. An instance path is its model path with an `[index]` after fanned-out ids.
std::vector<std::string> instances_of(const std::string& model_path,
                                      const std::vector<std::string>& recorded) {
  std::vector<std::string> out;
  for (const auto& path : recorded) {
    if (path != model_path && without_indices(path) == model_path) out.push_back(path);
  }
  return out;
}

// A task's id alone names it if no other recorded task ends with it (`migrate` for
// `deploy.migrate`), as an id in `needs` may; otherwise, or if it is a path already, it stays.
std::string resolve_task(const std::vector<store::TaskRecord>& tasks, const std::string& given) {
  std::string found;
  int matches = 0;
  for (const auto& task : tasks) {
    const std::string& path = task.row.path;
    if (path == given) return given;
    if (path.size() > given.size() && path.ends_with(given) &&
        path[path.size() - given.size() - 1] == '.') {
      found = path;
      ++matches;
    }
  }
  return matches == 1 ? found : given;
}

void execute(const LogsOptions& opts, const std::string& state, int& exit_code) {
  const std::string command = "baton logs";
  auto store = open_store_or_report(command, state, exit_code);
  if (!store) return;
  auto run = find_run_or_report(command, *store, opts.run, exit_code);
  if (!run) return;
  auto tasks = store->tasks(run->id);
  const std::string path = resolve_task(tasks, opts.path);
  std::vector<std::string> known;
  for (const auto& task : tasks) {
    if (task.row.path != path) {
      known.push_back(task.row.path);
      continue;
    }
    const auto& attempts = opts.compensation ? task.compensations : task.attempts;
    if (attempts.empty()) {
      std::cerr << fmt::format("{}: {} has no {} in run {} ({}{})\n", command, path,
                               opts.compensation ? "compensation attempts" : "attempts", run->id,
                               task.row.state,
                               task.row.reason.empty() ? "" : ": " + task.row.reason);
      exit_code = kExitInvalid;
      return;
    }
    const store::AttemptRow* chosen = &attempts.back();
    if (opts.attempt > 0) {
      chosen = nullptr;
      for (const auto& a : attempts) {
        if (a.number == opts.attempt) chosen = &a;
      }
      if (!chosen) {
        std::cerr << fmt::format("{}: {} has no attempt {} (attempts {} to {})\n", command, path,
                                 opts.attempt, attempts.front().number, attempts.back().number);
        exit_code = kExitInvalid;
        return;
      }
    }
    if (chosen->log.empty() && run->workflow_text.empty()) {  // A library's callable.
      std::cerr << fmt::format("{}: attempt {} of {} logged nothing{}\n", command, chosen->number,
                               path,
                               chosen->error.empty() ? "" : ": " + report::one_line(chosen->error));
      return;
    }
    if (chosen->log.empty()) {  // It failed before a process started: a template, a cwd.
      std::cerr << fmt::format("{}: attempt {} of {} started no process, so it has no log{}\n",
                               command, chosen->number, path,
                               chosen->error.empty() ? "" : ": " + report::one_line(chosen->error));
      exit_code = kExitInvalid;
      return;
    }
    std::ifstream in(chosen->log, std::ios::binary);
    if (!in) {
      std::error_code ec;
      if (!std::filesystem::exists(chosen->log, ec) && !ec && chosen->pid == 0) {
        // A callable that never called log(): nothing was written.
        std::cerr << fmt::format("{}: attempt {} of {} logged nothing\n", command, chosen->number,
                                 path);
        return;
      }
      std::cerr << fmt::format("{}: cannot read {}\n", command, chosen->log);
      exit_code = kExitFailed;
      return;
    }
    std::cout << in.rdbuf();
    if (chosen->pid == 0 && !chosen->error.empty()) {
      std::cerr << fmt::format("{}: attempt {} of {} started no process: {}\n", command,
                               chosen->number, path, report::one_line(chosen->error));
    }
    return;
  }
  // A task of the workflow that never started was never recorded: it is pending, not unknown.
  if (auto workflow = load::load_workflow_text(run->workflow_text, run->file); workflow.workflow) {
    for (const auto& node : workflow.workflow->nodes) {
      if (node.path != path || node.parent == model::kNoNode) continue;
      auto instances = instances_of(path, known);
      if (node.is_group()) {
        std::cerr << fmt::format("{}: {} is a group: logs are its tasks'\n", command, path);
      } else if (node.foreach || !instances.empty()) {
        // A fan-out, or a task inside a fanned-out group: it runs as instances, `shards[0]`.
        std::cerr << fmt::format("{}: {} runs as fan-out instances: logs are theirs ({})\n",
                                 command, path,
                                 instances.empty() ? std::string("none recorded yet")
                                                   : fmt::format("{}", fmt::join(instances, ", ")));
      } else {
        std::cerr << fmt::format("{}: {} has no attempts in run {} (pending: it never started)\n",
                                 command, path, run->id);
      }
      exit_code = kExitInvalid;
      return;
    }
    // A fan-out instance's task that never started (`regions[1].deploy`).
    auto pending = unrecorded_leaves(*workflow.workflow, known);
    if (std::find(pending.begin(), pending.end(), path) != pending.end()) {
      std::cerr << fmt::format("{}: {} has no attempts in run {} (pending: it never started)\n",
                               command, path, run->id);
      exit_code = kExitInvalid;
      return;
    }
  }
  std::cerr << fmt::format("{}: run {} has no task '{}'", command, run->id, path);
  if (!known.empty() && known.size() <= 10) {
    std::cerr << fmt::format("; its tasks: {}", fmt::join(known, ", "));
  } else if (!known.empty()) {  // Too many to list: the nearest names.
    std::vector<std::string_view> names(known.begin(), known.end());
    std::cerr << " (" << load::did_you_mean_nearest(path, names) << ")";
  }
  std::cerr << '\n';
  exit_code = kExitInvalid;
}

}  // namespace

void add_logs_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<LogsOptions>();
  auto state = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("logs", "Print what a task's attempt wrote (stdout and stderr)");
  cmd->add_option("RUN", opts->run, "A run id, or `last`")->required();
  cmd->add_option("PATH", opts->path, "The task's path, e.g. build.compile or shards[2]")
      ->required();
  cmd->add_option("-a,--attempt", opts->attempt, "Which attempt, 1 or more (default: the last)")
      ->check(CLI::Validator(
          [](const std::string& text) {
            int n = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            bool ok = ec == std::errc() && end == text.data() + text.size() && n >= 1;
            return ok ? std::string() : "an attempt number is 1 or more, got '" + text + "'";
          },
          "N>=1"));
  cmd->add_flag("--compensation", opts->compensation,
                "The task's compensation attempts instead of its own");
  cmd->add_option("--state", *state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->footer("\nExamples:\n  baton logs last deploy\n  baton logs last test --attempt 1");
  cmd->callback([opts, state, &exit_code] { execute(*opts, *state, exit_code); });
}

}  // namespace baton::cli
