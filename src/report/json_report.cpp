#include "report/json_report.hpp"

#include <future>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/duration.hpp"
#include "model/enums.hpp"
#include "report/group_state.hpp"
#include "report/next_steps.hpp"
#include "report/research.hpp"
#include "report/time_text.hpp"

namespace baton::report {
namespace {

using nlohmann::ordered_json;

// An object built key by key into reserved room. ordered_json's brace initialisation grows the
// object one key at a time, and each growth copies its values (a key is `const`, so a pair cannot
// be moved): for a task, its whole attempts array; for the document, every task. This keeps a
// 10,000-task report at a few microseconds per task.
class Fields {
 public:
  explicit Fields(std::size_t count) : json_(ordered_json::object()) {
    json_.get_ref<ordered_json::object_t&>().reserve(count);
  }
  Fields& add(const char* key, ordered_json value) {
    json_.get_ref<ordered_json::object_t&>().emplace_back(key, std::move(value));
    return *this;
  }
  ordered_json take() { return std::move(json_); }

 private:
  ordered_json json_;
};

ordered_json time_or_null(Millis ms) { return ms > 0 ? ordered_json(rfc3339(ms)) : nullptr; }

ordered_json number_or_null(const std::optional<double>& value) {
  return value ? ordered_json(*value) : nullptr;
}

ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nullptr : ordered_json(text);
}

ordered_json attempts_json(const std::vector<store::AttemptRow>& attempts, Millis until) {
  ordered_json out = ordered_json::array();
  for (const auto& a : attempts) {
    out.push_back(Fields(11)
                      .add("n", a.number)
                      .add("start", time_or_null(a.start))
                      .add("end", time_or_null(a.end))
                      .add("exit_code", a.exit_code >= 0 ? ordered_json(a.exit_code) : nullptr)
                      .add("signal", a.signal > 0 ? ordered_json(a.signal) : nullptr)
                      .add("timed_out", a.timed_out)
                      .add("log", text_or_null(a.log))
                      .add("duration_s", seconds(attempt_duration(a, until)))
                      .add("decision", text_or_null(a.decision))
                      .add("pid", a.pid > 0 ? ordered_json(a.pid) : nullptr)
                      .add("error", text_or_null(a.error))
                      .take());
  }
  return out;
}

ordered_json run_json(const RunReport& report, const Metrics& m) {
  const auto& run = report.run;
  ordered_json levels = ordered_json::object();
  for (auto level : {Level::kEpic, Level::kStory, Level::kTask, Level::kSubtask}) {
    levels[std::string(model::to_string(level))] =
        report.group_counts[static_cast<int>(level)] + report.leaf_count(level);
  }
  ordered_json out = {
      {"id", run.id},
      {"workflow", run.workflow},
      {"status", run.status},
      {"started", time_or_null(run.started)},
      {"ended", time_or_null(run.ended)},
      {"makespan_s", seconds(m.makespan)},
      {"interrupted", report.interrupted},
      {"file", run.file},
      {"description", report.workflow ? report.workflow->description : std::string()},
      {"domains", report.workflow ? report.workflow->domains() : std::vector<std::string>()},
      {"level_counts", std::move(levels)},
      {"jobs", run.jobs},
      {"overrides", run.overrides},
  };
  if (report.plan) {
    const auto& plan = *report.plan;
    ordered_json chain = ordered_json::array();
    for (auto v : plan.critical_path.tasks) chain.push_back(plan.graph.leaves[v].path);
    out["strategy"] = analyze::to_string(plan.strategy);
    out["strategy_title"] = analyze::title(plan.strategy);
    out["stages"] = plan.stages.size();
    out["width"] = plan.width;
    out["critical_path_estimate"] = {
        {"tasks", std::move(chain)},
        {"duration_s", model::to_seconds(plan.critical_path.duration)}};
  } else {
    out["strategy"] = nullptr;
    out["strategy_title"] = nullptr;
  }
  return out;
}

// `regions[1].deploy` -> `regions.deploy`: a path as its model node's.
std::string model_path(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      i = path.find(']', i);
      if (i == std::string::npos) break;
      continue;
    }
    out += path[i];
  }
  return out;
}

