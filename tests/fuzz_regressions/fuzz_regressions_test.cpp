// Inputs the fuzzers (fuzz/) once crashed, hung or broke an invariant with: each file of
// tests/data/fuzz-regressions/TARGET/ goes through the entry point that fuzz target calls, and
// what comes out must equal the `# expect:` lines of its sidecar FILE.expect, whose `# bug:`
// lines say what went wrong before the fix. See docs/testing.md, "Fuzzing".
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/outputs.hpp"
#include "load/load.hpp"
#include "model/duration.hpp"
#include "model/templates.hpp"

namespace baton {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExpectPrefix = "# expect: ";
constexpr std::string_view kBugPrefix = "# bug: ";

fs::path regressions_dir() {
  return fs::path(BATON_SOURCE_DIR) / "tests" / "data" / "fuzz-regressions";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Control characters and backslashes written as C escapes, so that every outcome is one line.
std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

using Outcome = std::vector<std::string>;

// What each fuzz target's entry point makes of a file, one line per fact.

// load_workflow, references (whose files are the workflows the generator wrote): `valid`, or
// each diagnostic as `LINE:COL: MESSAGE (HINT)`, as the invalid corpus writes them.
Outcome load_outcome(const std::string& text) {
  auto result = load::load_workflow_text(text, "fuzz.yaml");
  if (result.ok()) return {"valid"};
  Outcome out;
  for (const auto& d : result.diagnostics) {
    std::string line = std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
    if (!d.hint.empty()) line += " (" + d.hint + ")";
    out.push_back(escaped(line));
  }
  return out;
}

// duration: `refused`, or the value in milliseconds (`90000ms`).
Outcome duration_outcome(const std::string& text) {
  auto d = model::parse_duration(text);
  if (!d) return {"refused"};
  return {std::to_string(d->count()) + "ms"};
}

// outputs: `error: MESSAGE`, or each output as `KEY=VALUE`.
Outcome outputs_outcome(const std::string& text) {
  auto outputs = engine::parse_outputs(text);
  if (!outputs) return {"error: " + escaped(outputs.error().message)};
  Outcome out;
  for (const auto& [key, value] : *outputs) out.push_back(escaped(key) + "=" + escaped(value));
  return out;
}

// templates: each expression as `expr@OFFSET: TEXT`, then `error@OFFSET: MESSAGE` if malformed.
Outcome templates_outcome(const std::string& text) {
  auto scan = model::scan_templates(text);
  Outcome out;
  for (const auto& expr : scan.exprs) {
    out.push_back("expr@" + std::to_string(expr.offset) + ": " + escaped(expr.text));
  }
  if (!scan.error.empty()) {
    out.push_back("error@" + std::to_string(scan.error_offset) + ": " + scan.error);
  }
  return out;
}

const std::map<std::string, std::function<Outcome(const std::string&)>>& runners() {
  static const std::map<std::string, std::function<Outcome(const std::string&)>> kRunners = {
      {"load_workflow", load_outcome},  {"references", load_outcome},
      {"duration", duration_outcome},   {"outputs", outputs_outcome},
      {"templates", templates_outcome},
  };
  return kRunners;
}

// `TARGET/NAME` of every input (sidecars excluded), sorted.
std::vector<std::string> regression_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(regressions_dir(), ec)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".expect") continue;
    names.push_back(fs::relative(entry.path(), regressions_dir()).generic_string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The sidecar's lines that start with `prefix`, without it.
std::vector<std::string> sidecar_lines(const std::string& name, std::string_view prefix) {
  std::istringstream text(read_text(regressions_dir() / (name + ".expect")));
  std::vector<std::string> out;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
  }
  return out;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class FuzzRegression : public testing::TestWithParam<std::string> {};

TEST_P(FuzzRegression, GivesTheExpectedOutcome) {
  const std::string& name = GetParam();
  std::string target = name.substr(0, name.find('/'));
  auto runner = runners().find(target);
  ASSERT_NE(runner, runners().end()) << name << ": no fuzz target '" << target << "'";
  auto expected = sidecar_lines(name, kExpectPrefix);
  ASSERT_FALSE(expected.empty()) << name << ".expect has no '# expect:' line";
  EXPECT_FALSE(sidecar_lines(name, kBugPrefix).empty()) << name << ".expect has no '# bug:' line";
  EXPECT_EQ(runner->second(read_text(regressions_dir() / name)), expected)
      << "in tests/data/fuzz-regressions/" << name;
}

INSTANTIATE_TEST_SUITE_P(Files, FuzzRegression, testing::ValuesIn(regression_files()), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FuzzRegression);

// The outcome formats the sidecars are written in.
TEST(FuzzRegressionFormat, WritesControlCharactersAsEscapes) {
  EXPECT_EQ(escaped("a\nb\r\\\x01"), "a\\nb\\r\\\\\\x01");
  EXPECT_EQ(outputs_outcome("k<<E\nx\ny\nE\n"), Outcome{"k=x\\ny"});
  EXPECT_EQ(duration_outcome("1m30s"), Outcome{"90000ms"});
  EXPECT_EQ(templates_outcome("${{ a }} ${{ b"),
            (Outcome{"expr@0: a", "error@9: unclosed '${{': expected '}}'"}));
}

}  // namespace
}  // namespace baton
