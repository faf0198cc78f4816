// Test support for end-to-end tests of `baton run`: a scratch folder holding the workflow, the
// tasks' marker files and the state folder; lookups in the Orchestration Report it prints (a
// task's row of the Execution Timeline names its path, its state and its reason; the Result row
// of the Operation Summary); the events of `--progress json` and the times that tasks record.
// Header-only: the test build globs *_test.cpp only.
#pragma once

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/run_process.hpp"

namespace baton::testing {

namespace fs = std::filesystem;

inline std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

inline std::string trim(std::string s) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), blank));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), blank).base(), s.end());
  return s;
}

// Characters that may belong to a task path (`g.t`, `fan[0]`, `make-it`), so that `a` does not
// match inside `a.b`, `data` or `fan[a]`.
inline bool is_path_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || c == '-' || c == '.' || c == '[' || c == ']';
}

// Where `word` occurs in `line` delimited by non-path characters, or npos. A mention in a skip
// reason (`upstream_failed: a`) does not count: it names another task's cause.
inline std::size_t word_position(std::string_view line, std::string_view word) {
  constexpr std::string_view kReason = "upstream_failed: ";
  for (auto pos = line.find(word); pos != std::string_view::npos; pos = line.find(word, pos + 1)) {
    bool starts = pos == 0 || !is_path_char(line[pos - 1]);
    if (pos >= kReason.size() && line.substr(pos - kReason.size(), kReason.size()) == kReason) {
      starts = false;
    }
    auto end = pos + word.size();
    bool ends = end == line.size() || !is_path_char(line[end]) ||
                (word.back() == ']' && line[end] != '[');  // "fan[0]." still names fan[0]
    if (starts && ends) return pos;
  }
  return std::string_view::npos;
}

inline bool has_word(std::string_view line, std::string_view word) {
  return word_position(line, word) != std::string_view::npos;
}

// The index of the first line of `out` naming `word`, or -1.
inline int line_index(const std::string& out, std::string_view word) {
  auto lines = split_lines(out);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (has_word(lines[i], word)) return static_cast<int>(i);
  }
  return -1;
}

// The cells of a Markdown table row (`| a | b \| c |` -> {"a", "b | c"}), trimmed.
inline std::vector<std::string> table_cells(std::string_view row) {
  std::vector<std::string> cells;
  if (row.empty() || row.front() != '|') return cells;
  std::string current;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      current += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(trim(current));
      current.clear();
    } else {
      current += row[i];
    }
  }
  return cells;
}

// The rows of the table under the report heading `heading` (`### Execution Timeline`), header
// and separator left out.
inline std::vector<std::string> report_table(const std::string& out, std::string_view heading) {
  std::vector<std::string> rows;
  bool inside = false;
  for (const auto& line : split_lines(out)) {
    if (line.rfind("#", 0) == 0) {
      inside = line == heading;
      continue;
    }
    if (inside && line.rfind("|", 0) == 0) rows.push_back(line);
  }
  if (rows.size() >= 2) rows.erase(rows.begin(), rows.begin() + 2);
  return rows;
}

// The task's row in the report's Execution Timeline (`| path | state — reason | duration |
// dependencies |`): the row whose Task cell is the path, alone or followed by its fan-out item
// (`shards[0] (a)`); "" if there is none.
inline std::string timeline_row(const std::string& out, std::string_view path) {
  for (const auto& row : report_table(out, "### Execution Timeline")) {
    auto cells = table_cells(row);
    if (cells.empty()) continue;
    std::string_view task = cells[0];
    if (task == path ||
        (task.substr(0, path.size()) == path && task.substr(path.size(), 2) == " (")) {
      return row;
    }
  }
  return {};
}

// The Details cell of a row of the report's Operation Summary (`Result`: `Failed in 0:00:01`),
// or "".
inline std::string report_row(const std::string& out, std::string_view aspect) {
  for (const auto& row : report_table(out, "### Operation Summary")) {
    auto cells = table_cells(row);
    if (cells.size() >= 2 && cells[0] == aspect) return cells[1];
  }
  return {};
}

