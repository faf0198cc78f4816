// Reads the JSON report into the HTML report's view, tolerating missing and mistyped fields.
#include "report/html_view.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <numeric>

#include "report/html_text.hpp"

namespace baton::report::html {
namespace {

using json = nlohmann::ordered_json;

const json& empty_object() {
  static const json kEmpty = json::object();
  return kEmpty;
}

const json& empty_array() {
  static const json kEmpty = json::array();
  return kEmpty;
}

// `object[key]`, if there. An object is a list of fields searched in order, and a report of
// 10,000 tasks asks ~300,000 times. The objects of one kind (a task, an attempt) have their
// fields in one order, so a key is most likely where it was found last time: each call site's
// key (told apart by the address of its text) remembers that place, checked before searching.
const json* find(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto& fields = object.get_ref<const json::object_t&>();
  struct Hint {
    const char* key = nullptr;
    std::size_t at = 0;
  };
  thread_local std::array<Hint, 64> hints;  // The HTML page is drawn on threads of its own.
  Hint& hint = hints[(reinterpret_cast<std::uintptr_t>(key.data()) >> 3) % hints.size()];
  if (hint.key == key.data() && hint.at < fields.size()) {
    const auto& field = *(fields.begin() + static_cast<std::ptrdiff_t>(hint.at));
    if (field.first == key) return &field.second;
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first == key) {
      hint = {key.data(), static_cast<std::size_t>(it - fields.begin())};
      return &it->second;
    }
  }
  return nullptr;
}

std::optional<long long> field_integer(const json& object, std::string_view key) {
  const auto value = field_number(object, key);
  if (!value) return std::nullopt;
  return static_cast<long long>(*value);
}

bool field_true(const json& object, std::string_view key) {
  const json* value = find(object, key);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

// Seconds from `origin`, if `text` is a time.
std::optional<double> offset(std::string_view text, std::optional<double> origin) {
  const auto at = parse_time(text);
  if (!at || !origin) return std::nullopt;
  return *at - *origin;
}

// `object[key]` if it is a string, else empty; read in place.
std::string_view field_string(const json& object, std::string_view key) {
  const json* value = find(object, key);
  if (value == nullptr || !value->is_string()) return {};
  return value->get_ref<const std::string&>();
}

// The outcome of a finished attempt, as exit/signal/timeout text; empty if it succeeded.
std::string failure_text(const json& attempt) {
  if (field_true(attempt, "timed_out")) return "timed out";
  if (const auto signal = field_integer(attempt, "signal")) {
    return "signal " + std::to_string(*signal);
  }
  const auto code = field_integer(attempt, "exit_code");
  if (code && *code != 0) return "exit " + std::to_string(*code);
  if (!code && !field_string(attempt, "error").empty()) return "error";
  return "";
}

AttemptView read_attempt(const json& attempt, std::optional<double> origin) {
  AttemptView view;
  view.n = static_cast<int>(field_integer(attempt, "n").value_or(0));
  view.start_text = field_string(attempt, "start");
  view.end_text = field_string(attempt, "end");
  view.start = offset(view.start_text, origin).value_or(0);
  const auto end = offset(view.end_text, origin);
  view.finished = end.has_value();
  view.end = std::max(view.start, end.value_or(view.start));
  view.decision = field_string(attempt, "decision");
  view.error = field_string(attempt, "error");
  view.log = field_string(attempt, "log");
  const std::string failure = failure_text(attempt);
  if (!view.finished) {
    view.outcome = "running";
    view.status_class = "s-active";
  } else if (failure.empty()) {
    view.outcome = "exit 0";
    view.status_class = "s-ok";
  } else {
    view.outcome = failure;
    view.status_class = "s-fail";
  }
  return view;
}

std::vector<AttemptView> read_attempts(const json& list, std::optional<double> origin) {
  std::vector<AttemptView> out;
  if (!list.is_array() || list.empty()) return out;
  out.reserve(list.size());
  for (const auto& attempt : list) {
    if (!attempt.is_object() || !parse_time(field_string(attempt, "start"))) continue;
    out.push_back(read_attempt(attempt, origin));
  }
  return out;
}

// The phase as the report names it (a title or a number); without one, the top-level group.
std::string read_phase(const json& task, const std::string& path) {
  if (find(task, "phase") != nullptr) {
    const auto text = field_text(task, "phase");
    return text == path ? "" : text;
  }
  const auto dot = path.find('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

TaskView read_task(const json& task, std::optional<double> origin) {
  TaskView view;
  view.path = field_text(task, "path");
  view.name = field_text(task, "name");
  view.level = field_text(task, "level");
  view.status = field_text(task, "status");
  if (view.status == "failed" && field_true(task, "failure_ignored")) {
    view.status = "failed (ignored)";
  }
  view.reason = field_text(task, "reason");
  view.phase = read_phase(task, view.path);
  view.item = field_text(task, "item");
  view.duration = field_number(task, "duration_s");
  for (const auto& dependency : field_array(task, "dependencies")) {
    if (dependency.is_string()) view.dependencies.push_back(dependency.get<std::string>());
  }
  view.attempts = read_attempts(field_array(task, "attempts"), origin);
  if (view.status == "failed (ignored)" && !view.attempts.empty() &&
      view.attempts.back().status_class == "s-fail") {
    view.attempts.back().status_class = "s-ignored";
  }
  if (!view.duration && !view.attempts.empty()) {
    double total = 0;
    for (const auto& a : view.attempts) total += a.end - a.start;
    view.duration = total;
  }
  view.compensation = read_attempts(field_array(task, "compensation_attempts"), origin);
  view.waits = read_attempts(field_array(task, "waits"), origin);
  for (auto& attempt : view.compensation) {
    attempt.status_class = attempt.status_class == "s-fail" ? "s-compfail" : "s-comp";
  }
  for (const auto& [key, value] : field_object(task, "outputs").items()) {
    view.outputs.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return view;
}

// A compensation listed only in the run's `compensations` becomes a single bar of its task.
void add_listed_compensations(const json& report, std::optional<double> origin,
                              std::vector<TaskView>& tasks) {
  if (field_array(report, "compensations").empty()) return;
  std::map<std::string, TaskView*, std::less<>> by_path;
  for (auto& task : tasks) by_path.emplace(task.path, &task);
  for (const auto& entry : field_array(report, "compensations")) {
    const auto it = by_path.find(field_text(entry, "path"));
    if (it == by_path.end() || !it->second->compensation.empty()) continue;
    if (!parse_time(field_text(entry, "start"))) continue;
    AttemptView view = read_attempt(entry, origin);
    view.n = 1;
    const std::string status = field_text(entry, "status");
    const bool ok = status == "compensated" || status == "succeeded";
    view.outcome = view.finished ? (ok ? "compensated" : status) : "running";
    view.status_class = ok || !view.finished ? "s-comp" : "s-compfail";
    it->second->compensation.push_back(std::move(view));
  }
}

// Keeps each phase's tasks together, phases in order of first appearance (a stable sort).
void group_by_phase(ReportView& view) {
  std::map<std::string, std::size_t, std::less<>> rank;
  std::vector<std::size_t> ranks;  // Per task.
  ranks.reserve(view.tasks.size());
  for (const auto& task : view.tasks) {
    auto [entry, fresh] = rank.emplace(task.phase, rank.size());
    if (fresh) view.phases.push_back(task.phase);
    ranks.push_back(entry->second);
  }
  if (std::is_sorted(ranks.begin(), ranks.end())) return;  // Most runs: phases already together.
  // Sorted as indexes, then moved once: a TaskView is large.
  std::vector<std::size_t> order(view.tasks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
  std::vector<TaskView> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) sorted.push_back(std::move(view.tasks[i]));
  view.tasks = std::move(sorted);
}

std::optional<double> run_origin(const json& run, const std::vector<const json*>& attempts) {
  if (auto start = parse_time(field_text(run, "started"))) return start;
  std::optional<double> earliest;
  for (const json* attempt : attempts) {
    const auto at = parse_time(field_text(*attempt, "start"));
    if (at && (!earliest || *at < *earliest)) earliest = at;
  }
  return earliest;
}

void read_marks(const json& report, std::optional<double> origin, ReportView& view) {
  for (const auto& transition : field_array(report, "breakers")) {
    const auto at = offset(field_text(transition, "at"), origin);
    if (!at) continue;
    const std::string to = field_text(transition, "to");
    view.marks.push_back({*at,
                          "breaker " + field_text(transition, "name") + ": " +
                              field_text(transition, "from") + " → " + to,
                          to});
  }
}

}  // namespace

std::string field_text(const json& object, std::string_view key) {
  const json* value = find(object, key);
  if (value == nullptr || value->is_null()) return "";
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<long long>());
  if (value->is_number() || value->is_boolean()) return value->dump();
  return "";
}

std::optional<double> field_number(const json& object, std::string_view key) {
  const json* value = find(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

const json& field_object(const json& object, std::string_view key) {
  const json* value = find(object, key);
  return value != nullptr && value->is_object() ? *value : empty_object();
}

const json& field_array(const json& object, std::string_view key) {
  const json* value = find(object, key);
  return value != nullptr && value->is_array() ? *value : empty_array();
}

std::string_view short_path(std::string_view path, std::string_view prefix) {
  if (!prefix.empty() && path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix) {
    return path.substr(prefix.size());
  }
  return path;
}

std::string common_prefix(const std::vector<std::string_view>& paths) {
  if (paths.empty()) return "";
  std::string_view prefix = paths.front();
  for (auto path : paths) {
    std::size_t n = 0;
    while (n < prefix.size() && n < path.size() && prefix[n] == path[n]) ++n;
    prefix = prefix.substr(0, n);
  }
  const auto dot = prefix.rfind('.');
  return dot == std::string_view::npos ? "" : std::string(prefix.substr(0, dot + 1));
}

ReportView read_view(const json& report) {
  ReportView view;
  const json& run = field_object(report, "run");
  std::vector<const json*> all_attempts;
  for (const auto& task : field_array(report, "tasks")) {
    for (const auto& attempt : field_array(task, "attempts")) all_attempts.push_back(&attempt);
  }
  const auto origin = run_origin(run, all_attempts);
  view.tasks.reserve(field_array(report, "tasks").size());  // A TaskView is large to move.
  for (const auto& task : field_array(report, "tasks")) {
    if (task.is_object()) view.tasks.push_back(read_task(task, origin));
  }
  add_listed_compensations(report, origin, view.tasks);
  group_by_phase(view);
  read_marks(report, origin, view);
  const json& critical = field_object(field_object(report, "metrics"), "critical_path");
  for (const auto& path : field_array(critical, "tasks")) {
    if (path.is_string()) view.critical_path.push_back(path.get<std::string>());
  }

  view.span = field_number(field_object(report, "metrics"), "makespan_s")
                  .value_or(field_number(run, "makespan_s").value_or(0));
  if (const auto ended = offset(field_text(run, "ended"), origin)) {
    view.span = std::max(view.span, *ended);
  }
  for (const auto& task : view.tasks) {
    for (const auto& a : task.attempts) view.span = std::max(view.span, a.end);
    for (const auto& a : task.compensation) view.span = std::max(view.span, a.end);
  }
  for (const auto& mark : view.marks) view.span = std::max(view.span, mark.at);
  // An attempt with no end was still running when the report was made: it lasts to the end.
  for (auto& task : view.tasks) {
    for (auto& a : task.attempts) a.end = a.finished ? a.end : view.span;
    for (auto& a : task.compensation) a.end = a.finished ? a.end : view.span;
  }
  return view;
}

}  // namespace baton::report::html
