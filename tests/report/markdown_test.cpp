// The Markdown report of SPEC 6, verbatim, on runs written by hand (times fixed, in UTC): a
// failed run with retries, a breaker, a fan-out, an ignored failure and a skip; a rolled-back
// saga; a run that succeeded; and one still going with a gate waiting.
#include "report/markdown.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <filesystem>
#include <fstream>

#include "report/recorded_run.hpp"

namespace baton::report {
namespace {

using testing::attempt;
using testing::ignored;
using testing::instance;
using testing::RecordedRun;
using testing::task;
using testing::transition;

// Local times in the report are UTC here, whatever the machine's zone.
class MarkdownReport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  std::optional<std::string> saved_;
};

std::string markdown_of(const RecordedRun& run) {
  auto report = run.report();
  return render_markdown(report, compute_metrics(report));
}

// A log file with these lines, for the tail the report shows of a failed attempt.
std::string write_log(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

// `text` with every occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

constexpr std::string_view kRelease = R"(name: release
description: Build and ship
concurrency: 3
breakers:
  registry: { failure_threshold: 2, reset_timeout: 1s }
defaults:
  retry: { strategy: fixed, delay: 100ms, max_attempts: 3 }
tasks:
  - id: build
    name: Build
    domain: backend
    tasks:
      - { id: compile, foreach: [amd64, arm64], argv: [make, "${{ item }}"] }
      - { id: lint, run: make lint, on_failure: ignore, retry: 1 }
  - id: ship
    name: Ship
    domain: infra
    strategy: sequential
    tasks:
      - { id: push, breaker: registry, run: ./push.sh }
      - { id: announce, run: ./announce.sh }
  - { id: cleanup, needs: [ship], trigger: always, run: ./cleanup.sh, retry: 1 }
flow:
  - "build >> ship"
)";

constexpr std::string_view kFailedRun = R"md(## Orchestration Report

### Operation Summary

| Aspect      | Details |
| ----------- | ------- |
| Operation   | release — Build and ship |
| Domains     | backend, infra |
| Strategy    | Fan-out/Fan-in |
| Total Tasks | 3 stories, 5 tasks |
| Result      | Failed in 0:00:02 |
| Run         | 20270115-080000-abcd, started 2027-01-15 08:00:00 |

### Research Applied

- Workflow pattern: parent-child flow (2 groups; sequential: ship), DAG with dependencies (5 dependencies), parallel groups with join (build), fan-out/fan-in (build.compile: 2 items), circuit breakers (registry), trigger rules (cleanup: always)
- Coordination strategy: Fan-out/Fan-in: the dependencies are series-parallel (chains and fork-joins), so each stage fans out and joins before the next. 4 stages, width 3, up to 4 jobs at once; critical path build.compile[0] → ship.push → ship.announce → cleanup (4 tasks, 4s estimated); as run, the longest chain took 1.90s (build.compile[1] → ship.push → ship.announce → cleanup)
- Failure handling:
  - retry (fixed 100ms, 3 attempts) on 4 tasks: acted once on ship.push
  - circuit breaker registry (opens after 2 failed attempts in a row, for 1s; on_open fail) on 1 task: opened at 08:00:01.800 (2 consecutive failed attempts); turned away ship.push
  - failure_mode continue: after ship.push failed, 1 task started after it (cleanup)
  - on_failure: ignore on 1 task: ignored 1 failure (build.lint: exit 2)
  - failure propagation: 1 task skipped because an upstream failed (ship.announce)

### Task Hierarchy

#### Phase 1: Build

- [x] 1.1 build.compile[0] (amd64) — Completed
- [x] 1.2 build.compile[1] (arm64) — Completed
- [ ] 1.3 build.lint — Failed (ignored): exit 2

#### Phase 2: Ship

- [ ] 2.1 ship.push — Failed (circuit_open: breaker 'registry' is open; 2 attempts)
- [ ] 2.2 ship.announce — Skipped (upstream_failed: ship.push)

#### Phase 3: cleanup

- [x] 3.1 cleanup — Completed

### Execution Timeline

| Task | Status | Duration | Dependencies |
| ---- | ------ | -------- | ------------ |
| build.compile[0] (amd64) | succeeded | 1.20s | — |
| build.compile[1] (arm64) | succeeded | 1.50s | — |
| build.lint | failed (ignored) — exit 2 | 0.30s | — |
| ship.push | failed — circuit_open: breaker 'registry' is open; 2 attempts | 0.30s (2 attempts) | build.compile[0], build.compile[1], build.lint |
| cleanup | succeeded | 0.10s | ship.announce |
| ship.announce | skipped — upstream_failed: ship.push | — | ship.push |

### Outcomes

- Tasks completed: 3/6
- Parallel efficiency: 55% (3.30s of task time over a 2.00s makespan at a peak of 3)
- Critical-path efficiency: 95% (the longest chain took 1.90s)
- Speedup: 1.65×
- Peak parallelism: 3 tasks at once
- Failures handled: 1 retry (ship.push 1)
- Breaker trips: 1
  - breaker registry: closed -> open at 08:00:01.800 (2 consecutive failed attempts)
- Compensations: 0
- Ignored failures: 1 (build.lint: exit 2)

### Next Steps

1. `build.lint` failed (ignored), as its on_failure says: exit 2.
2. `ship.push` failed: circuit_open: breaker 'registry' is open; 2 attempts.

