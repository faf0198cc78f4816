// End-to-end tests of `baton run` (SPEC 2, 3.2, 3.4, 5) on real processes: order, concurrency
// limits (used and never exceeded), environment, outputs, fan-out, trigger rules, failure modes,
// timeouts, logs, exit codes, interruption and cleanup, and every example. Tasks leave marker
// files next to the workflow (their default working directory); sleeps are tens of ms.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/baton_run.hpp"
#include "support/run_process.hpp"

namespace baton {
namespace {

using baton::testing::BackgroundProcess;
using baton::testing::describe;
using baton::testing::has_word;
using baton::testing::line_index;
using baton::testing::ProcessResult;
using baton::testing::read_file;
using baton::testing::run_process;
using baton::testing::Scratch;
using baton::testing::split_lines;
using baton::testing::summary_line;
using baton::testing::task_line;
using baton::testing::TempDir;
using baton::testing::trim;
using baton::testing::wait_until_gone;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kSourceDir = BATON_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// Order

// Each step appends "PATH start NS" and "PATH end NS" to `trace`, 30 ms apart.
constexpr std::string_view kTraceStep =
    R"sh(echo "$BATON_TASK start $(date +%s%N)" >> trace; sleep 0.03; echo "$BATON_TASK end $(date +%s%N)" >> trace)sh";

std::string traced(std::string_view yaml) {
  std::string text(yaml);
  for (auto pos = text.find("STEP"); pos != std::string::npos; pos = text.find("STEP")) {
    text.replace(pos, 4, "'" + std::string(kTraceStep) + "'");
  }
  return text;
}

struct TraceEvent {
  std::string task, kind;
  long long ns = 0;
};

std::vector<TraceEvent> parse_trace(const std::string& text) {
  std::vector<TraceEvent> events;
  for (const auto& line : split_lines(text)) {
    std::istringstream words(line);
    TraceEvent e;
    words >> e.task >> e.kind >> e.ns;
    events.push_back(e);
  }
  return events;
}

// `tasks` ran one after the other in this order, each starting after the previous one ended.
void expect_serial_trace(const std::string& trace, const std::vector<std::string>& tasks) {
  auto events = parse_trace(trace);
  ASSERT_EQ(events.size(), 2 * tasks.size()) << trace;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_EQ(events[2 * i].task, tasks[i]) << trace;
    EXPECT_EQ(events[2 * i].kind, "start") << trace;
    EXPECT_EQ(events[2 * i + 1].task, tasks[i]) << trace;
    EXPECT_EQ(events[2 * i + 1].kind, "end") << trace;
  }
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_LE(events[i - 1].ns, events[i].ns) << trace;
  }
}

