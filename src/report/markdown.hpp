// The Orchestration Report in Markdown, in SPEC 6's shape: its headings and table columns are
// fixed (scripts and the e2e tests read them); what fills them comes from the run.
#pragma once

#include <string>

#include "report/metrics.hpp"
#include "report/run_report.hpp"

namespace baton::report {

/// The whole report, ending with a newline. Local times are in the process's time zone.
std::string render_markdown(const RunReport& report, const Metrics& metrics);

}  // namespace baton::report
