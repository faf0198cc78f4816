// Tests for PathIndex, the loader's flat table of paths and ids: what std::unordered_map would
// answer, through growth, duplicates and keys that differ in one character.
#include "load/path_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace baton::load {
namespace {

TEST(PathIndex, FindsWhatWasAddedAndNothingElse) {
  PathIndex index(2);
  EXPECT_TRUE(index.emplace("build", 1).second);
  EXPECT_TRUE(index.emplace("build.compile", 2).second);
  EXPECT_EQ(index.find("build"), 1u);
  EXPECT_EQ(index.find("build.compile"), 2u);
  EXPECT_EQ(index.find("buil"), std::nullopt);
  EXPECT_EQ(index.find(""), std::nullopt);
  EXPECT_EQ(index.size(), 2u);
}

TEST(PathIndex, KeepsTheFirstNodeOfADuplicateKey) {
  PathIndex index;
  EXPECT_TRUE(index.emplace("a", 3).second);
  auto [held, fresh] = index.emplace("a", 7);
  EXPECT_FALSE(fresh);
  EXPECT_EQ(held, 3u);
  index.assign("a", 9);
  EXPECT_EQ(index.find("a"), 9u);
  index.assign("missing", 1);  // Assigning a key that is not there adds nothing.
  EXPECT_EQ(index.find("missing"), std::nullopt);
  EXPECT_EQ(index.size(), 1u);
}

TEST(PathIndex, AgreesWithAMapThroughGrowth) {
  // Sized for none, so it grows many times; keys share long prefixes and differ at the end.
  std::vector<std::string> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back("group.sub.t" + std::to_string(i * 7919 % 20011));
  PathIndex index;
  std::map<std::string, model::NodeIndex> expected;
  for (model::NodeIndex i = 0; i < keys.size(); ++i) {
    bool fresh = expected.emplace(keys[i], i).second;
    EXPECT_EQ(index.emplace(keys[i], i).second, fresh) << keys[i];
  }
  EXPECT_EQ(index.size(), expected.size());
  for (const auto& [key, node] : expected) EXPECT_EQ(index.find(key), node) << key;
  EXPECT_EQ(index.find("group.sub.t20011"), std::nullopt);
  std::map<std::string, model::NodeIndex> listed;
  index.for_each([&](std::string_view key, model::NodeIndex node) {
    EXPECT_TRUE(listed.emplace(std::string(key), node).second);
  });
  EXPECT_EQ(listed, expected);
}

}  // namespace
}  // namespace baton::load