// The task's timeline row says `state` as a word in its Status cell (`failed` does not match
// `upstream_failed`) and the cell contains `reason`, if given.
inline ::testing::AssertionResult task_line(const ProcessResult& r, std::string_view path,
                                            std::string_view state, std::string_view reason = {}) {
  auto line = timeline_row(r.out, path);
  if (line.empty()) {
    return ::testing::AssertionFailure() << "no timeline row names " << path << "\n" << describe(r);
  }
  auto cells = table_cells(line);
  std::string status = cells.size() > 1 ? cells[1] : "";
  if (!has_word(status, state)) {
    return ::testing::AssertionFailure()
           << "the row of " << path << " does not say " << state << ": '" << line << "'\n"
           << describe(r);
  }
  if (!reason.empty() && status.find(reason) == std::string::npos) {
    return ::testing::AssertionFailure() << "the row of " << path << " does not give the reason '"
                                         << reason << "': '" << line << "'\n"
                                         << describe(r);
  }
  return ::testing::AssertionSuccess();
}

/// The `--progress json` events in `err`, in order: every line that is a JSON object (anything
/// else on stderr, such as a failed task's log tail, is passed over).
inline std::vector<nlohmann::json> progress_events(const std::string& err) {
  std::vector<nlohmann::json> events;
  for (const auto& line : split_lines(err)) {
    if (line.empty() || line.front() != '{') continue;
    auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object()) events.push_back(std::move(event));
  }
  return events;
}

/// The events of `events` of this kind (`task_retrying`), and of this task if `task` is given.
inline std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events,
                                             std::string_view kind, std::string_view task = {}) {
  std::vector<nlohmann::json> found;
  for (const auto& event : events) {
    if (event.value("event", "") != kind) continue;
    if (!task.empty() && event.value("task", "") != task) continue;
    found.push_back(event);
  }
  return found;
}

/// Milliseconds since the epoch of an RFC 3339 UTC time with milliseconds
/// (`2026-01-02T03:04:05.678Z`), or -1 if `text` is not one.
inline std::int64_t rfc3339_ms(const std::string& text) {
  tm parts{};
  int millis = 0;
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &parts.tm_year, &parts.tm_mon,
                  &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &millis,
                  &zone) != 8 ||
      zone != 'Z') {
    return -1;
  }
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&parts)) * 1000 + millis;
}

/// The integers in a file, one per line, such as the nanosecond times that tasks append with
/// `date +%s%N >> FILE`; empty if the file does not exist.
inline std::vector<std::int64_t> read_numbers(const fs::path& path) {
  std::vector<std::int64_t> numbers;
  for (const auto& line : split_lines(read_file(path))) {
    if (!line.empty()) numbers.push_back(std::stoll(line));
  }
  return numbers;
}

/// The gaps, in milliseconds, between consecutive nanosecond times.
inline std::vector<double> gaps_ms(const std::vector<std::int64_t>& nanoseconds) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < nanoseconds.size(); ++i) {
    gaps.push_back(static_cast<double>(nanoseconds[i] - nanoseconds[i - 1]) / 1e6);
  }
  return gaps;
}

// One test's folder: the workflow file `wf.yaml`, the tasks' marker files and the state folder.
class Scratch {
 public:
  const fs::path& path() const { return dir_.path(); }
  std::string state() const { return (dir_.path() / "state").string(); }
  fs::path at(const std::string& name) const { return dir_.path() / name; }
  bool exists(const std::string& name) const { return fs::exists(at(name)); }
  std::string read(const std::string& name) const { return read_file(at(name)); }
  std::string write_workflow(std::string_view yaml) const { return dir_.write("wf.yaml", yaml); }

