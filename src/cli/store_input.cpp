#include "cli/store_input.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "analyze/history.hpp"
#include "analyze/leaf_graph.hpp"
#include "cli/commands.hpp"
#include "cli/run_session.hpp"
#include "cli/run_setup.hpp"
#include "exec/process_identity.hpp"

namespace baton::cli {

bool store_exists(const std::string& state_option) {
  std::error_code ec;
  return std::filesystem::exists(state_dir(state_option) / "baton.db", ec);
}

std::unique_ptr<store::Store> open_store_or_report(const std::string& command,
                                                   const std::string& state_option, int& exit_code,
                                                   store::Durability durability) {
  auto state = state_dir(state_option);
  if (!store_exists(state_option)) {
    std::cerr << fmt::format("{}: no runs recorded yet in this state folder (see --state)\n",
                             command);
    exit_code = kExitInvalid;
    return nullptr;
  }
  auto opened = store::open_sqlite_store(state.string(), durability);
  if (!opened) {
    std::cerr << command << ": " << opened.error().message << '\n';
    exit_code = kExitFailed;
    return nullptr;
  }
  return std::move(*opened);
}

std::optional<store::RunRow> find_run_or_report(const std::string& command, store::Store& store,
                                                const std::string& id, int& exit_code) {
  if (auto run = store.find_run(id)) {
    if (!recover_if_dead(command, store, *run, exit_code)) return std::nullopt;
    return run;
  }
  if (id == "last") {
    std::cerr << fmt::format("{}: no runs recorded yet in this state folder (see --state)\n",
                             command);
  } else {
    std::cerr << fmt::format("{}: no run '{}' in this state folder; `baton runs` lists them\n",
                             command, id);
  }
  exit_code = kExitInvalid;
  return std::nullopt;
}

bool recover_if_dead(const std::string& command, store::Store& store, const store::RunRow& run,
                     int& exit_code) {
  if (run_process_alive(run)) return true;
  try {
    store.recover(run.id);
    return true;
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("{}: {}\n", command, e.what());
    exit_code = kExitFailed;
    return false;
  }
}

bool run_process_alive(const store::RunRow& run) {
  if (run.pid <= 0) return false;
  auto me = exec::this_process();
  if (!run.host.empty() && run.host != me.host) return false;  // Another machine: cannot tell.
  if (::kill(static_cast<pid_t>(run.pid), 0) != 0 && errno != EPERM) return false;
  // The pid may have been reused since: compare start times.
  return run.pid_start == 0 || exec::start_ticks_of(run.pid) == run.pid_start;
}

int apply_store_history(model::Workflow& workflow, store::Store& store, store::Millis before) {
  std::vector<std::pair<std::string, Duration>> recorded;
  for (const auto& [path, ms] : store.typical_durations(workflow.name, before)) {
    recorded.emplace_back(path, Duration(ms));
  }
  return analyze::apply_history(workflow, recorded);
}

int apply_folder_history(model::Workflow& workflow, const std::filesystem::path& state) {
  std::error_code ec;
  if (!std::filesystem::exists(state / "baton.db", ec)) return 0;
  auto store = store::open_sqlite_store(state.string());
  if (!store) return 0;
  return apply_store_history(workflow, **store);
}

std::string without_indices(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    std::size_t close = path[i] == '[' ? path.find(']', i) : std::string_view::npos;
    if (close != std::string_view::npos && close > i + 1 &&
        path.find_first_not_of("0123456789", i + 1) == close) {
      i = close;  // An index: dropped.
      continue;
    }
    out += path[i];
  }
  return out;
}

std::string display_status(const store::RunRow& run) {
  if (run.status == "running" && !run_process_alive(run)) return "interrupted";
  return run.status;
}

std::string local_date_time(store::Millis ms) {
  auto t = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(t));
}

std::string run_duration(const store::RunRow& run, store::Store& store) {
  store::Millis end = run.ended;
  if (end == 0 && display_status(run) == "interrupted") {
    end = run.started;
    for (const auto& task : store.tasks(run.id)) {
      for (const auto& attempt : task.attempts) end = std::max({end, attempt.start, attempt.end});
    }
  } else if (end == 0) {
    end = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
  }
  double seconds = static_cast<double>(end - run.started) / 1000.0;
  if (seconds < 60) return fmt::format("{:.2f}s", seconds);
  auto whole = static_cast<long long>(seconds);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, whole / 60 % 60);
}

std::vector<std::string> unrecorded_leaves(const model::Workflow& workflow,
                                           std::vector<std::string> recorded) {
  std::sort(recorded.begin(), recorded.end());
  const auto has = [&](const std::string& path) {
    return std::binary_search(recorded.begin(), recorded.end(), path);
  };
  const auto has_prefix = [&](const std::string& prefix) {
    auto it = std::lower_bound(recorded.begin(), recorded.end(), prefix);
    return it != recorded.end() && it->starts_with(prefix);
  };
  std::vector<std::string> out;
  for (const auto& leaf : analyze::build_leaf_graph(workflow).leaves) {
    auto star = leaf.path.find("[*]");
    if (star == std::string::npos) {
      if (!has(leaf.path)) out.push_back(leaf.path);
      continue;
    }
    if (leaf.path.find("[*]", star + 3) != std::string::npos) continue;  // Nested: unknown.
    // A dynamic fan-out's instances are those the run recorded a task of: `fan[2].x` says
    // `fan[2]` exists, and so does its task `fan[2].y`.
    const std::string fanout = leaf.path.substr(0, star);
    const std::string suffix = leaf.path.substr(star + 3);
    for (long index = 0;; ++index) {
      const std::string instance = fanout + "[" + std::to_string(index) + "]";
      if (!has_prefix(instance)) break;
      if (!has(instance + suffix)) out.push_back(instance + suffix);
    }
  }
  return out;
}

}  // namespace baton::cli
