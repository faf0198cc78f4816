// End-to-end tests of `baton run`'s progress on a terminal (SPEC 5): the real binary under a
// pseudo-terminal, everything it writes to it read back byte for byte, the live status line
// under the scrolling log of finished tasks, its colours, its pace, and what `--progress auto`
// does when stderr is not a terminal.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>

#include <cstring>
#include <regex>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

constexpr std::string_view kClear = "\r\x1b[2K";

struct TerminalRun {
  int exit_code = -1;
  std::string screen;  ///< Every byte baton wrote to the terminal (its stderr).
  std::string out;     ///< Its stdout, which goes to a file, not to the terminal.
  double seconds = 0;
  std::string describe() const {
    return "exit " + std::to_string(exit_code) + "\n--- terminal\n" + screen + "\n--- stdout\n" +
           out;
  }
};

// `baton run wf.yaml --state STATE ARGS…` with stdin and stderr on a 200-column pseudo-terminal
// that passes bytes through unchanged (no "\n" → "\r\n"), stdout to a file; TERM=xterm, NO_COLOR
// unset unless `env` sets it.
TerminalRun run_on_terminal(Scratch& s, std::string_view yaml, std::vector<std::string> args,
                            const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{BATON_BINARY, "run", s.write_workflow(yaml), "--state", s.state()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with("NO_COLOR=") && !entry.starts_with("TERM="))
      env_strings.emplace_back(entry);
  }
  env_strings.emplace_back("TERM=xterm");
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  // Everything the child needs is made before fork: after it, only async-signal-safe calls.
  std::vector<char*> c_argv, c_env;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (auto& e : env_strings) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  std::string out_path = s.at("stdout.txt").string();

  termios raw{};
  cfmakeraw(&raw);
  winsize size{};
  size.ws_row = 50;
  size.ws_col = 200;
  int master = -1;
  auto start = Clock::now();
  pid_t pid = forkpty(&master, nullptr, &raw, &size);
  if (pid < 0) throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0) _exit(126);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }

  TerminalRun run;
  auto deadline = start + std::chrono::seconds(60);
  char buffer[65536];
  for (;;) {  // Until every copy of the terminal's other end is closed (EIO).
    pollfd fd{master, POLLIN, 0};
    if (::poll(&fd, 1, 100) < 0 && errno != EINTR) break;
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ADD_FAILURE() << "baton did not finish within 60s";
      break;
    }
    if (fd.revents == 0) continue;
    ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
      run.screen.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_file(out_path);
  return run;
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string_view::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

// The screen as frames: each frame begins by clearing the status line. Within a frame, lines
// that end in "\n" scrolled up (the log); what follows the last of them is the status line.
struct Frame {
  std::vector<std::string> log;
  std::string status;
};

std::vector<Frame> frames_of(const std::string& screen) {
  std::vector<Frame> frames;
  std::size_t begin = 0;
  for (;;) {
    auto end = screen.find(kClear, begin);
    std::string_view text(screen.data() + begin,
                          (end == std::string::npos ? screen.size() : end) - begin);
    Frame frame;
    auto last_newline = text.rfind('\n');
    frame.status =
        std::string(text.substr(last_newline == std::string::npos ? 0 : last_newline + 1));
    if (last_newline != std::string::npos) {
      frame.log = split_lines(std::string(text.substr(0, last_newline + 1)));
    }
    frames.push_back(std::move(frame));
    if (end == std::string::npos) break;
    begin = end + kClear.size();
  }
  return frames;
}

std::vector<std::string> log_lines(const std::string& screen) {
  std::vector<std::string> lines;
  for (auto& frame : frames_of(screen))
    lines.insert(lines.end(), frame.log.begin(), frame.log.end());
  return lines;
}

const std::regex kStatusLine(
    R"(^\[\d+/\d+\] \d+ running · \d+ retrying · \d+ failed( · \d+ waiting)? · \d+:\d\d elapsed( · ETA \d+:\d\d)?( · next retry in \d+s)?$)");

