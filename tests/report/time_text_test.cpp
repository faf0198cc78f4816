// How reports write times and durations.
#include "report/time_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace baton::report {
namespace {

TEST(TimeText, Rfc3339IsUtcWithMilliseconds) {
  EXPECT_EQ(rfc3339(1'800'000'000'123), "2027-01-15T08:00:00.123Z");
  EXPECT_EQ(rfc3339(1'800'000'000'000), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(rfc3339(0), "") << "0 means not yet";
  EXPECT_EQ(rfc3339(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339(1'709'164'800'000), "2024-02-29T00:00:00.000Z") << "a leap day";
  EXPECT_EQ(rfc3339(1'798'761'599'999), "2026-12-31T23:59:59.999Z");
}

TEST(TimeText, Rfc3339AgreesWithGmtimeOverTwoCenturies) {
  std::uint64_t state = 42;
  for (int i = 0; i < 20'000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;     // Knuth's LCG.
    auto ms = static_cast<store::Millis>(state % 7'258'118'400'000ULL);  // 1970 to 2200.
    if (ms == 0) continue;
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms % 1000));
    ASSERT_EQ(rfc3339(ms), expected) << ms;
  }
}

TEST(TimeText, HoursMinutesSecondsWithHundredths) {
  EXPECT_EQ(hms(0), "0:00:00");
  EXPECT_EQ(hms(499), "0:00:00");
  EXPECT_EQ(hms(500), "0:00:01");
  EXPECT_EQ(hms(65'000), "0:01:05");
  EXPECT_EQ(hms(3'723'450), "1:02:03");
  EXPECT_EQ(hms(36'000'000), "10:00:00");
}

TEST(TimeText, ShortDurationsRoundAsHmsDoes) {
  EXPECT_EQ(short_duration(495), "0.50s");
  EXPECT_EQ(short_duration(4), "0.00s");
  EXPECT_EQ(short_duration(59'994), "59.99s");
  EXPECT_EQ(short_duration(65'000), "1m05s");
  EXPECT_EQ(short_duration(3'723'000), "1h02m");
}

}  // namespace
}  // namespace baton::report
