// A compact directed acyclic graph over vertices 0..n-1 (compressed sparse rows, both
// directions, parallel edges removed): the shape every analysis in analyze/ works on.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace baton::analyze {

using Vertex = std::uint32_t;

class Dag {
 public:
  Dag() = default;
  /// Builds from an edge list (from, to); duplicates are dropped. Requires: acyclic, ids < n.
  Dag(std::size_t n, std::vector<std::pair<Vertex, Vertex>> edges);

  std::size_t size() const { return succ_begin_.empty() ? 0 : succ_begin_.size() - 1; }
  std::size_t edge_count() const { return succ_.size(); }
  std::span<const Vertex> successors(Vertex v) const {
    return {succ_.data() + succ_begin_[v], succ_.data() + succ_begin_[v + 1]};
  }
  std::span<const Vertex> predecessors(Vertex v) const {
    return {pred_.data() + pred_begin_[v], pred_.data() + pred_begin_[v + 1]};
  }

  /// Kahn's algorithm, O(V + E); among ready vertices the smallest id first, so the order is
  /// deterministic and follows file order where the edges allow.
  std::vector<Vertex> topological_order() const;

 private:
  std::vector<std::uint32_t> succ_begin_, pred_begin_;
  std::vector<Vertex> succ_, pred_;
};

}  // namespace baton::analyze
