// A layered ("Sugiyama-lite") layout of a DAG whose nodes belong to blocks (the phases drawn as
// clusters), in abstract units: a layer per node and a position across the layers. The HTML
// report turns the units into pixels, top-down or left-to-right.
#pragma once

#include <utility>
#include <vector>

namespace baton::report::html {

/// Where each node and block goes. Layers run along the edges; tracks are bands across them,
/// one block at a time in each layer, so that blocks never overlap.
struct LayeredLayout {
  struct Block {
    int track = 0;
    int first_layer = 0;
    int last_layer = 0;
    int height = 0;     // the most nodes it has in one layer
    double offset = 0;  // where it starts across its track, in node slots
  };
  std::vector<int> layer;      // per node
  std::vector<int> track;      // per node: its block's track
  std::vector<double> offset;  // per node: across its track, in node slots
  std::vector<Block> blocks;
  std::vector<int> track_height;  // per track, in node slots
  int layer_count = 0;
};

/// Lays out `node_count` nodes; `block_of[v]` is v's block (0..B-1, every block used), `edges`
/// are (from, to) pairs. Layers are longest-path layers (Kahn's algorithm, O(V+E)); blocks are
/// packed into tracks greedily by first layer, preferring the track they have most edges to;
/// nodes within a block and layer are ordered by the barycenter of their neighbours for a few
/// down and up sweeps, O(sweeps·(V log V + E)). A cycle is not an error: its nodes stay in
/// layer 0 and the rest is laid out as usual.
LayeredLayout layout_layered(int node_count, const std::vector<int>& block_of,
                             const std::vector<std::pair<int, int>>& edges);

}  // namespace baton::report::html
