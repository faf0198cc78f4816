// kill -9 of baton at random moments (SPEC 4, STYLE "tests that break things on purpose"): a run
// of a few hundred tasks is killed, resumed, killed again, until a resume finishes it. Whatever
// the moment, the store stays sound, every task runs, no task whose success was committed
// runs again, no log holds two attempts, and no process of the run outlives it. The seed is
// printed with any failure.
#include <cmath>
#include <cstdlib>
#include <random>
#include <set>

#include "e2e/run_e2e.hpp"
#include "support/store_support.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::integrity_check;
using baton::testing::only_run_id;
using baton::testing::process_alive;
using baton::testing::processes_with_env;
using baton::testing::query_column;
using baton::testing::query_value;
using baton::testing::resume;
using baton::testing::store_file;

// `layers` layers of `width` tasks; each task needs up to 3 random tasks of the two layers
// before it, appends its path to ran.log (one short O_APPEND write: atomic, no lock needed) and
// prints its attempt number to its log.
std::string layered_workflow(std::mt19937& rng, int layers, int width) {
  std::string yaml = "name: crash\ntasks:\n";
  std::vector<std::string> earlier;  // The tasks of the two layers before the current one.
  std::vector<std::string> previous, current;
  for (int layer = 0; layer < layers; ++layer) {
    current.clear();
    for (int i = 0; i < width; ++i) {
      auto id = "t" + std::to_string(layer) + "_" + std::to_string(i);
      std::string needs;
      if (!earlier.empty()) {
        std::uniform_int_distribution<int> count(0, 3);
        std::uniform_int_distribution<std::size_t> pick(0, earlier.size() - 1);
        std::set<std::string> chosen;
        for (int n = count(rng); n > 0; --n) chosen.insert(earlier[pick(rng)]);
        for (const auto& up : chosen) needs += (needs.empty() ? "" : ", ") + up;
      }
      yaml += "  - { id: " + id + (needs.empty() ? "" : ", needs: [" + needs + "]") +
              ", run: 'echo $BATON_TASK >> ran.log; echo $BATON_ATTEMPT' }\n";
      current.push_back(id);
    }
    earlier = previous;
    earlier.insert(earlier.end(), current.begin(), current.end());
    previous = current;
  }
  return yaml;
}

std::vector<std::string> all_paths(int layers, int width) {
  std::vector<std::string> paths;
  for (int layer = 0; layer < layers; ++layer) {
    for (int i = 0; i < width; ++i) {
      paths.push_back("t" + std::to_string(layer) + "_" + std::to_string(i));
    }
  }
  return paths;
}

// What was true right after a kill: the tasks whose success was committed, and how long ran.log
// was. None of those tasks may appear in ran.log past that length.
struct Kill {
  std::set<std::string> committed;
  std::uintmax_t log_size = 0;
  int delay_ms = 0;
};

