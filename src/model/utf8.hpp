// UTF-8 checks for text that comes from outside a workflow file (task output, --set values):
// the loader's YAML parser already refuses a file that is not UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace baton::model {

/// The length of the well-formed UTF-8 character at `s[at]` (1 to 4 bytes), or 0 if the bytes
/// there are not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF,
/// cut short).
std::size_t utf8_char_length(std::string_view s, std::size_t at);

/// Whether all of `s` is well-formed UTF-8.
bool is_utf8(std::string_view s);

/// U+FFFD, the replacement character, for a byte that is not part of a well-formed character.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace baton::model
