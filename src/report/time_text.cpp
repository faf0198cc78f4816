#include "report/time_text.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

namespace baton::report {
namespace {

std::time_t whole_seconds(store::Millis ms) {
  auto floor = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  return static_cast<std::time_t>(floor);
}

int millis_part(store::Millis ms) { return static_cast<int>(((ms % 1000) + 1000) % 1000); }

}  // namespace

// A report of 10,000 tasks writes 20,000 of these: calendar arithmetic and digits written in
// place, not strftime-style formatting (0.6 µs a time, 12 ms of such a report).
std::string rfc3339(store::Millis ms) {
  using namespace std::chrono;
  if (ms == 0) return {};
  auto at = sys_time<milliseconds>(milliseconds(ms));
  auto day = floor<days>(at);
  year_month_day date(day);
  hh_mm_ss time(floor<milliseconds>(at - day));
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t end, long long value, int width) {
    for (int i = 1; i <= width; ++i, value /= 10)
      out[end - i] = static_cast<char>('0' + value % 10);
  };
  int year = int(date.year());
  if (year < 0 || year > 9999) {  // Outside RFC 3339's four digits: never a time baton wrote.
    return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, unsigned(date.month()),
                       unsigned(date.day()), time.hours().count(), time.minutes().count(),
                       time.seconds().count(), time.subseconds().count());
  }
  put(4, year, 4);
  put(7, unsigned(date.month()), 2);
  put(10, unsigned(date.day()), 2);
  put(13, time.hours().count(), 2);
  put(16, time.minutes().count(), 2);
  put(19, time.seconds().count(), 2);
  put(23, time.subseconds().count(), 3);
  return out;
}

std::string time_of_day(store::Millis ms) {
  return fmt::format("{:%H:%M:%S}.{:03}", fmt::localtime(whole_seconds(ms)), millis_part(ms));
}

std::string local_date_time(store::Millis ms) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(whole_seconds(ms)));
}

std::string hms(store::Millis duration) {
  if (duration < 0) duration = 0;
  auto secs = (duration + 500) / 1000;
  return fmt::format("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
}

std::string short_duration(store::Millis duration) {
  if (duration < 0) duration = 0;
  if (duration < 59'995) {  // Rounded to hundredths.
    auto hundredths = (duration + 5) / 10;
    return fmt::format("{}.{:02}s", hundredths / 100, hundredths % 100);
  }
  auto secs = duration / 1000;
  if (secs < 3600) return fmt::format("{}m{:02}s", secs / 60, secs % 60);
  return fmt::format("{}h{:02}m", secs / 3600, secs / 60 % 60);
}

}  // namespace baton::report
