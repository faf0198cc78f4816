// The version of baton, for `baton --version` and the reports.
#pragma once

namespace baton {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace baton
