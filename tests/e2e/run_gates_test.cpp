// End-to-end tests of approval gates (SPEC 3.6): a gate waits, holding no slot, until `baton
// approve` or `baton reject` from another process; the foreground run prints the exact commands;
// a timeout or deadline fails it; verdicts that cannot apply exit 2; a verdict given while the
// run's baton is gone is taken on resume; gates in a fan-out are named by instance path.
#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::BackgroundRun;
using baton::testing::baton_on;
using baton::testing::events_of;
using baton::testing::eventually;
using baton::testing::newest_run_id;
using baton::testing::progress_events;
using baton::testing::wait_for_status;

constexpr milliseconds kPatience{5000};

// A gate between a build and a deploy, and a second gate on its own.
constexpr std::string_view kGated = R"(name: gated
tasks:
  - { id: build, run: touch build.marker }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, needs: ship, run: touch deploy.marker }
  - { id: other, approval: true }
)";

// `baton approve|reject RUN PATH --state STATE` given by the user alice.
ProcessResult verdict(const Scratch& s, const std::string& command, const std::string& run,
                      const std::string& path) {
  return baton_on(s, {command, run, path}, {"USER=alice"});
}

// The start of the progress line that announces that `path` waits for a verdict (an instance's
// item follows its path).
std::string waiting_line(const std::string& path) { return "waiting    " + path; }

// The trimmed stderr line of `err` that announces `path` waiting, or "".
std::string waiting_announcement(const std::string& err, const std::string& path) {
  for (const auto& line : split_lines(err)) {
    if (trim(line).rfind(waiting_line(path), 0) == 0) return trim(line);
  }
  return {};
}

// Waits until every gate of `gates` waits in `run`; the run's id, or "" (with a test failure) if
// they never do.
std::string start_and_reach(const Scratch& s, BackgroundRun& run,
                            const std::vector<std::string>& gates) {
  for (const auto& gate : gates) {
    if (!run.wait_for_progress(waiting_line(gate), kPatience)) {
      ADD_FAILURE() << gate << " never waited for a verdict\n" << run.describe();
      return {};
    }
  }
  auto id = newest_run_id(s);
  EXPECT_FALSE(id.empty()) << run.describe();
  return id;
}

// ---------------------------------------------------------------------------------------------
// A run that fails while a gate waits (SPEC 3.4, 3.5)

// failure_mode stop starts nothing new: a gate still waiting would only hold the run open, so it
// goes back to pending and the saga follows at once, without anybody's verdict.
TEST(CliGate, AFailureUnderStopSendsAWaitingGateBackToPendingAndTheSagaFollows) {
  Scratch s;
  auto r = s.run(R"(name: gate-stop
failure_mode: stop
tasks:
  - { id: provision, run: "true", compensate: touch undone }
  - { id: sign_off, approval: true, needs: provision }
  - { id: boom, needs: provision, run: sleep 0.2; exit 1 }
  - { id: deploy, needs: sign_off, run: touch deployed }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(s.exists("undone")) << describe(r);
  EXPECT_FALSE(s.exists("deployed"));
  EXPECT_TRUE(task_line(r, "sign_off", "pending",
                        "not started: the run is stopping after a "
                        "failure"))
      << describe(r);
}

// ---------------------------------------------------------------------------------------------
// What the foreground run prints

TEST(CliGate, ForegroundRunPrintsTheExactCommandsToApproveOrReject) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(waiting_announcement(run.err(), "ship"),
            "waiting    ship: waiting for approval: run `baton approve " + id + " ship --state " +
                s.state() + "` or `baton reject " + id + " ship --state " + s.state() +
                "` in another shell")
      << run.describe();
}

