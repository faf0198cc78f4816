// The layered layout of the HTML report's dependency graph.
#include "report/html_graph_layout.hpp"

#include <gtest/gtest.h>

namespace baton::report::html {
namespace {

TEST(LayeredLayout, PutsAChainOneLayerPerNodeInOneTrack) {
  const auto layout = layout_layered(3, {0, 0, 0}, {{0, 1}, {1, 2}});
  EXPECT_EQ(layout.layer, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(layout.layer_count, 3);
  EXPECT_EQ(layout.track_height, (std::vector<int>{1}));
  EXPECT_EQ(layout.offset, (std::vector<double>{0, 0, 0}));
}

TEST(LayeredLayout, LayersByLongestPath) {
  // 0 → 1 → 2 and 0 → 2: node 2 goes below 1, not beside it.
  const auto layout = layout_layered(3, {0, 1, 2}, {{0, 1}, {1, 2}, {0, 2}});
  EXPECT_EQ(layout.layer, (std::vector<int>{0, 1, 2}));
}

TEST(LayeredLayout, SharesATrackBetweenBlocksInSuccessiveLayers) {
  // Two phases one after the other share a track; a parallel one gets its own.
  const auto layout = layout_layered(4, {0, 1, 2, 2}, {{0, 1}, {2, 3}});
  EXPECT_EQ(layout.blocks[0].track, layout.blocks[1].track);
  EXPECT_NE(layout.blocks[0].track, layout.blocks[2].track);
  EXPECT_EQ(layout.track_height.size(), 2U);
}

TEST(LayeredLayout, KeepsBlocksFromOverlapping) {
  // Block 0 spans layers 0–1 with two nodes in layer 1; block 1 sits in layer 1 too.
  const auto layout = layout_layered(4, {0, 0, 0, 1}, {{0, 1}, {0, 2}, {0, 3}});
  EXPECT_EQ(layout.blocks[0].height, 2);
  EXPECT_NE(layout.blocks[0].track, layout.blocks[1].track);
}

TEST(LayeredLayout, OrdersByBarycenterToAvoidCrossings) {
  // Sources a(0), b(1) in file order; their children given crossed: c(2) under b, d(3) under a.
  const auto layout = layout_layered(4, {0, 0, 0, 0}, {{1, 2}, {0, 3}});
  EXPECT_LT(layout.offset[0], layout.offset[1]);
  EXPECT_LT(layout.offset[3], layout.offset[2]);
}

TEST(LayeredLayout, CentresALoneNodeUnderAPair) {
  const auto layout = layout_layered(3, {0, 0, 0}, {{0, 2}, {1, 2}});
  EXPECT_DOUBLE_EQ(layout.offset[2], 0.5);
}

TEST(LayeredLayout, SurvivesACycle) {
  const auto layout = layout_layered(3, {0, 0, 0}, {{0, 1}, {1, 0}, {1, 2}});
  EXPECT_EQ(layout.layer.size(), 3U);
  EXPECT_EQ(layout.offset.size(), 3U);
}

TEST(LayeredLayout, HandlesNoNodes) {
  const auto layout = layout_layered(0, {}, {});
  EXPECT_EQ(layout.layer_count, 0);
  EXPECT_TRUE(layout.blocks.empty());
}

}  // namespace
}  // namespace baton::report::html
