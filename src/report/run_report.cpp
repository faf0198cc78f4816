#include "report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "analyze/history.hpp"
#include "load/load.hpp"
#include "model/enums.hpp"

namespace baton::report {
namespace {

using analyze::Vertex;

// The recorded tasks by path, each taken at most once by the leaf it stands for.
class Recorded {
 public:
  // A sorted array of views rather than a map: 10,000 paths are sorted in a fraction of the
  // time that copying each into a tree node took, and a fan-out's instances stay one range.
  explicit Recorded(std::vector<store::TaskRecord> tasks) : tasks_(std::move(tasks)) {
    taken_.assign(tasks_.size(), 0);
    by_path_.reserve(tasks_.size());
    for (std::size_t i = 0; i < tasks_.size(); ++i) by_path_.emplace_back(tasks_[i].row.path, i);
    std::sort(by_path_.begin(), by_path_.end());
    // As the map this was: the first record of a path stands for it.
    by_path_.erase(std::unique(by_path_.begin(), by_path_.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   by_path_.end());
  }

  /// The record of `path` if it exists and was not taken yet; takes it.
  store::TaskRecord* take(std::string_view path) {
    auto it = lower_bound(path);
    if (it == by_path_.end() || it->first != path || taken_[it->second]) return nullptr;
    taken_[it->second] = 1;
    return &tasks_[it->second];
  }
  /// The recorded instances `PREFIX N] SUFFIX` of a dynamic fan-out, in item order.
  std::vector<std::string> instances(const std::string& prefix, const std::string& suffix) const {
    std::vector<std::pair<long, std::string>> found;
    for (auto it = lower_bound(prefix); it != by_path_.end() && it->first.starts_with(prefix);
         ++it) {
      const std::string& path = tasks_[it->second].row.path;
      char* end = nullptr;
      long index = std::strtol(path.c_str() + prefix.size(), &end, 10);
      if (end == path.c_str() + prefix.size() || *end != ']') continue;
      if (std::string_view(end + 1) != suffix) continue;
      found.emplace_back(index, path);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> paths;
    for (auto& [index, path] : found) paths.push_back(std::move(path));
    return paths;
  }

  /// What no leaf of the workflow stood for, in the order it was recorded.
  std::vector<store::TaskRecord*> untaken() {
    std::vector<store::TaskRecord*> out;
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
      if (!taken_[i]) out.push_back(&tasks_[i]);
    }
    return out;
  }

 private:
  using Entry = std::pair<std::string_view, std::size_t>;  // A path, its record's index.

  std::vector<Entry>::const_iterator lower_bound(std::string_view path) const {
    return std::lower_bound(by_path_.begin(), by_path_.end(), path,
                            [](const Entry& entry, std::string_view p) { return entry.first < p; });
  }

  std::vector<store::TaskRecord> tasks_;
  std::vector<char> taken_;
  std::vector<Entry> by_path_;  ///< Sorted by path; views of tasks_' paths.
};

void fill_from_record(Task& task, store::TaskRecord&& record) {
  task.recorded = true;
  task.state = record.row.state;
  task.reason = record.row.reason;
  task.failure_ignored = record.row.failure_ignored;
  task.skipped_upstream_failed = record.row.skipped_upstream_failed;
  task.item = record.row.item;
  task.item_index = record.row.item_index;
  task.attempts = std::move(record.attempts);
  task.compensations = std::move(record.compensations);
  task.waits = std::move(record.waits);
  task.outputs = std::move(record.outputs);
}

void fill_from_node(Task& task, const model::Workflow& workflow, model::NodeIndex index) {
  const model::Node& node = workflow.node(index);
  task.node = index;
  task.name = node.name.empty() ? node.id : node.name;
  task.level = std::string(model::to_string(node.level));
  task.domain = node.domain;
  task.gate = node.is_leaf() && node.action == model::ActionKind::kApproval;
}

// The dynamic fan-out a placeholder leaf `x[*]…` belongs to: its nearest dynamic ancestor.
model::NodeIndex dynamic_fanout_of(const model::Workflow& workflow, model::NodeIndex node) {
  for (auto n = node; n != model::kNoNode; n = workflow.node(n).parent) {
    const auto& fe = workflow.node(n).foreach;
    if (fe && fe->is_dynamic()) return n;
  }
  return node;
}

// Builds the task list from the plan's leaves, each static leaf once and each dynamic
// placeholder (`process[*]`) as the instances the run recorded for it.
class TaskListBuilder {
 public:
  TaskListBuilder(RunReport& report, Recorded& recorded)
      : report_(report), wf_(*report.workflow), graph_(report.plan->graph), recorded_(recorded) {}