   The end of its log (`LOG`):

   ```text
   pushing image
   registry: 503
   ```

3. `ship.announce` was skipped: upstream_failed: ship.push.
4. Once the cause is fixed, continue the run; succeeded tasks do not run again: `baton resume 20270115-080000-abcd --state /srv/state`
)md";

TEST_F(MarkdownReport, AFailedRun) {
  auto log = write_log("baton-markdown-test-push.2.log", "pushing image\nregistry: 503\n");
  auto push = task("ship.push", "failed",
                   {attempt(1, 1500, 1600, 1, "retry in 100ms (attempt 2 of 3)"),
                    attempt(2, 1700, 1800, 1, "not retried: breaker 'registry' is open")},
                   "circuit_open: breaker 'registry' is open");
  push.attempts[1].log = log;
  RecordedRun run(
      std::string(kRelease), "failed", 2000,
      {instance("build.compile[0]", "succeeded", "amd64", 0, {attempt(1, 0, 1200)}),
       instance("build.compile[1]", "succeeded", "arm64", 1, {attempt(1, 0, 1500)}),
       ignored("build.lint", {attempt(1, 0, 300, 2, "not retried: max_attempts is 1")}, "exit 2"),
       push, task("ship.announce", "skipped", {}, "upstream_failed: ship.push"),
       task("cleanup", "succeeded", {attempt(1, 1900, 2000)})},
      {transition("registry", "closed", "open", 1800, "2 consecutive failed attempts")});
  EXPECT_EQ(replaced(markdown_of(run), log, "LOG"), kFailedRun);
}

constexpr std::string_view kSaga = R"(name: order
tasks:
  - { id: reserve, run: ./reserve.sh, compensate: ./release.sh }
  - { id: charge, needs: reserve, run: ./charge.sh, compensate: ./refund.sh }
  - { id: ship, needs: charge, run: ./ship.sh, retry: { strategy: exponential, max_attempts: 2, initial_interval: 200ms } }
)";

constexpr std::string_view kRolledBackSaga = R"md(## Orchestration Report

### Operation Summary

| Aspect      | Details |
| ----------- | ------- |
| Operation   | order |
| Domains     | — |
| Strategy    | Sequential |
| Total Tasks | 3 tasks |
| Result      | Rolled back in 0:00:01 |
| Run         | 20270115-080000-abcd, started 2027-01-15 08:00:00 |

### Research Applied

- Workflow pattern: DAG with dependencies (2 dependencies), saga with compensation (2 undo steps)
- Coordination strategy: Sequential: every stage holds one task, so they run one after another. 3 stages, width 1, up to 4 jobs at once; critical path reserve → charge → ship (3 tasks, 3s estimated); as run, the longest chain took 0.90s (reserve → charge → ship)
- Failure handling:
  - retry (exponential from 200ms, 2 attempts) on 1 task: acted once on ship
  - failure_mode continue: after ship failed, no other task started after it
  - saga: compensate on 2 tasks: 2 compensations, all succeeded

### Task Hierarchy

#### Phase 1: Stage 1

- [x] 1.1 reserve — Completed, then compensated

