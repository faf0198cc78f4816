// "Did you mean" suggestions: the closest candidate by edit distance, only when it is a plausible
// typo of the word.
#include "load/did_you_mean.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace baton::load {
namespace {

using Candidates = std::vector<std::string_view>;

const Candidates kTaskKeys = {"id",      "name",  "needs",   "run",      "argv",
                              "timeout", "retry", "trigger", "deadline", "outputs"};

TEST(Closest, SuggestsTheKeyAMisspellingMeant) {
  EXPECT_EQ(closest("retires", kTaskKeys), "retry");
  EXPECT_EQ(closest("timout", kTaskKeys), "timeout");
  EXPECT_EQ(closest("nedes", kTaskKeys), "needs");
}

TEST(Closest, CountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(closest("tiemout", kTaskKeys), "timeout");
  EXPECT_EQ(closest("rnu", kTaskKeys), "run");
}

TEST(Closest, IgnoresCase) {
  EXPECT_EQ(closest("RETRY", kTaskKeys), "retry");
  EXPECT_EQ(closest("Timeout", kTaskKeys), "timeout");
}

TEST(Closest, AllowsOneEditForWordsOfUpToThreeCharacters) {
  EXPECT_EQ(closest("rn", kTaskKeys), "run");
  EXPECT_EQ(closest("ab", Candidates{"abc"}), "abc");
  EXPECT_EQ(closest("xy", Candidates{"abc"}), std::nullopt);
  EXPECT_EQ(closest("ab", Candidates{"abcd"}), std::nullopt);
}

TEST(Closest, AllowsUpToHalfTheLengthForLongerWords) {
  EXPECT_EQ(closest("abcdef", Candidates{"abcxyz"}), "abcxyz");      // 3 edits of 6
  EXPECT_EQ(closest("abcdef", Candidates{"abwxyz"}), std::nullopt);  // 4 edits of 6
}

TEST(Closest, SuggestsNothingForAnUnrelatedWord) {
  EXPECT_EQ(closest("banana", kTaskKeys), std::nullopt);
  EXPECT_EQ(closest("estimate", Candidates{"retry", "timeout", "deadline", "kill_grace"}),
            std::nullopt);
}

TEST(Closest, PrefersTheNearestCandidate) {
  EXPECT_EQ(closest("payment", Candidates{"pay", "payments", "paymentz-old"}), "payments");
  EXPECT_EQ(closest("build", Candidates{"built", "build"}), "build");
}

TEST(Closest, BreaksTiesByCandidateOrder) {
  EXPECT_EQ(closest("abcx", Candidates{"abcy", "abcz"}), "abcy");
  EXPECT_EQ(closest("abcx", Candidates{"abcz", "abcy"}), "abcz");
}

TEST(Closest, SuggestsNothingWithoutCandidates) {
  EXPECT_EQ(closest("retry", Candidates{}), std::nullopt);
}

TEST(Closest, SuggestsNothingForWordsLongerThan128Characters) {
  std::string word(129, 'a');
  std::string candidate(128, 'a');
  EXPECT_EQ(closest(word, Candidates{candidate}), std::nullopt);
  word.pop_back();
  EXPECT_EQ(closest(word, Candidates{candidate}), candidate);
}

TEST(DidYouMean, QuotesTheSuggestion) {
  EXPECT_EQ(did_you_mean("retires", kTaskKeys), "did you mean 'retry'?");
}

TEST(DidYouMean, IsEmptyWithoutASuggestion) { EXPECT_EQ(did_you_mean("banana", kTaskKeys), ""); }

TEST(DidYouMeanNearest, GivesTheTypoFixWhenThereIsOne) {
  EXPECT_EQ(did_you_mean_nearest("bild", Candidates{"test", "build", "deploy"}),
            "did you mean 'build'?");
}

TEST(DidYouMeanNearest, OtherwiseNamesTheThreeNearestTiesInOrder) {
  // SPEC 1.1: an unknown reference always suggests the closest ids.
  // Edit distances 12, 6, 5, 6 and 8; none is a plausible typo of an 8-letter word.
  EXPECT_EQ(
      did_you_mean_nearest("abcdefgh", Candidates{"zzzzzzzzzzzz", "ab", "abcz", "abzzzz", "q"}),
      "did you mean one of 'abcz', 'ab', 'abzzzz'?");
  EXPECT_EQ(did_you_mean_nearest("qqqqqqq", Candidates{"deploy"}), "did you mean 'deploy'?");
  EXPECT_EQ(did_you_mean_nearest("qqqqqqq", Candidates{}), "");
}

}  // namespace
}  // namespace baton::load
