// Sugiyama-lite: longest-path layers, blocks packed into tracks, barycenter ordering sweeps.
// Without dummy nodes a long edge may pass behind a node; the renderer draws edges under nodes.
#include "report/html_graph_layout.hpp"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>

namespace baton::report::html {
namespace {

constexpr int kSweeps = 4;

struct Adjacency {
  std::vector<std::vector<int>> preds;
  std::vector<std::vector<int>> succs;
};

Adjacency adjacency(int n, const std::vector<std::pair<int, int>>& edges) {
  Adjacency adj{std::vector<std::vector<int>>(n), std::vector<std::vector<int>>(n)};
  for (auto [from, to] : edges) {
    if (from == to || from < 0 || to < 0 || from >= n || to >= n) continue;
    adj.succs[from].push_back(to);
    adj.preds[to].push_back(from);
  }
  return adj;
}

// Kahn's algorithm, O(V+E): each node one layer below its deepest predecessor.
std::vector<int> longest_path_layers(const Adjacency& adj) {
  const int n = static_cast<int>(adj.preds.size());
  std::vector<int> layer(n, 0);
  std::vector<int> indegree(n);
  std::deque<int> ready;
  for (int v = 0; v < n; ++v) {
    indegree[v] = static_cast<int>(adj.preds[v].size());
    if (indegree[v] == 0) ready.push_back(v);
  }
  while (!ready.empty()) {
    const int u = ready.front();
    ready.pop_front();
    for (int v : adj.succs[u]) {
      layer[v] = std::max(layer[v], layer[u] + 1);
      if (--indegree[v] == 0) ready.push_back(v);
    }
  }
  return layer;
}

// The nodes of each block in each of its layers: cells[block][layer - first_layer].
using Cells = std::vector<std::vector<std::vector<int>>>;

Cells fill_blocks(LayeredLayout& out, const std::vector<int>& block_of) {
  const int n = static_cast<int>(block_of.size());
  const int block_count = n == 0 ? 0 : *std::max_element(block_of.begin(), block_of.end()) + 1;
  out.blocks.assign(block_count, {});
  std::vector<bool> seen(block_count, false);
  for (int v = 0; v < n; ++v) {
    auto& block = out.blocks[block_of[v]];
    if (!seen[block_of[v]]) {
      block.first_layer = block.last_layer = out.layer[v];
      seen[block_of[v]] = true;
    }
    block.first_layer = std::min(block.first_layer, out.layer[v]);
    block.last_layer = std::max(block.last_layer, out.layer[v]);
  }
  Cells cells(block_count);
  for (int b = 0; b < block_count; ++b) {
    cells[b].resize(out.blocks[b].last_layer - out.blocks[b].first_layer + 1);
  }
  for (int v = 0; v < n; ++v) {
    const auto& block = out.blocks[block_of[v]];
    cells[block_of[v]][out.layer[v] - block.first_layer].push_back(v);
  }
  for (int b = 0; b < block_count; ++b) {
    for (const auto& cell : cells[b]) {
      out.blocks[b].height = std::max(out.blocks[b].height, static_cast<int>(cell.size()));
    }
  }
  return cells;
}

// Greedy interval packing by first layer: a block joins a track whose last block ends before
// it starts, the one it has most edges to (ties: the lowest), else opens a new track.
void pack_tracks(LayeredLayout& out, const std::vector<int>& block_of,
                 const std::vector<std::pair<int, int>>& edges) {
  const int block_count = static_cast<int>(out.blocks.size());
  std::map<std::pair<int, int>, int> links;
  for (auto [from, to] : edges) {
    const int a = block_of[from];
    const int b = block_of[to];
    if (a != b) ++links[{std::min(a, b), std::max(a, b)}];
  }
  std::vector<int> order(block_count);
  for (int b = 0; b < block_count; ++b) order[b] = b;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return out.blocks[a].first_layer < out.blocks[b].first_layer;
  });
  std::vector<int> track_last;
  std::vector<std::vector<int>> track_blocks;
  for (int b : order) {
    int best = -1;
    int best_links = -1;
    for (int t = 0; t < static_cast<int>(track_last.size()); ++t) {
      if (track_last[t] >= out.blocks[b].first_layer) continue;
      int count = 0;
      for (int other : track_blocks[t]) {
        const auto it = links.find({std::min(b, other), std::max(b, other)});
        count += it == links.end() ? 0 : it->second;
      }
      if (count > best_links) best = t, best_links = count;
    }
    if (best < 0) {
      best = static_cast<int>(track_last.size());
      track_last.push_back(0);
      track_blocks.emplace_back();
      out.track_height.push_back(0);
    }
    track_last[best] = out.blocks[b].last_layer;
    track_blocks[best].push_back(b);
    out.blocks[b].track = best;
    out.track_height[best] = std::max(out.track_height[best], out.blocks[b].height);
  }
}

