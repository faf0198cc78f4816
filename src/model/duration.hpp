// Durations as written in workflows (SPEC 1.1): seconds as a number, or unit terms `1h30m`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "baton/policy.hpp"

namespace baton::model {

/// Parses `250ms`, `1.5s`, `30s`, `5m`, `2h`, `1d`, `1h30m` (terms may repeat, any order).
/// A bare number is seconds. Returns nullopt for anything else, including negatives and overflow.
std::optional<Duration> parse_duration(std::string_view text);

/// True if `text` is written as a duration (unit terms such as `1h30m`), whatever its size:
/// what parse_duration refuses only for being too large.
bool is_duration_shape(std::string_view text);

/// Seconds (may be fractional) to a Duration; nullopt if negative, not finite or too large.
std::optional<Duration> duration_from_seconds(double seconds);

/// Compact human form: `250ms`, `1.5s`, `2m30s`, `1h2m`.
std::string format_duration(Duration d);

/// Seconds as a double, for JSON.
inline double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace baton::model
