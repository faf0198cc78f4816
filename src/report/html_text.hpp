// Text for the HTML report: escaping, numbers and times as people read them, status classes.
// Every string that came from a run (paths, reasons, outputs) goes through escape() once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace baton::report::html {

/// `s` with & < > " ' replaced by entities: safe in element text and in quoted attributes.
std::string escape(std::string_view s);

/// At most `max_chars` UTF-8 characters of `s`, ending in "…" when cut. Never splits a character.
std::string truncate(std::string_view s, std::size_t max_chars);

/// Number of UTF-8 characters in `s`.
std::size_t char_count(std::string_view s);

/// Seconds since the Unix epoch of an RFC 3339 time (`2026-11-25T22:31:05.123Z`, offsets allowed);
/// nullopt if `text` is not one.
std::optional<double> parse_time(std::string_view text);

/// The time as a reader wants it: `2026-11-25 22:31:05.123 UTC` (the text as recorded, made
/// readable); "—" when empty.
std::string display_time(std::string_view rfc3339);

/// The clock part only: `22:31:05.123`; the whole text if it has no `T`.
std::string display_clock(std::string_view rfc3339);

/// A duration in seconds: `340 ms`, `1.25 s`, `2m 05s`, `1h 02m 03s`.
std::string format_seconds(double seconds);

/// An axis label, as short as possible: `0`, `250ms`, `1.5s`, `2m`, `1m30s`, `1h`.
std::string format_tick(double seconds);

/// A fraction as a percentage: `0.473` → `47%` (one decimal under 10%).
std::string format_percent(double fraction);

/// `1.9`, `12`, `0.25`: at most `decimals` decimals, trailing zeros dropped.
std::string format_number(double value, int decimals);

/// The CSS class of a task, attempt or run status: `s-ok`, `s-fail`, `s-ignored`, `s-muted`,
/// `s-active`, `s-comp`, `s-compfail`.
std::string_view status_class(std::string_view status);

/// `rolled_back` → `Rolled back`, `failed (ignored)` → `Failed (ignored)`.
std::string status_label(std::string_view status);

}  // namespace baton::report::html