  void build() {
    tasks_of_.resize(graph_.leaves.size());
    report_.tasks.reserve(graph_.leaves.size());  // A Task is large to move.
    vertex_of_.reserve(graph_.leaves.size());
    for (Vertex v = 0; v < graph_.leaves.size(); ++v) add_leaf(v);
    for (Vertex v = 0; v < graph_.leaves.size(); ++v) {
      for (std::size_t t : tasks_of_[v]) link(t, v);
    }
  }

  /// The vertex each task stands for (for stages).
  const std::vector<Vertex>& vertex_of() const { return vertex_of_; }

 private:
  void add_leaf(Vertex v) {
    const auto& leaf = graph_.leaves[v];
    auto star = leaf.path.find("[*]");
    if (star == std::string::npos) {
      Task& task = add(v, leaf.path, leaf.node);
      if (auto* record = recorded_.take(leaf.path)) fill_from_record(task, std::move(*record));
      return;
    }
    std::string fanout_path = leaf.path.substr(0, star);
    if (!fanouts_done_.insert(fanout_path).second) return;  // Its first leaf took them all.
    // Every recorded instance of the fan-out, instance by instance (each one's leaves in file
    // order), as `baton status` lists them.
    std::string prefix = fanout_path + "[*]";
    std::vector<std::tuple<long, Vertex, std::string>> found;
    for (Vertex w = v; w < graph_.leaves.size(); ++w) {
      const std::string& path = graph_.leaves[w].path;
      if (path.compare(0, prefix.size(), prefix) != 0) break;  // A fan-out's leaves are adjacent.
      for (auto& instance : recorded_.instances(fanout_path + "[", path.substr(prefix.size()))) {
        long index = std::strtol(instance.c_str() + fanout_path.size() + 1, nullptr, 10);
        found.emplace_back(index, w, std::move(instance));
      }
    }
    std::sort(found.begin(), found.end());
    for (auto& [index, w, path] : found) {
      Task& task = add(w, path, graph_.leaves[w].node);
      fill_from_record(task, std::move(*recorded_.take(path)));
    }
    if (!found.empty()) {
      // A row of the fan-out itself is from a session in which it never had items (it failed or
      // was skipped, then the run was resumed): its instances stand for it now.
      recorded_.take(fanout_path);
      return;
    }
    // No instance: the fan-out itself may have failed (its items were missing or too many),
    // which stands for all its leaves once.
    if (auto* record = recorded_.take(fanout_path)) {
      Task& task = add(v, fanout_path, dynamic_fanout_of(wf_, leaf.node));
      fill_from_record(task, std::move(*record));
      for (Vertex w = v + 1; w < graph_.leaves.size(); ++w) {  // Dependents of any of its leaves.
        if (graph_.leaves[w].path.compare(0, prefix.size(), prefix) != 0) break;
        tasks_of_[w].push_back(report_.tasks.size() - 1);
      }
      return;
    }
    for (Vertex w = v; w < graph_.leaves.size(); ++w) {
      const std::string& path = graph_.leaves[w].path;
      if (path.compare(0, prefix.size(), prefix) != 0) break;
      Task& task = add(w, path, graph_.leaves[w].node);
      if (report_.run.status == "succeeded") {  // It ended without a failure: no items came.
        task.state = "skipped";
        task.reason = "no items to fan out over";
      }
    }
  }

  Task& add(Vertex v, const std::string& path, model::NodeIndex node) {
    tasks_of_[v].push_back(report_.tasks.size());
    vertex_of_.push_back(v);
    Task& task = report_.tasks.emplace_back();
    task.path = path;
    fill_from_node(task, wf_, node);
    return task;
  }

