// A recorded run read back as the report's model: tasks in file order with their instances,
// dependencies between instance paths, phases, and what was never recorded.
#include "report/run_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/markdown.hpp"
#include "report/recorded_run.hpp"

namespace baton::report {
namespace {

using testing::attempt;
using ::testing::ElementsAre;
using testing::instance;
using ::testing::IsEmpty;
using testing::RecordedRun;
using testing::task;

std::vector<std::string> paths(const RunReport& report) {
  std::vector<std::string> out;
  for (const auto& t : report.tasks) out.push_back(t.path);
  return out;
}

const Task& find(const RunReport& report, const std::string& path) {
  for (const auto& t : report.tasks) {
    if (t.path == path) return t;
  }
  throw std::runtime_error("no task " + path);
}

std::vector<std::string> phase_titles(const RunReport& report) {
  std::vector<std::string> out;
  for (const auto& p : report.phases) out.push_back(p.title);
  return out;
}

TEST(RunReport, PhasesAreTopLevelGroupsAndRunsOfTopLevelTasksBetweenThem) {
  RecordedRun run{R"(name: phases
tasks:
  - { id: g1, name: Build it, tasks: [{ id: a, run: "true" }] }
  - { id: x, run: "true" }
  - { id: y, name: Say so, run: "true" }
  - { id: g2, tasks: [{ id: b, run: "true" }, { id: c, run: "true" }] }
  - { id: z, run: "true" }
)",
                  "running", -1};
  auto report = run.report();
  EXPECT_THAT(phase_titles(report), ElementsAre("Build it", "x and Say so", "g2", "z"));
  EXPECT_THAT(report.phases[1].tasks, ElementsAre(1, 2));
  EXPECT_THAT(report.phases[2].tasks, ElementsAre(3, 4));
  EXPECT_EQ(report.tasks[4].phase, 2u);
}

TEST(RunReport, AWorkflowWithoutTopLevelGroupsHasOnePhasePerStage) {
  RecordedRun run{R"(name: flat
tasks:
  - { id: a, run: "true" }
  - { id: b, needs: a, run: "true" }
  - { id: c, run: "true" }
)",
                  "running", -1};
  auto report = run.report();
  EXPECT_THAT(phase_titles(report), ElementsAre("Stage 1", "Stage 2"));
  EXPECT_THAT(report.phases[0].tasks, ElementsAre(0, 2));
  EXPECT_THAT(report.phases[1].tasks, ElementsAre(1));
}

TEST(RunReport, UnrecordedTasksArePendingWithTheirNamesLevelsAndDomains) {
  RecordedRun run{R"(name: pending
tasks:
  - id: web
    domain: frontend
    tasks:
      - { id: build, name: Build the bundle, run: "true" }
)",
                  "running", -1};
  auto report = run.report();
  ASSERT_EQ(report.tasks.size(), 1u);
  const Task& t = report.tasks[0];
  EXPECT_EQ(t.path, "web.build");
  EXPECT_EQ(t.name, "Build the bundle");
  EXPECT_EQ(t.level, "task");
  EXPECT_EQ(t.domain, "frontend");
  EXPECT_EQ(t.state, "pending");
  EXPECT_FALSE(t.recorded);
  EXPECT_EQ(report.group_counts[static_cast<int>(Level::kStory)], 1u);
  EXPECT_EQ(report.leaf_count(Level::kTask), 1u);
}

TEST(RunReport, AStaticFanOutIsOneTaskPerInstanceWithItsItem) {
  RecordedRun run{R"(name: static
tasks:
  - { id: shards, foreach: [a, b], argv: [echo, "${{ item }}"] }
  - { id: after, needs: shards, run: "true" }
)",
                  "succeeded",
                  100,
                  {instance("shards[0]", "succeeded", "a", 0, {attempt(1, 0, 10)}),
                   instance("shards[1]", "succeeded", "b", 1, {attempt(1, 0, 10)}),
                   task("after", "succeeded", {attempt(1, 10, 20)})}};
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("shards[0]", "shards[1]", "after"));
  EXPECT_EQ(report.tasks[1].label(), "shards[1] (b)");
  EXPECT_THAT(find(report, "after").dependencies, ElementsAre("shards[0]", "shards[1]"));
}

constexpr std::string_view kDynamicGroup = R"(name: dynamic
tasks:
  - { id: discover, outputs: [files], run: "true" }
  - id: each
    foreach: { from: discover, output: files }
    tasks:
      - { id: fetch, run: "true" }
      - { id: parse, needs: fetch, run: "true" }
  - { id: merge, needs: each, run: "true" }
)";

TEST(RunReport, ADynamicFanOutIsWhatTheRunRecordedInstanceByInstance) {
  RecordedRun run{std::string(kDynamicGroup),
                  "succeeded",
                  100,
                  {task("discover", "succeeded", {attempt(1, 0, 10)}),
                   instance("each[0].fetch", "succeeded", "x", 0, {attempt(1, 10, 20)}),
                   instance("each[1].fetch", "succeeded", "y", 1, {attempt(1, 10, 20)}),
                   instance("each[0].parse", "succeeded", "x", 0, {attempt(1, 20, 30)}),
                   instance("each[1].parse", "succeeded", "y", 1, {attempt(1, 20, 30)}),
                   task("merge", "succeeded", {attempt(1, 30, 40)})}};
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("discover", "each[0].fetch", "each[0].parse",
                                         "each[1].fetch", "each[1].parse", "merge"));
  EXPECT_THAT(find(report, "each[1].fetch").dependencies, ElementsAre("discover"));
  EXPECT_THAT(find(report, "each[1].parse").dependencies, ElementsAre("each[1].fetch"))
      << "inside one instance, a sibling is that instance's copy";
  EXPECT_THAT(find(report, "merge").dependencies, ElementsAre("each[0].parse", "each[1].parse"));
}

