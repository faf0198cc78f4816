// The JSON report's writer against nlohmann's own dump(2): the same bytes for every kind of
// value, escapes, invalid UTF-8 and numbers of every size, and for a whole report.
#include "report/json_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "report/json_report.hpp"
#include "report/recorded_run.hpp"

namespace baton::report {
namespace {

using json = nlohmann::ordered_json;

std::string reference(const json& document) {
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

TEST(JsonText, EmptyAndScalarDocuments) {
  for (const json& document :
       {json::object(), json::array(), json(nullptr), json(true), json(false), json(0), json(-7),
        json(std::numeric_limits<std::int64_t>::min()),
        json(std::numeric_limits<std::uint64_t>::max()), json(""), json("plain")}) {
    EXPECT_EQ(json_text(document), reference(document)) << document.dump();
  }
}

TEST(JsonText, NestedContainersAreIndentedAsDumpIndentsThem) {
  json document = json::object();
  document["run"] = {{"id", "r1"}, {"empty", json::object()}, {"list", json::array()}};
  document["tasks"] = json::array();
  document["tasks"].push_back({{"path", "a"}, {"attempts", {{{"n", 1}, {"signal", nullptr}}}}});
  document["tasks"].push_back(json::array({1, json::array({2, json::object()}), "x"}));
  EXPECT_EQ(json_text(document), reference(document));
}

TEST(JsonText, StringsThatNeedEscapesOrAreNotUtf8) {
  const std::string samples[] = {
      "quote \" and backslash \\",
      "tab\tnew line\ncarriage\rbell\x07 escape\x1b del\x7f",
      std::string("nul \0 inside", 12),
      "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80",  // valid UTF-8
      "stray \xff byte",                            // invalid: becomes U+FFFD
      "cut \xe2\x9c",                               // truncated sequence at the end
      "/slash/ is not escaped",
  };
  json document = json::object();
  for (const auto& text : samples) {
    EXPECT_EQ(json_text(json(text)), reference(json(text))) << text;
    document[text] = text;  // As a key too.
  }
  EXPECT_EQ(json_text(document), reference(document));
}

// Every byte value, at every place of a string, comes out as dump() prints it: the writer's
// shortcut for plain strings must not take in a byte that needs escaping or checking.
TEST(JsonText, EveryByteAtEveryPlaceOfAString) {
  const std::string plain = "abcdefgh-ABCDEFGH~ !";  // 20 printable bytes.
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t at = 0; at < plain.size(); ++at) {
      std::string text = plain;
      text[at] = static_cast<char>(byte);
      ASSERT_EQ(json_text(json(text)), reference(json(text))) << "byte " << byte << " at " << at;
    }
  }
}

TEST(JsonText, FloatsAsNlohmannPrintsThem) {
  json document = json::array();
  for (double x : {0.0, -0.0, 1.0, 0.001, 0.0001, 0.00001, 1.5, 123456.789, 1e15, 1e16, 1e300,
                   -2.5e-7, 0.1 + 0.2}) {
    document.push_back(x);
  }
  document.push_back(std::numeric_limits<double>::quiet_NaN());  // null
  document.push_back(std::numeric_limits<double>::infinity());   // null
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> exponent(-9, 12);
  for (int i = 0; i < 2000; ++i) document.push_back(std::pow(10.0, exponent(random)));
  EXPECT_EQ(json_text(document), reference(document));
}

TEST(JsonText, AWholeReportIsTheSameText) {
  auto broken = testing::task("a", "failed", {testing::attempt(1, 0, 1000, 3)});
  broken.outputs = {{"note", "bytes \xfe\xff and \"quotes\"\n"}, {"n", "42"}};
  testing::RecordedRun run(R"(name: text
tasks:
  - { id: a, run: "false" }
  - { id: b, needs: a, run: "true" }
)",
                           "failed", 2000, {broken, testing::task("b", "skipped", {})});
  auto report = run.report();
  const auto document = report_json(report, compute_metrics(report));
  EXPECT_EQ(json_text(document), reference(document));
}

// report.json is written as it is made, in pieces: the file holds exactly the text.
TEST(JsonText, WrittenPieceByPieceIsTheSameText) {
  json tasks = json::array();
  for (int i = 0; i < 3000; ++i) {  // ~300 KB: several pieces.
    tasks.push_back({{"path", "story.task_" + std::to_string(i)},
                     {"attempts", json::array({{{"n", 1}, {"log", "logs/t.1.log"}}})},
                     {"note", i % 7 == 0 ? "tab\there \xff" : "plain"}});
  }
  const json document = {{"run", {{"id", "r"}}}, {"tasks", tasks}};
  std::ostringstream out;
  write_json_text(document, out);
  EXPECT_GT(out.str().size(), 200'000u);
  EXPECT_EQ(out.str(), reference(document));
  std::ostringstream small;
  write_json_text(json::object(), small);
  EXPECT_EQ(small.str(), "{}\n");
}

}  // namespace
}  // namespace baton::report
