// The parts of the HTML report that html.cpp puts together: the two inline SVG figures, the
// style sheet and the small hover script. Each returns markup with all run text escaped.
#pragma once

#include <string>
#include <string_view>

#include "report/html_view.hpp"

namespace baton::report::html {

/// The Gantt chart of attempts: `<svg class="gantt">` with one `rect.attempt` per attempt and
/// one `rect.compensation` per compensation attempt, rows grouped by phase.
std::string render_gantt(const ReportView& view);

/// The dependency graph: `<svg class="graph">` with one `g.node` per task and phases as
/// clusters; above `kMaxGraphTasks` tasks, one node per phase, with a note saying so.
std::string render_graph(const ReportView& view);

/// Tasks above which the graph shows phases instead of tasks.
inline constexpr std::size_t kMaxGraphTasks = 200;

/// The legend of the figures' colours: with bars, waits and marks for the timeline, else the
/// task states of the graph.
std::string render_legend(bool timeline);

/// The style sheet (inside `<style>`) and the hover script (inside `<script>`).
std::string_view style_sheet();
std::string_view hover_script();

}  // namespace baton::report::html