TEST(CliGate, WithTheDefaultStateFolderTheCommandsNameNoState) {
  Scratch s;
  s.write_workflow(R"(name: default-state
tasks:
  - { id: gate, approval: true, timeout: 50ms }
)");
  // In the scratch folder, so that the state is the default ./.baton.
  auto r = run_process({"/bin/sh", "-c",
                        "unset BATON_STATE; cd '" + s.path().string() +
                            "' && exec '" BATON_BINARY "' run wf.yaml --progress plain"},
                       {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  ASSERT_TRUE(fs::exists(s.at(".baton/baton.db"))) << describe(r);
  auto lines =
      split_lines(run_process({BATON_BINARY, "runs", "--state", s.at(".baton").string()}).out);
  ASSERT_GE(lines.size(), 2u);
  auto id = lines[1].substr(0, lines[1].find(' '));
  EXPECT_EQ(waiting_announcement(r.err, "gate"),
            "waiting    gate: waiting for approval: run `baton approve " + id +
                " gate` or `baton reject " + id + " gate` in another shell")
      << describe(r);
}

// The commands baton prints are pasted into a shell: a state folder with a space is quoted, and
// the printed `baton resume` runs as printed.
TEST(CliGate, TheCommandsQuoteAStateFolderWithASpace) {
  Scratch s;
  const std::string state = s.at("my state").string();
  auto file = s.write_workflow(R"(name: spaced-state
tasks:
  - { id: gate, approval: true, timeout: 50ms }
)");
  auto r = run_process({BATON_BINARY, "run", file, "--state", state, "--progress", "plain"}, {},
                       {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr(" gate --state '" + state + "'` or `baton reject ")) << describe(r);
  auto at = r.out.find("`baton resume ");
  ASSERT_NE(at, std::string::npos) << describe(r);
  const std::string resume = r.out.substr(at + 1, r.out.find('`', at + 1) - at - 1);
  EXPECT_THAT(resume, HasSubstr(" --state '" + state + "'"));
  auto again = run_process(
      {"/bin/sh", "-c", "baton() { '" BATON_BINARY "' \"$@\" --progress none; }; " + resume});
  EXPECT_EQ(again.exit_code, 1) << "the gate times out again\n" << describe(again);
  EXPECT_THAT(again.out, HasSubstr("### Next Steps")) << describe(again);
}

TEST(CliGate, JsonProgressGivesTheCommandsOnTheWaitingEvent) {
  Scratch s;
  auto r = s.run(R"(name: json-gate
tasks:
  - { id: gate, approval: true, timeout: 50ms }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto id = newest_run_id(s);
  auto waiting = events_of(progress_events(r.err), "task_waiting", "gate");
  ASSERT_EQ(waiting.size(), 1u) << describe(r);
  EXPECT_EQ(waiting[0].value("approve", ""), "baton approve " + id + " gate --state " + s.state());
  EXPECT_EQ(waiting[0].value("reject", ""), "baton reject " + id + " gate --state " + s.state());
  EXPECT_EQ(waiting[0].value("reason", ""), "waiting for approval");
}

TEST(CliGate, WithNoProgressTheRunStillPrintsTheCommands) {
  Scratch s;  // SPEC 3.6: a foreground run prints the exact command to type, whatever --progress.
  auto r = s.run(R"(name: quiet-gate
tasks:
  - { id: build, run: 'true' }
  - { id: gate, approval: true, timeout: 50ms, needs: build }
)",
                 {"--progress", "none"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto id = newest_run_id(s);
  EXPECT_EQ(trim(r.err), "gate: waiting for approval: run `baton approve " + id + " gate --state " +
                             s.state() + "` or `baton reject " + id + " gate --state " + s.state() +
                             "` in another shell")
      << "that line and nothing else\n"
      << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Verdicts

TEST(CliGate, ApproveLetsTheGatePassAndItsDependentsRun) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship", "other"});
  ASSERT_FALSE(id.empty());
  EXPECT_FALSE(s.exists("deploy.marker")) << "deploy waits for the gate";

  auto approved = verdict(s, "approve", id, "ship");
  EXPECT_EQ(approved.exit_code, 0) << describe(approved);
  EXPECT_EQ(approved.out, "approved ship in run " + id + "\n");
  auto other = verdict(s, "approve", "last", "other");
  EXPECT_EQ(other.exit_code, 0) << describe(other);

  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << "the run did not end after its gates were approved";
  EXPECT_EQ(*code, 0) << run.describe();
  ProcessResult r{*code, run.out(), run.err()};
  EXPECT_TRUE(task_line(r, "ship", "succeeded", "approved by alice"));
  EXPECT_TRUE(task_line(r, "other", "succeeded", "approved by alice"));
  EXPECT_TRUE(task_line(r, "deploy", "succeeded"));
  EXPECT_TRUE(s.exists("deploy.marker"));
}

TEST(CliGate, TheWaitForAVerdictIsInTheReportsTimes) {
  Scratch s;  // A gate's wait is on the critical path: the run could not end before the verdict.
  BackgroundRun run(s, R"(name: timed-gate
tasks:
  - { id: build, run: 'true' }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, needs: ship, run: 'true' }
)");
  auto id = start_and_reach(s, run, {"ship"});
  ASSERT_FALSE(id.empty());
  std::this_thread::sleep_for(milliseconds(600));
  ASSERT_EQ(verdict(s, "approve", id, "ship").exit_code, 0);
  auto code = run.wait_for(kPatience);
  ASSERT_EQ(code, 0) << run.describe();

  auto document = nlohmann::json::parse(baton::testing::read_file(s.runs()[0] / "report.json"));
  const nlohmann::json* ship = nullptr;
  for (const auto& task : document["tasks"]) {
    if (task["path"] == "ship") ship = &task;
  }
  ASSERT_NE(ship, nullptr);
  ASSERT_EQ((*ship)["waits"].size(), 1u) << ship->dump();
  const auto& wait = (*ship)["waits"][0];
  EXPECT_TRUE(wait["end"].is_string()) << wait.dump();
  EXPECT_GE(wait["duration_s"].get<double>(), 0.5) << wait.dump();
  EXPECT_GE((*ship)["duration_s"].get<double>(), 0.5) << ship->dump();
  EXPECT_GE(document["metrics"]["critical_path_efficiency"].get<double>(), 0.5)
      << "build, the wait, deploy: most of the run";
  EXPECT_THAT(timeline_row(run.out(), "ship"), HasSubstr("| waited 0.")) << run.out();
  EXPECT_THAT(baton::testing::read_file(s.runs()[0] / "report.html"), HasSubstr("bar waiting"));
}

TEST(CliGate, RejectFailsTheGateAndSkipsItsDependents) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship", "other"});
  ASSERT_FALSE(id.empty());

  auto rejected = verdict(s, "reject", id, "ship");
  EXPECT_EQ(rejected.exit_code, 0) << describe(rejected);
  EXPECT_EQ(rejected.out, "rejected ship in run " + id + "\n");
  EXPECT_EQ(verdict(s, "approve", id, "other").exit_code, 0);

  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << "the run did not end after its gates had verdicts";
  EXPECT_EQ(*code, 1) << run.describe();
  ProcessResult r{*code, run.out(), run.err()};
  EXPECT_TRUE(task_line(r, "ship", "failed", "rejected by alice"));
  EXPECT_TRUE(task_line(r, "deploy", "skipped", "upstream_failed: ship"));
  EXPECT_TRUE(task_line(r, "other", "succeeded", "approved by alice"));
  EXPECT_FALSE(s.exists("deploy.marker"));
}

TEST(CliGate, AWaitingGateHoldsNoSlot) {
  Scratch s;
  // One slot, and the gate comes first: the other task can only run beside a gate that holds
  // none.
  BackgroundRun run(s, R"(name: slot
concurrency: 1
tasks:
  - { id: gate, approval: true, priority: 9 }
  - { id: work, run: touch work.marker }
)");
  auto id = start_and_reach(s, run, {"gate"});
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(eventually([&] { return s.exists("work.marker"); }, kPatience))
      << "work did not run while the gate waited\n"
      << run.describe();
  auto status = wait_for_status(s, {"[~] gate", "[x] work"}, kPatience, id);
  EXPECT_THAT(status, HasSubstr("[~] gate")) << status;
  EXPECT_THAT(status, HasSubstr("waiting for approval")) << status;

  EXPECT_EQ(verdict(s, "approve", id, "gate").exit_code, 0);
  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << run.describe();
}

TEST(CliGate, AVerdictGivenBeforeTheGateIsReachedIsTakenWhenItIs) {
  Scratch s;
  BackgroundRun run(s, R"(name: early
tasks:
  - { id: build, run: 'touch started; while [ ! -f go ]; do sleep 0.01; done' }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, needs: ship, run: touch deploy.marker }
)");
  ASSERT_TRUE(eventually([&] { return s.exists("started"); }, kPatience)) << run.describe();
  auto approved = verdict(s, "approve", "last", "ship");
  EXPECT_EQ(approved.exit_code, 0) << describe(approved);
  EXPECT_NE(approved.out.find("note: ship is not waiting yet; the verdict applies as soon as its "
                              "upstreams are done"),
            std::string::npos)
      << "who signs off early is told so\n"
      << describe(approved);
  std::ofstream(s.at("go")) << "";

  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << "the early verdict was not taken\n" << run.describe();
  EXPECT_EQ(*code, 0) << run.describe();
  EXPECT_TRUE(s.exists("deploy.marker"));
}

// ---------------------------------------------------------------------------------------------
// Without a verdict

TEST(CliGate, ATimeoutFailsTheGateWithoutAVerdict) {
  Scratch s;
  auto r = s.run(R"(name: timeout
tasks:
  - { id: gate, approval: true, timeout: 100ms }
  - { id: after, needs: gate, run: touch after.marker }
)",
                 {"--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "gate", "failed", "no verdict within its timeout (100ms)"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: gate"));
  EXPECT_FALSE(s.exists("after.marker"));
  EXPECT_GE(s.elapsed, milliseconds(100));
  EXPECT_LT(s.elapsed, milliseconds(3000));
}

TEST(CliGate, ADeadlineFailsTheGateWithoutAVerdict) {
  Scratch s;
  auto r = s.run(R"(name: deadline
tasks:
  - { id: gate, approval: true, deadline: 100ms }
)",
                 {"--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "gate", "failed", "deadline 100ms exceeded while waiting for approval"));
  EXPECT_LT(s.elapsed, milliseconds(3000));
}

// ---------------------------------------------------------------------------------------------
// Verdicts that cannot apply

TEST(CliGate, ApproveOnATaskThatIsNotAGateExits2ListingTheGates) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship"});
  ASSERT_FALSE(id.empty());
  for (const std::string path : {"build", "nope"}) {
    auto r = verdict(s, "approve", id, path);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.err, "baton approve: '" + path + "' is not an approval gate of run " + id +
                         "; its gates: ship, other\n");
  }
  auto r = verdict(s, "reject", id, "deploy");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("its gates: ship, other"));
  EXPECT_EQ(run.process().wait_for(milliseconds(0)), std::nullopt) << "the run still waits";
}