TEST(RunReport, ADynamicFanOutsInstancesAreInItemOrderWhateverOrderTheyWereRecordedIn) {
  std::vector<store::TaskRecord> recorded{task("discover", "succeeded", {attempt(1, 0, 10)})};
  for (int i : {10, 2, 0, 11, 1}) {  // Not in item order, nor in the order of their text.
    for (const char* step : {"fetch", "parse"}) {
      recorded.push_back(instance("each[" + std::to_string(i) + "]." + step, "succeeded",
                                  std::to_string(i), i, {attempt(1, 10, 20)}));
    }
  }
  recorded.push_back(task("merge", "succeeded", {attempt(1, 30, 40)}));
  recorded.push_back(task("discover", "failed", {attempt(1, 0, 10)}));  // Recorded twice.
  RecordedRun run{std::string(kDynamicGroup), "succeeded", 100, recorded};
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("discover", "each[0].fetch", "each[0].parse",
                                         "each[1].fetch", "each[1].parse", "each[2].fetch",
                                         "each[2].parse", "each[10].fetch", "each[10].parse",
                                         "each[11].fetch", "each[11].parse", "merge", "discover"));
  EXPECT_EQ(find(report, "discover").state, "succeeded") << "the first record stands for it";
}

TEST(RunReport, AFanOutThatFailedBeforeItHadInstancesIsOneTask) {
  RecordedRun run{std::string(kDynamicGroup),
                  "failed",
                  100,
                  {task("discover", "succeeded", {attempt(1, 0, 10)}),
                   task("each", "failed", {}, "'discover' wrote no output 'files' to fan out over"),
                   task("merge", "skipped", {}, "upstream_failed: each")}};
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("discover", "each", "merge"));
  EXPECT_EQ(find(report, "each").state, "failed");
  EXPECT_THAT(find(report, "merge").dependencies, ElementsAre("each"));
}

TEST(RunReport, ADynamicFanOutNotReachedYetStandsAsItsPlaceholders) {
  RecordedRun run{std::string(kDynamicGroup),
                  "running",
                  -1,
                  {task("discover", "running", {attempt(1, 0, -1)})}};
  run.process_alive = true;
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("discover", "each[*].fetch", "each[*].parse", "merge"));
  EXPECT_EQ(find(report, "each[*].fetch").state, "pending");
}

TEST(RunReport, ATaskRecordedUnderAPathTheWorkflowLacksIsStillListed) {
  RecordedRun run{"name: odd\ntasks:\n  - { id: a, run: 'true' }\n",
                  "failed",
                  10,
                  {task("a", "succeeded", {attempt(1, 0, 10)}), task("gone", "failed", {}, "x")}};
  auto report = run.report();
  EXPECT_THAT(paths(report), ElementsAre("a", "gone"));
  EXPECT_THAT(phase_titles(report), ElementsAre("Stage 1", "Other recorded tasks"));
  EXPECT_THAT(find(report, "gone").dependencies, IsEmpty());
}

TEST(RunReport, FailureDetailCountsTheAttempts) {
  RecordedRun run{
      "name: d\ntasks:\n  - { id: a, retry: 3, run: 'false' }\n",
      "failed",
      500,
      {task("a", "failed", {attempt(1, 0, 10, 3), attempt(2, 100, 110, 3), attempt(3, 300, 310, 3)},
            "exit 3")}};
  EXPECT_EQ(run.report().tasks[0].detail(), "exit 3 after 3 attempts");
}

TEST(RunReport, CommandsNameTheRunAndItsStateFolder) {
  RecordedRun run{"name: c\ntasks:\n  - { id: a, run: 'true' }\n", "failed", 10};
  auto report = run.report();
  EXPECT_EQ(report.command("resume"), "baton resume 20270115-080000-abcd --state /srv/state");
  EXPECT_EQ(report.command("approve", shell_word("r[0].ok")),
            "baton approve 20270115-080000-abcd 'r[0].ok' --state /srv/state");
}

TEST(RunReport, WithoutAReadableWorkflowTheRecordedTasksStandAlone) {
  RecordedRun run("name: broken\ntasks: [", "failed", 10,
                  {task("a", "succeeded", {attempt(1, 0, 10)}), task("b", "failed", {}, "x")});
  auto report = run.report();
  EXPECT_FALSE(report.workflow);
  EXPECT_THAT(paths(report), ElementsAre("a", "b"));
  EXPECT_THAT(phase_titles(report), ElementsAre("Tasks"));
  EXPECT_EQ(compute_metrics(report).tasks_completed, 1u);
  EXPECT_THAT(render_markdown(report, compute_metrics(report)),
              ::testing::HasSubstr("| Strategy    | — |"));
}

}  // namespace
}  // namespace baton::report