#### Phase 2: Stage 2

- [x] 2.1 charge — Completed, then compensated

#### Phase 3: Stage 3

- [ ] 3.1 ship — Failed (exit 3 after 2 attempts)

### Execution Timeline

| Task | Status | Duration | Dependencies |
| ---- | ------ | -------- | ------------ |
| reserve | compensated | 0.10s; compensation 0.05s | — |
| charge | compensated | 0.20s; compensation 0.10s | reserve |
| ship | failed — exit 3 after 2 attempts | 0.60s (2 attempts) | charge |

### Outcomes

- Tasks completed: 2/3
- Parallel efficiency: 67% (0.70s of task time over a 1.05s makespan at a peak of 1)
- Critical-path efficiency: 86% (the longest chain took 0.90s)
- Speedup: 0.67×
- Peak parallelism: 1 task at once
- Failures handled: 1 retry (ship 1)
- Breaker trips: 0
- Compensations: 2 (all succeeded)
  - reserve: compensated in 0.05s
  - charge: compensated in 0.10s
- Ignored failures: 0

### Next Steps

1. `ship` failed: exit 3 after 2 attempts.
2. The run was rolled back: every compensation succeeded, so there is nothing to resume. Once the cause is fixed, start a new run: `baton run /srv/flows/wf.yaml --set 'env.MODE=it'\''s live' --state /srv/state`
)md";

TEST_F(MarkdownReport, ARolledBackSaga) {
  auto reserve = task("reserve", "compensated", {attempt(1, 0, 100)});
  reserve.compensations = {attempt(1, 1000, 1050)};
  auto charge = task("charge", "compensated", {attempt(1, 100, 300)});
  charge.compensations = {attempt(1, 900, 1000)};
  RecordedRun run(std::string(kSaga), "rolled_back", 1050,
                  {reserve, charge,
                   task("ship", "failed",
                        {attempt(1, 300, 400, 3, "retry in 200ms (attempt 2 of 2)"),
                         attempt(2, 600, 900, 3, "not retried: 2 of 2 attempts made")},
                        "exit 3")});
  run.overrides = {"env.MODE=it's live"};
  EXPECT_EQ(markdown_of(run), kRolledBackSaga);
}

constexpr std::string_view kSucceededRun = R"md(## Orchestration Report

### Operation Summary

| Aspect      | Details |
| ----------- | ------- |
| Operation   | nightly |
| Domains     | — |
| Strategy    | Parallel |
| Total Tasks | 2 tasks |
| Result      | Succeeded in 0:00:01 |
| Run         | 20270115-080000-abcd, started 2027-01-15 08:00:00 |

### Research Applied

- Workflow pattern: independent tasks (no groups, no dependencies)
- Coordination strategy: Parallel: no task depends on another, so they all run as slots allow. 1 stage, width 2, up to 4 jobs at once; critical path a (1 task, 1s estimated); as run, the longest chain took 0.40s (a)
- Failure handling:
  - retry: none configured (every task has one attempt)
  - failure_mode continue: not needed, as no failure failed the run

### Task Hierarchy

#### Phase 1: Stage 1

- [x] 1.1 a — Completed
- [x] 1.2 b — Completed

### Execution Timeline

| Task | Status | Duration | Dependencies |
| ---- | ------ | -------- | ------------ |
| a | succeeded | 0.40s | — |
| b | succeeded | 0.40s | — |

### Outcomes

- Tasks completed: 2/2
- Parallel efficiency: 80% (0.80s of task time over a 0.50s makespan at a peak of 2)
- Critical-path efficiency: 80% (the longest chain took 0.40s)
- Speedup: 1.60×
- Peak parallelism: 2 tasks at once
- Failures handled: 0 retries
- Breaker trips: 0
- Compensations: 0
- Ignored failures: 0

### Next Steps

1. Nothing to do: every task succeeded.
)md";

TEST_F(MarkdownReport, ARunThatSucceeded) {
  RecordedRun run("name: nightly\ntasks:\n  - { id: a, run: 'true' }\n  - { id: b, run: 'true' }\n",
                  "succeeded", 500,
                  {task("a", "succeeded", {attempt(1, 0, 400)}),
                   task("b", "succeeded", {attempt(1, 100, 500)})});
  run.state_flag = "";
  EXPECT_EQ(markdown_of(run), kSucceededRun);
}

