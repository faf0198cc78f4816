// The id rule of SPEC 1.1: `[A-Za-z_][A-Za-z0-9_-]*`, at most 64 characters.
#pragma once

#include <string>
#include <string_view>

namespace baton::model {

inline constexpr std::size_t kMaxIdLength = 64;

bool is_valid_id(std::string_view id);
/// What an invalid id's error says was expected: "letters, digits, … at most 64 characters".
std::string id_rule();
/// Output keys and `as` names: like ids but without '-', so they can become variable names.
bool is_valid_identifier(std::string_view name);

}  // namespace baton::model