constexpr std::string_view kFourTasks = R"(name: four
tasks:
  - {id: a, run: sleep 0.3}
  - {id: b, run: sleep 0.5, needs: [a]}
  - {id: c, run: exit 3}
  - {id: d, run: /bin/true, needs: [b]}
)";

TEST(CliProgressTty, DrawsTheStatusLineUnderTheFinishedTasks) {
  Scratch s;
  auto r = run_on_terminal(s, kFourTasks, {}, {"NO_COLOR=1"});  // --progress auto.
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  auto frames = frames_of(r.screen);
  ASSERT_GE(frames.size(), 3u) << r.describe();
  // Every frame but the last ends with the live line; the last one ends with the final line.
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    EXPECT_TRUE(std::regex_match(frames[i].status, kStatusLine))
        << "frame " << i << ": '" << frames[i].status << "'\n"
        << r.describe();
    EXPECT_THAT(frames[i].status, HasSubstr("/4] ")) << r.describe();
  }
  EXPECT_THAT(r.screen, HasSubstr("[2/4] 1 running · 0 retrying · 1 failed · 0:00 elapsed"));
  auto lines = log_lines(r.screen);
  ASSERT_FALSE(lines.empty()) << r.describe();
  EXPECT_THAT(lines.front(), HasSubstr("run four started ("));
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("✓ a  0\\.[0-9]+s")));
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("✓ b  0\\.[0-9]+s")));
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("✓ d  0\\.[0-9]+s")));
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("✗ c  exit 3  0\\.[0-9]+s")));
  // The end is clean: no live line is left, only the final line.
  EXPECT_EQ(frames.back().status, "") << r.describe();
  EXPECT_THAT(lines.back(),
              ::testing::MatchesRegex("run failed in 0\\.[0-9]+s · 4/4 done · 1 failed"));
  // What baton prints at the end goes to stdout, not to the terminal.
  ASSERT_FALSE(r.out.empty()) << r.describe();
  EXPECT_THAT(r.screen, Not(HasSubstr(split_lines(r.out).front()))) << r.describe();
}

TEST(CliProgressTty, ColoursTheMarksOnATerminal) {
  Scratch s;
  auto r = run_on_terminal(s, kFourTasks, {"--progress", "tty"});
  EXPECT_THAT(r.screen, HasSubstr("\x1b[32m✓\x1b[0m a  ")) << r.describe();
  EXPECT_THAT(r.screen, HasSubstr("\x1b[31m✗\x1b[0m c  exit 3")) << r.describe();
  EXPECT_THAT(r.screen, HasSubstr("\x1b[31m1 failed\x1b[0m")) << r.describe();
  EXPECT_THAT(r.screen, HasSubstr("run \x1b[31mfailed\x1b[0m in ")) << r.describe();
}