constexpr std::string_view kLiveRun = R"md(## Orchestration Report

### Operation Summary

| Aspect      | Details |
| ----------- | ------- |
| Operation   | deploy |
| Domains     | — |
| Strategy    | Fan-out/Fan-in |
| Total Tasks | 3 stories, 2 tasks |
| Result      | Running, 0:01:05 so far |
| Run         | 20270115-080000-abcd, started 2027-01-15 08:00:00 |

### Research Applied

- Workflow pattern: parent-child flow (1 group), DAG with dependencies (2 dependencies), fan-out/fan-in (regions: 2 items), approval gates (regions.sign_off)
- Coordination strategy: Fan-out/Fan-in: the dependencies are series-parallel (chains and fork-joins), so each stage fans out and joins before the next. 2 stages, width 2, up to 4 jobs at once; critical path build → regions[0].sign_off (2 tasks, 2s estimated); as run, the longest chain took 2.00s (build)
- Failure handling:
  - retry: none configured (every task has one attempt)
  - failure_mode continue: not needed, as no failure failed the run
  - approval gates on 2 tasks: 1 approved, 1 waiting

### Task Hierarchy

#### Phase 1: build

- [x] 1.1 build — Completed

#### Phase 2: regions

- [x] 2.1 regions[0].sign_off (eu) — Completed (approved by alice)
- [ ] 2.2 regions[1].sign_off (us) — Waiting (waiting for approval)

### Execution Timeline

| Task | Status | Duration | Dependencies |
| ---- | ------ | -------- | ------------ |
| build | succeeded | 2.00s | — |
| regions[0].sign_off (eu) | succeeded — approved by alice | — | build |
| regions[1].sign_off (us) | waiting — waiting for approval | — | build |

### Outcomes

- Tasks completed: 2/3
- Parallel efficiency: 3% (2.00s of task time over a 1m05s makespan at a peak of 1)
- Critical-path efficiency: 3% (the longest chain took 2.00s)
- Speedup: 0.03×
- Peak parallelism: 1 task at once
- Failures handled: 0 retries
- Breaker trips: 0
- Compensations: 0
- Ignored failures: 0

### Next Steps

1. `regions[1].sign_off` is waiting for approval — `baton approve 20270115-080000-abcd 'regions[1].sign_off' --state /srv/state` (or `baton reject 20270115-080000-abcd 'regions[1].sign_off' --state /srv/state`)
2. The run is still going; follow it: `baton status 20270115-080000-abcd --state /srv/state`
)md";

TEST_F(MarkdownReport, ARunStillGoingWithAGateWaiting) {
  RecordedRun run(R"(name: deploy
tasks:
  - { id: build, run: make }
  - { id: regions, foreach: [eu, us], needs: build, tasks: [{ id: sign_off, approval: true }] }
)",
                  "running", -1,
                  {task("build", "succeeded", {attempt(1, 0, 2000)}),
                   instance("regions[0].sign_off", "succeeded", "eu", 0),
                   instance("regions[1].sign_off", "waiting", "us", 1)});
  run.tasks[1].row.reason = "approved by alice";
  run.tasks[2].row.reason = "waiting for approval";
  run.process_alive = true;
  run.now = 65'000;
  EXPECT_EQ(markdown_of(run), kLiveRun);
}

TEST_F(MarkdownReport, NothingInARunCanBreakItsTablesOrItsLogBlocks) {
  auto log = write_log("baton-markdown-test-fence.1.log", "before\n```\nafter\n");
  auto bad = task("bad", "failed", {attempt(1, 0, 10, 1)}, "output 'a|b' rejected");
  bad.attempts[0].log = log;
  RecordedRun run("name: pipes\ntasks:\n  - { id: bad, run: 'false' }\n", "failed", 10, {bad});
  auto markdown = markdown_of(run);
  EXPECT_THAT(markdown,
              ::testing::HasSubstr("| bad | failed — output 'a\\|b' rejected | 0.01s | — |"));
  EXPECT_THAT(markdown,
              ::testing::HasSubstr("   ````text\n   before\n   ```\n   after\n   ````\n"));
}

}  // namespace
}  // namespace baton::report
