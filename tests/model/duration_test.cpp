// Durations as SPEC 1.1 writes them: a number of seconds or unit terms; anything else rejected.
#include "model/duration.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace baton::model {
namespace {

using std::chrono::milliseconds;

milliseconds ms(long long n) { return milliseconds(n); }

TEST(ParseDuration, ReadsABareIntegerAsSeconds) {
  EXPECT_EQ(parse_duration("30"), ms(30'000));
  EXPECT_EQ(parse_duration("0"), ms(0));
}

TEST(ParseDuration, ReadsAFractionalNumberAsSeconds) {
  EXPECT_EQ(parse_duration("1.5"), ms(1'500));
  EXPECT_EQ(parse_duration("0.25"), ms(250));
}

TEST(ParseDuration, ReadsMilliseconds) { EXPECT_EQ(parse_duration("250ms"), ms(250)); }

TEST(ParseDuration, ReadsSeconds) {
  EXPECT_EQ(parse_duration("30s"), ms(30'000));
  EXPECT_EQ(parse_duration("1.5s"), ms(1'500));
}

TEST(ParseDuration, ReadsMinutesHoursAndDays) {
  EXPECT_EQ(parse_duration("5m"), ms(5 * 60'000));
  EXPECT_EQ(parse_duration("2h"), ms(2 * 3'600'000));
  EXPECT_EQ(parse_duration("1d"), ms(86'400'000));
}

TEST(ParseDuration, AddsUpSeveralTerms) {
  EXPECT_EQ(parse_duration("1h30m"), ms(5'400'000));
  EXPECT_EQ(parse_duration("1m30s500ms"), ms(90'500));
  EXPECT_EQ(parse_duration("1d2h3m4s"), ms(86'400'000 + 7'200'000 + 180'000 + 4'000));
}

TEST(ParseDuration, AcceptsAFractionOfAnyUnit) {
  EXPECT_EQ(parse_duration("1.5m"), ms(90'000));
  EXPECT_EQ(parse_duration("0.5h"), ms(1'800'000));
}

TEST(ParseDuration, AcceptsZeroWithAUnit) { EXPECT_EQ(parse_duration("0s"), ms(0)); }

TEST(ParseDuration, RoundsToTheNearestMillisecond) {
  EXPECT_EQ(parse_duration("0.0004"), ms(0));
  EXPECT_EQ(parse_duration("0.0006"), ms(1));
}

TEST(ParseDuration, RejectsTheEmptyString) { EXPECT_FALSE(parse_duration("")); }

TEST(ParseDuration, RejectsNegativeNumbers) {
  EXPECT_FALSE(parse_duration("-5"));
  EXPECT_FALSE(parse_duration("-5s"));
}

TEST(ParseDuration, RejectsWordsAndUnknownUnits) {
  EXPECT_FALSE(parse_duration("10 minutes"));
  EXPECT_FALSE(parse_duration("5x"));
  EXPECT_FALSE(parse_duration("5sec"));
  EXPECT_FALSE(parse_duration("soon"));
}

TEST(ParseDuration, RejectsUpperCaseUnits) {
  EXPECT_FALSE(parse_duration("5S"));
  EXPECT_FALSE(parse_duration("1H"));
}

TEST(ParseDuration, RejectsBlanksInsideOrAround) {
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("1h 30m"));
  EXPECT_FALSE(parse_duration(" 5s"));
  EXPECT_FALSE(parse_duration("5s "));
}

TEST(ParseDuration, RejectsAUnitWithoutANumber) {
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("1hm"));
}

TEST(ParseDuration, RejectsMalformedNumbers) {
  EXPECT_FALSE(parse_duration(".5s"));
  EXPECT_FALSE(parse_duration("1.s"));
  EXPECT_FALSE(parse_duration("1.2.3s"));
  EXPECT_FALSE(parse_duration("1e3"));
  EXPECT_FALSE(parse_duration("+5s"));
}

TEST(ParseDuration, RejectsDurationsTooLargeToMeanAnything) {
  EXPECT_FALSE(parse_duration("99999999999d"));
  EXPECT_FALSE(parse_duration("99999999999999999"));
}

TEST(ParseDuration, RejectsTextLongerThan64Characters) {
  std::string long_text;
  for (int i = 0; i < 22; ++i) long_text += "1s";  // 44 characters: fine
  EXPECT_EQ(parse_duration(long_text), ms(22'000));
  long_text.clear();
  for (int i = 0; i < 33; ++i) long_text += "1s";  // 66 characters
  EXPECT_FALSE(parse_duration(long_text));
}

TEST(DurationFromSeconds, ConvertsFractionalSeconds) {
  EXPECT_EQ(duration_from_seconds(1.5), ms(1'500));
  EXPECT_EQ(duration_from_seconds(0), ms(0));
}

TEST(DurationFromSeconds, RejectsNegativeAndNonFiniteValues) {
  EXPECT_FALSE(duration_from_seconds(-0.001));
  EXPECT_FALSE(duration_from_seconds(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(duration_from_seconds(std::nan("")));
}

TEST(DurationFromSeconds, RejectsValuesTooLarge) { EXPECT_FALSE(duration_from_seconds(1e13)); }

TEST(FormatDuration, ShowsLessThanASecondInMilliseconds) {
  EXPECT_EQ(format_duration(ms(0)), "0ms");
  EXPECT_EQ(format_duration(ms(250)), "250ms");
  EXPECT_EQ(format_duration(ms(999)), "999ms");
}

TEST(FormatDuration, ShowsWholeSecondsWithoutAFraction) {
  EXPECT_EQ(format_duration(ms(1'000)), "1s");
  EXPECT_EQ(format_duration(ms(30'000)), "30s");
}

TEST(FormatDuration, ShowsFractionalSecondsWithThreeSignificantDigits) {
  EXPECT_EQ(format_duration(ms(1'500)), "1.5s");
  EXPECT_EQ(format_duration(ms(1'234)), "1.23s");
  EXPECT_EQ(format_duration(ms(12'345)), "12.3s");
}

TEST(FormatDuration, ShowsMinutesAndSeconds) {
  EXPECT_EQ(format_duration(ms(60'000)), "1m");
  EXPECT_EQ(format_duration(ms(150'000)), "2m30s");
}

TEST(FormatDuration, ShowsHoursAndMinutesWithoutSeconds) {
  EXPECT_EQ(format_duration(ms(3'600'000)), "1h");
  EXPECT_EQ(format_duration(ms(3'720'000)), "1h2m");
  EXPECT_EQ(format_duration(ms(3'661'000)), "1h1m");
  EXPECT_EQ(format_duration(ms(86'400'000)), "24h");
}

TEST(FormatDuration, RoundTripsThroughParseDuration) {
  for (const char* text : {"250ms", "1.5s", "30s", "2m30s", "1h30m"}) {
    auto parsed = parse_duration(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(format_duration(*parsed), text);
  }
}

TEST(ToSeconds, ConvertsMillisecondsToFractionalSeconds) {
  EXPECT_DOUBLE_EQ(to_seconds(ms(1'500)), 1.5);
  EXPECT_DOUBLE_EQ(to_seconds(ms(0)), 0.0);
}

}  // namespace
}  // namespace baton::model