TEST(CliGate, ASecondVerdictExits2) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship"});
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(verdict(s, "approve", id, "ship").exit_code, 0);
  for (const std::string command : {"reject", "approve"}) {
    auto again = verdict(s, command, id, "ship");
    EXPECT_EQ(again.exit_code, 2) << describe(again);
    EXPECT_THAT(again.err, HasSubstr("already")) << describe(again);
  }
  EXPECT_EQ(verdict(s, "reject", id, "other").exit_code, 0);
  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value());
  ProcessResult r{*code, run.out(), run.err()};
  EXPECT_TRUE(task_line(r, "ship", "succeeded", "approved by alice")) << "the first verdict holds";
  EXPECT_TRUE(s.exists("deploy.marker"));
}

TEST(CliGate, AVerdictOnARunThatEndedExits2) {
  Scratch s;
  auto first = s.run(R"(name: ended
tasks:
  - { id: gate, approval: true, timeout: 10ms }
)");
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  auto id = newest_run_id(s);
  for (const std::string command : {"approve", "reject"}) {
    auto r = verdict(s, command, "last", "gate");
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.err, "baton " + command + ": run " + id + " already ended: failed\n");
  }
}

TEST(CliGate, AVerdictOnAnUnknownRunExits2) {
  Scratch s;
  ASSERT_EQ(s.run("name: one\ntasks:\n  - { id: a, run: 'true' }\n").exit_code, 0);
  auto r = verdict(s, "approve", "20000101-000000-0000", "gate");
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("no run '20000101-000000-0000'"));
}

