// The JSON report (SPEC 8) read once into what the HTML report draws: tasks grouped by phase,
// attempts on one time axis in seconds from the run's start. Missing or mistyped fields read as
// empty, so a report from an older or newer baton still renders.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::report::html {

/// One attempt (or compensation attempt) of a task, placed on the run's time axis.
struct AttemptView {
  int n = 0;
  double start = 0;       // seconds from the run's start
  double end = 0;         // == start while unfinished
  bool finished = false;  // has an end time
  // The report's own texts, read in place: the view never outlives the report it was read from.
  // (Copied, the times and log paths of 10,000 attempts were a third of reading the view.)
  std::string_view start_text;
  std::string_view end_text;
  std::string outcome;        // "exit 0", "exit 3", "signal 9", "timed out", "running"
  std::string status_class;   // s-ok, s-fail, s-ignored, s-active, s-comp, s-compfail
  std::string_view decision;  // what baton did next, e.g. "retry in 0.2s"
  std::string_view error;
  std::string_view log;
};

/// One leaf of the run, as drawn.
struct TaskView {
  std::string path;
  std::string name;
  std::string level;
  std::string status;  // as shown: "failed (ignored)" for an ignored failure
  std::string reason;
  std::string phase;  // "" for a top-level task outside any group
  std::string item;
  std::optional<double> duration;  // duration_s, else the sum of its attempts' durations
  std::vector<std::string> dependencies;
  std::vector<AttemptView> attempts;
  std::vector<AttemptView> compensation;
  std::vector<AttemptView> waits;  // A gate waiting for its verdict, a task for an open breaker.
  std::vector<std::pair<std::string, std::string>> outputs;  // values as JSON text if not strings
};

/// A moment worth a mark on the time axis (a breaker transition).
struct MarkView {
  double at = 0;
  std::string text;
  std::string to;  // the breaker's new state: open, half_open, closed
};

/// The run as the HTML report draws it.
struct ReportView {
  std::vector<TaskView> tasks;      // in report order, each phase's tasks together
  std::vector<std::string> phases;  // in order of first appearance; "" = top-level tasks
  std::vector<MarkView> marks;
  std::vector<std::string> critical_path;  // the longest chain as run, first task first
  double span = 0;  // seconds the time axes cover (≥ makespan, ≥ last end)
};

/// Builds the view, which refers to texts of `report`; never throws.
ReportView read_view(const nlohmann::ordered_json& report);

/// `object[key]` as text: strings as they are, numbers and booleans printed, else "".
std::string field_text(const nlohmann::ordered_json& object, std::string_view key);

/// `object[key]` as a number, if it is one.
std::optional<double> field_number(const nlohmann::ordered_json& object, std::string_view key);

/// `object[key]` if it is an object or array of that kind, else an empty one.
const nlohmann::ordered_json& field_object(const nlohmann::ordered_json& object,
                                           std::string_view key);
const nlohmann::ordered_json& field_array(const nlohmann::ordered_json& object,
                                          std::string_view key);

/// The path of `path` with its phase's common prefix (`shipping.`) removed, for rows and boxes
/// already labelled with the phase.
std::string_view short_path(std::string_view path, std::string_view prefix);

/// The longest `a.b.` prefix shared by every path (ends at a dot), "" if none.
std::string common_prefix(const std::vector<std::string_view>& paths);

}  // namespace baton::report::html
