// Fuzzes the `$BATON_OUTPUT` parser (SPEC 2.2) and what is built from its values: the
// BATON_OUT_* names and a dynamic fan-out's items. What parses must write back, in the same
// format, to text that parses to the same outputs.
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/outputs.hpp"
#include "fuzz_check.hpp"

namespace {

namespace engine = baton::engine;

// A delimiter that is no line of `value`.
std::string delimiter_for(const std::string& value) {
  std::string delimiter = "EOF";
  while (("\n" + value + "\n").find("\n" + delimiter + "\n") != std::string::npos) {
    delimiter += '_';
  }
  return delimiter;
}

// Writes outputs back as a task would. Every line ends in "\r\n": the parser strips one '\r'
// (CRLF files), so a value's own trailing '\r' survives.
std::string write_outputs(const engine::Outputs& outputs) {
  std::string text;
  for (const auto& [key, value] : outputs) {
    if (value.find('\n') == std::string::npos) {
      text += key + "=" + value + "\r\n";
      continue;
    }
    std::string delimiter = delimiter_for(value);
    text += key + "<<" + delimiter + "\r\n";
    std::string_view rest = value;
    while (true) {
      auto end = rest.find('\n');
      text.append(rest.substr(0, end));
      text += "\r\n";
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    text += delimiter + "\r\n";
  }
  return text;
}

void check_variable_name(std::string_view key) {
  std::string name = engine::output_variable("build.compile", key);
  BATON_FUZZ_CHECK(name.rfind("BATON_OUT_BUILD_COMPILE_", 0) == 0, "output variable prefix");
  for (char c : name) {
    BATON_FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_',
                     "output variable is not a portable environment name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto outputs = engine::parse_outputs(text);
  if (!outputs) {
    BATON_FUZZ_CHECK(!outputs.error().message.empty(), "an error without a message");
    return 0;
  }
  std::size_t bytes = 0;
  for (const auto& [key, value] : *outputs) {
    BATON_FUZZ_CHECK(!key.empty(), "an empty key was accepted");
    BATON_FUZZ_CHECK(key.find('\n') == std::string::npos, "a key holds a newline");
    bytes += key.size() + value.size();
    check_variable_name(key);
    for (const auto& item : engine::fanout_items(value)) {
      BATON_FUZZ_CHECK(item.size() <= value.size(), "a fan-out item longer than its output");
    }
  }
  BATON_FUZZ_CHECK(bytes <= text.size(), "outputs larger than the file");

  std::string written = write_outputs(*outputs);
  if (written.size() <= engine::kMaxOutputBytes) {
    auto again = engine::parse_outputs(written);
    BATON_FUZZ_CHECK(again.has_value(), "written outputs do not parse");
    BATON_FUZZ_CHECK(*again == *outputs, "written outputs parse to something else");
  }
  return 0;
}
