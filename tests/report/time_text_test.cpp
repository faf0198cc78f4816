// How reports write times and durations.
#include "report/time_text.hpp"

#include <gtest/gtest.h>

namespace baton::report {
namespace {

TEST(TimeText, Rfc3339IsUtcWithMilliseconds) {
  EXPECT_EQ(rfc3339(1'800'000'000'123), "2027-01-15T08:00:00.123Z");
  EXPECT_EQ(rfc3339(1'800'000'000'000), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(rfc3339(0), "") << "0 means not yet";
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
