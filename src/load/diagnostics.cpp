#include <fmt/format.h>

#include "baton/diagnostic.hpp"

namespace baton {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}:{}", line, column);
  out += ": " + message;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

}  // namespace baton
