#include "model/ids.hpp"

namespace baton::model {
namespace {

bool is_head(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || !is_head(id[0])) return false;
  for (char c : id.substr(1)) {
    if (!is_head(c) && !is_digit(c) && c != '-') return false;
  }
  return true;
}

std::string id_rule() {
  return "letters, digits, '_' or '-', starting with a letter or '_', at most " +
         std::to_string(kMaxIdLength) + " characters";
}

bool is_valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdLength || !is_head(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!is_head(c) && !is_digit(c)) return false;
  }
  return true;
}

}  // namespace baton::model
