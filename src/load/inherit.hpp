// The passes after references are resolved: inherited settings and domains, inferred levels
// (SPEC 1.3), and the checks that need them (unlimited retries need a deadline, pool sizes).
#pragma once

#include "load/yaml_fields.hpp"
#include "model/workflow.hpp"

namespace baton::load {

/// Computes every node's `effective` settings and `domain`: nearer wins, field by field; a
/// group's own keys win over its `defaults` block for its descendants.
void apply_inheritance(model::Workflow& workflow);

/// Sets every node's `level`: declared, else by depth in the scheme of SPEC 1.3.
void infer_levels(model::Workflow& workflow);

/// Checks that need effective settings: `max_attempts: 0` without a deadline, slots beyond a
/// pool's size, fan-outs over `max_items`, paths too long to name an attempt's log file.
void check_effective_settings(const model::Workflow& workflow, DiagnosticSink& sink);

}  // namespace baton::load
