// `baton status [RUN]`: a recorded run's task tree with states, attempts and durations, like a
// to-do list (SPEC 5). Works on a run in progress (another baton writes the store meanwhile) and
// on one that crashed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <unordered_map>

#include "cli/commands.hpp"
#include "cli/store_input.hpp"
#include "cli/terminal.hpp"
#include "cli/workflow_input.hpp"
#include "report/group_state.hpp"
#include "report/terminal_text.hpp"

namespace baton::cli {
namespace {

struct StatusOptions {
  std::string run = "last";
  std::string state;
};

using Records = std::map<std::string, store::TaskRecord>;

bool is_failure(const store::TaskRow& row) {
  return (row.state == "failed" && !row.failure_ignored) || row.state == "compensation_failed";
}

bool is_active(const std::string& state) {
  return state == "running" || state == "retrying" || state == "waiting" || state == "ready" ||
         state == "compensating";
}

bool is_done(const std::string& state) {
  return state == "succeeded" || state == "compensated" || state == "skipped" ||
         state == "failed";  // An ignored failure; real ones are caught first.
}

// The box of a to-do line for tasks in these states: [x] done, [!] failed, [~] in progress,
// [-] skipped or cancelled, [ ] not started.
std::string mark(const std::vector<const store::TaskRow*>& rows, const Style& style) {
  bool all_done = !rows.empty(), all_skipped = !rows.empty(), any_active = false;
  for (const auto* row : rows) {
    if (is_failure(*row)) return style.red("[!]");
    any_active = any_active || is_active(row->state);
    all_done = all_done && is_done(row->state);
    all_skipped = all_skipped && (row->state == "skipped" || row->state == "cancelled");
  }
  if (any_active) return style.yellow("[~]");
  if (all_skipped) return style.dim("[-]");
  if (all_done) return style.green("[x]");
  return "[ ]";
}

std::string seconds(store::Millis from, store::Millis to) {
  return fmt::format("{:.2f}s", static_cast<double>(to - from) / 1000.0);
}

std::string detail(const store::TaskRecord& task) {
  std::string out = task.row.reason;
  if (!task.attempts.empty()) {
    const auto& last = task.attempts.back();
    std::string took = last.end ? seconds(last.start, last.end) : "running";
    if (task.attempts.size() > 1) took = fmt::format("attempt {}, {}", last.number, took);
    out = out.empty() ? took : out + " — " + took;
  }
  return out;
}

std::string state_text(const store::TaskRow& row) {
  return row.state == "failed" && row.failure_ignored ? "failed (ignored)" : row.state;
}

// The number after `prefix` in `shards[12].x`: which instance a path belongs to.
long instance_index(const std::string& path, std::size_t prefix) {
  return std::strtol(path.c_str() + prefix, nullptr, 10);
}

// The item of the fan-out instance that a task the run never recorded is in, for its label as
// recorded tasks have theirs: a recorded task of the same instance says it, else the fan-out's
// static list. Empty outside a fan-out.
std::string instance_item(const std::string& path, const Records& records,
                          const std::unordered_map<std::string, const model::Node*>& nodes) {
  auto close = path.rfind(']');
  if (close == std::string::npos) return {};
  const std::string instance = path.substr(0, close + 1);  // `regions[1]`
  for (auto it = records.lower_bound(instance);
       it != records.end() && it->first.starts_with(instance); ++it) {
    if (!it->second.row.item.empty()) return it->second.row.item;
  }
  auto open = path.rfind('[', close);
  auto node = nodes.find(without_indices(std::string_view(path).substr(0, open)));  // `a[0].b`: a.b
  if (node == nodes.end() || !node->second->foreach) return {};
  auto index = static_cast<std::size_t>(std::strtoul(path.c_str() + open + 1, nullptr, 10));
  const auto& items = node->second->foreach->items;
  return index < items.size() ? items[index] : std::string();
}

class TreePrinter {
 public:
  /// `order`: each recorded path's rank in the order it was first recorded; `run_live`: the
  /// run is still going (its groups' states depend on it, SPEC 2.4).
  TreePrinter(const Records& records, const std::map<std::string, std::size_t>& order,
              const Style& style, bool run_live)
      : records_(records), order_(order), style_(style), run_live_(run_live) {}

  void leaf(const std::string& label, const std::string& path, int indent) {
    auto it = records_.find(path);
    if (it == records_.end()) {
      line(indent, "[ ]", label, "pending", "");
      return;
    }
    // A leaf's box says how its own step went, as the report's does: an ignored failure is a
    // failure there, though its group counts it done.
    const auto& row = it->second.row;
    line(indent, row.state == "failed" ? style_.red("[!]") : mark({&row}, style_), label,
         state_text(row), detail(it->second));
  }

  /// A group or a fan-out: one line for all the tasks recorded under `prefix`, with the state
  /// SPEC 2.4 derives from theirs.
  void heading(const std::string& label, const std::string& prefix, int indent) {
    std::vector<const store::TaskRow*> rows;
    for (auto it = records_.lower_bound(prefix);
         it != records_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      rows.push_back(&it->second.row);
    }
    line(indent, mark(rows, style_), label, report::group_state(rows, run_live_), "",
         /*bold=*/true);
  }