// Every group and fan-out of the workflow with the state SPEC 2.4 derives from its leaves.
ordered_json groups_json(const RunReport& report) {
  ordered_json out = ordered_json::array();
  if (!report.workflow) return out;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<const model::Node*> groups;
  for (const auto& node : report.workflow->nodes) {
    if (node.parent == model::kNoNode || (!node.is_group() && !node.foreach)) continue;
    index.emplace(node.path, groups.size());
    groups.push_back(&node);
  }
  std::vector<store::TaskRow> rows(report.tasks.size());
  std::vector<std::vector<const store::TaskRow*>> leaves(groups.size());
  for (std::size_t t = 0; t < report.tasks.size(); ++t) {
    rows[t].state = report.tasks[t].state;
    rows[t].failure_ignored = report.tasks[t].failure_ignored;
    const std::string path = model_path(report.tasks[t].path);
    for (std::size_t dot = path.find('.');; dot = path.find('.', dot + 1)) {
      auto it = index.find(dot == std::string::npos ? path : path.substr(0, dot));
      if (it != index.end()) leaves[it->second].push_back(&rows[t]);
      if (dot == std::string::npos) break;
    }
  }
  const bool live = report.run.status == "running" && !report.interrupted;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    out.push_back({{"path", groups[g]->path},
                   {"level", model::to_string(groups[g]->level)},
                   {"status", group_state(leaves[g], live)},
                   {"fan_out", groups[g]->foreach != nullptr},
                   {"tasks", leaves[g].size()}});
  }
  return out;
}

// The entries of tasks [first, last).
ordered_json task_entries(const RunReport& report, std::size_t first, std::size_t last,
                          Millis until) {
  ordered_json out = ordered_json::array();
  out.get_ref<ordered_json::array_t&>().reserve(last - first);
  for (std::size_t t = first; t < last; ++t) {
    const Task& task = report.tasks[t];
    // Keys are unique already: appended, not looked up (a lookup scans the keys so far, and a
    // task may write 100,000 of them).
    Fields outputs(task.outputs.size());
    for (const auto& [key, value] : task.outputs) outputs.add(key.c_str(), value);
    bool started = first_start(task) > 0;
    ordered_json waits = ordered_json::array();
    for (const auto& w : task.waits) {
      waits.push_back({{"n", w.number},
                       {"start", time_or_null(w.start)},
                       {"end", time_or_null(w.end)},
                       {"duration_s", seconds(attempt_duration(w, until))}});
    }
    ordered_json entry =
        Fields(22)
            .add("path", task.path)
            .add("level", task.level)
            .add("status", task.state)
            .add("reason", task.reason)
            .add("attempts", attempts_json(task.attempts, until))
            .add("outputs", outputs.take())
            .add("name", task.name)
            .add("domain", text_or_null(task.domain))
            .add("phase", report.phases.empty() ? "" : report.phases[task.phase].title)
            .add("phase_index", task.phase)
            .add("failure_ignored", task.failure_ignored)
            .add("skipped_upstream_failed", task.skipped_upstream_failed)
            .add("item", task.item_index >= 0 ? ordered_json(task.item) : nullptr)
            .add("item_index", task.item_index >= 0 ? ordered_json(task.item_index) : nullptr)
            .add("gate", task.gate)
            .add("recorded", task.recorded)
            .add("completed", task.completed())
            .add("dependencies", task.dependencies)
            .add("duration_s",
                 started ? ordered_json(seconds(task_duration(task, until))) : nullptr)
            .add("retries", retries_of(task))
            .add("compensation_attempts", attempts_json(task.compensations, until))
            .add("waits", std::move(waits))
            .take();
    out.push_back(std::move(entry));
  }
  return out;
}