  // The index of instance `path` within the dynamic fan-out whose leaves read `prefix[*]…`.
  static long instance_number(const std::string& path, std::size_t prefix) {
    return path.size() > prefix + 1 && path[prefix] == '['
               ? std::strtol(path.c_str() + prefix + 1, nullptr, 10)
               : -1;
  }

  // Task t's dependencies: the tasks of its leaf's predecessors. Inside one dynamic fan-out
  // instance a reference to a sibling means that instance's copy (as the engine wires it).
  void link(std::size_t t, Vertex v) {
    const std::string& own = graph_.leaves[v].path;
    auto own_star = own.find("[*]");
    std::vector<std::string>& deps = report_.tasks[t].dependencies;
    for (Vertex p : graph_.dag.predecessors(v)) {
      const std::string& up = graph_.leaves[p].path;
      auto up_star = up.find("[*]");
      bool same_instance = own_star != std::string::npos && up_star == own_star &&
                           own.compare(0, own_star, up, 0, up_star) == 0;
      long mine = same_instance ? instance_number(report_.tasks[t].path, own_star) : -1;
      for (std::size_t u : tasks_of_[p]) {
        if (u == t) continue;  // A failed fan-out standing for all its leaves.
        const std::string& path = report_.tasks[u].path;
        if (same_instance && instance_number(path, up_star) != mine) continue;
        if (std::find(deps.begin(), deps.end(), path) == deps.end()) deps.push_back(path);
      }
    }
  }