// Positions every node from the current order in its cell: blocks centred in their track,
// each cell centred in its block.
void place(LayeredLayout& out, const Cells& cells) {
  for (std::size_t b = 0; b < cells.size(); ++b) {
    auto& block = out.blocks[b];
    block.offset = (out.track_height[block.track] - block.height) / 2.0;
    for (const auto& cell : cells[b]) {
      const double start = block.offset + (block.height - static_cast<int>(cell.size())) / 2.0;
      for (std::size_t i = 0; i < cell.size(); ++i) out.offset[cell[i]] = start + i;
    }
  }
}

// One barycenter sweep over the layers, `down` using predecessors, else successors. Tracks sit
// one slot apart, so positions compare across tracks.
void sweep(LayeredLayout& out, Cells& cells, const Adjacency& adj, bool down) {
  std::vector<double> track_start(out.track_height.size(), 0);
  for (std::size_t t = 1; t < track_start.size(); ++t) {
    track_start[t] = track_start[t - 1] + out.track_height[t - 1] + 1;
  }
  auto position = [&](int v) { return track_start[out.track[v]] + out.offset[v]; };
  std::vector<double> key(out.layer.size());
  for (int step = 0; step < out.layer_count; ++step) {
    const int layer = down ? step : out.layer_count - 1 - step;
    for (std::size_t b = 0; b < cells.size(); ++b) {
      const auto& block = out.blocks[b];
      if (layer < block.first_layer || layer > block.last_layer) continue;
      auto& cell = cells[b][layer - block.first_layer];
      for (int v : cell) {
        const auto& neighbours = down ? adj.preds[v] : adj.succs[v];
        double sum = 0;
        for (int u : neighbours) sum += position(u);
        key[v] = neighbours.empty() ? position(v) : sum / neighbours.size();
      }
      std::stable_sort(cell.begin(), cell.end(), [&](int a, int c) { return key[a] < key[c]; });
      const double start = block.offset + (block.height - static_cast<int>(cell.size())) / 2.0;
      for (std::size_t i = 0; i < cell.size(); ++i) out.offset[cell[i]] = start + i;
    }
  }
}

}  // namespace

LayeredLayout layout_layered(int node_count, const std::vector<int>& block_of,
                             const std::vector<std::pair<int, int>>& edges) {
  assert(static_cast<int>(block_of.size()) == node_count && "one block per node");
  LayeredLayout out;
  const Adjacency adj = adjacency(node_count, edges);
  out.layer = longest_path_layers(adj);
  for (int layer : out.layer) out.layer_count = std::max(out.layer_count, layer + 1);
  Cells cells = fill_blocks(out, block_of);
  std::vector<std::pair<int, int>> valid;
  for (auto [from, to] : edges) {
    if (from >= 0 && to >= 0 && from < node_count && to < node_count) valid.emplace_back(from, to);
  }
  pack_tracks(out, block_of, valid);
  out.track.resize(node_count);
  for (int v = 0; v < node_count; ++v) out.track[v] = out.blocks[block_of[v]].track;
  out.offset.assign(node_count, 0);
  place(out, cells);
  for (int i = 0; i < kSweeps; ++i) {
    sweep(out, cells, adj, /*down=*/true);
    sweep(out, cells, adj, /*down=*/false);
  }
  return out;
}

}  // namespace baton::report::html
