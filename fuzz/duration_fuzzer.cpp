// Fuzzes the duration parser (SPEC 1.1): any text is either refused or read as a non-negative,
// bounded Duration, and what format_duration prints for it reads back to nearly the same value
// (the printed form is a human one: it rounds, so the check allows the rounding it does).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "model/duration.hpp"

namespace {

using baton::Duration;
namespace model = baton::model;

constexpr long long kMaxMilliseconds = 1'000'000'000'000'000;  // duration.cpp's bound

// How far format_duration may round: exact below 1s, 3 significant digits of seconds below
// 1m, whole seconds below 1h, whole minutes above.
long long print_tolerance(Duration d) {
  if (d.count() < 1000) return 0;
  if (d.count() < 60'000) return 50;
  if (d.count() < 3'600'000) return 999;
  return 59'999;
}

void check_duration(Duration d) {
  BATON_FUZZ_CHECK(d.count() >= 0 && d.count() <= kMaxMilliseconds, "duration out of range");
  std::string printed = model::format_duration(d);
  auto again = model::parse_duration(printed);
  BATON_FUZZ_CHECK(again.has_value(), "format_duration printed what parse_duration refuses");
  long long diff = again->count() - d.count();
  if (diff < 0) diff = -diff;
  BATON_FUZZ_CHECK(diff <= print_tolerance(d), "format_duration does not read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = model::parse_duration(text)) check_duration(*d);

  // The same bytes as a number of seconds, as a YAML number would give it.
  if (size >= sizeof(double)) {
    double seconds = 0;
    std::memcpy(&seconds, data, sizeof seconds);
    if (auto d = model::duration_from_seconds(seconds)) check_duration(*d);
  }
  return 0;
}