TEST(CliRunOrder, ChainRunsEachStepAfterTheOneBeforeEnded) {
  Scratch s;
  auto r = s.run(traced(R"(name: chain
concurrency: 4
tasks:
  - { id: a, run: STEP }
  - { id: b, needs: a, run: STEP }
  - { id: c, needs: b, run: STEP }
)"));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  expect_serial_trace(s.read("trace"), {"a", "b", "c"});
  EXPECT_TRUE(task_line(r, "a", "succeeded"));
  EXPECT_TRUE(task_line(r, "b", "succeeded"));
  EXPECT_TRUE(task_line(r, "c", "succeeded"));
}

TEST(CliRunOrder, FlowChainsAndFileOrderDoNotReorderDependencies) {
  Scratch s;
  // File order is the reverse of the dependency order.
  auto r = s.run(traced(R"(name: flow
concurrency: 4
tasks:
  - { id: c, run: STEP }
  - { id: b, run: STEP }
  - { id: a, run: STEP }
flow:
  - "a >> b >> c"
)"));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  expect_serial_trace(s.read("trace"), {"a", "b", "c"});
}

TEST(CliRunOrder, GroupNeedsHoldEveryChildAndSequentialGroupsRunInOrder) {
  Scratch s;
  auto r = s.run(traced(R"(name: groups
concurrency: 4
tasks:
  - { id: first, run: STEP }
  - id: seq
    needs: first
    strategy: sequential
    tasks:
      - { id: x, run: STEP }
      - { id: y, run: STEP }
      - { id: z, run: STEP }
  - { id: last, needs: seq, run: STEP }
)"));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  expect_serial_trace(s.read("trace"), {"first", "seq.x", "seq.y", "seq.z", "last"});
  EXPECT_TRUE(task_line(r, "seq.y", "succeeded"));
}

TEST(CliRunOrder, ReadyTasksStartByPriorityThenCriticalPathThenFileOrder) {
  Scratch s;
  // One job. `high` first (priority); then the longest remaining path: `est` (10s), `head`
  // (3 × 1s); then `tail1` (2s) before `first_in_file` (1s); `first_in_file` before `tail2`
  // (both 1s: file order); `low` (negative priority) last. --dry-run says the same.
  constexpr std::string_view kPriorities = R"(name: priorities
concurrency: 1
tasks:
  - { id: first_in_file, run: echo first_in_file >> order }
  - { id: low, priority: -1, run: echo low >> order }
  - { id: high, priority: 5, run: echo high >> order }
  - { id: head, run: echo head >> order }
  - { id: tail1, needs: head, run: echo tail1 >> order }
  - { id: tail2, needs: tail1, run: echo tail2 >> order }
  - { id: est, estimate: 10s, run: echo est >> order }
)";
  const std::vector<std::string> expected{"high",          "est",   "head", "tail1",
                                          "first_in_file", "tail2", "low"};
  auto r = s.run(kPriorities);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(s.read("order")), expected);

  r = s.run(kPriorities, {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::vector<std::pair<int, std::string>> listed;
  for (const auto& task : expected) listed.emplace_back(line_index(r.out, task), task);
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> dry_order;
  for (const auto& [index, task] : listed) dry_order.push_back(task);
  EXPECT_EQ(dry_order, expected) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Concurrency

// Each task makes `running.PATH`, waits (at most `max_wait_ticks` × 10 ms) until `barrier` such
// files exist so that the limit is reached whenever baton allows it, records how many exist in
// `counts`, holds its slot 30 ms more and removes its file. A count above the limit means it was
// exceeded.
std::string counting_task(int barrier, int max_wait_ticks = 30) {
  return "'touch \"running.$BATON_TASK\"; i=0; while [ \"$(ls running.* | wc -l)\" -lt " +
         std::to_string(barrier) + " ] && [ $i -lt " + std::to_string(max_wait_ticks) +
         " ]; do sleep 0.01; i=$((i+1)); done; "
         "ls running.* | wc -l >> counts; sleep 0.03; rm -f \"running.$BATON_TASK\"'";
}

std::string counting_workflow(std::string_view header, int tasks, int barrier,
                              std::string_view task_keys = {}, int max_wait_ticks = 30) {
  std::string yaml(header);
  yaml += "tasks:\n";
  for (int i = 1; i <= tasks; ++i) {
    yaml += "  - { id: t" + std::to_string(i) + ", run: " + counting_task(barrier, max_wait_ticks);
    if (!task_keys.empty()) yaml += ", " + std::string(task_keys);
    yaml += " }\n";
  }
  return yaml;
}

struct Counts {
  int samples = 0;
  int max = 0;
};

Counts read_counts(const Scratch& s) {
  Counts c;
  for (const auto& line : split_lines(s.read("counts"))) {
    if (trim(line).empty()) continue;
    ++c.samples;
    c.max = std::max(c.max, std::stoi(trim(line)));
  }
  return c;
}

TEST(CliRunConcurrency, JobsOptionIsUsedAndNeverExceeded) {
  Scratch s;
  auto r = s.run(counting_workflow("name: jobs\nconcurrency: 1\n", 6, 3), {"--jobs", "3"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 6);
  EXPECT_EQ(counts.max, 3) << "--jobs 3 overrides concurrency: 1; at most and at best 3 at once";
}

TEST(CliRunConcurrency, WorkflowConcurrencyIsUsedAndNeverExceeded) {
  Scratch s;
  auto r = s.run(counting_workflow("name: conc\nconcurrency: 2\n", 5, 2));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 5);
  EXPECT_EQ(counts.max, 2);
}

TEST(CliRunConcurrency, GroupConcurrencyOfOneSerialisesItsChildren) {
  Scratch s;
  std::string yaml =
      "name: group\nconcurrency: 4\ntasks:\n  - id: g\n    concurrency: 1\n"
      "    tasks:\n";
  for (int i = 1; i <= 3; ++i) {
    yaml += "      - { id: t" + std::to_string(i) + ", run: " + counting_task(2, 10) + " }\n";
  }
  auto r = s.run(yaml);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 3);
  EXPECT_EQ(counts.max, 1);
}

TEST(CliRunConcurrency, GroupConcurrencyIsUsedAndNeverExceeded) {
  Scratch s;
  std::string yaml =
      "name: group\nconcurrency: 4\ntasks:\n  - id: g\n    concurrency: 2\n"
      "    tasks:\n";
  for (int i = 1; i <= 4; ++i) {
    yaml += "      - { id: t" + std::to_string(i) + ", run: " + counting_task(2) + " }\n";
  }
  auto r = s.run(yaml);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 4);
  EXPECT_EQ(counts.max, 2);
}

TEST(CliRunConcurrency, PoolOfOneSerialisesItsUsers) {
  Scratch s;
  auto r = s.run(
      counting_workflow("name: pool\nconcurrency: 4\npools: { db: 1 }\n", 3, 2, "pool: db", 10));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 3);
  EXPECT_EQ(counts.max, 1);
}

TEST(CliRunConcurrency, PoolSlotsBoundTheTasksHoldingThem) {
  Scratch s;
  // Two slots, each task takes both: one at a time.
  auto r = s.run(counting_workflow("name: slots\nconcurrency: 4\npools: { db: 2 }\n", 3, 2,
                                   "pool: db, slots: 2", 10));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 3);
  EXPECT_EQ(counts.max, 1);
}

TEST(CliRunConcurrency, PoolOfTwoIsUsedAndNeverExceeded) {
  Scratch s;
  auto r =
      s.run(counting_workflow("name: pool2\nconcurrency: 4\npools: { db: 2 }\n", 4, 2, "pool: db"));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 4);
  EXPECT_EQ(counts.max, 2);
}