  RunReport& report_;
  const model::Workflow& wf_;
  const analyze::LeafGraph& graph_;
  Recorded& recorded_;
  std::vector<std::vector<std::size_t>> tasks_of_;
  std::vector<Vertex> vertex_of_;
  std::unordered_set<std::string> fanouts_done_;
};

model::NodeIndex top_level_of(const model::Workflow& workflow, model::NodeIndex node) {
  while (node != model::kNoNode && workflow.node(node).parent != model::kRoot) {
    node = workflow.node(node).parent;
  }
  return node;
}

// "notify_customer", "a and b", "a, b and c", "a, b and 3 more".
std::string names_title(const std::vector<std::string>& names) {
  if (names.size() == 1) return names[0];
  if (names.size() <= 3) {
    std::vector<std::string> head(names.begin(), names.end() - 1);
    return fmt::format("{} and {}", fmt::join(head, ", "), names.back());
  }
  return fmt::format("{}, {} and {} more", names[0], names[1], names.size() - 2);
}

// One phase per top-level group, and one per run of top-level leaves between groups (named
// after them); returns each task's phase, SIZE_MAX for a task outside the workflow.
std::vector<std::size_t> group_phases(RunReport& report) {
  const model::Workflow& wf = *report.workflow;
  std::unordered_map<model::NodeIndex, std::size_t> phase_of_top;
  std::vector<std::vector<std::string>> loose_names;
  bool last_loose = false;
  for (model::NodeIndex top : wf.root().children) {
    const model::Node& node = wf.node(top);
    if (node.is_group() || !last_loose) {
      report.phases.push_back({node.is_group() ? node.name : std::string(), {}});
      loose_names.emplace_back();
    }
    last_loose = !node.is_group();
    if (last_loose) loose_names.back().push_back(node.name.empty() ? node.id : node.name);
    phase_of_top[top] = report.phases.size() - 1;
  }
  for (std::size_t p = 0; p < report.phases.size(); ++p) {
    if (!loose_names[p].empty()) report.phases[p].title = names_title(loose_names[p]);
  }
  std::vector<std::size_t> phase_of_task(report.tasks.size(), SIZE_MAX);
  for (std::size_t t = 0; t < report.tasks.size(); ++t) {
    auto top = top_level_of(wf, report.tasks[t].node);
    if (auto it = phase_of_top.find(top); it != phase_of_top.end()) phase_of_task[t] = it->second;
  }
  return phase_of_task;
}

// One phase per stage (a workflow without top-level groups).
std::vector<std::size_t> stage_phases(RunReport& report, const std::vector<Vertex>& vertex_of) {
  const auto& stages = report.plan->stages;
  std::vector<std::size_t> stage_of(report.plan->graph.leaves.size(), 0);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    report.phases.push_back({fmt::format("Stage {}", s + 1), {}});
    for (Vertex v : stages[s]) stage_of[v] = s;
  }
  std::vector<std::size_t> phase_of_task(report.tasks.size(), SIZE_MAX);
  for (std::size_t t = 0; t < vertex_of.size(); ++t) phase_of_task[t] = stage_of[vertex_of[t]];
  return phase_of_task;
}

void assign_phases(RunReport& report, const std::vector<Vertex>& vertex_of) {
  const model::Workflow& wf = *report.workflow;
  bool has_groups = std::any_of(wf.root().children.begin(), wf.root().children.end(),
                                [&](model::NodeIndex c) { return wf.node(c).is_group(); });
  auto phase_of_task = has_groups ? group_phases(report) : stage_phases(report, vertex_of);
  std::size_t other = SIZE_MAX;
  for (std::size_t t = 0; t < report.tasks.size(); ++t) {
    if (phase_of_task[t] == SIZE_MAX) {
      if (other == SIZE_MAX) {
        other = report.phases.size();
        report.phases.push_back({"Other recorded tasks", {}});
      }
      phase_of_task[t] = other;
    }
    report.phases[phase_of_task[t]].tasks.push_back(t);
  }
  // Drop empty phases, renumbering the tasks' references.
  std::vector<Phase> kept;
  std::vector<std::size_t> renumber(report.phases.size(), 0);
  for (std::size_t p = 0; p < report.phases.size(); ++p) {
    renumber[p] = kept.size();
    if (!report.phases[p].tasks.empty()) kept.push_back(std::move(report.phases[p]));
  }
  report.phases = std::move(kept);
  for (std::size_t t = 0; t < report.tasks.size(); ++t) {
    report.tasks[t].phase = renumber[phase_of_task[t]];
  }
}

// Group instances per level: the plan counts every node instance; its leaves are subtracted
// (the run's own leaf instances are counted from its tasks instead).
void count_groups(RunReport& report) {
  const auto& graph = report.plan->graph;
  for (int l = 0; l < 4; ++l) report.group_counts[l] = graph.level_counts[l];
  for (const auto& leaf : graph.leaves) {
    auto l = static_cast<int>(report.workflow->node(leaf.node).level);
    if (report.group_counts[l] > 0) --report.group_counts[l];
  }
}

// Without a readable workflow (never the case for a run baton started), the recorded tasks
// stand alone in one phase.
void tasks_without_workflow(RunReport& report, Recorded& recorded) {
  report.phases.push_back({"Tasks", {}});
  for (auto* record : recorded.untaken()) {
    Task& task = report.tasks.emplace_back();
    task.path = task.name = record->row.path;
    task.level = "task";
    fill_from_record(task, std::move(*record));
    report.phases[0].tasks.push_back(report.tasks.size() - 1);
  }
}

}  // namespace

std::string Task::label() const {
  if (item_index >= 0 && !item.empty() && path.find('[') != std::string::npos) {
    return fmt::format("{} ({})", path, item);
  }
  return path;
}

std::string Task::detail() const {
  bool failure = state == "failed" || state == "compensation_failed";
  const auto& tried = state == "compensation_failed" ? compensations : attempts;
  if (!failure || tried.size() < 2 || reason.find("attempt") != std::string::npos) return reason;
  // "exit 3 after 3 attempts" (SPEC 6); other reasons already say "after": "timed out after 2s".
  if (reason.rfind("exit ", 0) == 0 || reason.rfind("compensation exit ", 0) == 0) {
    return fmt::format("{} after {} attempts", reason, tried.size());
  }
  return fmt::format("{}; {} attempts", reason, tried.size());
}

std::string Task::state_text() const {
  return state == "failed" && failure_ignored ? "failed (ignored)" : state;
}

std::string Task::compensation_state() const {
  if (compensations.empty()) return "";
  if (state == "compensating" || state == "compensated" || state == "compensation_failed") {
    return state;
  }
  const auto& last = compensations.back();
  bool undone = last.end > 0 && last.exit_code == 0 && last.signal == 0 && !last.timed_out &&
                last.error.empty();
  return undone ? "compensated" : "compensation_failed";
}

std::string Task::compensation_reason() const {
  std::string outcome = compensation_state();
  if (outcome != "compensation_failed") return "";
  if (outcome == state) return detail();
  const auto& last = compensations.back();
  if (!last.error.empty()) return "compensation: " + last.error;
  if (last.timed_out) return "compensation timed out";
  if (last.signal != 0) return fmt::format("compensation killed by signal {}", last.signal);
  return fmt::format("compensation exit {}", last.exit_code);
}

bool Task::completed() const {
  return state == "succeeded" || state == "compensating" || state == "compensated" ||
         state == "compensation_failed";
}

Millis RunReport::end_time() const {
  if (run.ended > 0) return run.ended;
  Millis last = run.started;
  if (run.status == "running" && !interrupted) last = std::max(last, now);
  for (const auto& task : tasks) {
    for (const auto* attempts : {&task.attempts, &task.compensations, &task.waits}) {
      for (const auto& a : *attempts) last = std::max({last, a.start, a.end});
    }
  }
  for (const auto& b : breakers) last = std::max(last, b.at);
  return last;
}

std::string RunReport::command(const std::string& verb, const std::string& args) const {
  return fmt::format("baton {} {}{}{}", verb, run.id, args.empty() ? "" : " " + args, state_flag);
}

std::size_t RunReport::leaf_count(Level level) const {
  auto name = model::to_string(level);
  return static_cast<std::size_t>(
      std::count_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.level == name; }));
}