  /// `baton run wf.yaml --state STATE ARGS…`, with `env` (KEY=VALUE) added to baton's
  /// environment; also measures how long it took.
  ProcessResult run(std::string_view yaml, const std::vector<std::string>& args = {},
                    const std::vector<std::string>& env = {}) {
    auto file = write_workflow(yaml);
    std::vector<std::string> argv{BATON_BINARY, "run", file, "--state", state()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> full_env{"NO_COLOR=1"};
    full_env.insert(full_env.end(), env.begin(), env.end());
    auto start = std::chrono::steady_clock::now();
    auto result = run_process(argv, {}, full_env);
    elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return result;
  }

  /// The folders of the runs recorded in the state folder.
  std::vector<fs::path> runs() const {
    std::vector<fs::path> found;
    auto root = dir_.path() / "state" / "runs";
    if (!fs::is_directory(root)) return found;
    for (const auto& entry : fs::directory_iterator(root)) {
      if (entry.is_directory()) found.push_back(entry.path());
    }
    return found;
  }

  /// The logs folder of the one run recorded in the state folder (empty if there is not exactly
  /// one).
  fs::path logs() const {
    auto found = runs();
    return found.size() == 1 ? found[0] / "logs" : fs::path();
  }

  std::chrono::milliseconds elapsed{0};

 private:
  TempDir dir_;
};

/// Polls `done` every 5 ms until it holds or `limit` has passed; returns whether it held.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

/// `baton ARGS… --state STATE`: a command that reads or writes the scratch folder's store, with
/// `env` (KEY=VALUE) added to baton's environment.
inline ProcessResult baton_on(const Scratch& s, std::vector<std::string> args,
                              const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), BATON_BINARY);
  args.push_back("--state");
  args.push_back(s.state());
  std::vector<std::string> full_env{"NO_COLOR=1"};
  full_env.insert(full_env.end(), env.begin(), env.end());
  return run_process(args, {}, full_env);
}

/// The id of the newest run in the scratch folder's store (the first column of `baton runs`), or
/// "" if there is none.
inline std::string newest_run_id(const Scratch& s) {
  auto lines = split_lines(baton_on(s, {"runs", "-n", "1"}).out);
  if (lines.size() < 2 || lines[0].rfind("RUN", 0) != 0) return {};
  return lines[1].substr(0, lines[1].find(' '));
}

/// Polls `baton status RUN` on the scratch folder's state until its output holds every one of
/// `texts` (the store catches up with a run's progress within a commit interval), for up to
/// `limit`; returns its last output.
inline std::string wait_for_status(const Scratch& s, const std::vector<std::string>& texts,
                                   std::chrono::milliseconds limit,
                                   const std::string& run = "last") {
  std::string out;
  eventually(
      [&] {
        out = baton_on(s, {"status", run}).out;
        return std::all_of(texts.begin(), texts.end(),
                           [&](const std::string& t) { return out.find(t) != std::string::npos; });
      },
      limit);
  return out;
}

/// `baton run FILE --state STATE ARGS…` in the background (with `--progress plain` unless ARGS
/// choose another), FILE being `yaml`
/// written to NAME.yaml in the scratch folder, stdout and stderr going to NAME.out and NAME.err
/// there. Killed at scope exit if the test did not wait for it.
class BackgroundRun {
 public:
  BackgroundRun(const Scratch& s, std::string_view yaml, const std::vector<std::string>& args = {},
                const std::string& name = "baton")
      : out_(s.at(name + ".out")),
        err_(s.at(name + ".err")),
        process_(command(s, yaml, name, args), out_.string(), err_.string(), {"NO_COLOR=1"}) {}

  BackgroundProcess& process() { return process_; }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }
  std::string describe() const { return "--- stdout\n" + out() + "--- stderr\n" + err(); }

  /// Waits up to `limit` for its stderr (the progress) to contain `text`; true if it does.
  bool wait_for_progress(std::string_view text, std::chrono::milliseconds limit) const {
    return eventually([&] { return err().find(text) != std::string::npos; }, limit);
  }

  /// Its exit status once it has exited, or nullopt if it is still running after `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit) { return process_.wait_for(limit); }

 private:
  static std::vector<std::string> command(const Scratch& s, std::string_view yaml,
                                          const std::string& name,
                                          const std::vector<std::string>& args) {
    auto file = s.at(name + ".yaml");
    std::ofstream(file, std::ios::binary) << yaml;
    std::vector<std::string> argv{BATON_BINARY, "run", file.string(), "--state", s.state()};
    if (std::find(args.begin(), args.end(), "--progress") == args.end()) {
      argv.insert(argv.end(), {"--progress", "plain"});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  fs::path out_;
  fs::path err_;
  BackgroundProcess process_;
};

}  // namespace baton::testing