// ---------------------------------------------------------------------------------------------
// A verdict while the run's baton is gone

TEST(CliGate, AVerdictGivenWhileTheBatonIsGoneIsTakenOnResume) {
  Scratch s;
  BackgroundRun run(s, kGated);
  auto id = start_and_reach(s, run, {"ship", "other"});
  ASSERT_FALSE(id.empty());
  run.process().signal(SIGKILL);
  ASSERT_TRUE(run.wait_for(kPatience).has_value());

  auto approved = verdict(s, "approve", id, "ship");
  EXPECT_EQ(approved.exit_code, 0) << describe(approved);
  EXPECT_EQ(approved.out, "approved ship in run " + id +
                              "; it takes effect when the run is resumed (`baton resume " + id +
                              " --state " + s.state() + "`)\n");
  EXPECT_EQ(verdict(s, "reject", id, "other").exit_code, 0);
  EXPECT_FALSE(s.exists("deploy.marker"));

  auto r = baton_on(s, {"resume", id, "--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "ship", "succeeded", "approved by alice"));
  EXPECT_TRUE(task_line(r, "deploy", "succeeded"));
  EXPECT_TRUE(task_line(r, "other", "failed", "rejected by alice"));
  EXPECT_TRUE(s.exists("deploy.marker"));
  EXPECT_THAT(r.err, Not(HasSubstr("waiting for approval"))) << "nobody is asked for a verdict "
                                                                "that was given already";
}

// A rejected gate starts over on resume (SPEC 4) and waits: a new verdict decides it.
TEST(CliGate, ARejectedGateWaitsAgainAfterAResumeAndTakesANewVerdict) {
  Scratch s;
  constexpr std::string_view kOne = R"(name: second-chance
tasks:
  - { id: ship, approval: true }
  - { id: deploy, needs: ship, run: touch deploy.marker }
)";
  {
    BackgroundRun run(s, kOne);
    auto id = start_and_reach(s, run, {"ship"});
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(verdict(s, "reject", id, "ship").exit_code, 0);
    auto code = run.wait_for(kPatience);
    ASSERT_TRUE(code.has_value()) << run.describe();
    ASSERT_EQ(*code, 1) << run.describe();
  }
  BackgroundProcess resumed(
      {BATON_BINARY, "resume", "last", "--state", s.state(), "--progress", "plain"},
      s.at("resume.out").string(), s.at("resume.err").string(), {"NO_COLOR=1"});
  ASSERT_TRUE(eventually(
      [&] { return s.read("resume.err").find(waiting_line("ship")) != std::string::npos; },
      kPatience))
      << s.read("resume.err");
  auto approved = verdict(s, "approve", "last", "ship");
  EXPECT_EQ(approved.exit_code, 0) << describe(approved);
  auto code = resumed.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << s.read("resume.err");
  EXPECT_EQ(*code, 0) << s.read("resume.err");
  EXPECT_TRUE(s.exists("deploy.marker"));
}

// A verdict given early and never used (its gate was skipped) is still there after a resume:
// the gate passes as soon as its upstreams are done, as `approve` said it would.
TEST(CliGate, AnEarlyVerdictOfAGateThatNeverWaitedServesAfterAResume) {
  Scratch s;
  constexpr std::string_view kEarly = R"(name: early-then-resumed
tasks:
  - { id: build, run: 'touch started; while [ ! -f go ]; do sleep 0.01; done; test -f fixed' }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, needs: ship, run: touch deploy.marker }
)";
  {
    BackgroundRun run(s, kEarly);
    ASSERT_TRUE(eventually([&] { return s.exists("started"); }, kPatience)) << run.describe();
    ASSERT_EQ(verdict(s, "approve", "last", "ship").exit_code, 0);
    std::ofstream(s.at("go")) << "";
    auto code = run.wait_for(kPatience);
    ASSERT_TRUE(code.has_value()) << run.describe();
    ASSERT_EQ(*code, 1) << "build fails, ship is skipped\n" << run.describe();
  }
  std::ofstream(s.at("fixed")) << "";
  auto r = baton_on(s, {"resume", "last", "--progress", "plain"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "ship", "succeeded", "approved by alice"));
  EXPECT_TRUE(s.exists("deploy.marker"));
  EXPECT_THAT(r.err, Not(HasSubstr("waiting for approval"))) << describe(r);
}

