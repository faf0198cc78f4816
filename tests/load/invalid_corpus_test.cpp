// The invalid-workflow corpus (tests/data/invalid): each file is loaded and its diagnostics, as
// `LINE:COL: MESSAGE (HINT)`, must equal the file's leading `# expect:` lines, in order. A file
// that cannot hold comments (JSON, an empty file) keeps them in a sidecar `FILE.expect`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "load/load.hpp"

namespace baton::load {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExpectPrefix = "# expect: ";
constexpr std::size_t kMinCorpusSize = 45;

fs::path corpus_dir() { return fs::path(BATON_SOURCE_DIR) / "tests" / "data" / "invalid"; }

// The workflow files of the corpus, by name (sidecars excluded).
std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(corpus_dir(), ec)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".expect") continue;
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// The leading `# expect:` lines of the file, or of its sidecar if there is one.
std::vector<std::string> expectations(const std::string& name) {
  fs::path sidecar = corpus_dir() / (name + ".expect");
  std::istringstream text(read_text(fs::exists(sidecar) ? sidecar : corpus_dir() / name));
  std::vector<std::string> out;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(kExpectPrefix, 0) != 0) break;
    out.push_back(line.substr(kExpectPrefix.size()));
  }
  return out;
}

// Diagnostic::to_string without the `FILE:` prefix; a positionless diagnostic reads `0:0: ...`.
std::string format(const Diagnostic& d) {
  std::string out = std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
  if (!d.hint.empty()) out += " (" + d.hint + ")";
  return out;
}

// `01-cycle.yaml` -> `01_cycle`; `60-json-error.json` -> `60_json_error_json`.
std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  if (name.size() > 5 && name.ends_with(".yaml")) name.resize(name.size() - 5);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class InvalidCorpus : public testing::TestWithParam<std::string> {};

TEST_P(InvalidCorpus, ReportsExactlyTheExpectedDiagnostics) {
  const std::string& name = GetParam();
  auto expected = expectations(name);
  ASSERT_FALSE(expected.empty()) << name << " has no '# expect:' line";

  auto result = load_workflow_file((corpus_dir() / name).string());
  EXPECT_FALSE(result.ok()) << name << " loaded as a valid workflow";
  std::vector<std::string> actual;
  for (const auto& d : result.diagnostics) actual.push_back(format(d));
  EXPECT_EQ(actual, expected) << "in tests/data/invalid/" << name;
}

INSTANTIATE_TEST_SUITE_P(Files, InvalidCorpus, testing::ValuesIn(corpus_files()), test_name);

TEST(InvalidCorpusFiles, NumberAtLeast45) { EXPECT_GE(corpus_files().size(), kMinCorpusSize); }

TEST(InvalidCorpusFiles, EachStartsWithAnExpectation) {
  for (const auto& name : corpus_files()) {
    EXPECT_FALSE(expectations(name).empty()) << name << " has no '# expect:' line";
  }
}

TEST(InvalidCorpusFiles, AreNamedWithANumberAndAName) {
  for (const auto& name : corpus_files()) {
    bool numbered = name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
                    std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '-';
    bool known_extension = name.ends_with(".yaml") || name.ends_with(".json");
    EXPECT_TRUE(numbered && known_extension)
        << name << " is not named NN-name.yaml or NN-name.json";
  }
}

// The corpus's format must stay the one Diagnostic::to_string prints after `FILE:`.
TEST(InvalidCorpusFiles, FormatDiagnosticsAsToStringDoesAfterTheFile) {
  Diagnostic with_hint{"f.yaml", 5, 5, "unknown key 'retires' in task 'build'",
                       "did you mean 'retry'?"};
  EXPECT_EQ("f.yaml:" + format(with_hint), with_hint.to_string());
  Diagnostic positionless{"f.yaml", 0, 0, "3 more errors not shown (first 20 listed)", {}};
  EXPECT_EQ(format(positionless), "0:0: 3 more errors not shown (first 20 listed)");
  EXPECT_EQ(positionless.to_string(), "f.yaml: 3 more errors not shown (first 20 listed)");
}

}  // namespace
}  // namespace baton::load
