// FastGraph::lean: a flat workflow of plain callables run without building its model. The
// model costs ~1 µs a task (a ~560-byte node each, then every pass of the loader's checks over
// them), ten times what running such a task costs; for these workflows the checks that can fail
// are few and cheap: unique ids, no task needing itself or the workflow, no cycle. Anything
// else, or any doubt, returns null, and the run takes the model's way, which reports every
// problem with the loader's messages.
#include <algorithm>
#include <functional>
#include <future>

#include "lib/fast_path.hpp"

namespace baton::detail {
namespace {

using Entry = WorkflowState::Entry;

// Every node a top-level task that runs a callable, with nothing else set on it or on the root.
bool is_flat_and_plain(const WorkflowState& state, const EngineOptions& options) {
  if (!options.state_dir.empty() || options.on_event) return false;
  if (state.top.failure_mode != FailureMode::kContinue) return false;
  const auto& entries = state.entries;
  if (entries.size() < 2 || entries.size() > 0x7fffffff || entries[model::kRoot].detail) {
    return false;
  }
  for (std::size_t v = 1; v < entries.size(); ++v) {
    const Entry& e = entries[v];
    if (e.parent != model::kRoot || e.kind != model::NodeKind::kLeaf ||
        e.action != model::ActionKind::kCallable || e.callable < 0 || e.detail ||
        e.foreach_source != model::kNoNode) {
      return false;
    }
  }
  return true;
}

// No two tasks share an id: their 64-bit hashes grouped by their low 32 bits (a radix sort, 16
// bits a pass), then each group's hashes compared whole. Two equal hashes are taken as a
// duplicate; if they are not one, the model's way finds none and runs the workflow as well.
bool ids_unique(const std::vector<Entry>& entries) {
  const std::size_t n = entries.size() - 1;
  std::vector<std::uint64_t> keys(n), scratch(n);
  std::hash<std::string_view> hash;
  for (std::size_t i = 0; i < n; ++i) keys[i] = hash(entries[i + 1].id);
  std::vector<std::uint32_t> counts(1u << 16);
  for (int shift = 0; shift < 32; shift += 16) {
    std::fill(counts.begin(), counts.end(), 0);
    for (auto k : keys) ++counts[(k >> shift) & 0xffff];
    std::uint32_t total = 0;
    for (auto& c : counts) total += std::exchange(c, total);
    for (auto k : keys) scratch[counts[(k >> shift) & 0xffff]++] = k;
    keys.swap(scratch);
  }
  constexpr std::uint64_t kLow = (std::uint64_t{1} << 32) - 1;
  for (std::size_t i = 0; i < n;) {
    std::size_t end = i + 1;
    while (end < n && (keys[end] & kLow) == (keys[i] & kLow)) ++end;
    for (std::size_t a = i; a < end; ++a) {
      for (std::size_t b = a + 1; b < end; ++b) {
        if (keys[a] == keys[b]) return false;
      }
    }
    i = end;
  }
  return true;
}

}  // namespace

std::unique_ptr<FastGraph> FastGraph::lean(const WorkflowState& state,
                                           const EngineOptions& options) {
  if (!is_flat_and_plain(state, options)) return nullptr;
  const auto& entries = state.entries;
  const auto n = static_cast<std::uint32_t>(entries.size());
  // Edges a file could not have: to the workflow itself, to a task that is not there, to
  // itself. Edges from earlier to later tasks alone cannot close a cycle.
  bool forward = true;
  for (const auto& [node, up] : state.needs) {
    if (up == model::kRoot || up >= n || up == node) return nullptr;
    forward = forward && up < node;
  }
  // The id check reads only the ids: on a large workflow, with a second thread to run on, it
  // runs beside the building of the arrays (a third of the time before the first task).
  constexpr std::size_t kCheckAside = 1 << 16;
  std::future<bool> unique;
  if (n >= kCheckAside && fast_path_threads(state.top, options) >= 2) {
    unique = std::async(std::launch::async, [&entries] { return ids_unique(entries); });
  } else if (!ids_unique(entries)) {
    return nullptr;
  }

  std::unique_ptr<FastGraph> graph(new FastGraph());
  graph->lean_ = &state;
  graph->name_ = &state.top.name;
  graph->leaves_ = n - 1;
  auto& nodes = graph->nodes_;
  nodes.resize(n);
  nodes[model::kRoot].flags = fast::kGroup;
  // Upstreams and successors, each in compressed rows, in the order the needs were said. A
  // need said twice counts twice and arrives twice: the same outcome.
  auto rows = state.needs_by_node();
  graph->first_upstream_ = std::move(rows.first);
  graph->upstreams_ = std::move(rows.upstream);
  const auto& first_up = graph->first_upstream_;
  for (const auto& [node, up] : state.needs) ++nodes[up].end_successor;
  for (std::uint32_t v = 1; v < n; ++v) {
    nodes[v].callable = entries[v].callable;
    nodes[v].pending = first_up[v + 1] - first_up[v];
  }
  graph->place_successors();
  if (!forward) {  // Kahn's algorithm: a cycle leaves some task never ready.
    std::vector<std::uint32_t> pending(n), ready(graph->sources_);
    for (std::uint32_t v = 1; v < n; ++v) pending[v] = nodes[v].pending;
    std::size_t reached = 0;
    while (!ready.empty()) {
      std::uint32_t v = ready.back();
      ready.pop_back();
      ++reached;
      for (std::uint32_t i = nodes[v].first_successor; i < nodes[v].end_successor; ++i) {
        std::uint32_t s = graph->successors_[i] & ~fast::kSoleArrival;
        if (--pending[s] == 0) ready.push_back(s);
      }
    }
    if (reached != n - 1) return nullptr;
  }
  if (unique.valid() && !unique.get()) return nullptr;
  return graph;
}

}  // namespace baton::detail