TEST(CliProgressTty, TheEtaComesFromEstimatesBeforeAnyTaskIsDone) {
  Scratch s;  // Issue 6: "ETA from estimates and history".
  auto r = run_on_terminal(s, R"(name: estimated
tasks:
  - { id: first, run: sleep 0.4, estimate: 10s }
  - { id: second, run: 'true', estimate: 10s, needs: first }
)",
                           {"--progress", "tty"}, {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_THAT(r.screen, ::testing::ContainsRegex("\\[0/2\\] 1 running [^\r\n]* ETA 0:(19|20)"))
      << "first's 10s, then second's\n"
      << r.describe();
}

TEST(CliProgressTty, AnEmptyNoColorKeepsTheColours) {
  Scratch s;  // no-color.org: "when present and not an empty string".
  auto r = run_on_terminal(s, kFourTasks, {"--progress", "tty"}, {"NO_COLOR="});
  EXPECT_THAT(r.screen, HasSubstr("\x1b[32m✓\x1b[0m a  ")) << r.describe();
}

TEST(CliProgressTty, NoColorTakesTheColoursAwayButNotTheLiveLine) {
  Scratch s;
  auto r = run_on_terminal(s, kFourTasks, {"--progress", "tty"}, {"NO_COLOR=1"});
  EXPECT_THAT(r.screen, HasSubstr("✓ a  ")) << r.describe();
  EXPECT_THAT(r.screen, HasSubstr(kClear)) << r.describe();
  EXPECT_THAT(r.screen, Not(HasSubstr("\x1b[3"))) << r.describe();
  EXPECT_THAT(r.screen, Not(HasSubstr("\x1b[1m"))) << r.describe();
  EXPECT_THAT(r.screen, Not(HasSubstr("\x1b[0m"))) << r.describe();
}

TEST(CliProgressTty, CountsDownToTheNextRetry) {
  Scratch s;
  auto r = run_on_terminal(s, R"(name: flaky
tasks:
  - id: flaky
    run: test "$BATON_ATTEMPT" -gt 1
    retry: {strategy: fixed, delay: 2s, max_attempts: 2}
)",
                           {}, {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto lines = log_lines(r.screen);
  EXPECT_THAT(lines, ::testing::Contains("↻ flaky  exit 1, retry in 2s (attempt 2 of 2)"))
      << r.describe();
  EXPECT_THAT(lines, ::testing::Contains(
                         ::testing::MatchesRegex("✓ flaky  0\\.[0-9]+s \\(attempt 2 of 2\\)")));
  // The countdown goes on between events: both seconds are shown while nothing happens.
  EXPECT_THAT(r.screen, HasSubstr("1 retrying · 0 failed · 0:00 elapsed · next retry in 2s"))
      << r.describe();
  EXPECT_THAT(r.screen, HasSubstr("1 retrying · 0 failed · 0:01 elapsed · next retry in 1s"))
      << r.describe();
}

TEST(CliProgressTty, PrintsTheCommandsThatDecideAGate) {
  Scratch s;
  auto r = run_on_terminal(s, R"(name: gated
tasks:
  - {id: gate, approval: true, timeout: 300ms}
)",
                           {}, {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 1) << r.describe();
  std::smatch id;
  std::regex started("run gated started \\(([0-9a-f-]+)\\)");
  ASSERT_TRUE(std::regex_search(r.screen, id, started)) << r.describe();
  std::string state = " --state " + s.state();
  EXPECT_THAT(log_lines(r.screen),
              ::testing::Contains("⏸ gate  waiting for approval: run `baton approve " +
                                  id[1].str() + " gate" + state + "` or `baton reject " +
                                  id[1].str() + " gate" + state + "` in another shell"))
      << r.describe();
  EXPECT_THAT(log_lines(r.screen),
              ::testing::Contains("✗ gate  no verdict within its timeout (300ms)"));
}

// The engine reports thousands of transitions a second here; the screen is redrawn at most ten
// times a second, and every finished task still has its line.
TEST(CliProgressTty, RedrawsAtMostTenTimesASecond) {
  std::string yaml = "name: many\nconcurrency: 2\ntasks:\n";
  constexpr int kTasks = 2000;
  for (int i = 0; i < kTasks; ++i) yaml += "  - {id: t" + std::to_string(i) + ", run: /bin/true}\n";
  Scratch s;
  auto r = run_on_terminal(s, yaml, {}, {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe().substr(0, 2000);
  auto redraws = count(r.screen, kClear);
  EXPECT_GE(redraws, 1u);
  EXPECT_LE(static_cast<double>(redraws), r.seconds * 10 + 2) << r.seconds << "s";
  EXPECT_EQ(count(r.screen, "✓ t"), static_cast<std::size_t>(kTasks));
  EXPECT_THAT(r.screen, HasSubstr(" · 2000/2000 done\n"));
}

TEST(CliProgressAuto, PrintsPlainLinesWhenStderrIsNotATerminal) {
  Scratch s;
  auto r = s.run(kFourTasks, {"--progress", "auto"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("run four started\n"));
  EXPECT_THAT(r.err, HasSubstr("  started    a (attempt 1)\n"));
  EXPECT_THAT(r.err, HasSubstr("  failed     c: exit 3"));
  EXPECT_THAT(r.err, Not(HasSubstr("\x1b[")));
}

// SPEC 2.5: an instance `ID[i]` is displayed with its item, and so is a task inside one; so a
// dry run says which item each instance would take.
TEST(CliProgressPlain, ShowsEachFanOutInstanceWithItsItem) {
  Scratch s;
  constexpr std::string_view kFanOut = R"(name: items
concurrency: 1
tasks:
  - { id: shard, foreach: [linux-amd64, darwin], run: "true" }
  - id: region
    foreach: [eu]
    tasks:
      - { id: deploy, run: "true" }
)";
  auto r = s.run(kFanOut);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("  started    shard[0] (linux-amd64) (attempt 1)\n"));
  EXPECT_THAT(r.err, HasSubstr("  succeeded  shard[1] (darwin) ("));
  EXPECT_THAT(r.err, HasSubstr("  succeeded  region[0].deploy (eu) ("));
  auto dry = s.run(kFanOut, {"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << describe(dry);
  // In the order the first run's durations give: only the labels are certain.
  EXPECT_THAT(dry.out, HasSubstr(". shard[0] (linux-amd64)\n"));
  EXPECT_THAT(dry.out, HasSubstr(". shard[1] (darwin)\n"));
  EXPECT_THAT(dry.out, HasSubstr(". region[0].deploy (eu)\n"));
}

// SPEC 2.1: the last 20 lines of a failed attempt's log are shown, on the console too (as make
// or a CI job show a failed step's output), escapes and all made harmless; a task that failed
// and then succeeded on a retry shows none.
constexpr std::string_view kFailingLog = R"(name: tails
concurrency: 1
tasks:
  - { id: noisy, run: 'seq 1 30; printf "\033[2Jgone\n" >&2; exit 3' }
  - id: flaky
    retry: { max_attempts: 2, initial_interval: 10ms }
    run: 'echo flaky-output; test "$BATON_ATTEMPT" = 2'
)";

TEST(CliProgressPlain, ShowsTheEndOfTheLogOfATaskThatFailed) {
  Scratch s;
  auto r = s.run(kFailingLog, {"--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("  failed     noisy: exit 3 (not retried: max_attempts is 1)\n"
                               "             | 12\n"
                               "             | 13\n"))
      << describe(r);
  EXPECT_THAT(r.err, HasSubstr("             | 30\n"
                               "             | \\x1b[2Jgone\n"))
      << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("| 11\n"))) << "20 lines, not more\n" << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("\x1b["))) << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("flaky-output"))) << describe(r);
}

