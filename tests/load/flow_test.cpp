// parse_flow: Airflow-style chains ("a >> [b, c] >> d") into steps of references, each reference
// and each error at its own line and column.
#include "load/flow.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton::load {
namespace {

using Step = std::vector<std::string>;

constexpr model::SourcePos kStart{7, 5};  // Where the chain's first character stands in a file.

std::vector<Step> steps(const FlowParse& parse) {
  std::vector<Step> out;
  for (const auto& step : parse.chain.steps) {
    auto& texts = out.emplace_back();
    for (const auto& ref : step) texts.push_back(ref.text);
  }
  return out;
}

FlowParse parse_ok(std::string_view text) {
  auto parse = parse_flow(text, kStart);
  EXPECT_EQ(parse.error, "") << "parsing \"" << text << "\"";
  return parse;
}

TEST(ParseFlow, ReadsTwoStepsJoinedByShiftRight) {
  EXPECT_EQ(steps(parse_ok("build >> test")), (std::vector<Step>{{"build"}, {"test"}}));
}

TEST(ParseFlow, ReadsALongChain) {
  EXPECT_EQ(steps(parse_ok("a >> b >> c >> d")), (std::vector<Step>{{"a"}, {"b"}, {"c"}, {"d"}}));
}

TEST(ParseFlow, ReadsAListAsOneStep) {
  EXPECT_EQ(steps(parse_ok("build >> [test, shards] >> deploy")),
            (std::vector<Step>{{"build"}, {"test", "shards"}, {"deploy"}}));
}

TEST(ParseFlow, ReadsAListOfOne) {
  EXPECT_EQ(steps(parse_ok("[a] >> b")), (std::vector<Step>{{"a"}, {"b"}}));
}

TEST(ParseFlow, ReadsDottedPathsDashesAndUnderscores) {
  EXPECT_EQ(steps(parse_ok("build.compile >> run-tests >> _ship_2")),
            (std::vector<Step>{{"build.compile"}, {"run-tests"}, {"_ship_2"}}));
}

TEST(ParseFlow, IgnoresBlanksAroundTokens) {
  EXPECT_EQ(steps(parse_ok("a>>[b,c]>>d")), (std::vector<Step>{{"a"}, {"b", "c"}, {"d"}}));
  EXPECT_EQ(steps(parse_ok("  a \t>>  [ b ,\tc ]  >> d  ")),
            (std::vector<Step>{{"a"}, {"b", "c"}, {"d"}}));
}

TEST(ParseFlow, PlacesEachReferenceAtItsColumn) {
  auto parse = parse_ok("build >> [test, shards]");
  ASSERT_EQ(parse.chain.steps.size(), 2u);
  const auto& build = parse.chain.steps[0][0];
  const auto& test = parse.chain.steps[1][0];
  const auto& shards = parse.chain.steps[1][1];
  EXPECT_EQ(build.pos.line, 7);
  EXPECT_EQ(build.pos.column, 5);
  EXPECT_EQ(test.pos.line, 7);
  EXPECT_EQ(test.pos.column, 5 + 10);
  EXPECT_EQ(shards.pos.column, 5 + 16);
}

TEST(ParseFlow, CountsLeadingBlanksInColumns) {
  auto parse = parse_ok("  a >> b");
  EXPECT_EQ(parse.chain.steps[0][0].pos.column, 5 + 2);
  EXPECT_EQ(parse.chain.steps[1][0].pos.column, 5 + 7);
}

struct FlowError {
  std::string message;
  int column;
};

FlowError error_of(std::string_view text) {
  auto parse = parse_flow(text, kStart);
  EXPECT_EQ(parse.error_pos.line, kStart.line) << "parsing \"" << text << "\"";
  EXPECT_TRUE(parse.chain.steps.empty()) << "a failed parse returns no steps";
  return {parse.error, parse.error_pos.column - kStart.column};
}

TEST(ParseFlow, RejectsASingleStep) {
  auto e = error_of("build");
  EXPECT_EQ(e.message, "a flow chain needs at least two steps joined by '>>'");
  EXPECT_EQ(e.column, 0);
}

// There is no '>>' in an empty chain to be "after"; say what a chain is.
TEST(ParseFlow, RejectsAnEmptyChain) {
  auto e = error_of("");
  EXPECT_EQ(e.message, "a flow chain needs at least two steps joined by '>>'");
  EXPECT_EQ(e.column, 0);
}

TEST(ParseFlow, RejectsAChainEndingInShiftRight) {
  auto e = error_of("a >> ");
  EXPECT_EQ(e.message, "expected a task reference or '[' after '>>'");
  EXPECT_EQ(e.column, 5);
}

TEST(ParseFlow, RejectsASingleAngleBracket) {
  auto e = error_of("a > b");
  EXPECT_EQ(e.message, "expected '>>' between steps");
  EXPECT_EQ(e.column, 2);
}

TEST(ParseFlow, RejectsTwoReferencesWithoutShiftRight) {
  auto e = error_of("a b");
  EXPECT_EQ(e.message, "expected '>>' between steps");
  EXPECT_EQ(e.column, 2);
}

TEST(ParseFlow, RejectsTripleAngleBracket) {
  auto e = error_of("a >>> b");
  EXPECT_EQ(e.message, "expected a task reference");
  EXPECT_EQ(e.column, 4);
}

TEST(ParseFlow, RejectsAnUnclosedList) {
  auto e = error_of("build >> [test, deploy");
  EXPECT_EQ(e.message, "expected ',' or ']' in a list of steps");
  EXPECT_EQ(e.column, 22);
}

TEST(ParseFlow, RejectsAnEmptyList) {
  auto e = error_of("a >> [] >> b");
  EXPECT_EQ(e.message, "expected a task reference");
  EXPECT_EQ(e.column, 6);
}

TEST(ParseFlow, RejectsAnEmptyListItem) {
  auto e = error_of("a >> [b,, c]");
  EXPECT_EQ(e.message, "expected a task reference");
  EXPECT_EQ(e.column, 8);
}

TEST(ParseFlow, RejectsCharactersThatCannotBeInAReference) {
  auto e = error_of("a >> b/c");
  EXPECT_EQ(e.message, "expected '>>' between steps");
  EXPECT_EQ(e.column, 6);
}

TEST(ParseFlow, RejectsANestedList) {
  auto e = error_of("a >> [[b]]");
  EXPECT_EQ(e.message, "expected a task reference");
  EXPECT_EQ(e.column, 6);
}

}  // namespace
}  // namespace baton::load
