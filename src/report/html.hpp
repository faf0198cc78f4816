// The HTML Orchestration Report (SPEC 6): one self-contained file, no network, with the summary,
// a Gantt chart of attempts and the dependency graph as inline SVG.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace baton::report {

/// Renders the JSON report (`baton report --format json`, SPEC 8, with the extra run, task,
/// attempt and metrics fields it carries) as one HTML document. Every text taken from the report
/// is escaped; missing or mistyped optional fields are shown as "—" or left out. Never throws.
/// The page loads nothing: styles, the SVG figures and a small hover script are inline.
/// Takes the document with its keys in report order, as report_json() builds it and as
/// `nlohmann::ordered_json::parse` reads a file.
std::string render_html(const nlohmann::ordered_json& report);

}  // namespace baton::report
