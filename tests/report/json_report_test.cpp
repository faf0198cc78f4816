// The JSON report (SPEC 8): its fixed fields, their types, times and units, on a run written by
// hand. The whole shape is checked against report.schema.json on real runs by
// tests/report/check_report_schema.py.
#include "report/json_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/recorded_run.hpp"

namespace baton::report {
namespace {

using testing::attempt;
using ::testing::ElementsAre;
using testing::ignored;
using testing::RecordedRun;
using testing::task;
using testing::transition;

nlohmann::ordered_json json_of(const RecordedRun& run) {
  auto report = run.report();
  return report_json(report, compute_metrics(report));
}

RecordedRun failed_run() {
  auto undone = task("a", "compensated", {attempt(1, 0, 1000)});
  undone.compensations = {attempt(1, 1500, 1750)};
  undone.outputs = {{"id", "42"}};
  return RecordedRun(R"(name: shape
description: Shapes
tasks:
  - { id: a, run: "true", compensate: "true", domain: db }
  - { id: b, needs: a, retry: 2, breaker: pay, run: "false" }
  - { id: c, run: "false", on_failure: ignore }
breakers:
  pay: { failure_threshold: 1 }
)",
                     "failed", 2000,
                     {undone,
                      task("b", "failed",
                           {attempt(1, 1000, 1200, 3, "retry in 100ms (attempt 2 of 2)"),
                            attempt(2, 1300, 1400, 3, "not retried: 2 of 2 attempts made")},
                           "exit 3"),
                      ignored("c", {attempt(1, 0, 500, 1)}, "exit 1")},
                     {transition("pay", "closed", "open", 1200, "1 consecutive failed attempt")});
}

// A task may write 100,000 keys within its 1 MiB: each is there once, in key order. (They are
// appended, not looked up one by one, which made this report take seconds.)
TEST(JsonReport, EveryOutputKeyOfATaskWithManyIsThereInOrder) {
  auto many = task("many", "succeeded", {attempt(1, 0, 1000)});
  for (int k = 0; k < 100'000; ++k) many.outputs.emplace("k" + std::to_string(k), "v");
  auto j = json_of(RecordedRun("name: many\ntasks:\n  - { id: many, run: \"true\" }\n", "succeeded",
                               1000, {many}));
  const auto& outputs = j["tasks"][0]["outputs"];
  ASSERT_EQ(outputs.size(), 100'000u);
  EXPECT_EQ(outputs.begin().key(), "k0");
  EXPECT_EQ(outputs["k99999"], "v");
}

TEST(JsonReport, RunHasSpec8FieldsWithRfc3339TimesAndSeconds) {
  auto j = json_of(failed_run());
  const auto& run = j["run"];
  EXPECT_EQ(run["id"], "20270115-080000-abcd");
  EXPECT_EQ(run["workflow"], "shape");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["started"], "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(run["ended"], "2027-01-15T08:00:02.000Z");
  EXPECT_DOUBLE_EQ(run["makespan_s"].get<double>(), 2.0);
  EXPECT_EQ(run["description"], "Shapes");
  EXPECT_EQ(run["domains"], nlohmann::ordered_json({"db"}));
  EXPECT_EQ(run["level_counts"]["task"], 3);
  EXPECT_EQ(run["strategy"], "fan-out/fan-in");
}

TEST(JsonReport, TasksCarryEveryAttemptAndTheirOutputs) {
  auto j = json_of(failed_run());
  ASSERT_EQ(j["tasks"].size(), 3u);
  const auto& a = j["tasks"][0];
  EXPECT_EQ(a["path"], "a");
  EXPECT_EQ(a["level"], "task");
  EXPECT_EQ(a["status"], "compensated");
  EXPECT_EQ(a["outputs"]["id"], "42");
  EXPECT_EQ(a["domain"], "db");
  EXPECT_EQ(a["compensation_attempts"].size(), 1u);
  const auto& b = j["tasks"][1];
  EXPECT_EQ(b["reason"], "exit 3");
  EXPECT_EQ(b["dependencies"], nlohmann::ordered_json({"a"}));
  EXPECT_DOUBLE_EQ(b["duration_s"].get<double>(), 0.4);
  ASSERT_EQ(b["attempts"].size(), 2u);
  const auto& first = b["attempts"][0];
  EXPECT_EQ(first["n"], 1);
  EXPECT_EQ(first["start"], "2027-01-15T08:00:01.000Z");
  EXPECT_EQ(first["end"], "2027-01-15T08:00:01.200Z");
  EXPECT_EQ(first["exit_code"], 3);
  EXPECT_TRUE(first["signal"].is_null());
  EXPECT_EQ(first["timed_out"], false);
  EXPECT_EQ(first["log"], "/nonexistent/logs/1.log");
  EXPECT_EQ(first["decision"], "retry in 100ms (attempt 2 of 2)");
  const auto& c = j["tasks"][2];
  EXPECT_EQ(c["status"], "failed") << "SPEC 2.4's name; the ignoring is a flag of its own";
  EXPECT_EQ(c["failure_ignored"], true);
}

TEST(JsonReport, MetricsAreFractionsAndCounts) {
  auto j = json_of(failed_run());
  const auto& m = j["metrics"];
  EXPECT_EQ(m["tasks_completed"], 1);
  EXPECT_EQ(m["tasks_total"], 3);
  // Work 1s + 0.2s + 0.1s + 0.5s = 1.8s; peak 2 (a and c); makespan 2s.
  EXPECT_DOUBLE_EQ(m["parallel_efficiency"].get<double>(), 1.8 / (2.0 * 2));
  EXPECT_DOUBLE_EQ(m["speedup"].get<double>(), 0.9);
  // a (1s) then b (0.4s).
  EXPECT_DOUBLE_EQ(m["critical_path_efficiency"].get<double>(), 1.4 / 2.0);
  EXPECT_EQ(m["retries"], 1);
  EXPECT_EQ(m["peak_parallelism"], 2);
  EXPECT_EQ(m["retries_by_task"]["b"], 1);
  EXPECT_EQ(m["breaker_trips"], 1);
  EXPECT_EQ(m["ignored_failures"], 1);
  EXPECT_EQ(m["compensations"], 1);
}

TEST(JsonReport, BreakersCompensationsAndNextSteps) {
  auto j = json_of(failed_run());
  EXPECT_EQ(j["breakers"][0]["name"], "pay");
  EXPECT_EQ(j["breakers"][0]["from"], "closed");
  EXPECT_EQ(j["breakers"][0]["to"], "open");
  EXPECT_EQ(j["breakers"][0]["at"], "2027-01-15T08:00:01.200Z");
  ASSERT_EQ(j["compensations"].size(), 1u);
  EXPECT_EQ(j["compensations"][0]["path"], "a");
  EXPECT_EQ(j["compensations"][0]["status"], "compensated");
  EXPECT_EQ(j["compensations"][0]["start"], "2027-01-15T08:00:01.500Z");
  EXPECT_EQ(j["compensations"][0]["end"], "2027-01-15T08:00:01.750Z");
  const auto& steps = j["next_steps"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0]["path"], "b");
  EXPECT_EQ(steps[0]["command"], "baton resume 20270115-080000-abcd --state /srv/state");
  // An ignored failure is still a failure to look at (SPEC 6), with nothing to resume.
  EXPECT_EQ(steps[1]["path"], "c");
  EXPECT_EQ(steps[1]["reason"], "failed (ignored), as its on_failure says: exit 1");
  EXPECT_TRUE(steps[1]["command"].is_null() || steps[1]["command"] == "") << steps[1];
  EXPECT_TRUE(steps[2]["path"].is_null()) << "the step about the whole run";
}

TEST(JsonReport, ARunWithoutAnEndHasNullsWhereTimesAreUnknown) {
  RecordedRun run("name: open\ntasks:\n  - { id: a, run: 'sleep 9' }\n", "running", -1,
                  {task("a", "running", {attempt(1, 100, -1)})});
  auto j = json_of(run);
  EXPECT_TRUE(j["run"]["ended"].is_null());
  EXPECT_EQ(j["run"]["interrupted"], true);
  const auto& a = j["tasks"][0]["attempts"][0];
  EXPECT_TRUE(a["end"].is_null());
  EXPECT_TRUE(a["exit_code"].is_null());
  EXPECT_THAT(j["phases"][0]["tasks"], ElementsAre("a"));
}

// A large report builds its tasks' entries in two halves at once; they join in report order.
TEST(JsonReport, ALargeRunsTasksComeInReportOrderEachWithItsOwnAttempts) {
  constexpr int kTasks = 2501;
  std::string yaml = "name: wide\ntasks:\n";
  std::vector<store::TaskRecord> records;
  for (int i = 0; i < kTasks; ++i) {
    const std::string id = "t" + std::to_string(i);
    yaml += "  - { id: " + id + ", run: 'true' }\n";
    records.push_back(task(id, "succeeded", {attempt(1, i, i + 1 + i % 7)}));
  }
  auto j = json_of(RecordedRun(yaml, "succeeded", 10'000, records));

  ASSERT_EQ(j["tasks"].size(), std::size_t{kTasks});
  for (int i = 0; i < kTasks; ++i) {
    const auto& entry = j["tasks"][static_cast<std::size_t>(i)];
    ASSERT_EQ(entry["path"], "t" + std::to_string(i));
    ASSERT_EQ(entry["attempts"].size(), 1u);
    ASSERT_DOUBLE_EQ(entry["duration_s"].get<double>(), (1 + i % 7) / 1000.0) << entry["path"];
  }
}

}  // namespace
}  // namespace baton::report