// A gate approved in a session that then failed stays approved, by whom it was, after a resume.
TEST(CliGate, WhoApprovedAGateIsKeptAcrossAResume) {
  Scratch s;
  {
    BackgroundRun run(s, R"(name: keep-approval
tasks:
  - { id: ship, approval: true }
  - { id: deploy, needs: ship, run: test -f fixed }
)");
    auto id = start_and_reach(s, run, {"ship"});
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(verdict(s, "approve", id, "ship").exit_code, 0);
    auto code = run.wait_for(kPatience);
    ASSERT_TRUE(code.has_value()) << run.describe();
    ASSERT_EQ(*code, 1) << run.describe();
  }
  std::ofstream(s.at("fixed")) << "";
  auto r = baton_on(s, {"resume", "last"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(task_line(r, "ship", "succeeded", "approved by alice"));
}

// ---------------------------------------------------------------------------------------------
// Gates in a fan-out

constexpr std::string_view kRegions = R"(name: regions
tasks:
  - id: regions
    foreach: [eu, us]
    tasks:
      - { id: build, run: 'true' }
      - { id: sign_off, approval: true, needs: build }
      - { id: deploy, needs: sign_off, argv: [touch, "deployed.${{ item }}"] }
)";

TEST(CliGate, GatesInAFanOutAreNamedByInstancePath) {
  Scratch s;
  BackgroundRun run(s, kRegions);
  auto id = start_and_reach(s, run, {"regions[0].sign_off", "regions[1].sign_off"});
  ASSERT_FALSE(id.empty());
  auto approved = verdict(s, "approve", id, "regions[1].sign_off");
  EXPECT_EQ(approved.exit_code, 0) << describe(approved);
  EXPECT_EQ(approved.out, "approved regions[1].sign_off in run " + id + "\n");
  EXPECT_EQ(verdict(s, "reject", id, "regions[0].sign_off").exit_code, 0);

  auto code = run.wait_for(kPatience);
  ASSERT_TRUE(code.has_value()) << run.describe();
  EXPECT_EQ(*code, 1) << run.describe();
  ProcessResult r{*code, run.out(), run.err()};
  EXPECT_TRUE(task_line(r, "regions[1].sign_off", "succeeded", "approved by alice"));
  EXPECT_TRUE(task_line(r, "regions[0].sign_off", "failed", "rejected by alice"));
  EXPECT_TRUE(s.exists("deployed.us"));
  EXPECT_FALSE(s.exists("deployed.eu"));
}

TEST(CliGate, AFanOutGateNamedWithoutAnInstanceOrByAMissingOneExits2) {
  Scratch s;
  BackgroundRun run(s, kRegions);
  auto id = start_and_reach(s, run, {"regions[0].sign_off", "regions[1].sign_off"});
  ASSERT_FALSE(id.empty());
  // Neither names a gate that could ever take the verdict.
  for (const std::string path : {"regions.sign_off", "regions[5].sign_off"}) {
    auto r = verdict(s, "approve", id, path);
    EXPECT_EQ(r.exit_code, 2) << path << " was accepted\n" << describe(r);
    EXPECT_THAT(r.err, HasSubstr("not an approval gate")) << describe(r);
    // The gates are listed as they can be approved.
    EXPECT_THAT(r.err, HasSubstr("its gates: regions[0].sign_off, regions[1].sign_off"))
        << describe(r);
  }
}

}  // namespace
}  // namespace baton
