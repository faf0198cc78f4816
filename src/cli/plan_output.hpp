// The two faces of `baton plan`: text for people, JSON for scripts (SPEC 8's shape).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyze/plan.hpp"
#include "cli/terminal.hpp"
#include "model/workflow.hpp"

namespace baton::cli {

std::string plan_to_text(const model::Workflow& workflow, const analyze::Plan& plan,
                         const Style& style);
nlohmann::ordered_json plan_to_json(const model::Workflow& workflow, const analyze::Plan& plan);

}  // namespace baton::cli
