// End-to-end tests of `baton run`: start order and concurrency limits (SPEC 2.3), used and
// never exceeded, on real processes; sleeps are tens of ms.
#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

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
  // The dry run first: once the run is recorded, its durations replace the estimates.
  auto r = s.run(kPriorities, {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::vector<std::pair<int, std::string>> listed;
  for (const auto& task : expected) listed.emplace_back(line_index(r.out, task), task);
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> dry_order;
  for (const auto& [index, task] : listed) dry_order.push_back(task);
  EXPECT_EQ(dry_order, expected) << describe(r);

  r = s.run(kPriorities);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(s.read("order")), expected);
}

// With history, a dry run lists the tasks in the order the run takes them: the longer first.
TEST(CliRunOrder, DryRunOrdersByPastDurationsAsTheRunDoes) {
  Scratch s;
  constexpr std::string_view kTwo = R"(name: history-order
concurrency: 1
tasks:
  - { id: quick, run: 'sleep 0.01' }
  - { id: slow, run: 'sleep 0.2' }
)";
  ASSERT_EQ(s.run(kTwo).exit_code, 0);  // Records how long each took.
  auto r = s.run(kTwo, {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_LT(line_index(r.out, "slow"), line_index(r.out, "quick")) << describe(r);
}

// A dynamic fan-out's instances exist only once its source has run, after every static task:
// still, file order decides among equals (SPEC 2.3), and instances go in item order.
TEST(CliRunOrder, DynamicFanOutInstancesKeepTheirPlaceInFileOrder) {
  Scratch s;
  auto r = s.run(R"(name: late-instances
concurrency: 1
tasks:
  - { id: src, run: 'echo "items=[\"1\",\"2\"]" >> "$BATON_OUTPUT"' }
  - { id: first, foreach: { from: src, output: items }, run: 'echo "first $ITEM" >> order', env: { ITEM: "${{ item }}" } }
  - { id: second, foreach: { from: src, output: items }, run: 'echo "second $ITEM" >> order', env: { ITEM: "${{ item }}" } }
  - { id: third, needs: src, run: echo third >> order }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(s.read("order")),
            (std::vector<std::string>{"first 1", "first 2", "second 1", "second 2", "third"}));
}

// The instances of a fanned-out group go one after the other, each in file order, as the plan
// and the report list them, not step by step across instances.
TEST(CliRunOrder, AGroupFanOutRunsInstanceByInstance) {
  Scratch s;
  auto r = s.run(R"(name: instances
concurrency: 1
tasks:
  - id: g
    foreach: [a, b]
    tasks:
      - { id: one, run: 'echo "$BATON_TASK" >> order' }
      - { id: two, run: 'echo "$BATON_TASK" >> order' }
  - { id: last, run: 'echo "$BATON_TASK" >> order' }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(s.read("order")),
            (std::vector<std::string>{"g[0].one", "g[0].two", "g[1].one", "g[1].two", "last"}));
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

}  // namespace
}  // namespace baton
