// The outputs file of SPEC 2.2 and the BATON_OUT_* names of SPEC 2.1.
#include "engine/outputs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace baton::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(Outputs, KeyValueLinesWithEqualsInTheValue) {
  auto out = parse_outputs("version=1.4.0\nurl=https://x/?a=b\n\n");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_THAT(*out, ElementsAre(Pair("url", "https://x/?a=b"), Pair("version", "1.4.0")));
}

TEST(Outputs, MultiLineValueJoinsLinesWithoutTrailingNewline) {
  auto out = parse_outputs("files<<EOF\na.csv\nb.csv\nEOF\ncount=2\n");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_THAT(*out, ElementsAre(Pair("count", "2"), Pair("files", "a.csv\nb.csv")));
}

TEST(Outputs, EmptyMultiLineValueAndEmptyValue) {
  auto out = parse_outputs("a<<X\nX\nb=\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, ElementsAre(Pair("a", ""), Pair("b", "")));
}

TEST(Outputs, LaterLineWins) {
  auto out = parse_outputs("k=1\nk=2\n");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at("k"), "2");
}

TEST(Outputs, CarriageReturnsAreDropped) {
  auto out = parse_outputs("k=v\r\n");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at("k"), "v");
}

TEST(Outputs, MalformedLinesAreNamed) {
  EXPECT_EQ(parse_outputs("ok=1\njunk\n").error().message,
            "outputs line 2: expected key=value or key<<DELIM");
  EXPECT_EQ(parse_outputs("=v\n").error().message, "outputs line 1: empty key before '='");
  EXPECT_EQ(parse_outputs("x=1\nlist<<END\na\n").error().message,
            "outputs line 2: 'list' is never closed by a line 'END'");
}

TEST(Outputs, MoreThanOneMebibyteFails) {
  std::string big = "k=" + std::string(kMaxOutputBytes, 'x') + "\n";
  auto out = parse_outputs(big);
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message, ::testing::HasSubstr("more than the limit of 1 MiB"));
}

TEST(OutputsFile, NoFileMeansNoOutputs) {
  auto out = read_outputs_file("/nonexistent/baton/outputs.1");
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->empty());
}

TEST(OutputsFile, AHugeFileIsRefusedWithoutReadingItAll) {
  auto path = std::filesystem::temp_directory_path() / "baton-outputs-huge";
  {
    std::ofstream file(path);
    std::string line(1 << 16, 'x');
    for (int i = 0; i < 64; ++i) file << "k" << i << "=" << line << "\n";  // ~4 MiB.
  }
  auto out = read_outputs_file(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message, ::testing::HasSubstr("more than the limit of 1 MiB"));
}

TEST(OutputVariable, UpperCasesAndReplacesOtherCharacters) {
  EXPECT_EQ(output_variable("build.compile", "version"), "BATON_OUT_BUILD_COMPILE_VERSION");
  EXPECT_EQ(output_variable("shards[2]", "out-file"), "BATON_OUT_SHARDS_2__OUT_FILE");
}

}  // namespace
}  // namespace baton::engine
