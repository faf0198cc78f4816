// How reports write times and durations: RFC 3339 UTC with milliseconds in JSON (SPEC 8), local
// times and short durations for people.
#pragma once

#include <string>

#include "store/records.hpp"

namespace baton::report {

/// `2026-11-25T23:45:41.123Z`; empty for 0 (not yet).
std::string rfc3339(store::Millis ms);

/// Local time of day, `23:45:41.123`.
std::string time_of_day(store::Millis ms);

/// Local date and time, `2026-11-25 23:45:41`.
std::string local_date_time(store::Millis ms);

/// H:MM:SS, to the nearest second (SPEC 6's Result): `0:00:01`, `1:02:03`.
std::string hms(store::Millis duration);

/// Short: `0.55s`, `3m05s`, `1h02m`.
std::string short_duration(store::Millis duration);

inline double seconds(store::Millis duration) { return static_cast<double>(duration) / 1000.0; }

}  // namespace baton::report