ordered_json metrics_json(const Metrics& m) {
  ordered_json by_task = ordered_json::object();
  for (const auto& [path, n] : m.retries_by_task) by_task[path] = n;
  return {
      {"tasks_completed", m.tasks_completed},
      {"tasks_total", m.tasks_total},
      {"parallel_efficiency", number_or_null(m.parallel_efficiency)},
      {"critical_path_efficiency", number_or_null(m.critical_path_efficiency)},
      {"speedup", number_or_null(m.speedup)},
      {"retries", m.retries},
      {"peak_parallelism", m.peak_parallelism},
      {"makespan_s", seconds(m.makespan)},
      {"work_s", seconds(m.work)},
      {"critical_path",
       {{"tasks", m.critical_path_tasks}, {"duration_s", seconds(m.critical_path)}}},
      {"retries_by_task", std::move(by_task)},
      {"timed_out_attempts", m.timed_out_attempts},
      {"breaker_trips", m.breaker_trips},
      {"compensations", m.compensations},
      {"compensations_succeeded", m.compensations_succeeded},
      {"compensations_failed", m.compensations_failed},
      {"ignored_failures", m.ignored_failures},
  };
}

ordered_json compensations_json(const RunReport& report) {
  ordered_json out = ordered_json::array();
  for (const auto& task : report.tasks) {
    if (task.compensations.empty()) continue;
    out.push_back({{"path", task.path},
                   {"status", task.compensation_state()},
                   {"start", time_or_null(task.compensations.front().start)},
                   {"end", time_or_null(task.compensations.back().end)},
                   {"attempts", task.compensations.size()},
                   {"reason", task.compensation_reason()}});
  }
  return out;
}

}  // namespace

nlohmann::ordered_json report_json(const RunReport& report, const Metrics& metrics) {
  // The tasks' entries are most of the document, ~2 µs a task. A large report (the end of a
  // large run, whose processes are done: a core is free) builds their second half on a thread
  // while this one builds the rest.
  const Millis until = report.end_time();
  const std::size_t count = report.tasks.size();
  const std::size_t half = count < kTasksForTwoThreads ? count : count / 2;
  std::future<ordered_json> second_half;
  if (half < count) {
    second_half = std::async(std::launch::async, [&report, half, count, until] {
      return task_entries(report, half, count, until);
    });
  }
  ordered_json tasks = task_entries(report, 0, half, until);
  auto research = research_applied(report, metrics);
  ordered_json phases = ordered_json::array();
  for (const auto& phase : report.phases) {
    ordered_json paths = ordered_json::array();
    for (auto t : phase.tasks) paths.push_back(report.tasks[t].path);
    phases.push_back({{"title", phase.title}, {"tasks", std::move(paths)}});
  }
  ordered_json breakers = ordered_json::array();
  for (const auto& b : report.breakers) {
    breakers.push_back({{"name", b.breaker},
                        {"from", b.from},
                        {"to", b.to},
                        {"at", time_or_null(b.at)},
                        {"why", b.why}});
  }
  ordered_json steps = ordered_json::array();
  for (const auto& step : next_steps(report)) {
    steps.push_back({{"path", text_or_null(step.path)},
                     {"reason", step.reason},
                     {"command", text_or_null(step.command)},
                     {"log", text_or_null(step.log)},
                     {"log_tail", step.log_tail}});
  }
  ordered_json run = run_json(report, metrics);
  ordered_json groups = groups_json(report);
  ordered_json compensations = compensations_json(report);
  if (second_half.valid()) {
    auto& entries = tasks.get_ref<ordered_json::array_t&>();
    entries.reserve(count);
    ordered_json rest = second_half.get();
    for (auto& entry : rest.get_ref<ordered_json::array_t&>()) entries.push_back(std::move(entry));
  }
  return Fields(9)
      .add("run", std::move(run))
      .add("tasks", std::move(tasks))
      .add("groups", std::move(groups))
      .add("metrics", metrics_json(metrics))
      .add("breakers", std::move(breakers))
      .add("compensations", std::move(compensations))
      .add("phases", std::move(phases))
      .add("research", {{"patterns", research.patterns},
                        {"coordination", research.coordination},
                        {"failure_handling", research.failure_handling}})
      .add("next_steps", std::move(steps))
      .take();
}

}  // namespace baton::report
