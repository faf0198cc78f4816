// load_workflow_text's passes after references: settings inherited with the nearer winning
// (SPEC 1.2), and levels inferred from depth unless set (SPEC 1.3).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "load/loaded_workflow.hpp"

namespace baton::load {
namespace {

using namespace loaded;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// --- Inheritance (SPEC 1.2) ---------------------------------------------------------------------

constexpr const char* kInheritance = R"(
name: inheritance
env: { CI: "1", LEVEL: top }
defaults:
  timeout: 10m
  deadline: 1h
  kill_grace: 3s
  priority: 1
  on_failure: fail_parent
  cwd: work
  env: { LEVEL: top-defaults, FROM_DEFAULTS: "yes" }
  retry:
    strategy: exponential
    initial_interval: 2s
    non_retryable_exit_codes: [2, 64]
tasks:
  - { id: plain, run: make }
  - id: checks
    domain: quality
    timeout: 2m
    env: { LEVEL: checks, CHECKS: "on" }
    retry: { max_attempts: 5 }
    defaults:
      timeout: 5m
      priority: 5
      on_failure: ignore
      env: { LEVEL: checks-defaults, CHECKS_DEFAULT: "on" }
      retry: { max_attempts: 9, initial_interval: 3s }
    tasks:
      - { id: lint, run: make lint }
      - id: typecheck
        domain: types
        run: make typecheck
        priority: 10
        timeout: 30s
        cwd: src
        env: { LEVEL: typecheck, VERBOSE: true, JOBS: 4 }
        retry: 2
      - id: nested
        tasks:
          - { id: deep, run: make deep }
)";

TEST(Inheritance, GivesEveryNodeTheWorkflowDefaults) {
  auto wf = load(kInheritance);
  const auto& eff = node(wf, "plain").settings();
  EXPECT_EQ(eff.timeout, seconds(600));
  EXPECT_EQ(eff.deadline, seconds(3600));
  EXPECT_EQ(eff.kill_grace, seconds(3));
  EXPECT_EQ(eff.priority, 1);
  EXPECT_EQ(eff.on_failure, OnFailure::kFailParent);
  EXPECT_EQ(eff.cwd, "work");
  EXPECT_EQ(eff.retry.strategy, RetryStrategy::kExponential);
  EXPECT_EQ(eff.retry.initial_interval, seconds(2));
  EXPECT_EQ(eff.retry.max_attempts, std::nullopt);
}

TEST(Inheritance, LetsAGroupsDefaultsWinOverFartherOnes) {
  auto wf = load(kInheritance);
  const auto& eff = node(wf, "checks.lint").settings();
  EXPECT_EQ(eff.priority, 5);
  EXPECT_EQ(eff.on_failure, OnFailure::kIgnore);
  EXPECT_EQ(eff.deadline, seconds(3600));
}

TEST(Inheritance, LetsAGroupsOwnKeysWinOverItsDefaultsBlock) {
  auto wf = load(kInheritance);
  const auto& eff = node(wf, "checks.lint").settings();
  EXPECT_EQ(eff.timeout, seconds(120));               // own 2m over defaults 5m
  EXPECT_EQ(eff.retry.max_attempts, 5);               // own retry over defaults.retry
  EXPECT_EQ(eff.retry.initial_interval, seconds(3));  // only defaults.retry sets it here
}

TEST(Inheritance, LetsANodesOwnKeysWinOverEverything) {
  auto wf = load(kInheritance);
  const auto& eff = node(wf, "checks.typecheck").settings();
  EXPECT_EQ(eff.priority, 10);
  EXPECT_EQ(eff.timeout, seconds(30));
  EXPECT_EQ(eff.cwd, "src");
}

TEST(Inheritance, MergesRetryFieldByField) {
  auto wf = load(kInheritance);
  const auto& retry = node(wf, "checks.typecheck").effective->retry;
  EXPECT_EQ(retry.max_attempts, 2);                        // `retry: 2` on the task
  EXPECT_EQ(retry.initial_interval, seconds(3));           // the group's defaults
  EXPECT_EQ(retry.strategy, RetryStrategy::kExponential);  // the workflow's defaults
  EXPECT_EQ(retry.non_retryable_exit_codes, (std::vector<int>{2, 64}));
}

TEST(Inheritance, MergesEnvKeyByKeyNearerWinning) {
  auto wf = load(kInheritance);
  const model::EnvMap expected = {
      {"CI", "1"},      {"LEVEL", "typecheck"},   {"FROM_DEFAULTS", "yes"},
      {"CHECKS", "on"}, {"CHECKS_DEFAULT", "on"}, {"VERBOSE", "true"},
      {"JOBS", "4"}};
  EXPECT_EQ(node(wf, "checks.typecheck").effective->env, expected);
}

TEST(Inheritance, LetsAGroupsOwnEnvWinOverItsDefaultsEnv) {
  auto wf = load(kInheritance);
  EXPECT_EQ(node(wf, "checks.lint").effective->env.at("LEVEL"), "checks");
}

TEST(Inheritance, LetsTheWorkflowsEnvWinOverItsDefaultsEnv) {
  auto wf = load(kInheritance);
  const auto& env = node(wf, "plain").effective->env;
  EXPECT_EQ(env.at("LEVEL"), "top");
  EXPECT_EQ(env.at("FROM_DEFAULTS"), "yes");
}

TEST(Inheritance, ReachesDeeperDescendants) {
  auto wf = load(kInheritance);
  const auto& eff = node(wf, "checks.nested.deep").settings();
  EXPECT_EQ(eff.timeout, seconds(120));
  EXPECT_EQ(eff.priority, 5);
  EXPECT_EQ(eff.retry.max_attempts, 5);
  EXPECT_EQ(eff.env.at("LEVEL"), "checks");
}

TEST(Inheritance, InheritsTheDomainNearerWinning) {
  auto wf = load(kInheritance);
  EXPECT_EQ(node(wf, "plain").domain, "");
  EXPECT_EQ(node(wf, "checks").domain, "quality");
  EXPECT_EQ(node(wf, "checks.lint").domain, "quality");
  EXPECT_EQ(node(wf, "checks.nested.deep").domain, "quality");
  EXPECT_EQ(node(wf, "checks.typecheck").domain, "types");
  EXPECT_EQ(wf.domains(), (std::vector<std::string>{"quality", "types"}));
}

TEST(Inheritance, InheritsPoolAndBreakerFromDefaults) {
  auto wf = load(R"(
name: pools
pools: { db: 1 }
breakers: { payments: {} }
tasks:
  - id: migrations
    defaults: { pool: db, breaker: payments }
    tasks:
      - { id: up, run: ./up.sh }
)");
  EXPECT_EQ(node(wf, "migrations.up").effective->pool, "db");
  EXPECT_EQ(node(wf, "migrations.up").effective->breaker, "payments");
}

TEST(Inheritance, AcceptsUnlimitedRetriesWithAnInheritedDeadline) {
  auto wf = load(R"(
name: unlimited
defaults: { deadline: 15m }
tasks:
  - { id: poll, run: ./poll.sh, retry: 0 }
)");
  EXPECT_EQ(node(wf, "poll").effective->retry.max_attempts, 0);
  EXPECT_EQ(node(wf, "poll").effective->deadline, seconds(900));
}

// --- Levels (SPEC 1.3) --------------------------------------------------------------------------

TEST(Levels, MakeEveryNodeATaskInAFlatList) {
  auto wf = load("name: flat\ntasks:\n  - { id: a, run: make }\n  - { id: b, run: make }\n");
  EXPECT_EQ(node(wf, "a").level, Level::kTask);
  EXPECT_EQ(node(wf, "b").level, Level::kTask);
}

TEST(Levels, MakeGroupsStoriesAndLeavesTasksAtDepthTwo) {
  auto wf = load(R"(
name: two
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
  - { id: lone, run: make }
)");
  EXPECT_EQ(node(wf, "build").level, Level::kStory);
  EXPECT_EQ(node(wf, "build.compile").level, Level::kTask);
  EXPECT_EQ(node(wf, "lone").level, Level::kStory);  // a shallower leaf: its depth's label
}

TEST(Levels, MakeEpicsStoriesAndTasksAtDepthThree) {
  auto wf = load(R"(
name: three
tasks:
  - id: release
    tasks:
      - id: build
        tasks:
          - { id: compile, run: make }
      - { id: notes, run: ./notes.sh }
  - { id: lone, run: make }
)");
  EXPECT_EQ(node(wf, "release").level, Level::kEpic);
  EXPECT_EQ(node(wf, "release.build").level, Level::kStory);
  EXPECT_EQ(node(wf, "release.build.compile").level, Level::kTask);
  EXPECT_EQ(node(wf, "release.notes").level, Level::kStory);
  EXPECT_EQ(node(wf, "lone").level, Level::kEpic);
}

TEST(Levels, MakeEveryNodeBelowTheThirdLevelASubtask) {
  auto wf = load(R"(
name: five
tasks:
  - id: e
    tasks:
      - id: s
        tasks:
          - id: t
            tasks:
              - id: u
                tasks:
                  - { id: v, run: make }
              - { id: w, run: make }
)");
  EXPECT_EQ(node(wf, "e").level, Level::kEpic);
  EXPECT_EQ(node(wf, "e.s").level, Level::kStory);
  EXPECT_EQ(node(wf, "e.s.t").level, Level::kTask);
  EXPECT_EQ(node(wf, "e.s.t.u").level, Level::kSubtask);
  EXPECT_EQ(node(wf, "e.s.t.u.v").level, Level::kSubtask);
  EXPECT_EQ(node(wf, "e.s.t.w").level, Level::kSubtask);
}

TEST(Levels, LetAnExplicitLevelWin) {
  auto wf = load(R"(
name: explicit
tasks:
  - { id: a, level: epic, run: make }
  - id: b
    level: task
    tasks:
      - { id: c, level: subtask, run: make }
      - { id: d, run: make }
)");
  EXPECT_EQ(node(wf, "a").level, Level::kEpic);
  EXPECT_EQ(node(wf, "b").level, Level::kTask);
  EXPECT_EQ(node(wf, "b.c").level, Level::kSubtask);
  EXPECT_EQ(node(wf, "b.d").level, Level::kTask);
}

}  // namespace
}  // namespace baton::load