TEST(CliRunConcurrency, MaxParallelBoundsRunningInstances) {
  Scratch s;
  auto r = s.run(
      "name: fan\nconcurrency: 4\ntasks:\n  - id: fan\n    foreach: [a, b, c, d, e]\n"
      "    max_parallel: 2\n    run: " +
      counting_task(2) + "\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 5);
  EXPECT_EQ(counts.max, 2);
}

TEST(CliRunConcurrency, MaxParallelBoundsRunningGroupInstances) {
  Scratch s;
  auto r = s.run(
      "name: group-fan\nconcurrency: 4\ntasks:\n  - id: per\n    foreach: [a, b, c]\n"
      "    max_parallel: 1\n    tasks:\n      - { id: step, run: " +
      counting_task(2, 10) + " }\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 3);
  EXPECT_EQ(counts.max, 1);
}

TEST(CliRunConcurrency, DefaultConcurrencyIsTheNumberOfCpus) {
  auto cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (cpus < 2 || cpus > 16) GTEST_SKIP() << cpus << " CPUs";
  Scratch s;
  auto r = s.run(counting_workflow("name: default\n", 2 * cpus, cpus));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto counts = read_counts(s);
  EXPECT_EQ(counts.samples, 2 * cpus);
  EXPECT_EQ(counts.max, cpus);
}

TEST(CliRunConcurrency, ATaskWaitingForAPoolOrGroupSlotDoesNotHoldBackOthers) {
  Scratch s;
  // t2 and g.g2 rank first among the ready tasks but wait for a slot; t3 and t4 start at once.
  auto r = s.run(R"(name: no-head-of-line
concurrency: 3
pools: { db: 1 }
tasks:
  - { id: t1, pool: db, priority: 20, run: sleep 0.3; date +%s%N > t1.end }
  - { id: t2, pool: db, priority: 10, run: date +%s%N > t2.start }
  - id: g
    concurrency: 1
    tasks:
      - { id: g1, priority: 30, run: sleep 0.3; date +%s%N > g1.end }
      - { id: g2, priority: 30, run: date +%s%N > g2.start }
  - { id: t3, run: date +%s%N > t3.start }
  - { id: t4, run: date +%s%N > t4.start }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto at = [&](const std::string& name) { return std::stoll(s.read(name)); };
  EXPECT_LT(at("t3.start"), at("t1.end"));
  EXPECT_LT(at("t4.start"), at("g1.end"));
  EXPECT_GE(at("t2.start"), at("t1.end"));
  EXPECT_GE(at("g2.start"), at("g1.end"));
}

// ---------------------------------------------------------------------------------------------
// Environment, working directory, isolation, logs

std::map<std::string, std::string> read_pairs(const std::string& text) {
  std::map<std::string, std::string> pairs;
  for (const auto& line : split_lines(text)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) pairs[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return pairs;
}

TEST(CliRunEnv, LayersEnvNearestWinsAndSetsBatonVariables) {
  Scratch s;
  auto r = s.run(R"(name: env
env: { LEVEL_W: workflow, NEAREST: workflow, BATON_E2E_SHADOWED: workflow }
tasks:
  - id: g
    env: { LEVEL_G: group, NEAREST: group }
    tasks:
      - id: t
        env: { NEAREST: task }
        run: |
          {
            echo "inherited=$BATON_E2E_INHERITED"
            echo "shadowed=$BATON_E2E_SHADOWED"
            echo "levels=$LEVEL_W $LEVEL_G $NEAREST"
            echo "task=$BATON_TASK"
            echo "attempt=$BATON_ATTEMPT"
            echo "run_id=$BATON_RUN_ID"
            echo "output=$BATON_OUTPUT"
            echo "item=${BATON_ITEM-unset} ${BATON_ITEM_INDEX-unset}"
          } > env.txt
)",
                 {}, {"BATON_E2E_INHERITED=from-baton", "BATON_E2E_SHADOWED=from-baton"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto env = read_pairs(s.read("env.txt"));
  EXPECT_EQ(env["inherited"], "from-baton");
  EXPECT_EQ(env["shadowed"], "workflow");
  EXPECT_EQ(env["levels"], "workflow group task");
  EXPECT_EQ(env["task"], "g.t");
  EXPECT_EQ(env["attempt"], "1");
  EXPECT_THAT(env["run_id"], Not(IsEmpty()));
  EXPECT_THAT(env["output"], Not(IsEmpty()));
  EXPECT_EQ(env["item"], "unset unset") << "BATON_ITEM only in fan-out instances";

  // The run's folder is named by its id and holds the attempt's log.
  auto run_dir = fs::path(s.state()) / "runs" / env["run_id"];
  EXPECT_TRUE(fs::is_directory(run_dir)) << run_dir;
  EXPECT_TRUE(fs::exists(run_dir / "logs" / "g.t.1.log")) << run_dir;
}

TEST(CliRunEnv, RunIdTemplateInArgvAndEnvIsTheRunId) {
  Scratch s;
  auto r = s.run(R"(name: runid
tasks:
  - id: t
    env: { FROM_TEMPLATE: "${{ run.id }}" }
    argv: [sh, -c, 'printf "%s %s %s" "$1" "$FROM_TEMPLATE" "$BATON_RUN_ID" > rid.txt', sh, "${{ run.id }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::istringstream words(s.read("rid.txt"));
  std::string from_argv, from_env, variable;
  words >> from_argv >> from_env >> variable;
  EXPECT_THAT(variable, Not(IsEmpty()));
  EXPECT_EQ(from_argv, variable);
  EXPECT_EQ(from_env, variable);
}

TEST(CliRunEnv, StdinIsDevNullAndEachTaskLeadsItsOwnProcessGroup) {
  Scratch s;
  auto r = s.run(R"(name: iso
tasks:
  - id: t
    run: |
      readlink /proc/self/fd/0 > stdin.txt
      set -- $(cat /proc/$$/stat)
      echo "$1 $5" > pgrp.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(trim(s.read("stdin.txt")), "/dev/null");
  std::istringstream words(s.read("pgrp.txt"));
  std::string pid, pgrp;
  words >> pid >> pgrp;
  EXPECT_THAT(pid, Not(IsEmpty()));
  EXPECT_EQ(pid, pgrp) << "the task's shell leads its own process group";
  EXPECT_NE(pgrp, std::to_string(getpgrp()));
}

TEST(CliRunEnv, CwdIsRelativeToTheWorkflowFolderAndTakesTemplates) {
  Scratch s;
  fs::create_directories(s.at("sub"));
  fs::create_directories(s.at("d1"));
  fs::create_directories(s.at("d2"));
  auto r = s.run(R"(name: cwd
tasks:
  - { id: here, run: pwd > where.txt }
  - { id: there, cwd: sub, run: pwd > where.txt }
  - id: each
    foreach: [d1, d2]
    cwd: "${{ item }}"
    run: pwd > where.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto canonical = fs::canonical(s.path());
  EXPECT_EQ(fs::canonical(trim(s.read("where.txt"))), canonical);
  EXPECT_EQ(fs::canonical(trim(s.read("sub/where.txt"))), canonical / "sub");
  EXPECT_EQ(fs::canonical(trim(s.read("d1/where.txt"))), canonical / "d1");
  EXPECT_EQ(fs::canonical(trim(s.read("d2/where.txt"))), canonical / "d2");
}

TEST(CliRunLogs, StdoutAndStderrOfAnAttemptAreInItsLogFile) {
  Scratch s;
  auto r = s.run(R"(name: logs
tasks:
  - id: g
    tasks:
      - id: t
        run: echo to-stdout; echo to-stderr >&2
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u) << describe(r);
  auto log = read_file(runs[0] / "logs" / "g.t.1.log");
  EXPECT_THAT(log, HasSubstr("to-stdout"));
  EXPECT_THAT(log, HasSubstr("to-stderr"));
  EXPECT_THAT(r.out, Not(HasSubstr("to-stdout"))) << "a task's output goes to its log";
}

TEST(CliRunLogs, StateFolderComesFromBatonStateThenDotBaton) {
  Scratch s;
  auto file = s.write_workflow("name: where\ntasks:\n  - { id: t, run: echo hello }\n");
  auto from_env = (s.path() / "from-env").string();
  auto r = run_process({BATON_BINARY, "run", file}, {}, {"NO_COLOR=1", "BATON_STATE=" + from_env});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(fs::path(from_env) / "runs")) << describe(r);

  // Neither: ./.baton in baton's working directory.
  fs::create_directories(s.at("cwd"));
  auto script = "cd \"$1\" && unset BATON_STATE && exec \"$2\" run \"$3\"";
  r = run_process({"/bin/sh", "-c", script, "sh", s.at("cwd").string(), BATON_BINARY, file}, {},
                  {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(s.at("cwd") / ".baton" / "runs")) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Outputs

TEST(CliRunOutputs, PassedToDependentsThroughEnvAndTemplatesIncludingMultiLine) {
  Scratch s;
  auto r = s.run(R"(name: outputs
tasks:
  - id: a
    run: |
      echo "k=hello world" >> "$BATON_OUTPUT"
      printf 'multi<<EOF\nline one\nline two\nEOF\n' >> "$BATON_OUTPUT"
  - id: b
    needs: a
    run: |
      printf '%s' "$BATON_OUT_A_K" > k.env
      printf '%s' "$BATON_OUT_A_MULTI" > multi.env
  - id: c
    env: { FROM_ENV_TEMPLATE: "${{ tasks.a.outputs.multi }}" }
    argv: [sh, -c, 'printf "%s" "$1" > k.argv; printf "%s" "$2" > multi.argv; printf "%s" "$FROM_ENV_TEMPLATE" > multi.envtemplate', sh, "${{ tasks.a.outputs.k }}", "${{ tasks.a.outputs.multi }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("k.env"), "hello world");
  EXPECT_EQ(s.read("multi.env"), "line one\nline two");
  EXPECT_EQ(s.read("k.argv"), "hello world") << "the template made a an upstream of c";
  EXPECT_EQ(s.read("multi.argv"), "line one\nline two");
  EXPECT_EQ(s.read("multi.envtemplate"), "line one\nline two");
}

TEST(CliRunOutputs, VariableNamesUpperCaseThePathAndKey) {
  Scratch s;
  auto r = s.run(R"(name: names
tasks:
  - id: grp
    tasks:
      - id: make-it
        run: echo "my.key=v1" >> "$BATON_OUTPUT"
  - id: use
    needs: grp
    run: printf '%s' "$BATON_OUT_GRP_MAKE_IT_MY_KEY" > v.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("v.txt"), "v1");
}

TEST(CliRunOutputs, OnlyTheOutputsOfDirectUpstreamsAreInTheEnvironment) {
  Scratch s;
  auto r = s.run(R"(name: scope
tasks:
  - { id: a, run: echo "k=1" >> "$BATON_OUTPUT" }
  - { id: b, needs: a, run: echo "k=2" >> "$BATON_OUTPUT" }
  - { id: c, needs: b, run: env | grep ^BATON_OUT_ | sort > c.env; true }
  - { id: d, run: env | grep ^BATON_OUT_ | sort > d.env; true }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("c.env"), "BATON_OUT_B_K=2\n");
  EXPECT_EQ(s.read("d.env"), "");
}

TEST(CliRunOutputs, MoreThanOneMebibyteFailsTheTask) {
  Scratch s;
  auto r = s.run(R"(name: big
tasks:
  - id: big
    run: |
      printf 'big=' >> "$BATON_OUTPUT"
      head -c 1100000 /dev/zero | tr '\0' x >> "$BATON_OUTPUT"
      echo >> "$BATON_OUTPUT"
  - { id: after, needs: big, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "big", "failed"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: big"));
  EXPECT_FALSE(s.exists("after.marker"));
  EXPECT_THAT(r.out + r.err, HasSubstr("MiB")) << "the message names the limit";
}

TEST(CliRunOutputs, PromisedOutputMissingFailsTheTask) {
  Scratch s;
  auto r = s.run(R"(name: promise
tasks:
  - id: a
    outputs: [present, absent]
    run: echo "present=1" >> "$BATON_OUTPUT"
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed"));
  EXPECT_THAT(r.out + r.err, HasSubstr("absent"));
}

// ---------------------------------------------------------------------------------------------
// Fan-out

TEST(CliRunFanOut, StaticListMakesInstancesAndTheDependentWaitsForAll) {
  Scratch s;
  auto r = s.run(R"(name: static
concurrency: 4
tasks:
  - id: fan
    foreach: [x, y, z]
    argv: [sh, -c, 'sleep 0.02; printf "%s|%s|%s|%s\n" "$1" "$2" "$BATON_ITEM" "$BATON_ITEM_INDEX" > "out.$BATON_ITEM_INDEX"; echo "$BATON_TASK" >> tasks.txt', sh, "${{ item }}", "${{ item_index }}"]
  - id: join
    needs: fan
    run: cat out.0 out.1 out.2 > joined.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("joined.txt"), "x|0|x|0\ny|1|y|1\nz|2|z|2\n");
  auto tasks = split_lines(s.read("tasks.txt"));
  std::sort(tasks.begin(), tasks.end());
  EXPECT_EQ(tasks, (std::vector<std::string>{"fan[0]", "fan[1]", "fan[2]"}));
  EXPECT_TRUE(task_line(r, "fan[0]", "succeeded"));
  EXPECT_TRUE(task_line(r, "fan[2]", "succeeded"));
  EXPECT_TRUE(task_line(r, "join", "succeeded"));
}

TEST(CliRunFanOut, AsNamesTheTemplateVariable) {
  Scratch s;
  auto r = s.run(R"(name: as
tasks:
  - id: build
    foreach: [amd64, arm64]
    as: target
    argv: [touch, "built.${{ target }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(s.exists("built.amd64"));
  EXPECT_TRUE(s.exists("built.arm64"));
}

TEST(CliRunFanOut, GroupFanOutRunsItsChildrenPerItem) {
  Scratch s;
  auto r = s.run(R"(name: group-fan
tasks:
  - id: per
    foreach: [p, q]
    tasks:
      - { id: make, run: 'echo "$BATON_ITEM" > "made.$BATON_ITEM"' }
      - { id: check, needs: make, run: 'cat "made.$BATON_ITEM" > "checked.$BATON_ITEM"' }
  - { id: after, needs: per, run: cat checked.p checked.q > after.txt }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("after.txt"), "p\nq\n");
}

TEST(CliRunFanOut, DynamicListFromLinesOfAnOutput) {
  Scratch s;
  auto r = s.run(R"(name: dynamic
tasks:
  - id: discover
    run: printf 'files<<EOF\nalpha\n\nbeta\ngamma\nEOF\n' >> "$BATON_OUTPUT"
  - id: process
    foreach: { from: discover, output: files }
    argv: [sh, -c, 'echo "$1 $BATON_ITEM_INDEX" > "done.$1"', sh, "${{ item }}"]
  - id: merge
    needs: process
    run: cat done.alpha done.beta done.gamma > merged.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("merged.txt"), "alpha 0\nbeta 1\ngamma 2\n");
  EXPECT_TRUE(task_line(r, "process[2]", "succeeded"));
  EXPECT_EQ(summary_line(r.out, "process[3]"), "") << "an empty line is not an item";
}

TEST(CliRunFanOut, DynamicListFromAJsonArray) {
  Scratch s;
  auto r = s.run(R"(name: dynamic-json
tasks:
  - id: discover
    run: echo 'list=["one","two words"]' >> "$BATON_OUTPUT"
  - id: each
    foreach: { from: discover, output: list }
    argv: [sh, -c, 'echo "$BATON_ITEM" > "item.$BATON_ITEM_INDEX"']
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("item.0"), "one\n");
  EXPECT_EQ(s.read("item.1"), "two words\n");
  EXPECT_FALSE(s.exists("item.2"));
}

TEST(CliRunFanOut, MoreItemsThanMaxItemsFailsTheNodeByName) {
  Scratch s;
  auto r = s.run(R"(name: too-many
tasks:
  - id: discover
    run: printf 'list<<EOF\na\nb\nc\nEOF\n' >> "$BATON_OUTPUT"
  - { id: each, foreach: { from: discover, output: list }, max_items: 2, argv: [touch, "${{ item }}.marker"] }
  - { id: after, needs: each, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_FALSE(s.exists("a.marker"));
  EXPECT_FALSE(s.exists("after.marker"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: each"));
  // The root cause is named: the run fails through a failed node, not through its echoes.
  EXPECT_TRUE(task_line(r, "each", "failed", "max_items"));
}

// ---------------------------------------------------------------------------------------------
// Trigger rules and propagation (SPEC 3.2)

TEST(CliRunTrigger, AllSuccessSkipsDependentsOfAFailureWithTheReason) {
  Scratch s;
  auto r = s.run(R"(name: skip
tasks:
  - { id: a, run: exit 3 }
  - { id: b, needs: a, run: touch b.marker }
  - { id: c, needs: b, run: touch c.marker }
  - { id: ok, run: touch ok.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "b", "skipped", "upstream_failed: a"));
  EXPECT_TRUE(task_line(r, "c", "skipped", "upstream_failed: b"));
  EXPECT_TRUE(task_line(r, "ok", "succeeded"));
  EXPECT_FALSE(s.exists("b.marker"));
  EXPECT_FALSE(s.exists("c.marker"));
  EXPECT_TRUE(s.exists("ok.marker"));
}

TEST(CliRunTrigger, AllDoneRunsAfterAFailureAndAfterAnUpstreamFailedSkip) {
  Scratch s;
  auto r = s.run(R"(name: all-done
tasks:
  - { id: a, run: exit 3 }
  - { id: b, needs: a, run: touch b.marker }
  - { id: report, needs: [a, b], trigger: all_done, run: touch report.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "report", "succeeded"));
  EXPECT_TRUE(s.exists("report.marker"));
}

TEST(CliRunTrigger, OneFailedFiresWithoutWaitingForTheOthers) {
  Scratch s;
  auto r = s.run(R"(name: one-failed
concurrency: 4
tasks:
  - { id: bad, run: sleep 0.02; exit 3 }
  - { id: slow, run: sleep 0.4; date +%s%N > slow.end }
  - { id: react, needs: [bad, slow], trigger: one_failed, run: date +%s%N > react.start }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "react", "succeeded"));
  ASSERT_TRUE(s.exists("react.start") && s.exists("slow.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("react.start")), std::stoll(s.read("slow.end")));
}

TEST(CliRunTrigger, OneFailedIsSkippedWhenNothingFailed) {
  Scratch s;
  auto r = s.run(R"(name: one-failed-not
tasks:
  - { id: a, run: "true" }
  - { id: react, needs: a, trigger: one_failed, run: touch react.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r) << "a skip never fails the run by itself";
  EXPECT_TRUE(task_line(r, "react", "skipped", "trigger_rule: one_failed not met"));
  EXPECT_FALSE(s.exists("react.marker"));
}

TEST(CliRunTrigger, OneSuccessFiresWithoutWaitingForTheOthers) {
  Scratch s;
  auto r = s.run(R"(name: one-success
concurrency: 4
tasks:
  - { id: quick, run: sleep 0.02 }
  - { id: slow, run: sleep 0.4; date +%s%N > slow.end }
  - { id: react, needs: [quick, slow], trigger: one_success, run: date +%s%N > react.start }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  ASSERT_TRUE(s.exists("react.start") && s.exists("slow.end")) << describe(r);
  EXPECT_LT(std::stoll(s.read("react.start")), std::stoll(s.read("slow.end")));
}

TEST(CliRunTrigger, AllFailedRunsOnlyWhenEveryUpstreamFailed) {
  Scratch s;
  auto r = s.run(R"(name: all-failed
tasks:
  - { id: ok, run: "true" }
  - { id: bad1, run: exit 1 }
  - { id: bad2, run: exit 2 }
  - { id: when_ok, needs: ok, trigger: all_failed, run: touch when_ok.marker }
  - { id: when_bad, needs: [bad1, bad2], trigger: all_failed, run: touch when_bad.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "when_ok", "skipped", "trigger_rule: all_failed not met"));
  EXPECT_TRUE(task_line(r, "when_bad", "succeeded"));
  EXPECT_FALSE(s.exists("when_ok.marker"));
  EXPECT_TRUE(s.exists("when_bad.marker"));
}

TEST(CliRunTrigger, AllFailedSkipAloneDoesNotFailTheRun) {
  Scratch s;
  auto r = s.run(R"(name: all-failed-skip
tasks:
  - { id: ok, run: "true" }
  - { id: on_error, needs: ok, trigger: all_failed, run: touch marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "on_error", "skipped", "trigger_rule: all_failed not met"));
}

TEST(CliRunTrigger, NoneFailedMinOneSuccessJoinsABranch) {
  Scratch s;
  // `rollback` is skipped (its rule is not met: not an upstream failure), `deploy` succeeds;
  // the join runs. A join over skips only is skipped; over a failure, skipped upstream_failed.
  auto r = s.run(R"(name: branch
tasks:
  - { id: check, run: "true" }
  - { id: rollback, needs: check, trigger: all_failed, run: touch rollback.marker }
  - { id: deploy, needs: check, run: touch deploy.marker }
  - { id: join, needs: [rollback, deploy], trigger: none_failed_min_one_success, run: touch join.marker }
  - { id: lonely, needs: rollback, trigger: none_failed_min_one_success, run: touch lonely.marker }
  - { id: relaxed, needs: [rollback, deploy], trigger: none_failed, run: touch relaxed.marker }
  - { id: strict, needs: [rollback, deploy], run: touch strict.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "rollback", "skipped", "trigger_rule: all_failed not met"));
  EXPECT_TRUE(task_line(r, "join", "succeeded"));
  EXPECT_TRUE(s.exists("join.marker"));
  EXPECT_TRUE(
      task_line(r, "lonely", "skipped", "trigger_rule: none_failed_min_one_success not met"));
  EXPECT_TRUE(task_line(r, "relaxed", "succeeded"));
  EXPECT_TRUE(task_line(r, "strict", "skipped", "trigger_rule: all_success not met"));
  EXPECT_FALSE(s.exists("strict.marker"));
}

TEST(CliRunTrigger, NoneFailedMinOneSuccessIsSkippedAfterAFailure) {
  Scratch s;
  auto r = s.run(R"(name: branch-fail
tasks:
  - { id: a, run: exit 4 }
  - { id: b, run: "true" }
  - { id: join, needs: [a, b], trigger: none_failed_min_one_success, run: touch join.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "join", "skipped", "upstream_failed: a"));
  EXPECT_FALSE(s.exists("join.marker"));
}

TEST(CliRunTrigger, AlwaysRunsAfterAFailure) {
  Scratch s;
  auto r = s.run(R"(name: always
tasks:
  - { id: a, run: exit 3 }
  - { id: cleanup, needs: a, trigger: always, run: touch cleanup.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "cleanup", "succeeded"));
  EXPECT_TRUE(s.exists("cleanup.marker"));
}

TEST(CliRunTrigger, GroupUpstreamCountsWithItsDerivedState) {
  Scratch s;
  auto r = s.run(R"(name: group-up
tasks:
  - id: g
    tasks:
      - { id: ok, run: "true" }
      - { id: bad, run: exit 5 }
  - { id: after, needs: g, run: touch after.marker }
  - { id: on_fail, needs: g, trigger: one_failed, run: touch on_fail.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "g.bad", "failed", "exit 5"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed"));
  EXPECT_TRUE(s.exists("on_fail.marker"));
  EXPECT_FALSE(s.exists("after.marker"));
}

TEST(CliRunTrigger, GroupTriggerAppliesToTheGroupAndOnFailureIsInherited) {
  Scratch s;
  auto r = s.run(R"(name: group-rules
tasks:
  - id: lenient
    on_failure: ignore
    tasks:
      - { id: bad, run: exit 2 }
  - { id: after_lenient, needs: lenient, run: touch after_lenient.marker }
  - { id: a, run: exit 1 }
  - id: report
    needs: a
    trigger: all_done
    tasks:
      - { id: r1, run: touch r1.marker }
      - { id: r2, needs: r1, run: touch r2.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "lenient.bad", "failed", "ignored"));
  EXPECT_TRUE(s.exists("after_lenient.marker"));
  EXPECT_TRUE(task_line(r, "report.r1", "succeeded"));
  EXPECT_TRUE(task_line(r, "report.r2", "succeeded"));
  EXPECT_TRUE(s.exists("r2.marker"));
}

TEST(CliRunTrigger, IgnoredFailureLetsDependentsRunAndTheRunSucceed) {
  Scratch s;
  auto r = s.run(R"(name: ignore
tasks:
  - { id: a, run: exit 3, on_failure: ignore }
  - { id: b, needs: a, run: touch b.marker }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "ignored"));
  EXPECT_TRUE(task_line(r, "b", "succeeded"));
  EXPECT_TRUE(s.exists("b.marker"));
}

// ---------------------------------------------------------------------------------------------
// Failure modes (SPEC 3.4)

TEST(CliRunFailureMode, StopStartsNothingNewButAlwaysTasksAndLetsRunningOnesFinish) {
  Scratch s;
  // Two jobs: `a` (highest priority) and `running` start; `a` fails while `running` sleeps;
  // `later` would take the freed slot but must not start; `running` finishes; `cleanup` runs.
  auto r = s.run(R"(name: stop
concurrency: 2
failure_mode: stop
tasks:
  - { id: a, priority: 10, run: sleep 0.02; exit 3 }
  - { id: running, priority: 5, run: sleep 0.2; touch running.marker }
  - { id: later, run: touch later.marker }
  - { id: cleanup, needs: a, trigger: always, run: touch cleanup.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "running", "succeeded"));
  EXPECT_TRUE(s.exists("running.marker"));
  EXPECT_FALSE(s.exists("later.marker")) << describe(r);
  EXPECT_FALSE(has_word(summary_line(r.out, "later"), "succeeded")) << describe(r);
  EXPECT_TRUE(task_line(r, "cleanup", "succeeded"));
  EXPECT_TRUE(s.exists("cleanup.marker"));
}

TEST(CliRunFailureMode, ContinueKeepsRunningIndependentTasks) {
  Scratch s;
  auto r = s.run(R"(name: continue
concurrency: 1
tasks:
  - { id: a, priority: 10, run: exit 3 }
  - { id: independent, run: touch independent.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "independent", "succeeded"));
  EXPECT_TRUE(s.exists("independent.marker"));
}

TEST(CliRunFailureMode, CancelCancelsALongRunningSiblingQuickly) {
  Scratch s;
  auto r = s.run(R"(name: cancel
concurrency: 2
failure_mode: cancel
tasks:
  - { id: a, run: sleep 0.05; exit 3 }
  - { id: long, kill_grace: 100ms, run: sleep 5; touch long.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_LT(s.elapsed, milliseconds(2500)) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
  EXPECT_TRUE(task_line(r, "long", "cancelled"));
  EXPECT_FALSE(s.exists("long.marker"));
}

// ---------------------------------------------------------------------------------------------
// Exit codes, failures to start, timeouts

TEST(CliRunExit, SucceededRunExits0AndQuietPrintsNothing) {
  Scratch s;
  constexpr std::string_view kOk = "name: ok\ntasks:\n  - { id: a, run: echo hi }\n";
  auto r = s.run(kOk);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "succeeded"));
  r = s.run(kOk, {"--quiet"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "") << describe(r);
}

TEST(CliRunExit, FailedTaskExits1WithItsExitCode) {
  Scratch s;
  auto r = s.run("name: bad\ntasks:\n  - { id: a, run: exit 3 }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "exit 3"));
}

TEST(CliRunExit, InvalidWorkflowExits2AndRunsNothing) {
  Scratch s;
  auto r = s.run("name: invalid\ntasks:\n  - { id: a, run: touch a.marker, needz: [b] }\n");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("needz"));
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunExit, UsageErrorsExit2) {
  Scratch s;
  auto file = s.write_workflow("name: ok\ntasks:\n  - { id: a, run: touch a.marker }\n");
  auto state = s.state();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run"},
           {"run", (s.path() / "missing.yaml").string(), "--state", state},
           {"run", file, "--state", state, "--jobs", "many"},
           {"run", file, "--state", state, "--progress", "fancy"},
           {"run", file, "--state", state, "--no-such-option"},
       }) {
    auto r = run_process([&] {
      std::vector<std::string> argv{BATON_BINARY};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    }());
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << describe(r);
  }
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunExit, MissingProgramFailsTheTaskWithAClearReason) {
  Scratch s;
  auto r = s.run(R"(name: missing
tasks:
  - { id: plain, run: baton-e2e-no-such-program --flag }
  - { id: vector, argv: [/nonexistent/baton-e2e-prog, x] }
  - { id: after, needs: plain, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "plain", "failed"));
  EXPECT_TRUE(task_line(r, "vector", "failed"));
  EXPECT_THAT(r.out + r.err, HasSubstr("baton-e2e-no-such-program"));
  EXPECT_THAT(r.out + r.err, HasSubstr("/nonexistent/baton-e2e-prog"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: plain"));
}

TEST(CliRunExit, SignalledTaskFailsNamingTheSignal) {
  Scratch s;
  auto r = s.run("name: killed\ntasks:\n  - { id: a, run: kill -9 $$ }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "signal 9"));
}

TEST(CliRunExit, MissingWorkingDirectoryFailsTheTaskNamingIt) {
  Scratch s;
  auto r = s.run("name: nowhere\ntasks:\n  - { id: a, cwd: nowhere, run: touch a.marker }\n");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed", "nowhere"));
  EXPECT_FALSE(s.exists("a.marker"));
}

TEST(CliRunLogs, LargeOutputGoesStraightToTheLogFile) {
  Scratch s;
  auto r = s.run("name: loud\ntasks:\n  - { id: loud, run: head -c 5000000 /dev/zero }\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(fs::file_size(runs[0] / "logs" / "loud.1.log"), 5000000u);
  EXPECT_LT(r.out.size() + r.err.size(), 10000u);
}

TEST(CliRunTimeout, KillsAnAttemptThatOutlivesItsTimeout) {
  Scratch s;
  auto r = s.run(R"(name: timeout
tasks:
  - { id: slow, timeout: 200ms, run: sleep 10 }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(200));
  EXPECT_LT(s.elapsed, milliseconds(3000)) << describe(r);
  EXPECT_TRUE(task_line(r, "slow", "failed", "time"));
}

TEST(CliRunTimeout, SigkillsATaskIgnoringSigtermAfterKillGrace) {
  Scratch s;
  auto r = s.run(R"(name: stubborn
tasks:
  - id: stubborn
    timeout: 200ms
    kill_grace: 100ms
    run: trap "" TERM; echo $$ > pid; sleep 10
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_GE(s.elapsed, milliseconds(280)) << "SIGKILL only after kill_grace";
  EXPECT_LT(s.elapsed, milliseconds(3000)) << describe(r);
  EXPECT_TRUE(task_line(r, "stubborn", "failed"));
  auto pid = std::stoi(s.read("pid"));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(500)));
}

// ---------------------------------------------------------------------------------------------
// Dry run

TEST(CliRunDryRun, PrintsLeavesInStartOrderAndRunsNothing) {
  Scratch s;
  auto r = s.run(R"(name: dry
tasks:
  - { id: later, needs: first, run: touch later.marker }
  - { id: first, run: touch first.marker }
  - { id: fan, foreach: [u, v], needs: later, argv: [touch, "fan.${{ item }}"] }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("first.marker"));
  EXPECT_FALSE(s.exists("later.marker"));
  EXPECT_FALSE(s.exists("fan.u"));
  auto first = line_index(r.out, "first");
  auto later = line_index(r.out, "later");
  auto fan = line_index(r.out, "fan[1]");
  ASSERT_GE(first, 0) << describe(r);
  ASSERT_GE(later, 0) << describe(r);
  ASSERT_GE(fan, 0) << describe(r);
  EXPECT_LT(first, later) << describe(r);
  EXPECT_LT(later, fan) << describe(r);
}

TEST(CliRunDryRun, ListsTasksThatUseOutputTemplatesAndTheirDependents) {
  Scratch s;
  auto r = s.run(R"(name: dry-templates
tasks:
  - { id: a, run: echo k=1 >> "$BATON_OUTPUT" }
  - { id: c, argv: [touch, "c.${{ tasks.a.outputs.k }}"] }
  - { id: d, needs: c, run: touch d.marker }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("d.marker"));
  auto a = line_index(r.out, "a");
  auto c = line_index(r.out, "c");
  auto d = line_index(r.out, "d");
  ASSERT_GE(a, 0) << describe(r);
  EXPECT_GT(c, a) << "c would run after a, whose output it reads\n" << describe(r);
  EXPECT_GT(d, c) << describe(r);
}

TEST(CliRunDryRun, ListsWhatFollowsADynamicFanOverPromisedOutputs) {
  Scratch s;
  auto r = s.run(R"(name: dry-dynamic
tasks:
  - { id: discover, outputs: [files], run: echo x >> found }
  - { id: process, foreach: { from: discover, output: files }, argv: [touch, "${{ item }}"] }
  - { id: merge, needs: process, run: touch merge.marker }
)",
                 {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(s.exists("found"));
  EXPECT_FALSE(s.exists("merge.marker"));
  auto discover = line_index(r.out, "discover");
  auto merge = line_index(r.out, "merge");
  ASSERT_GE(discover, 0) << describe(r);
  EXPECT_GT(merge, discover) << "the items are unknown, but merge would still run\n" << describe(r);
  EXPECT_THAT(r.out, HasSubstr("process")) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Interruption and cleanup (SPEC 2.6)

struct Interrupted {
  std::optional<int> exit_code;
  milliseconds after_signal{0};
};

// Starts `baton run` on `yaml` in the background, waits (at most 5 s) until every file of
// `ready` exists, sends `signal` (twice if `twice`, 100 ms apart) and waits at most 5 s for it.
Interrupted run_and_interrupt(Scratch& s, std::string_view yaml,
                              const std::vector<std::string>& ready, int signal,
                              bool twice = false) {
  auto file = s.write_workflow(yaml);
  BackgroundProcess baton({BATON_BINARY, "run", file, "--state", s.state()},
                          s.at("baton.out").string(), s.at("baton.err").string(), {"NO_COLOR=1"});
  auto deadline = Clock::now() + milliseconds(5000);
  auto all_ready = [&] {
    return std::all_of(ready.begin(), ready.end(),
                       [&](const std::string& f) { return s.exists(f) && !s.read(f).empty(); });
  };
  while (!all_ready() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  Interrupted result;
  if (!all_ready()) {
    ADD_FAILURE() << "the tasks did not start\n--- stdout\n"
                  << s.read("baton.out") << "--- stderr\n"
                  << s.read("baton.err");
    return result;
  }
  auto start = Clock::now();
  baton.signal(signal);
  if (twice) {
    std::this_thread::sleep_for(milliseconds(100));
    baton.signal(signal);
  }
  result.exit_code = baton.wait_for(milliseconds(5000));
  result.after_signal = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return result;
}

pid_t read_pid(const Scratch& s, const std::string& name) {
  auto text = trim(s.read(name));
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

// Kills what a failed test may have left behind, so that it does not outlive the test.
void kill_leftovers(const std::vector<pid_t>& pids) {
  for (auto pid : pids) {
    if (baton::testing::process_alive(pid)) kill(pid, SIGKILL);
  }
}

constexpr std::string_view kFamily = R"(name: family
defaults: { kill_grace: 200ms }
tasks:
  - id: parent
    run: |
      sleep 30 &
      echo $! > grandchild
      echo $$ > pid
      wait
  - { id: after, needs: parent, run: touch after.marker }
)";

TEST(CliRunInterrupt, SigintExits130QuicklyAndLeavesNoProcessBehind) {
  Scratch s;
  auto result = run_and_interrupt(s, kFamily, {"pid", "grandchild"}, SIGINT);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGINT";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)))
      << "the task's child " << grandchild << " outlived baton";
  EXPECT_FALSE(s.exists("after.marker")) << "an interrupted run starts nothing more";
  EXPECT_THAT(s.read("baton.out"), HasSubstr("cancelled"));
  kill_leftovers({pid, grandchild});
}

TEST(CliRunInterrupt, SigtermExits130AndLeavesNoProcessBehind) {
  Scratch s;
  auto result = run_and_interrupt(s, kFamily, {"pid", "grandchild"}, SIGTERM);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGTERM";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200)));
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)));
  kill_leftovers({pid, grandchild});
}

TEST(CliRunInterrupt, ATaskIgnoringSigtermIsKilledAfterKillGrace) {
  Scratch s;
  auto result = run_and_interrupt(s, R"(name: stubborn
tasks:
  - id: stubborn
    kill_grace: 100ms
    run: |
      trap "" TERM
      sleep 30 &
      echo $! > grandchild
      echo $$ > pid
      wait
)",
                                  {"pid", "grandchild"}, SIGINT);
  auto pid = read_pid(s, "pid");
  auto grandchild = read_pid(s, "grandchild");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after SIGINT";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  EXPECT_TRUE(wait_until_gone(grandchild, milliseconds(200)));
  kill_leftovers({pid, grandchild});
}

TEST(CliRunInterrupt, SecondSigintKillsAtOnce) {
  Scratch s;
  // kill_grace is long: only the second SIGINT can make baton exit within a second.
  auto result = run_and_interrupt(s, R"(name: impatient
tasks:
  - id: stubborn
    kill_grace: 20s
    run: |
      trap "" TERM
      echo $$ > pid
      sleep 30
)",
                                  {"pid"}, SIGINT, /*twice=*/true);
  auto pid = read_pid(s, "pid");
  ASSERT_TRUE(result.exit_code.has_value()) << "baton did not exit after a second SIGINT";
  EXPECT_EQ(*result.exit_code, 130) << s.read("baton.out") << s.read("baton.err");
  EXPECT_LT(result.after_signal, milliseconds(1000));
  EXPECT_TRUE(wait_until_gone(pid, milliseconds(200))) << "the task " << pid << " outlived baton";
  kill_leftovers({pid});
}

TEST(CliRunInterrupt, ABackgroundChildOfAFinishedTaskDoesNotOutliveBaton) {
  Scratch s;
  auto r = s.run(R"(name: daemon
tasks:
  - { id: a, run: sleep 30 & echo $! > bg }
)");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  auto bg = read_pid(s, "bg");
  ASSERT_GT(bg, 0);
  EXPECT_TRUE(wait_until_gone(bg, milliseconds(200)))
      << "the task's child " << bg << " outlived baton";
  kill_leftovers({bg});
}

// ---------------------------------------------------------------------------------------------
// Examples

class CliRunExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CliRunExample, RunsWithExit0) {
  Scratch s;
  auto file = kSourceDir + "/examples/" + GetParam() + ".yaml";
  // The examples keep their workspaces under $TMPDIR: this test's folder.
  auto r = run_process({BATON_BINARY, "run", file, "--state", s.state()}, {},
                       {"NO_COLOR=1", "TMPDIR=" + s.path().string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/examples")) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(CliRun, CliRunExample, ::testing::ValuesIn(example_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace baton
