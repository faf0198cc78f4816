// The dependency graph as inline SVG: tasks as boxes coloured by status, phases as clusters,
// edges of the transitive reduction (an edge implied by a longer path is left out), the critical
// path drawn bold.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <set>

#include "report/html_graph_layout.hpp"
#include "report/html_sections.hpp"
#include "report/html_text.hpp"

namespace baton::report::html {
namespace {

struct Node {
  std::string key;  // data-task: the task's path, or the phase
  std::string label;
  std::string title;
  std::string status_class;
  std::string detail;  // a second line, or empty
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<int> block_of;
  std::vector<std::string> block_label;  // "" = no cluster drawn
  std::vector<std::pair<int, int>> edges;
  std::set<std::pair<int, int>> critical;  // edges on the critical path
  double node_w = 188;
  double node_h = 32;
};

using Edges = std::vector<std::pair<int, int>>;

constexpr double kCharWidth = 7.3;   // of the boxes' 12px monospace labels, with a margin
constexpr double kPageWidth = 1140;  // inside a panel of a 1240px page
constexpr double kMaxShrink = 1.4;   // a graph up to this much wider is scaled to fit
constexpr double kMaxLabelWidth = 300;

// Keeps only the edges no longer path implies: successors taken in topological order, each
// adding its reach (bitsets) to its source's, O(V·E/64). Nodes on a cycle keep their edges.
Edges transitive_reduction(int n, const Edges& edges) {
  std::vector<std::vector<int>> succs(n);
  std::vector<int> indegree(n, 0);
  for (auto [from, to] : edges) succs[from].push_back(to), ++indegree[to];
  std::vector<int> topo;
  std::deque<int> ready;
  for (int v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push_back(v);
  }
  while (!ready.empty()) {
    const int u = ready.front();
    ready.pop_front();
    topo.push_back(u);
    for (int v : succs[u]) {
      if (--indegree[v] == 0) ready.push_back(v);
    }
  }
  if (static_cast<int>(topo.size()) != n) return edges;
  std::vector<int> rank(n);
  for (int i = 0; i < n; ++i) rank[topo[i]] = i;
  const std::size_t words = (n + 63) / 64;
  std::vector<std::vector<std::uint64_t>> reach(n, std::vector<std::uint64_t>(words, 0));
  Edges kept;
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    const int u = *it;
    auto& next = succs[u];
    std::sort(next.begin(), next.end(), [&](int a, int b) { return rank[a] < rank[b]; });
    for (int v : next) {
      if ((reach[u][v / 64] >> (v % 64)) & 1U) continue;
      kept.emplace_back(u, v);
      reach[u][v / 64] |= std::uint64_t{1} << (v % 64);
      for (std::size_t w = 0; w < words; ++w) reach[u][w] |= reach[v][w];
    }
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

// Every group path (`shipping`, `shards[2]`) → the tasks under it, for dependencies on groups.
std::map<std::string, std::vector<int>, std::less<>> group_members(const ReportView& view) {
  std::map<std::string, std::vector<int>, std::less<>> members;
  for (int i = 0; i < static_cast<int>(view.tasks.size()); ++i) {
    const std::string& path = view.tasks[i].path;
    for (std::size_t pos = 1; pos < path.size(); ++pos) {
      if (path[pos] == '.' || path[pos] == '[') members[path.substr(0, pos)].push_back(i);
    }
  }
  return members;
}

// Task-level edges: a dependency on a task, or on every task of a group.
Edges task_edges(const ReportView& view) {
  std::map<std::string_view, int> index;
  for (int i = 0; i < static_cast<int>(view.tasks.size()); ++i) index[view.tasks[i].path] = i;
  const auto members = group_members(view);
  std::set<std::pair<int, int>> edges;
  for (int to = 0; to < static_cast<int>(view.tasks.size()); ++to) {
    for (const auto& dependency : view.tasks[to].dependencies) {
      if (const auto it = index.find(dependency); it != index.end()) {
        if (it->second != to) edges.emplace(it->second, to);
      } else if (const auto group = members.find(dependency); group != members.end()) {
        for (int from : group->second) {
          if (from != to) edges.emplace(from, to);
        }
      }
    }
  }
  return {edges.begin(), edges.end()};
}

std::string_view glyph(std::string_view status_class) {
  if (status_class == "s-ok") return "✓";
  if (status_class == "s-fail" || status_class == "s-compfail") return "✗";
  if (status_class == "s-ignored") return "!";
  if (status_class == "s-active") return "…";
  if (status_class == "s-comp") return "↺";
  return "–";
}

std::string task_title(const TaskView& task) {
  std::string title = task.path;
  if (!task.name.empty()) title += " — " + task.name;
  if (!task.item.empty()) title += "\nitem: " + task.item;
  title += "\nstatus: " + task.status;
  if (task.duration) title += "\nduration: " + format_seconds(*task.duration);
  if (!task.attempts.empty()) title += "\nattempts: " + std::to_string(task.attempts.size());
  if (!task.reason.empty()) title += "\nreason: " + task.reason;
  return title;
}

Graph graph_of_tasks(const ReportView& view) {
  Graph graph;
  std::map<std::string_view, int> phase_block;
  std::map<std::string_view, std::vector<std::string_view>> phase_paths;
  for (const auto& task : view.tasks) phase_paths[task.phase].push_back(task.path);
  for (const auto& task : view.tasks) {
    std::string prefix;
    int block = 0;
    if (task.phase.empty()) {
      block = static_cast<int>(graph.block_label.size());
      graph.block_label.emplace_back();
    } else {
      const auto [it, added] =
          phase_block.emplace(task.phase, static_cast<int>(graph.block_label.size()));
      if (added) graph.block_label.push_back(task.phase);
      block = it->second;
      prefix = common_prefix(phase_paths[task.phase]);
    }
    graph.block_of.push_back(block);
    const std::string label(short_path(task.path, prefix));
    graph.nodes.push_back(
        {task.path, label, task_title(task), std::string(status_class(task.status)), ""});
  }
  graph.edges = transitive_reduction(static_cast<int>(graph.nodes.size()), task_edges(view));
  // Boxes as wide as the longest label needs (12px monospace), within bounds.
  std::size_t longest = 0;
  for (const auto& node : graph.nodes) longest = std::max(longest, char_count(node.label));
  graph.node_w = std::clamp(static_cast<double>(longest) * kCharWidth + 46, 128.0, 224.0);
  std::map<std::string_view, int> index;
  for (int i = 0; i < static_cast<int>(view.tasks.size()); ++i) index[view.tasks[i].path] = i;
  for (std::size_t i = 1; i < view.critical_path.size(); ++i) {
    const auto from = index.find(view.critical_path[i - 1]);
    const auto to = index.find(view.critical_path[i]);
    if (from != index.end() && to != index.end()) graph.critical.emplace(from->second, to->second);
  }
  return graph;
}

// The state a phase shows: the most urgent of its tasks'.
std::string phase_status(const std::map<std::string, int>& counts) {
  for (std::string_view urgent : {"s-fail", "s-compfail", "s-active"}) {
    if (counts.count(std::string(urgent))) return std::string(urgent);
  }
  if (counts.size() == 1 && counts.count("s-muted")) return "s-muted";
  for (std::string_view mixed : {"s-comp", "s-ignored"}) {
    if (counts.count(std::string(mixed))) return std::string(mixed);
  }
  return "s-ok";
}

Graph graph_of_phases(const ReportView& view) {
  Graph graph;
  std::map<std::string_view, int> index;
  std::vector<std::map<std::string, int>> counts;
  std::vector<std::map<std::string, int>> statuses;
  graph.node_w = 260;
  graph.node_h = 46;
  std::vector<int> phase_of_task;
  for (const auto& task : view.tasks) {
    const auto [it, added] = index.emplace(task.phase, static_cast<int>(index.size()));
    if (added) {
      counts.emplace_back();
      statuses.emplace_back();
    }
    phase_of_task.push_back(it->second);
    ++counts[it->second][std::string(status_class(task.status))];
    ++statuses[it->second][task.status];
  }
  graph.nodes.resize(index.size());
  for (const auto& [phase, i] : index) {
    int total = 0;
    std::string title = phase.empty() ? "top-level tasks" : std::string(phase);
    std::string detail;
    for (const auto& [status, n] : statuses[i]) {
      total += n;
      title += "\n" + status + ": " + std::to_string(n);
      if (status != "succeeded") detail += " · " + std::to_string(n) + " " + status;
    }
    detail = std::to_string(total) + (total == 1 ? " task" : " tasks") + detail;
    const std::string name = phase.empty() ? "(top level)" : std::string(phase);
    graph.nodes[i] = {std::string(phase), name, title, phase_status(counts[i]), detail};
    graph.block_of.push_back(static_cast<int>(graph.block_of.size()));
    graph.block_label.emplace_back();
  }
  std::set<std::pair<int, int>> edges;
  for (auto [from, to] : task_edges(view)) {
    if (phase_of_task[from] != phase_of_task[to]) {
      edges.emplace(phase_of_task[from], phase_of_task[to]);
    }
  }
  graph.edges =
      transitive_reduction(static_cast<int>(graph.nodes.size()), Edges(edges.begin(), edges.end()));
  return graph;
}

// Pixel geometry, top-down or left to right.
struct Geometry {
  bool top_down = true;
  double node_w = 188;
  double node_h = 32;
  double margin = 12;
  double layer_pitch = 0;
  double slot_pitch = 0;
  double track_gap = 0;
  double pad_layer_before = 0, pad_layer_after = 0;  // cluster padding along the layers
  double pad_cross_before = 0, pad_cross_after = 0;  // and across them (the label's side first)
  std::vector<double> track_start;
  double width = 0;
  double height = 0;

  double node_layer() const { return top_down ? node_h : node_w; }
  double node_cross() const { return top_down ? node_w : node_h; }
  double slot_gap() const { return slot_pitch - node_cross(); }
  double layer_px(int layer) const { return margin + pad_layer_before + layer * layer_pitch; }
};

Geometry geometry(const Graph& graph, const LayeredLayout& layout, bool top_down) {
  Geometry g;
  g.top_down = top_down;
  g.node_w = graph.node_w;
  g.node_h = graph.node_h;
  if (top_down) {
    g.layer_pitch = g.node_h + 62;
    g.slot_pitch = g.node_w + 14;
    g.track_gap = 18;
    g.pad_layer_before = 26, g.pad_layer_after = 12;
    g.pad_cross_before = 12, g.pad_cross_after = 12;
  } else {
    g.layer_pitch = g.node_w + 72;
    g.slot_pitch = g.node_h + 12;
    g.track_gap = 14;
    g.pad_layer_before = 12, g.pad_layer_after = 12;
    g.pad_cross_before = 26, g.pad_cross_after = 12;
  }
  double cross = g.margin + g.pad_cross_before;
  for (int height : layout.track_height) {
    g.track_start.push_back(cross);
    cross +=
        height * g.slot_pitch - g.slot_gap() + g.pad_cross_after + g.track_gap + g.pad_cross_before;
  }
  const double cross_total = cross - g.track_gap - g.pad_cross_before + g.margin;
  const double layer_total = g.layer_px(std::max(layout.layer_count, 1) - 1) + g.node_layer() +
                             g.pad_layer_after + g.margin;
  g.width = top_down ? cross_total : layer_total;
  g.height = top_down ? layer_total : cross_total;
  return g;
}

struct Point {
  double x = 0;
  double y = 0;
};

Point node_corner(const Geometry& g, const LayeredLayout& layout, int v) {
  const double layer = g.layer_px(layout.layer[v]);
  const double cross = g.track_start[layout.track[v]] + layout.offset[v] * g.slot_pitch;
  return g.top_down ? Point{cross, layer} : Point{layer, cross};
}

std::string num(double v) { return format_number(v, 1); }

// The clusters' boxes, or with `labels` their names: drawn after the edges, on a halo, so that
// an edge passing under a name leaves it readable.
void draw_clusters(std::string& out, const Graph& graph, const LayeredLayout& layout,
                   const Geometry& g, bool labels) {
  for (std::size_t b = 0; b < layout.blocks.size(); ++b) {
    if (graph.block_label[b].empty()) continue;
    const auto& block = layout.blocks[b];
    const double layer0 = g.layer_px(block.first_layer) - g.pad_layer_before;
    const double layer1 = g.layer_px(block.last_layer) + g.node_layer() + g.pad_layer_after;
    const double cross0 = g.track_start[block.track] + block.offset * g.slot_pitch;
    const double cross1 = cross0 + block.height * g.slot_pitch - g.slot_gap() + g.pad_cross_after;
    const double x = g.top_down ? cross0 - g.pad_cross_before : layer0;
    const double y = g.top_down ? layer0 : cross0 - g.pad_cross_before;
    const double w = g.top_down ? cross1 - x : layer1 - layer0;
    const double h = g.top_down ? layer1 - layer0 : cross1 - y;
    // A name may run past a narrow box into the space beside it, up to kMaxLabelWidth.
    const auto chars = static_cast<std::size_t>(std::max(w - 16, kMaxLabelWidth) / 7.4);
    if (labels) {
      out += "<text class=\"cluster-label\" x=\"" + num(x + 10) + "\" y=\"" + num(y + 17) + "\">" +
             escape(truncate(graph.block_label[b], chars)) + "</text>\n";
    } else {
      out += "<rect class=\"cluster\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
             "\" height=\"" + num(h) + "\" rx=\"10\"/>\n";
    }
  }
}

void draw_edges(std::string& out, const Graph& graph, const LayeredLayout& layout,
                const Geometry& g) {
  out += "<g class=\"edges\">\n";
  for (auto [from, to] : graph.edges) {
    const Point a = node_corner(g, layout, from);
    const Point b = node_corner(g, layout, to);
    Point p0;
    Point p1;
    Point c0;
    Point c1;
    if (g.top_down) {
      p0 = {a.x + g.node_w / 2, a.y + g.node_h};
      p1 = {b.x + g.node_w / 2, b.y - 1};
      const double bend = std::max(24.0, (p1.y - p0.y) / 2);
      c0 = {p0.x, p0.y + bend};
      c1 = {p1.x, p1.y - bend};
    } else {
      p0 = {a.x + g.node_w, a.y + g.node_h / 2};
      p1 = {b.x - 1, b.y + g.node_h / 2};
      const double bend = std::max(30.0, (p1.x - p0.x) / 2);
      c0 = {p0.x + bend, p0.y};
      c1 = {p1.x - bend, p1.y};
    }
    const bool critical = graph.critical.count({from, to}) > 0;
    out += std::string("<path class=\"edge") + (critical ? " critical" : "") + "\" data-from=\"" +
           escape(graph.nodes[from].key) + "\" data-to=\"" + escape(graph.nodes[to].key) +
           "\" d=\"M" + num(p0.x) + " " + num(p0.y) + " C" + num(c0.x) + " " + num(c0.y) + " " +
           num(c1.x) + " " + num(c1.y) + " " + num(p1.x) + " " + num(p1.y) +
           "\" marker-end=\"url(#" + (critical ? "arrow-critical" : "arrow") + ")\"/>\n";
  }
  out += "</g>\n";
}

void draw_nodes(std::string& out, const Graph& graph, const LayeredLayout& layout,
                const Geometry& g) {
  const auto chars = static_cast<std::size_t>((g.node_w - 40) / kCharWidth);
  for (int v = 0; v < static_cast<int>(graph.nodes.size()); ++v) {
    const Node& node = graph.nodes[v];
    const Point p = node_corner(g, layout, v);
    out += "<g class=\"node " + node.status_class + "\" data-task=\"" + escape(node.key) +
           "\" transform=\"translate(" + num(p.x) + " " + num(p.y) + ")\"><title>" +
           escape(node.title) + "</title><rect class=\"box\" width=\"" + num(g.node_w) +
           "\" height=\"" + num(g.node_h) +
           "\" rx=\"6\"/><rect class=\"stripe\" width=\"5\" height=\"" + num(g.node_h) +
           "\" rx=\"2\"/>";
    const double baseline = node.detail.empty() ? g.node_h / 2 + 4 : g.node_h / 2 - 3;
    out += "<text x=\"14\" y=\"" + num(baseline) + "\">" + escape(truncate(node.label, chars)) +
           "</text>";
    if (!node.detail.empty()) {
      out += "<text class=\"detail\" x=\"14\" y=\"" + num(baseline + 15) + "\">" +
             escape(truncate(node.detail, chars + 4)) + "</text>";
    }
    out += "<text class=\"glyph\" x=\"" + num(g.node_w - 10) + "\" y=\"" + num(g.node_h / 2 + 4) +
           "\">" + std::string(glyph(node.status_class)) + "</text></g>\n";
  }
}

std::string draw(const Graph& graph) {
  const LayeredLayout layout =
      layout_layered(static_cast<int>(graph.nodes.size()), graph.block_of, graph.edges);
  // Top-down while it fits the page (scaled a little if need be), else the narrower way.
  Geometry g = geometry(graph, layout, /*top_down=*/true);
  if (g.width > kPageWidth * kMaxShrink) {
    Geometry left_to_right = geometry(graph, layout, /*top_down=*/false);
    if (left_to_right.width < g.width) g = std::move(left_to_right);
  }
  const bool fit = g.width <= kPageWidth * kMaxShrink;
  std::string out = std::string("<svg class=\"graph") + (fit ? " fit" : "") +
                    "\" id=\"graph-svg\" width=\"" + num(g.width) + "\" height=\"" + num(g.height) +
                    "\" viewBox=\"0 0 " + num(g.width) + " " + num(g.height) +
                    "\" role=\"img\" aria-label=\"Dependency graph\">\n";
  out += "<defs>";
  for (std::string_view id : {"arrow", "arrow-critical"}) {
    out += "<marker id=\"" + std::string(id) +
           "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
           "markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path "
           "d=\"M0 1L10 5L0 9z\"/></marker>";
  }
  out += "</defs>\n";
  draw_clusters(out, graph, layout, g, /*labels=*/false);
  draw_edges(out, graph, layout, g);
  draw_clusters(out, graph, layout, g, /*labels=*/true);
  draw_nodes(out, graph, layout, g);
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string render_graph(const ReportView& view) {
  if (view.tasks.empty()) return "<p class=\"note\">No tasks.</p>\n";
  if (view.tasks.size() <= kMaxGraphTasks) return draw(graph_of_tasks(view));
  const std::string tasks = std::to_string(view.tasks.size()) + " tasks";
  // Counted before the graph is built: a 10,000-task chain is 10,000 phases, whose edges and
  // their reduction took a third of the page's time, to be drawn nowhere.
  if (view.phases.size() > kMaxGraphTasks) {
    return "<p class=\"note\">" + tasks + " in " + std::to_string(view.phases.size()) +
           " phases: too many to draw; <code>baton graph</code> prints the graph for "
           "Graphviz.</p>\n";
  }
  return "<p class=\"note\">" + tasks +
         ": the graph shows one box per phase (with its number of tasks).</p>\n" +
         draw(graph_of_phases(view));
}

}  // namespace baton::report::html
