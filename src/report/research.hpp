// SPEC 6's "Research Applied": the workflow patterns found, the coordination strategy and why,
// and each failure-handling policy in force with how often it acted in this run. Every line is
// derived from the run's workflow and its recorded data, never boilerplate.
#pragma once

#include <string>
#include <vector>

#include "report/metrics.hpp"
#include "report/run_report.hpp"

namespace baton::report {

struct Research {
  /// "parent-child flow (4 groups; sequential: payment, shipping)", "saga with compensation
  /// (7 undo steps)", …
  std::vector<std::string> patterns;
  /// The strategy, why it is that, stages, width and the critical path.
  std::string coordination;
  /// One line per policy: "retry (exponential from 100ms, 3 attempts) on 13 tasks: acted 2
  /// times, on shipping.dispatch (2)", "breaker payments (…) on 2 tasks: never opened", …
  std::vector<std::string> failure_handling;
};

Research research_applied(const RunReport& report, const Metrics& metrics);

/// "a", "a and b", "a, b and c", "a, b, c and 4 more" (at most `shown` names).
std::string name_list(const std::vector<std::string>& names, std::size_t shown = 3);

/// "1 task", "3 tasks".
std::string count_of(std::size_t n, const char* singular, const char* plural);

}  // namespace baton::report
