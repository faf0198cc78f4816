// Airflow-style chains in `flow:` (SPEC 1): "build >> [test, shards] >> deploy". Each step needs
// every node of the step before it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/workflow.hpp"

namespace baton::load {

struct FlowChain {
  std::vector<std::vector<model::Reference>> steps;
};

struct FlowParse {
  FlowChain chain;
  std::string error;  ///< Empty on success.
  model::SourcePos error_pos;
};

/// Parses one chain. `start` is where the string's first character stands in the file, so that
/// each reference and error points at its own column.
FlowParse parse_flow(std::string_view text, model::SourcePos start);

}  // namespace baton::load
