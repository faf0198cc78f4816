#include "cli/run_setup.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <iostream>
#include <optional>
#include <random>

#include "analyze/plan.hpp"
#include "cli/commands.hpp"
#include "cli/tty_progress_format.hpp"
#include "engine/executor.hpp"
#include "engine/scheduler.hpp"
#include "load/inherit.hpp"
#include "model/duration.hpp"
#include "model/enums.hpp"
#include "model/templates.hpp"
#include "model/utf8.hpp"
#include "report/run_report.hpp"
#include "store/run_id.hpp"

namespace baton::cli {
namespace {

// An executor that starts nothing: every attempt "succeeds" at once, in the order the scheduler
// chose, which is what --dry-run prints.
class DryRunExecutor : public engine::Executor {
 public:
  std::int64_t start(const engine::LaunchSpec& spec) override {
    engine::AttemptExited exited;
    exited.id = spec.id;
    exited.exit_code = 0;
    done_.push_back(exited);
    return 0;
  }
  void terminate(std::uint64_t) override {}
  void kill(std::uint64_t) override {}
  void terminate_all() override {}
  void kill_all() override {}
  void add_timer(engine::Clock::time_point, std::uint64_t) override {}
  std::size_t running() const override { return done_.size(); }
  std::vector<engine::Event> wait(std::optional<engine::Clock::time_point>) override {
    std::vector<engine::Event> events(done_.begin(), done_.end());
    done_.clear();
    return events;
  }

 private:
  std::deque<engine::AttemptExited> done_;
};

// A workflow-level value may hold only ${{ run.id }}: no task's outputs and no item exist at
// that level, as the loader says of the file's own `env:`.
std::optional<std::string> workflow_level_template_problem(std::string_view value) {
  auto scan = model::scan_templates(value);
  if (!scan.error.empty()) return scan.error;
  for (const auto& expr : scan.exprs) {
    if (model::classify_template(expr.text, "item").kind == model::TemplateKind::kRunId) continue;
    return fmt::format(
        "'${{{{ {} }}}}' can only be used in a task or group, not at the workflow "
        "level (only ${{{{ run.id }}}} can)",
        expr.text);
  }
  return std::nullopt;
}

}  // namespace

std::string apply_overrides(model::Workflow& workflow, const std::vector<std::string>& overrides) {
  for (const auto& entry : overrides) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fmt::format("--set expects KEY=VALUE, got '{}'", entry);
    }
    std::string key = entry.substr(0, eq), value = entry.substr(eq + 1);
    // As a workflow file must be (YAML is UTF-8): the value reaches the store and JSON reports.
    if (!model::is_utf8(entry)) {
      return fmt::format("--set {}: the value is not UTF-8 text",
                         model::is_utf8(key) ? key : "KEY");
    }
    if (key == "concurrency") {
      int n = std::atoi(value.c_str());
      if (n < 1 || std::to_string(n) != value) {
        return fmt::format("--set concurrency expects an integer >= 1, got '{}'", value);
      }
      workflow.concurrency = n;
    } else if (key == "failure_mode") {
      auto mode = model::parse_enum<FailureMode>(value);
      if (!mode)
        return fmt::format("--set failure_mode expects continue, stop or cancel, got '{}'", value);
      workflow.failure_mode = *mode;
    } else if (key == "name") {
      if (value.empty()) return "--set name is empty: expected a name such as 'name=release'";
      workflow.name = value;
    } else if (key == "description") {
      workflow.description = value;
    } else if (key.rfind("env.", 0) == 0 && key.size() > 4) {
      if (auto problem = workflow_level_template_problem(value)) {
        return fmt::format("--set {}: {}", key, *problem);
      }
      // Workflow-level env, under every nearer setting: inheritance is derived again.
      workflow.nodes[model::kRoot].own_settings().env[key.substr(4)] = value;
      load::apply_inheritance(workflow);
    } else {
      return fmt::format(
          "--set cannot override '{}' (try concurrency, failure_mode, name, "
          "description or env.NAME)",
          key);
    }
  }
  return {};
}

std::filesystem::path state_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("BATON_STATE"); env && *env) return env;
  return ".baton";
}

std::string state_flag(const std::string& option) {
  auto dir = state_dir(option);
  if (dir == ".baton") return {};
  return report::state_flag(dir);
}

void add_session_options(CLI::App& cmd, std::string& progress, bool& quiet,
                         std::string& durability) {
  cmd.add_option("--progress", progress, "Progress on stderr")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json", "none"}));
  cmd.add_flag("-q,--quiet", quiet, "Do not print the report on stdout (progress stays on stderr)");
  cmd.add_option("--durability", durability,
                 "normal: commit once per scheduler turn; full: also fsync every commit")
      ->check(CLI::IsMember({"normal", "full"}));
}

store::Durability durability_of(const std::string& option) {
  return option == "full" ? store::Durability::kFull : store::Durability::kNormal;
}

int analyze_default_jobs(const model::Workflow& workflow) {
  return analyze::default_jobs(workflow);
}

namespace {

// A dynamic fan-out's items are known only at run time: a dry run stands one instance for them,
// shown as `ID[*]`, as `baton plan` shows it. Sets `any_dynamic` when it does.
std::string dry_run_path(const engine::RunGraph& graph, const engine::Unit& leaf,
                         bool& any_dynamic) {
  std::string path = leaf.path;
  bool dynamic = false;
  for (const engine::Unit* u = &leaf; u->parent != engine::kNoUnit; u = &graph.unit(u->parent)) {
    const auto& parent = graph.unit(u->parent);
    const auto& fanout = graph.node_of(u->parent).foreach;
    if (parent.kind == engine::UnitKind::kFanout && fanout && fanout->is_dynamic()) {
      path = parent.path + "[*]" + path.substr(u->path.size());
      dynamic = true;
    }
  }
  any_dynamic = any_dynamic || dynamic;
  return dynamic ? path : shown_path(leaf);
}

}  // namespace

int dry_run(const model::Workflow& workflow, engine::RunOptions options) {
  std::error_code ec;
  auto scratch = std::filesystem::temp_directory_path() / ("baton-dry-run-" + store::new_run_id());
  options.run_id = "dry-run";
  options.run_dir = scratch;
  options.dry_run = true;
  int step = 0;
  bool dynamic = false;
  options.on_event = [&step, &dynamic](const engine::RunEvent& event) {
    if (event.kind == engine::RunEventKind::kTaskStarted) {
      fmt::print("{:>4}. {}\n", ++step, dry_run_path(*event.graph, *event.unit, dynamic));
    }
  };
  DryRunExecutor executor;
  engine::Scheduler scheduler(workflow, executor, options);
  scheduler.run();
  std::filesystem::remove_all(scratch, ec);
  fmt::print("{} task{} would run{} (--dry-run: nothing was started)\n", step, step == 1 ? "" : "s",
             dynamic ? ", a [*] one once per item of a fan-out known only at run time" : "");
  return kExitOk;
}

}  // namespace baton::cli