std::uintmax_t length_of(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// Kills `baton ARGS…` after a delay drawn log-uniformly from 5 ms to 300 ms (or lets it finish if
// `kill` is false); returns its exit status (137 when the kill landed) and the delay in `delay`.
int run_and_maybe_kill(const Scratch& s, const std::vector<std::string>& args, bool kill,
                       std::mt19937& rng, int& delay) {
  std::vector<std::string> argv{BATON_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  BackgroundProcess baton(argv, s.at("baton.out").string(), s.at("baton.err").string(),
                          {"NO_COLOR=1"});
  delay = 0;
  if (kill) {
    std::uniform_real_distribution<double> exponent(std::log(5.0), std::log(300.0));
    delay = static_cast<int>(std::exp(exponent(rng)));
    std::this_thread::sleep_for(milliseconds(delay));
    baton.signal(SIGKILL);  // A no-op on a baton that has exited and is not reaped yet.
  }
  auto code = baton.wait_for(milliseconds(30'000));
  return code.value_or(-1);
}

// Runs one workflow to the end through kill -9 and resumes: at most `max_kills` sessions are
// killed, then a resume is let finish. Adds the number of kills that landed to `kills`.
void crash_until_done(std::mt19937& rng, int max_kills, const std::string& durability, int& kills) {
  constexpr int kLayers = 10, kWidth = 30;
  Scratch s;
  auto file = s.write_workflow(layered_workflow(rng, kLayers, kWidth));
  const auto log = s.at("ran.log");
  std::vector<Kill> after_kills;
  std::string run_id;
  for (int session = 0;; ++session) {
    ASSERT_LT(session, max_kills + 5) << "the run never finished\n" << s.read("baton.err");
    std::vector<std::string> args = run_id.empty()
                                        ? std::vector<std::string>{"run", file, "--jobs", "4"}
                                        : std::vector<std::string>{"resume", "last"};
    args.insert(args.end(), {"--state", s.state(), "--durability", durability, "--progress", "none",
                             "--quiet"});
    int delay = 0;
    int code = run_and_maybe_kill(s, args, session < max_kills, rng, delay);
    if (code == 0) break;
    ASSERT_EQ(code, 128 + SIGKILL)
        << "session " << session << " (" << args[0] << ") ended on its own\n"
        << s.read("baton.err");
    ++kills;
    SCOPED_TRACE("kill " + std::to_string(after_kills.size()) + " after " + std::to_string(delay) +
                 " ms in session " + std::to_string(session));
    if (!fs::exists(store_file(s))) continue;  // Killed before it opened the store.
    ASSERT_EQ(integrity_check(store_file(s)), "ok");
    run_id = only_run_id(s);
    if (run_id.empty()) continue;  // Killed before the run was recorded: `run` again.
    // What was committed is in the store or in the run's journal, which any command that
    // reads the run brings in (so the resume would): read it whole.
    auto status = baton::testing::baton_on(s, {"status", run_id});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    ASSERT_FALSE(fs::exists(fs::path(s.state()) / "runs" / run_id / "journal"));
    auto committed = query_column(
        store_file(s),
        "SELECT path FROM tasks WHERE state = 'succeeded' AND run_id = '" + run_id + "'");
    after_kills.push_back({{committed.begin(), committed.end()}, length_of(log), delay});
  }

  run_id = only_run_id(s);  // Also when the first session finished before its kill.
  ASSERT_FALSE(run_id.empty());
  EXPECT_EQ(query_value(store_file(s), "SELECT status FROM runs"), "succeeded");
  EXPECT_EQ(query_value(store_file(s),
                        "SELECT COUNT(*) FROM tasks WHERE state = 'succeeded' AND run_id = '" +
                            run_id + "'"),
            std::to_string(kLayers * kWidth));
  EXPECT_EQ(integrity_check(store_file(s)), "ok");

  // Every task ran; none whose success was committed before a kill ran after it.
  auto text = read_file(log);
  std::set<std::string> ran;
  for (const auto& line : split_lines(text)) ran.insert(line);
  for (const auto& path : all_paths(kLayers, kWidth)) {
    EXPECT_TRUE(ran.count(path)) << path << " never ran";
  }
  for (std::size_t k = 0; k < after_kills.size(); ++k) {
    const Kill& kill = after_kills[k];
    std::string again;
    for (const auto& line : split_lines(text.substr(kill.log_size))) {
      if (kill.committed.count(line)) again += " " + line;
    }
    EXPECT_EQ(again, "") << "ran again after kill " << k << " (" << kill.delay_ms
                         << " ms into its session), though their success was committed before it";
  }

  // Attempt numbers continue across sessions: no log holds two attempts.
  // (A `run` killed before it recorded the run may have left another run's folder.)
  for (const auto& entry : fs::directory_iterator(fs::path(s.state()) / "runs" / run_id / "logs")) {
    auto name = entry.path().filename().string();  // PATH.N.log
    auto number = name.substr(0, name.size() - 4);
    number = number.substr(number.rfind('.') + 1);
    auto content = read_file(entry.path());
    EXPECT_TRUE(content.empty() || content == number + "\n")
        << name << " holds '" << content << "'";
  }

  auto left = processes_with_env("BATON_RUN_ID=" + run_id);
  EXPECT_TRUE(left.empty()) << left.size() << " processes of run " << run_id
                            << " outlived it, the first pid " << left.front();
}

TEST(CliRunCrash, KilledAtRandomMomentsNoCommittedSuccessRunsAgain) {
  // BATON_TEST_SEED=N replays the workflows and kill delays of a failure.
  const char* fixed = std::getenv("BATON_TEST_SEED");
  const auto seed = fixed ? static_cast<unsigned>(std::stoul(fixed)) : std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (BATON_TEST_SEED replays it)");
  std::mt19937 rng(seed);
  int kills = 0;
  int runs = 0;
  auto start = Clock::now();
  // At least 3 runs and 12 kills; time-boxed so that a slow machine does fewer, never hangs.
  while ((runs < 3 || kills < 12) && runs < 12 && Clock::now() - start < milliseconds(12'000)) {
    ++runs;
    crash_until_done(rng, 5, runs % 2 == 0 ? "full" : "normal", kills);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GE(kills, 10) << "in " << runs << " runs";
  RecordProperty("kills", kills);
  RecordProperty("runs", runs);
}

// ---------------------------------------------------------------------------------------------
// A task left running by a killed baton (SPEC 4: "two copies of one task never run at once")

// The first attempt starts a child and waits for it, 30 s; any later one writes which of the first
// attempt's processes were still alive when it started, and its attempt number.
constexpr std::string_view kLeftover = R"(name: leftover
tasks:
  - id: slow
    run: |
      if [ ! -e started ]; then
        touch started
        sleep 30 &
        echo $! > child.1
        echo $$ > pid.1
        wait
        exit 1
      fi
      for old in $(cat pid.1 child.1); do
        if [ -d /proc/$old ] && ! grep -q '^State:.*Z' /proc/$old/status; then
          echo "alive $old" >> seen.2
        fi
      done
      echo "attempt $BATON_ATTEMPT" >> seen.2
)";

// Starts the run, kill -9s baton once the first attempt runs (and, if `recorded`, once the store
// has recorded it), resumes, and checks that the first attempt was killed before the second
// started, and that the second is attempt 2.
void kill_with_a_task_running_and_resume(bool recorded) {
  Scratch s;
  auto file = s.write_workflow(kLeftover);
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  auto ready = [&] {
    if (!s.exists("pid.1") || s.read("pid.1").empty()) return false;
    return !recorded ||
           query_value(store_file(s), "SELECT pid FROM attempts WHERE path = 'slow'") ==
               trim(s.read("pid.1"));
  };
  while (!ready() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(ready()) << "the task did not start, or its attempt was never recorded\n"
                       << s.read("baton.err");
  auto pid = static_cast<pid_t>(std::stol(s.read("pid.1")));
  auto child = static_cast<pid_t>(std::stol(s.read("child.1")));
  baton.signal(SIGKILL);
  ASSERT_EQ(baton.wait_for(milliseconds(5000)), std::optional<int>(128 + SIGKILL));
  // Without this, there is nothing for resume to kill and the test proves nothing.
  ASSERT_TRUE(process_alive(pid)) << "the task died with baton";
  ASSERT_TRUE(process_alive(child)) << "the task's child died with baton";
  auto id = only_run_id(s);
  ASSERT_FALSE(id.empty());

  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.err,
              HasSubstr("baton resume: killed 2 processes still running from run " + id + "\n"));
  EXPECT_FALSE(process_alive(pid)) << "the first attempt outlived the resume";
  EXPECT_FALSE(process_alive(child)) << "the first attempt's child outlived the resume";
  EXPECT_EQ(s.read("seen.2"), "attempt 2\n")
      << "the second attempt started while the first still ran, or was not numbered 2";
  EXPECT_TRUE(fs::exists(s.logs() / "slow.1.log"));
  EXPECT_TRUE(fs::exists(s.logs() / "slow.2.log"));
  EXPECT_THAT(query_column(store_file(s), "SELECT n FROM attempts WHERE path = 'slow' ORDER BY n"),
              ::testing::ElementsAre("1", "2"));
  EXPECT_TRUE(processes_with_env("BATON_RUN_ID=" + id).empty());
}

TEST(CliRunCrash, ResumeKillsARecordedAttemptStillRunningBeforeItStartsOver) {
  kill_with_a_task_running_and_resume(/*recorded=*/true);
}

// Starts are committed lazily (at-least-once): the attempt may not be in the store yet, but its
// processes carry BATON_RUN_ID and its log exists, so it is killed and its number is not reused.
TEST(CliRunCrash, ResumeKillsAnAttemptStartedJustBeforeTheKillBeforeItStartsOver) {
  kill_with_a_task_running_and_resume(/*recorded=*/false);
}

// baton makes the log of the next ready task ahead of its start. A crash leaves that empty log
// behind; on resume it is no attempt: the task's first attempt is still attempt 1.
TEST(CliRunCrash, ALogMadeAheadOfAStartIsNoAttemptOnResume) {
  Scratch s;
  auto file = s.write_workflow(R"(name: ahead
concurrency: 1
tasks:
  - id: slow
    run: |
      if [ ! -e started ]; then touch started; echo $$ > pid.1; exec sleep 30; fi
  - { id: next, run: echo next ran }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  auto ready = [&] {
    return s.exists("pid.1") && !s.read("pid.1").empty() &&
           query_value(store_file(s), "SELECT pid FROM attempts WHERE path = 'slow'") ==
               trim(s.read("pid.1"));
  };
  while (!ready() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(ready()) << s.read("baton.err");
  baton.signal(SIGKILL);
  ASSERT_EQ(baton.wait_for(milliseconds(5000)), std::optional<int>(128 + SIGKILL));
  ASSERT_TRUE(fs::exists(s.logs() / "next.1.log")) << "no log was made ahead: nothing to test";
  ASSERT_EQ(fs::file_size(s.logs() / "next.1.log"), 0u);

  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(query_column(store_file(s), "SELECT n FROM attempts WHERE path = 'next' ORDER BY n"),
              ::testing::ElementsAre("1"));
  EXPECT_EQ(s.read((s.logs() / "next.1.log").string()), "next ran\n");
  EXPECT_FALSE(fs::exists(s.logs() / "next.2.log"));
  // The attempt of `slow` that resume killed was recorded: it counts.
  EXPECT_THAT(query_column(store_file(s), "SELECT n FROM attempts WHERE path = 'slow' ORDER BY n"),
              ::testing::ElementsAre("1", "2"));
}

// An attempt that wrote its outputs and no log line before baton died unrecorded: its number is
// not used again (a new attempt could not write that outputs file), and the outputs a resumed
// attempt writes reach its dependents.
TEST(CliRunCrash, AnUnrecordedAttemptThatWroteOutputsKeepsItsNumber) {
  Scratch s;
  auto file = s.write_workflow(R"(name: wrote
tasks:
  - id: b
    outputs: [k]
    run: |
      echo "k=from-$BATON_ATTEMPT" >> "$BATON_OUTPUT"
      if [ ! -e crashed ]; then touch crashed; kill -9 $PPID; fi
  - { id: c, argv: [/bin/echo, "got ${{ tasks.b.outputs.k }}"] }
)");
  auto first = run_process({BATON_BINARY, "run", file, "--state", s.state(), "--progress", "none"});
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << describe(first);
  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read((s.logs() / "c.1.log").string()), "got from-2\n");
}

// A crash during a retry's backoff: the retry never came, resume started the task over. The
// report counts no retry and does not take the time between the sessions for the task's.
TEST(CliRunCrash, ARetryDueWhenBatonStoppedIsNoRetryOnResume) {
  Scratch s;
  auto file = s.write_workflow(R"(name: backoff
tasks:
  - { id: flaky, run: 'test "$BATON_ATTEMPT" -ge 2', retry: { strategy: fixed, delay: 30s, max_attempts: 3 } }
)");
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  const std::string kDecision = "SELECT decision FROM attempts WHERE path = 'flaky' AND n = 1";
  auto deadline = Clock::now() + milliseconds(5000);
  auto waiting = [&] {
    try {
      return query_value(store_file(s), kDecision).rfind("retry in", 0) == 0;
    } catch (const std::exception&) {
      return false;  // No store, or no table, yet.
    }
  };
  while (!waiting() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(waiting()) << s.read("baton.err");
  baton.signal(SIGKILL);
  ASSERT_EQ(baton.wait_for(milliseconds(5000)), std::optional<int>(128 + SIGKILL));
  std::this_thread::sleep_for(milliseconds(200));  // Time between the sessions.

  auto r = resume(s, "last");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(query_value(store_file(s), kDecision), "not retried: baton stopped before it was due");
  EXPECT_THAT(r.out, HasSubstr("- Failures handled: 0 retries")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("| flaky | succeeded | 0.")) << "its last session only\n" << r.out;
}

}  // namespace
}  // namespace baton
