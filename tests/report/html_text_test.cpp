// Text of the HTML report: escaping, RFC 3339 times, durations and status classes.
#include "report/html_text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace baton::report::html {
namespace {

TEST(HtmlText, EscapesMarkupAndQuotes) {
  EXPECT_EQ(escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape("plain"), "plain");
}

// HTML allows no control character but white space; an ESC would also reach a terminal that
// shows the file. Each is written as text, as the Markdown report writes it.
TEST(HtmlText, WritesControlCharactersAsText) {
  EXPECT_EQ(escape("a\x1b]0;x\x07"
                   "b\x7f"),
            "a\\x1b]0;x\\x07b\\x7f");
  EXPECT_EQ(escape("line\n\tcell\r"), "line\n\tcell\r");
  EXPECT_EQ(escape("c1 \xC2\x9B."), "c1 \\u009b.");
  EXPECT_EQ(escape("\xC2\xA0"), "\xC2\xA0");  // U+00A0 is a character, not a control.
}

TEST(HtmlText, KeepsCharactersAndReplacesBytesThatAreNotUtf8) {
  // The page declares UTF-8: a task's Latin-1 output must not make it invalid.
  EXPECT_EQ(escape("caf\xe9 <b>"), "caf\xEF\xBF\xBD &lt;b&gt;");
  EXPECT_EQ(escape("é…€𝄞"), "é…€𝄞");
  EXPECT_EQ(escape("\xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82"),
            "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(HtmlText, TruncatesByCharacterNotByte) {
  EXPECT_EQ(truncate("abcdef", 6), "abcdef");
  EXPECT_EQ(truncate("abcdef", 4), "abc…");
  EXPECT_EQ(truncate("ééééé", 3), "éé…");
  EXPECT_EQ(char_count("é…"), 2U);
}

TEST(HtmlText, ParsesRfc3339Times) {
  EXPECT_DOUBLE_EQ(*parse_time("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_NEAR(*parse_time("2026-11-25T22:31:05.123Z"), 1795645865.123, 1e-6);
  EXPECT_NEAR(*parse_time("2026-11-25T23:31:05.123+01:00"), 1795645865.123, 1e-6);
  EXPECT_FALSE(parse_time(""));
  EXPECT_FALSE(parse_time("2026-11-25"));
  EXPECT_FALSE(parse_time("2026-13-25T22:31:05Z"));
  EXPECT_FALSE(parse_time("2026-11-25T22:31:05.123Zjunk"));
}

TEST(HtmlText, ShowsTimesAsRecorded) {
  EXPECT_EQ(display_time("2026-11-25T22:31:05.123Z"), "2026-11-25 22:31:05.123 UTC");
  EXPECT_EQ(display_time(""), "—");
  EXPECT_EQ(display_clock("2026-11-25T22:31:05.123Z"), "22:31:05.123");
}

TEST(HtmlText, FormatsDurationsAndTicks) {
  EXPECT_EQ(format_seconds(0.34), "340 ms");
  EXPECT_EQ(format_seconds(1.25), "1.25 s");
  EXPECT_EQ(format_seconds(42.25), "42.2 s");
  EXPECT_EQ(format_seconds(125), "2m 05s");
  EXPECT_EQ(format_seconds(3723), "1h 02m 03s");
  EXPECT_EQ(format_tick(0), "0");
  EXPECT_EQ(format_tick(0.25), "250ms");
  EXPECT_EQ(format_tick(1.5), "1.5s");
  EXPECT_EQ(format_tick(90), "1m30s");
  EXPECT_EQ(format_tick(3600), "1h");
  EXPECT_EQ(format_percent(0.473), "47%");
  EXPECT_EQ(format_percent(0.052), "5.2%");
  EXPECT_EQ(format_number(1.90, 2), "1.9");
}

TEST(HtmlText, NumbersRoundAsPrintfDoesWithoutTrailingZeros) {
  // format_number writes with std::to_chars; printf's %.*f is the reference it must match.
  auto reference = [](double value, int decimals) {
    std::array<char, 400> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
    std::string out = buffer.data();
    if (out.find('.') != std::string::npos) {
      while (out.back() == '0') out.pop_back();
      if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? std::string("0") : out;
  };
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> small(-2000, 2000);
  std::vector<double> values = {0.0,   -0.0, 0.5,   1.5,    2.5,  0.125, 0.005,   1.005,
                                2.675, 1e-9, -1e-9, 99.995, 1e15, 1e300, -123.456};
  for (int i = 0; i < 20000; ++i) values.push_back(small(random));
  for (double value : values) {
    for (int decimals : {0, 1, 2, 3}) {
      ASSERT_EQ(format_number(value, decimals), reference(value, decimals))
          << value << " with " << decimals << " decimals";
    }
  }
  EXPECT_EQ(format_number(std::nan(""), 2), "—");
}

TEST(HtmlText, ClassifiesStatuses) {
  EXPECT_EQ(status_class("succeeded"), "s-ok");
  EXPECT_EQ(status_class("failed"), "s-fail");
  EXPECT_EQ(status_class("failed (ignored)"), "s-ignored");
  EXPECT_EQ(status_class("skipped"), "s-muted");
  EXPECT_EQ(status_class("cancelled"), "s-muted");
  EXPECT_EQ(status_class("retrying"), "s-active");
  EXPECT_EQ(status_class("waiting"), "s-active");
  EXPECT_EQ(status_class("compensated"), "s-comp");
  EXPECT_EQ(status_class("rolled_back"), "s-comp");
  EXPECT_EQ(status_class("compensation_failed"), "s-compfail");
  EXPECT_EQ(status_label("rolled_back"), "Rolled back");
}

}  // namespace
}  // namespace baton::report::html
