// What the end-to-end tests of the store's commands share (store_commands_test.cpp,
// store_cancel_test.cpp): output compared by its shape, a task's pid as it wrote it, cleanup of
// what a failed test left running, and a baton killed while a task runs.
#pragma once

#include <signal.h>

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/run_e2e.hpp"

namespace baton::store_e2e {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::BackgroundRun;
using baton::testing::baton_on;
using baton::testing::eventually;
using baton::testing::newest_run_id;
using baton::testing::process_alive;
using baton::testing::wait_for_status;
using ::testing::Contains;
using ::testing::ElementsAre;

inline constexpr milliseconds kPatience{5000};

// `line` with every run of blanks made one space, and trimmed.
inline std::string squeezed(const std::string& line) {
  std::string out;
  for (char c : trim(line)) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

// The lines of `text`, squeezed, with every duration (`0.01s`) written `T` and every local date
// and time written `DATE`, so that they can be compared verbatim.
inline std::vector<std::string> shapes(const std::string& text) {
  static const std::regex kDuration(R"(\b[0-9]+\.[0-9]{2}s\b)");
  static const std::regex kDate(R"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})");
  std::vector<std::string> lines;
  for (const auto& line : split_lines(text)) {
    auto shape = std::regex_replace(squeezed(line), kDuration, "T");
    lines.push_back(std::regex_replace(shape, kDate, "DATE"));
  }
  return lines;
}

// The process id a task wrote to `name` (`echo $$ > name`), once it has; 0 if it never does.
inline pid_t wait_for_pid(const Scratch& s, const std::string& name) {
  pid_t pid = 0;
  eventually(
      [&] {
        auto text = trim(s.read(name));
        if (text.empty()) return false;
        pid = static_cast<pid_t>(std::stol(text));
        return true;
      },
      kPatience);
  return pid;
}

// Kills, at scope exit, the processes that a failed test may have left behind, so that none
// outlives the test.
class KillAtExit {
 public:
  void add(pid_t pid) { pids_.push_back(pid); }
  ~KillAtExit() {
    for (auto pid : pids_) {
      if (pid > 0 && process_alive(pid)) kill(pid, SIGKILL);
    }
  }

 private:
  std::vector<pid_t> pids_;
};

// A task that stays running (its pid is the sleep's, so that the test can kill it).
inline constexpr std::string_view kSleeper = R"(name: sleeper
tasks:
  - { id: quick, run: 'true' }
  - { id: sleeper, run: 'echo $$ > sleeper.pid; exec sleep 10' }
  - { id: after, needs: sleeper, run: touch after.marker }
)";

// Runs kSleeper in the background and kills its baton with SIGKILL once the store records
// `quick` succeeded and `sleeper` running; the sleeper's pid (still running: nothing stopped
// it), or 0.
inline pid_t crash_while_running(const Scratch& s) {
  BackgroundRun run(s, kSleeper);
  auto pid = wait_for_pid(s, "sleeper.pid");
  EXPECT_GT(pid, 0) << "sleeper never started\n" << run.describe();
  auto status = wait_for_status(s, {"[x] quick", "[~] sleeper"}, kPatience);
  EXPECT_TRUE(status.find("[x] quick") != std::string::npos &&
              status.find("[~] sleeper") != std::string::npos)
      << "the store never said that quick succeeded and sleeper runs\n"
      << run.describe();
  run.process().signal(SIGKILL);
  EXPECT_TRUE(run.wait_for(kPatience).has_value());
  return pid;
}

}  // namespace baton::store_e2e