TEST(CliProgressTty, ShowsTheEndOfTheLogOfATaskThatFailed) {
  Scratch s;
  auto r = s.run(kFailingLog, {"--progress", "tty"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("✗ noisy  exit 3")) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("\n    12\n    13\n")) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("\n    30\n    \\x1b[2Jgone\n")) << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("    11\n"))) << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("flaky-output"))) << describe(r);
}

// A task's stdin is /dev/null and it has no controlling terminal (a session of its own): a
// command that reads the terminal instead (a password prompt) fails at once. In a background
// group of baton's terminal, it stopped on SIGTTIN and the run waited until its timeout.
TEST(CliRunOnTerminal, ATaskThatReadsTheTerminalFailsAtOnceInsteadOfWaitingForIt) {
  Scratch s;
  auto r = run_on_terminal(s, R"(name: prompt
tasks:
  - id: ask
    timeout: 5s
    run: 'read answer < /dev/tty && echo "got $answer"'
)",
                           {"--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_LT(r.seconds, 4.0) << "the task waited for the terminal\n" << r.describe();
  EXPECT_THAT(r.screen, HasSubstr("/dev/tty")) << r.describe();
  EXPECT_THAT(r.screen, Not(HasSubstr("timed out"))) << r.describe();
}

TEST(CliProgressTty, IsTheLiveModeEvenWhenStderrIsNotATerminal) {
  Scratch s;
  auto r = s.run(kFourTasks, {"--progress", "tty"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("✗ c  exit 3"));
  EXPECT_THAT(r.err, HasSubstr("run failed in "));
  EXPECT_THAT(r.err, Not(HasSubstr("\x1b[3")));  // No colour where no terminal shows it.
}

}  // namespace
}  // namespace baton