  /// The instances of a fan-out, as recorded, named from `base` on: `shards[0] (a)`,
  /// `region[1].deploy`.
  void instances(const std::string& prefix, std::size_t base, int indent) {
    std::vector<const std::string*> paths;
    for (auto it = records_.lower_bound(prefix);
         it != records_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      paths.push_back(&it->first);
    }
    // shards[2] before shards[10]; an instance's tasks in the order they were first recorded.
    std::sort(paths.begin(), paths.end(), [&](const std::string* a, const std::string* b) {
      auto ia = instance_index(*a, prefix.size()), ib = instance_index(*b, prefix.size());
      return ia != ib ? ia < ib : order_.at(*a) < order_.at(*b);
    });
    for (const std::string* path : paths) {
      std::string label = path->substr(base);
      const auto& row = records_.at(*path).row;
      if (!row.item.empty()) label += " (" + row.item + ")";
      leaf(label, *path, indent);
    }
  }

 private:
  // Padded by what shows, not by bytes: the bold codes of a heading and the bytes of a
  // non-ASCII item take no column.
  // Items and reasons come from tasks: on one line, with no control reaching the terminal.
  void line(int indent, const std::string& box, const std::string& label, const std::string& state,
            const std::string& raw_more, bool bold = false) {
    std::string head =
        std::string(static_cast<std::size_t>(indent) * 4, ' ') + report::one_line(label);
    std::string more = report::one_line(raw_more);
    std::size_t columns = 0;
    for (char c : head) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    std::string padding(columns < kLabelColumns ? kLabelColumns - columns : 0, ' ');
    std::cout << fmt::format("{} {}{} {:<19} {}\n", box, bold ? style_.bold(head) : head, padding,
                             state, more);
  }
  static constexpr std::size_t kLabelColumns = 40;
  const Records& records_;
  const std::map<std::string, std::size_t>& order_;
  const Style& style_;
  bool run_live_;
};

void execute(const StatusOptions& opts, int& exit_code) {
  const std::string command = "baton status";
  auto store = open_store_or_report(command, opts.state, exit_code);
  if (!store) return;
  auto run = find_run_or_report(command, *store, opts.run, exit_code);
  if (!run) return;
  Records records;
  std::map<std::string, std::size_t> order;
  for (auto& task : store->tasks(run->id)) {
    order.emplace(task.row.path, order.size());
    records.emplace(task.row.path, std::move(task));
  }
  Style style(stdout);
  std::cout << fmt::format("{} {} — {} — {} (started {}, {})\n", style.bold("Run"), run->id,
                           report::one_line(run->workflow), display_status(*run),
                           local_date_time(run->started), run_duration(*run, *store));
  // A run of the C++ library records no workflow text: its recorded tasks are all there is.
  int ignored = 0;
  auto workflow = run->workflow_text.empty()
                      ? std::nullopt
                      : load_text_or_report(run->workflow_text, run->file, ignored);
  if (workflow) {
    // The tasks it never recorded are pending (SPEC 2.4): listed, and counted in their groups'
    // states, so that no group looks done before its last task.
    std::vector<std::string> recorded;
    for (const auto& [path, record] : records) recorded.push_back(path);
    std::unordered_map<std::string, const model::Node*> nodes;
    for (const auto& node : workflow->nodes) nodes.emplace(node.path, &node);
    for (auto& path : unrecorded_leaves(*workflow, std::move(recorded))) {
      store::TaskRecord pending;
      pending.row.path = path;
      pending.row.state = "pending";
      pending.row.item = instance_item(path, records, nodes);
      order.emplace(path, order.size());
      records.emplace(std::move(path), std::move(pending));
    }
  }
  TreePrinter tree(records, order, style, display_status(*run) == "running");
  if (!workflow) {  // In the order the run recorded them.
    std::vector<std::pair<std::size_t, std::string>> paths;
    for (const auto& [path, index] : order) paths.emplace_back(index, path);
    std::sort(paths.begin(), paths.end());
    for (const auto& [index, path] : paths) tree.leaf(path, path, 0);
    return;
  }
  // The workflow's own tree, in file order; a fan-out lists the instances that were recorded.
  const auto& nodes = workflow->nodes;
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    const auto& node = nodes[i];
    int indent = node.depth - 1;
    if (node.foreach) {
      const std::string prefix = node.path + "[";
      auto first = records.lower_bound(prefix);
      bool has_instances = first != records.end() && first->first.starts_with(prefix);
      if (!has_instances && records.count(node.path)) {
        // A dynamic fan-out that failed or was skipped before it had items: one line.
        tree.leaf(node.id, node.path, indent);
      } else {
        tree.heading(node.id, prefix, indent);
        tree.instances(prefix, node.path.size() - node.id.size(), indent + 1);
      }
      // Skip the model's subtree: its instances stand for it.
      std::size_t end = i + 1;
      while (end < nodes.size() && nodes[end].depth > node.depth) ++end;
      i = end - 1;
    } else if (node.is_group()) {
      tree.heading(node.id, node.path + ".", indent);
    } else {
      tree.leaf(node.id, node.path, indent);
    }
  }
  for (const auto& b : store->breakers(run->id)) {
    std::cout << fmt::format("breaker {}: {} -> {} at {} ({})\n", b.breaker, b.from, b.to,
                             local_date_time(b.at), b.why);
  }
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<StatusOptions>();
  auto* cmd =
      app.add_subcommand("status", "Show a run's tasks with their states, like a to-do list");
  cmd->add_option("RUN", opts->run, "A run id, or `last` (the default)");
  cmd->add_option("--state", opts->state, "State folder (default: $BATON_STATE, else ./.baton)");
  cmd->footer(
      "\n[x] done  [!] failed  [~] in progress  [-] skipped or cancelled  [ ] not started\n"
      "Examples:\n  baton status\n  baton status 20261125-210501-3fa2");
  cmd->callback([opts, &exit_code] { execute(*opts, exit_code); });
}

}  // namespace baton::cli
