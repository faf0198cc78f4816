// End-to-end tests of the Orchestration Report (SPEC 5, 6, 8): what `baton run` and `baton
// resume` print and leave in the run's folder, and `baton report` in its three formats on a
// finished run, a run still going and a run whose baton was killed.
#include <nlohmann/json.hpp>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::BackgroundRun;
using baton::testing::baton_on;
using baton::testing::eventually;
using baton::testing::newest_run_id;
using json = nlohmann::json;

constexpr milliseconds kPatience{10'000};

constexpr std::string_view kFailing = R"(name: failing
description: One step fails, one is skipped
tasks:
  - id: prepare
    name: Prepare
    tasks:
      - { id: fetch, run: 'true' }
  - id: work
    needs: prepare
    retry: { strategy: immediate, max_attempts: 2 }
    run: echo "first line"; echo "the reason it failed" >&2; exit 3
  - { id: after, needs: work, run: 'true' }
)";

TEST(CliReport, RunPrintsTheReportAndLeavesItInTheRunFolderInThreeFormats) {
  Scratch s;
  auto r = s.run(kFailing);
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.out, StartsWith("## Orchestration Report\n\n### Operation Summary\n"));
  for (const char* heading : {"### Research Applied", "### Task Hierarchy", "#### Phase 1: Prepare",
                              "### Execution Timeline", "### Outcomes", "### Next Steps"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("\n") + heading + "\n")) << heading;
  }
  EXPECT_EQ(report_row(r.out, "Operation"), "failing — One step fails, one is skipped");
  EXPECT_TRUE(task_line(r, "work", "failed", "exit 3 after 2 attempts"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: work"));
  ASSERT_EQ(s.runs().size(), 1u);
  auto folder = s.runs()[0];
  EXPECT_EQ(read_file(folder / "report.md"), r.out);
  auto document = json::parse(read_file(folder / "report.json"));
  EXPECT_EQ(document["run"]["status"], "failed");
  EXPECT_THAT(read_file(folder / "report.html"), HasSubstr("<html"));
}

TEST(CliReport, TheLastLinesOfAFailedAttemptsLogAreShownWithItsNextStep) {
  Scratch s;
  auto r = s.run(kFailing);
  auto steps = r.out.substr(r.out.find("### Next Steps"));
  EXPECT_THAT(steps, HasSubstr("1. `work` failed: exit 3 after 2 attempts.\n")) << r.out;
  EXPECT_THAT(steps, HasSubstr("work.2.log`):\n\n   ```text\n   first line\n   the reason it "
                               "failed\n   ```\n"))
      << r.out;
  EXPECT_THAT(steps, HasSubstr("`baton resume " + newest_run_id(s) + " --state "))
      << "the exact command, with the state folder that is not the default";
}

// The reports are written beside their place and renamed into it: a symlink that a task left
// where report.md goes is replaced, and the file it points to is left alone.
TEST(CliReport, TheReportsReplaceASymlinkInTheirPlaceAndDoNotWriteThroughIt) {
  Scratch s;
  std::ofstream(s.at("victim")) << "mine\n";
  auto r = s.run(R"(name: planted
tasks:
  - { id: plant, run: 'ln -s "$PWD/victim" "$(dirname "$BATON_OUTPUT")/../report.md"' }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("victim"), "mine\n");
  ASSERT_EQ(s.runs().size(), 1u);
  const auto report = s.runs()[0] / "report.md";
  EXPECT_FALSE(fs::is_symlink(report));
  EXPECT_EQ(read_file(report), r.out);
  EXPECT_FALSE(fs::exists(s.runs()[0] / "report.md.partial"));
}

TEST(CliReport, AFailedAttemptWithAnEmptyLogStillNamesIt) {
  Scratch s;
  auto r = s.run(R"(name: silent
tasks:
  - { id: quiet, run: 'exit 4' }
)");
  auto steps = r.out.substr(r.out.find("### Next Steps"));
  EXPECT_THAT(steps, HasSubstr("1. `quiet` failed: exit 4.\n\n   Its log (`"));
  EXPECT_THAT(steps, HasSubstr("/logs/quiet.1.log`) is empty.\n")) << r.out;
}

TEST(CliReport, ASucceededRunStillListsItsSkippedTasksInNextSteps) {
  Scratch s;  // SPEC 6: "each failed, skipped or waiting task with its reason".
  auto r = s.run(R"(name: skip-in-success
tasks:
  - { id: work, run: 'true' }
  - { id: on_error, needs: work, trigger: one_failed, run: 'true' }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto steps = r.out.substr(r.out.find("### Next Steps"));
  EXPECT_THAT(steps, HasSubstr("`on_error` was skipped: ")) << r.out;
  EXPECT_THAT(steps, Not(HasSubstr("every task succeeded"))) << r.out;
  EXPECT_THAT(steps, Not(HasSubstr("baton resume"))) << "a succeeded run is not resumed";
}

// The Research Applied line of failure_mode: what it did in this run, not what it would do.
std::string failure_mode_line(const std::string& report) {
  for (const auto& line : split_lines(report)) {
    if (line.find("- failure_mode ") != std::string::npos) return trim(line);
  }
  return {};
}

TEST(CliReport, FailureModeSaysWhatItDidInThisRun) {
  Scratch s;
  auto cancel = s.run(R"(name: cancelling
failure_mode: cancel
tasks:
  - { id: slow, run: sleep 5 }
  - { id: broken, run: sleep 0.2; exit 3 }
)");
  EXPECT_EQ(cancel.exit_code, 1) << describe(cancel);
  EXPECT_EQ(failure_mode_line(cancel.out),
            "- failure_mode cancel: after broken failed, cancelled 1 task (slow)")
      << cancel.out;
  EXPECT_THAT(timeline_row(cancel.out, "slow"), HasSubstr("| cancelled |"))
      << "the state once, not `cancelled — cancelled`";

  auto nothing = s.run(R"(name: nothing-to-cancel
failure_mode: cancel
tasks:
  - { id: broken, run: exit 3 }
  - { id: after, needs: broken, run: 'true' }
)");
  EXPECT_EQ(failure_mode_line(nothing.out),
            "- failure_mode cancel: after broken failed, nothing was running to cancel")
      << nothing.out;

  auto stop = s.run(R"(name: stopping
failure_mode: stop
concurrency: 1
tasks:
  - { id: broken, priority: 10, run: exit 3 }
  - { id: later, run: 'true' }
  - { id: tidy, trigger: always, run: 'true' }
)");
  EXPECT_EQ(failure_mode_line(stop.out),
            "- failure_mode stop: after broken failed, 1 task started after it (tidy); 1 task held "
            "back (later)")
      << stop.out;

  auto go_on = s.run(R"(name: continuing
concurrency: 1
tasks:
  - { id: broken, run: exit 3 }
  - { id: later, run: 'true' }
)");
  EXPECT_EQ(failure_mode_line(go_on.out),
            "- failure_mode continue: after broken failed, 1 task started after it (later)")
      << go_on.out;
}

TEST(CliReport, TheJsonGivesEachGroupTheStateItsTasksMakeIt) {
  Scratch s;  // SPEC 2.4: a group's state is derived from its children.
  auto r = s.run(R"(name: grouped
tasks:
  - id: regions
    foreach: [eu, us]
    tasks:
      - { id: deploy, argv: [test, "${{ item }}", "=", eu] }
  - id: docs
    tasks:
      - { id: build, run: 'true' }
      - { id: publish, run: 'true', trigger: all_failed, needs: build }
)",
                 {"--quiet"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto document = json::parse(read_file(s.runs()[0] / "report.json"));
  std::map<std::string, json> groups;
  for (const auto& group : document["groups"]) groups[group["path"]] = group;
  ASSERT_EQ(groups.size(), 2u) << document["groups"].dump();
  EXPECT_EQ(groups["regions"]["status"], "failed") << "regions[1].deploy failed";
  EXPECT_EQ(groups["regions"]["fan_out"], true);
  EXPECT_EQ(groups["regions"]["tasks"], 2);
  EXPECT_EQ(groups["docs"]["status"], "succeeded") << "one skip, one success";
  EXPECT_EQ(groups["docs"]["level"], "story");
}

TEST(CliReport, ReportOfAFinishedRunIsWhatTheRunPrinted) {
  Scratch s;
  auto r = s.run(kFailing);
  auto md = baton_on(s, {"report", "last"});
  EXPECT_EQ(md.exit_code, 0) << describe(md);
  EXPECT_EQ(md.out, r.out);
  auto by_id = baton_on(s, {"report", newest_run_id(s), "--format", "md"});
  EXPECT_EQ(by_id.out, r.out);
  // However the state folder is spelled, the commands in the report name it the same way.
  for (std::string spelled : {"state/", "./state/../state"}) {
    auto report = run_process({"/bin/sh", "-c",
                               "cd '" + s.path().string() +
                                   "' && exec '" BATON_BINARY "' report last --state " + spelled});
    EXPECT_EQ(report.out, r.out) << spelled << '\n' << describe(report);
  }
}

// Fails until the test creates `fixed`, so that a resume succeeds.
constexpr std::string_view kFlaky = R"(name: flaky
tasks:
  - { id: first, run: 'true' }
  - { id: flag, needs: first, run: 'test -f fixed' }
)";

TEST(CliReport, EveryCopyAgreesOnEstimatesFromHistory) {
  // The second run and its resumption take their estimates from the first run only, and so
  // do its reports, whenever they are made.
  Scratch s;
  ASSERT_EQ(s.run(kFlaky).exit_code, 1);
  ASSERT_EQ(s.run(kFlaky).exit_code, 1);
  std::ofstream(s.at("fixed")) << "";
  auto resumed = baton_on(s, {"resume", "last"});
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_THAT(resumed.out, HasSubstr("estimated")) << resumed.out;
  auto later = baton_on(s, {"report", "last"});
  EXPECT_EQ(later.out, resumed.out);
  auto folder = s.runs()[0].parent_path() / newest_run_id(s);
  EXPECT_EQ(read_file(folder / "report.md"), resumed.out);
  auto as_json = baton_on(s, {"report", "last", "--format", "json"});
  EXPECT_EQ(as_json.out, read_file(folder / "report.json"));
}

TEST(CliReport, JsonHasTheShapeOfSpec8) {
  Scratch s;
  s.run(kFailing);
  auto r = baton_on(s, {"report", "last", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto j = json::parse(r.out);
  EXPECT_EQ(j["run"]["id"], newest_run_id(s));
  EXPECT_EQ(j["run"]["workflow"], "failing");
  EXPECT_GE(baton::testing::rfc3339_ms(j["run"]["started"].get<std::string>()), 0);
  EXPECT_GE(baton::testing::rfc3339_ms(j["run"]["ended"].get<std::string>()), 0);
  for (const char* key : {"tasks_completed", "tasks_total", "parallel_efficiency",
                          "critical_path_efficiency", "speedup", "retries", "peak_parallelism"}) {
    EXPECT_TRUE(j["metrics"].contains(key)) << key;
  }
  EXPECT_EQ(j["metrics"]["tasks_completed"], 1);
  EXPECT_EQ(j["metrics"]["tasks_total"], 3);
  EXPECT_EQ(j["metrics"]["retries"], 1);
  json work;
  for (const auto& task : j["tasks"]) {
    if (task["path"] == "work") work = task;
  }
  ASSERT_TRUE(work.is_object()) << r.out;
  EXPECT_EQ(work["status"], "failed");
  ASSERT_EQ(work["attempts"].size(), 2u);
  EXPECT_EQ(work["attempts"][1]["n"], 2);
  EXPECT_EQ(work["attempts"][1]["exit_code"], 3);
  EXPECT_THAT(work["attempts"][1]["log"].get<std::string>(), ::testing::EndsWith("work.2.log"));
  EXPECT_TRUE(j["breakers"].is_array());
  EXPECT_TRUE(j["compensations"].is_array());
}

TEST(CliReport, OutputFileTakesItsFormatFromItsExtension) {
  Scratch s;
  s.run(kFailing);
  auto html = baton_on(s, {"report", "last", "-o", s.at("r.html").string()});
  EXPECT_EQ(html.exit_code, 0) << describe(html);
  EXPECT_EQ(html.out, "");
  EXPECT_THAT(s.read("r.html"), HasSubstr("<svg"));
  baton_on(s, {"report", "last", "-o", s.at("r.json").string()});
  EXPECT_EQ(json::parse(s.read("r.json"))["run"]["workflow"], "failing");
  baton_on(s, {"report", "last", "-o", s.at("r.txt").string(), "--format", "json"});
  EXPECT_TRUE(json::parse(s.read("r.txt")).is_object()) << "--format wins over the extension";
  baton_on(s, {"report", "last", "-o", s.at("r.md").string()});
  EXPECT_THAT(s.read("r.md"), StartsWith("## Orchestration Report\n"));
}

TEST(CliReport, AnUnknownRunExits2) {
  Scratch s;
  s.run(kFailing);
  auto r = baton_on(s, {"report", "20990101-000000-none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no run '20990101-000000-none'"));
  EXPECT_EQ(baton_on(s, {"report", "last", "--format", "pdf"}).exit_code, 2);
}

TEST(CliReport, QuietRunPrintsNothingButStillWritesTheReport) {
  Scratch s;
  auto r = s.run(kFailing, {"--quiet"});
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(s.runs().size(), 1u);
  EXPECT_THAT(read_file(s.runs()[0] / "report.md"), StartsWith("## Orchestration Report\n"));
}

TEST(CliReport, ResumePrintsTheReportOfTheWholeRun) {
  Scratch s;
  ASSERT_EQ(s.run(kFlaky).exit_code, 1);
  std::ofstream(s.at("fixed")) << "";
  auto r = baton_on(s, {"resume", "last"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  // SPEC 6: "Succeeded / Failed / Rolled back / Cancelled, in H:MM:SS".
  EXPECT_THAT(report_row(r.out, "Result"),
              MatchesRegex("Succeeded in [0-9]+:[0-5][0-9]:[0-5][0-9]"));
  EXPECT_THAT(report_row(r.out, "Run"), StartsWith(newest_run_id(s) + ", started "));
  EXPECT_TRUE(task_line(r, "first", "succeeded")) << "from the first session";
  EXPECT_TRUE(task_line(r, "flag", "succeeded"));
  EXPECT_THAT(timeline_row(r.out, "flag"), HasSubstr("(2 attempts)"));
  EXPECT_EQ(read_file(s.runs()[0] / "report.md"), r.out);
}

TEST(CliReport, ARunStillGoingShowsWhatIsRunningAndTheCommandsThatUnblockIt) {
  Scratch s;
  BackgroundRun run(s, R"(name: live
tasks:
  - { id: build, run: 'true' }
  - { id: ship, needs: build, approval: true }
)");
  std::string out;
  ASSERT_TRUE(eventually(
      [&] {
        out = baton_on(s, {"report", "last"}).out;
        return out.find("| ship | waiting") != std::string::npos;
      },
      kPatience))
      << out << run.describe();
  auto id = newest_run_id(s);
  EXPECT_THAT(report_row(out, "Result"), StartsWith("Running, ")) << out;
  EXPECT_THAT(out, HasSubstr("`ship` is waiting for approval — `baton approve " + id + " ship"))
      << out;
  EXPECT_THAT(out, HasSubstr("`baton status " + id)) << out;
  baton_on(s, {"approve", id, "ship"});
  ASSERT_EQ(run.wait_for(kPatience), std::optional<int>(0)) << run.describe();
  EXPECT_THAT(report_row(run.out(), "Result"), StartsWith("Succeeded in ")) << run.describe();
}

TEST(CliReport, ARunWhoseBatonWasKilledIsInterruptedAndResumable) {
  Scratch s;
  BackgroundRun run(s, R"(name: crash
tasks:
  - { id: quick, run: 'true' }
  - { id: sleeper, run: 'echo $$ > sleeper.pid; exec sleep 10' }
  - { id: after, needs: sleeper, run: 'true' }
)");
  ASSERT_TRUE(eventually(
      [&] {
        return baton_on(s, {"report", "last"}).out.find("| sleeper | running") != std::string::npos;
      },
      kPatience))
      << run.describe();
  run.process().signal(SIGKILL);
  ASSERT_TRUE(run.wait_for(kPatience).has_value());
  auto r = baton_on(s, {"report", "last"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(report_row(r.out, "Result"), StartsWith("Interrupted after ")) << r.out;
  EXPECT_TRUE(task_line(r, "quick", "succeeded"));
  EXPECT_TRUE(task_line(r, "sleeper", "running"));
  EXPECT_TRUE(task_line(r, "after", "pending"));
  EXPECT_THAT(r.out, HasSubstr("`baton resume " + newest_run_id(s))) << r.out;
  auto j = json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  EXPECT_EQ(j["run"]["status"], "running");
  EXPECT_EQ(j["run"]["interrupted"], true);
  EXPECT_TRUE(j["run"]["ended"].is_null());
  baton_on(s, {"cancel", "last"});  // Kills the sleeper the dead baton left behind.
}

}  // namespace
}  // namespace baton