RunReport make_run_report(store::RunRow run, std::vector<store::TaskRecord> tasks,
                          std::vector<store::BreakerRow> breakers, const ReportContext& context) {
  RunReport report;
  report.run = std::move(run);
  report.interrupted = report.run.status == "running" && !context.process_alive;
  report.state_flag = context.state_flag;
  report.stored = context.stored;
  report.now = context.now > 0 ? context.now
                               : std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  report.breakers = std::move(breakers);
  Recorded recorded(std::move(tasks));
  if (context.workflow) {
    report.workflow = std::shared_ptr<const model::Workflow>(std::shared_ptr<void>(),
                                                             context.workflow);  // Borrowed.
  } else {
    auto loaded = load::load_workflow_text(report.run.workflow_text, report.run.file);
    if (loaded.workflow && context.apply_overrides &&
        !context.apply_overrides(*loaded.workflow, report.run.overrides).empty()) {
      loaded.workflow.reset();  // The run could not have started with these; show what it did.
    }
    if (loaded.workflow) {
      analyze::apply_history(*loaded.workflow, context.history);
      report.workflow = std::make_shared<const model::Workflow>(std::move(*loaded.workflow));
    }
  }
  if (!report.workflow) {
    tasks_without_workflow(report, recorded);
    return report;
  }
  int jobs = report.run.jobs > 0 ? report.run.jobs : analyze::default_jobs(*report.workflow);
  report.plan =
      context.workflow && context.plan && context.plan->jobs == std::max(1, jobs)
          ? context.plan
          : std::make_shared<const analyze::Plan>(analyze::make_plan(*report.workflow, jobs));
  TaskListBuilder builder(report, recorded);
  builder.build();
  std::vector<Vertex> vertex_of = builder.vertex_of();
  for (auto* record : recorded.untaken()) {  // Recorded under a path the workflow lacks.
    Task& task = report.tasks.emplace_back();
    task.path = task.name = record->row.path;
    task.level = "task";
    fill_from_record(task, std::move(*record));
  }
  assign_phases(report, vertex_of);
  count_groups(report);
  return report;
}

RunReport read_run_report(store::Store& store, const store::RunRow& run,
                          const ReportContext& context) {
  if (context.workflow)
    return make_run_report(run, store.tasks(run.id), store.breakers(run.id), context);
  // The workflow comes from its text: its estimates from the runs before this one, as the run
  // itself took them, so that every copy of the report says the same.
  ReportContext with_history = context;
  for (const auto& [path, ms] : store.typical_durations(run.workflow, run.started)) {
    with_history.history.emplace_back(path, Duration(ms));
  }
  return make_run_report(run, store.tasks(run.id), store.breakers(run.id), with_history);
}

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_./=:,@%+-") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string shell_word(const std::string& path) { return shell_quote(path); }

std::string state_flag(const std::filesystem::path& state_dir) {
  std::string dir = std::filesystem::absolute(state_dir).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return " --state " + shell_quote(dir);
}

}  // namespace baton::report
