// The Orchestration Report as JSON (SPEC 8): `baton report --format json` and `report.json` in
// the run's folder. SPEC 8's fields keep their names and meaning; everything the Markdown shows
// is added beside them (the HTML report is drawn from this document alone). The shape is
// written down in report.schema.json, which the tests hold every real report to.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "report/metrics.hpp"
#include "report/run_report.hpp"

namespace baton::report {

/// From this many tasks on, making a report uses a second thread: report_json() builds half the
/// tasks' entries on it, render_html() draws the graph on it. A large report is made at the end
/// of a large run, whose processes are done, so a core is free; below this a thread costs more
/// than it saves.
inline constexpr std::size_t kTasksForTwoThreads = 2000;

/// Times are RFC 3339 UTC with milliseconds (null when not yet), durations seconds, and
/// efficiencies fractions (null when undefined: a makespan of 0).
nlohmann::ordered_json report_json(const RunReport& report, const Metrics& metrics);

}  // namespace baton::report
