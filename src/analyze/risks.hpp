// The risks `baton plan` points out (SPEC 5): unlimited retries, critical-path tasks with no
// retry, the task whose failure would skip the most others, limits that lengthen the makespan.
#pragma once

#include <vector>

#include "analyze/plan.hpp"

namespace baton::analyze {

std::vector<Risk> find_risks(const model::Workflow& workflow, const Plan& plan);

}  // namespace baton::analyze
