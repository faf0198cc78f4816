// load_workflow_text on valid workflows: references become edges (SPEC 1.1), settings are
// inherited (1.2), levels are inferred (1.3). Invalid files are covered by invalid_corpus_test.
#include "load/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/duration.hpp"

namespace baton::load {
namespace {

using model::NodeIndex;
using model::Workflow;

// Loads `text`, failing the test with every diagnostic if it does not load.
Workflow load(const std::string& text, const std::string& file = "test.yaml") {
  auto result = load_workflow_text(text, file);
  std::string diagnostics;
  for (const auto& d : result.diagnostics) diagnostics += d.to_string() + "\n";
  EXPECT_TRUE(result.ok()) << diagnostics;
  return result.ok() ? std::move(*result.workflow) : Workflow{};
}

NodeIndex index_of(const Workflow& wf, std::string_view path) {
  for (NodeIndex i = 0; i < wf.nodes.size(); ++i) {
    if (wf.nodes[i].path == path) return i;
  }
  ADD_FAILURE() << "no node '" << path << "'";
  return model::kRoot;
}

const model::Node& node(const Workflow& wf, std::string_view path) {
  return wf.nodes[index_of(wf, path)];
}

// The paths `path` waits for, in the order the edges were added.
std::vector<std::string> upstream(const Workflow& wf, std::string_view path) {
  std::vector<std::string> out;
  for (const auto& edge : node(wf, path).upstream) out.push_back(wf.nodes[edge.node].path);
  return out;
}

using Paths = std::vector<std::string>;

Duration seconds(int n) { return std::chrono::seconds(n); }

// --- The workflow and its nodes -----------------------------------------------------------------

TEST(LoadWorkflow, ReadsTheTopLevelKeys) {
  auto wf = load(R"(
name: release
description: Build and ship
concurrency: 3
failure_mode: cancel
tasks:
  - { id: build, run: make }
)");
  EXPECT_EQ(wf.name, "release");
  EXPECT_EQ(wf.description, "Build and ship");
  EXPECT_EQ(wf.concurrency, 3);
  EXPECT_EQ(wf.failure_mode, FailureMode::kCancel);
  EXPECT_EQ(wf.file, "test.yaml");
}

TEST(LoadWorkflow, KeepsTheTextItRead) {
  std::string text = "name: x\ntasks:\n  - { id: a, run: make }\n";
  auto result = load_workflow_text(text, "x.yaml");
  EXPECT_EQ(result.text, text);
}

TEST(LoadWorkflow, StoresNodesInFileOrderUnderTheRoot) {
  auto wf = load(R"(
name: tree
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
      - { id: lint, run: make lint }
  - { id: test, run: make test }
)");
  ASSERT_EQ(wf.nodes.size(), 5u);
  EXPECT_TRUE(wf.root().is_group());
  EXPECT_EQ(wf.root().path, "");
  Paths paths;
  for (NodeIndex i = 1; i < wf.nodes.size(); ++i) paths.push_back(wf.nodes[i].path);
  EXPECT_EQ(paths, (Paths{"build", "build.compile", "build.lint", "test"}));
  EXPECT_TRUE(node(wf, "build").is_group());
  EXPECT_EQ(node(wf, "build.lint").parent, index_of(wf, "build"));
  EXPECT_EQ(node(wf, "build.lint").depth, 2);
  EXPECT_EQ(wf.leaves().size(), 3u);
}

TEST(LoadWorkflow, RecordsWhereEachNodeIsWritten) {
  auto wf = load("name: x\ntasks:\n  - id: a\n    run: make\n  - { id: b, run: make }\n");
  EXPECT_EQ(node(wf, "a").pos.line, 3);
  EXPECT_EQ(node(wf, "a").pos.column, 5);
  EXPECT_EQ(node(wf, "b").pos.line, 5);
  EXPECT_EQ(node(wf, "b").pos.column, 5);
}

TEST(LoadWorkflow, DefaultsANodesNameToItsId) {
  auto wf = load(R"(
name: names
tasks:
  - { id: build, run: make }
  - { id: test, name: Run the tests, run: make test }
)");
  EXPECT_EQ(node(wf, "build").name, "build");
  EXPECT_EQ(node(wf, "test").name, "Run the tests");
}

TEST(LoadWorkflow, ReadsEachKindOfAction) {
  auto wf = load(R"(
name: actions
tasks:
  - { id: shell, run: make -j4, compensate: ./undo.sh }
  - { id: direct, argv: [make, -j4], compensate: [./undo, --all] }
  - { id: gate, approval: true }
)");
  EXPECT_EQ(node(wf, "shell").action, model::ActionKind::kShell);
  EXPECT_EQ(node(wf, "shell").command.shell, "make -j4");
  EXPECT_EQ(node(wf, "shell").compensate->shell, "./undo.sh");
  EXPECT_EQ(node(wf, "direct").action, model::ActionKind::kArgv);
  EXPECT_EQ(node(wf, "direct").command.argv, (std::vector<std::string>{"make", "-j4"}));
  EXPECT_EQ(node(wf, "direct").compensate->argv, (std::vector<std::string>{"./undo", "--all"}));
  EXPECT_EQ(node(wf, "gate").action, model::ActionKind::kApproval);
}

TEST(LoadWorkflow, ReadsPoolsAndBreakers) {
  auto wf = load(R"(
name: limits
pools: { db: 2 }
breakers:
  payments: { failure_threshold: 3, reset_timeout: 1m, half_open_max: 2, on_open: wait }
tasks:
  - { id: migrate, run: ./migrate.sh, pool: db, slots: 2, breaker: payments }
)");
  EXPECT_EQ(wf.pools.at("db"), 2);
  const auto& breaker = wf.breakers.at("payments");
  EXPECT_EQ(breaker.failure_threshold, 3);
  EXPECT_EQ(breaker.reset_timeout, seconds(60));
  EXPECT_EQ(breaker.half_open_max, 2);
  EXPECT_EQ(breaker.on_open, BreakerOpenAction::kWait);
  EXPECT_EQ(node(wf, "migrate").slots, 2);
  EXPECT_EQ(node(wf, "migrate").effective->pool, "db");
  EXPECT_EQ(node(wf, "migrate").effective->breaker, "payments");
}

TEST(LoadWorkflow, ReadsAStaticFanOut) {
  auto wf = load(R"(
name: fan-out
tasks:
  - id: shards
    foreach: [a, b, 3]
    as: shard
    max_parallel: 2
    argv: [./shard.sh, "${{ shard }}", "${{ shard_index }}"]
)");
  const auto& fe = node(wf, "shards").foreach;
  ASSERT_TRUE(fe);
  EXPECT_EQ(fe->items, (std::vector<std::string>{"a", "b", "3"}));
  EXPECT_EQ(fe->as, "shard");
  EXPECT_EQ(fe->max_parallel, 2);
  EXPECT_FALSE(fe->is_dynamic());
}

TEST(LoadWorkflow, ReadsJson) {
  auto wf = load(R"({
  "name": "json",
  "concurrency": 2,
  "env": {"CI": "1"},
  "tasks": [
    {"id": "build", "argv": ["make", "-j2"], "estimate": "40s"},
    {"id": "test", "needs": ["build"], "run": "make test", "retry": {"max_attempts": 3}},
    {"id": "ship", "tasks": [{"id": "upload", "run": "./upload.sh"}]}
  ],
  "flow": ["test >> ship"]
})",
                 "wf.json");
  EXPECT_EQ(wf.name, "json");
  EXPECT_EQ(wf.concurrency, 2);
  EXPECT_EQ(node(wf, "build").command.argv, (std::vector<std::string>{"make", "-j2"}));
  EXPECT_EQ(node(wf, "build").estimate, seconds(40));
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
  EXPECT_EQ(upstream(wf, "ship"), Paths{"test"});
  EXPECT_EQ(node(wf, "test").effective->retry.max_attempts, 3);
  EXPECT_EQ(node(wf, "ship.upload").effective->env.at("CI"), "1");
}

TEST(LoadWorkflow, ANullEnvValueIsTheEmptyString) {
  auto wf =
      load("name: e\nenv: { EMPTY: ~, ALSO: null, SET: x }\ntasks:\n  - { id: a, run: true }\n");
  const auto& env = node(wf, "a").effective->env;
  EXPECT_EQ(env.at("EMPTY"), "");
  EXPECT_EQ(env.at("ALSO"), "");
  EXPECT_EQ(env.at("SET"), "x");
  EXPECT_EQ(node(wf, "a").command.shell, "true");
}

TEST(LoadWorkflow, ReadsEveryNumberFormOfYamlAndJsonAsSeconds) {
  // SPEC 1.1: a duration is a number of seconds; YAML 1.2 and JSON write numbers these ways.
  auto wf = load(R"(name: numbers
tasks:
  - { id: a, run: "true", timeout: 1e2, kill_grace: 5. }
  - { id: b, run: "true", timeout: .5, deadline: +5 }
  - { id: c, run: "true", timeout: 1.5E-1, estimate: 2e0 }
)");
  EXPECT_EQ(node(wf, "a").effective->timeout, seconds(100));
  EXPECT_EQ(node(wf, "a").effective->kill_grace, seconds(5));
  EXPECT_EQ(node(wf, "b").effective->timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(node(wf, "b").effective->deadline, seconds(5));
  EXPECT_EQ(node(wf, "c").effective->timeout, std::chrono::milliseconds(150));
  EXPECT_EQ(node(wf, "c").estimate, seconds(2));
  auto json =
      load(R"({"name": "e", "tasks": [{"id": "a", "run": "true", "timeout": 1e2}]})", "wf.json");
  EXPECT_EQ(node(json, "a").effective->timeout, seconds(100));
}

// --- References (SPEC 1.1) ----------------------------------------------------------------------

constexpr const char* kTwoBuilds = R"(
name: two-builds
tasks:
  - id: frontend
    tasks:
      - { id: build, run: npm run build }
      - { id: test, needs: [build], run: npm test }
  - id: backend
    tasks:
      - { id: build, run: cargo build }
      - { id: compile, run: cargo check }
  - { id: deploy, needs: [frontend.build, compile], run: ./deploy.sh }
)";

TEST(References, ResolveToASiblingFirst) {
  auto wf = load(kTwoBuilds);
  EXPECT_EQ(upstream(wf, "frontend.test"), Paths{"frontend.build"});
}

TEST(References, ResolveToTheOneNodeAnywhereWithThatId) {
  auto wf = load(kTwoBuilds);
  EXPECT_EQ(upstream(wf, "deploy"), (Paths{"frontend.build", "backend.compile"}));
}

TEST(References, ResolveAPathWhateverTheScope) {
  auto wf = load(R"(
name: paths
tasks:
  - id: a
    tasks:
      - { id: x, run: make }
  - id: b
    tasks:
      - { id: x, run: make }
      - { id: y, needs: [a.x], run: make }
)");
  EXPECT_EQ(upstream(wf, "b.y"), Paths{"a.x"});
}

TEST(References, ResolveAGroup) {
  auto wf = load(R"(
name: group-ref
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
  - { id: test, needs: [build], run: make test }
)");
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
}

TEST(References, CountARepeatedReferenceOnce) {
  auto wf = load(R"(
name: repeated
tasks:
  - { id: build, run: make }
  - { id: test, needs: [build, build], run: make test }
)");
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
}

TEST(References, CountAnEdgeNamedTwiceInDifferentWaysOnce) {
  auto wf = load(R"(
name: repeated
tasks:
  - { id: version, run: ./version.sh, outputs: [tag] }
  - id: publish
    needs: [version]
    argv: [./publish.sh, "${{ tasks.version.outputs.tag }}"]
flow:
  - version >> publish
)");
  EXPECT_EQ(upstream(wf, "publish"), Paths{"version"});
}

TEST(References, RecordWhereEachEdgeWasWritten) {
  auto wf = load(
      "name: x\ntasks:\n  - { id: a, run: make }\n  - id: b\n    needs: [a]\n"
      "    run: make\n");
  const auto& edge = node(wf, "b").upstream.at(0);
  EXPECT_EQ(edge.pos.line, 5);
  EXPECT_EQ(edge.pos.column, 13);
}

TEST(References, AcceptAGroupNeedingANodeOutsideIt) {
  auto wf = load(R"(
name: group-needs
tasks:
  - { id: setup, run: ./setup.sh }
  - id: build
    needs: [setup]
    tasks:
      - { id: compile, run: make }
)");
  EXPECT_EQ(upstream(wf, "build"), Paths{"setup"});
  EXPECT_TRUE(node(wf, "build.compile").upstream.empty());
}

// --- Edges from flow, strategy, foreach.from and templates --------------------------------------

TEST(Flow, MakesEachStepNeedTheStepBefore) {
  auto wf = load(R"(
name: flow
tasks:
  - { id: build, run: make }
  - { id: test, run: make test }
  - { id: shards, run: make shards }
  - { id: deploy, run: ./deploy.sh }
flow:
  - "build >> [test, shards] >> deploy"
)");
  EXPECT_TRUE(node(wf, "build").upstream.empty());
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
  EXPECT_EQ(upstream(wf, "shards"), Paths{"build"});
  EXPECT_EQ(upstream(wf, "deploy"), (Paths{"test", "shards"}));
}

TEST(Flow, AddsToNeeds) {
  auto wf = load(R"(
name: flow-and-needs
tasks:
  - { id: a, run: make a }
  - { id: b, run: make b }
  - { id: c, needs: [a], run: make c }
flow:
  - b >> c
)");
  EXPECT_EQ(upstream(wf, "c"), (Paths{"a", "b"}));
}

TEST(Flow, ResolvesIdsAnywhereAndPaths) {
  auto wf = load(R"(
name: flow-paths
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
  - id: ship
    tasks:
      - { id: upload, run: ./upload.sh }
flow:
  - compile >> ship.upload
)");
  EXPECT_EQ(upstream(wf, "ship.upload"), Paths{"build.compile"});
}

TEST(Flow, PlacesEachEdgeAtItsReference) {
  auto wf = load(
      "name: x\ntasks:\n  - { id: a, run: make }\n  - { id: b, run: make }\n"
      "flow:\n  - \"a >> b\"\n");
  const auto& edge = node(wf, "b").upstream.at(0);
  EXPECT_EQ(edge.pos.line, 6);
  EXPECT_EQ(edge.pos.column, 11);
}

TEST(SequentialStrategy, MakesEachChildNeedThePreviousSibling) {
  auto wf = load(R"(
name: sequential
tasks:
  - id: steps
    strategy: sequential
    tasks:
      - { id: a, run: make a }
      - { id: b, run: make b }
      - id: c
        tasks:
          - { id: c1, run: make c1 }
)");
  EXPECT_TRUE(node(wf, "steps.a").upstream.empty());
  EXPECT_EQ(upstream(wf, "steps.b"), Paths{"steps.a"});
  EXPECT_EQ(upstream(wf, "steps.c"), Paths{"steps.b"});
  EXPECT_TRUE(node(wf, "steps.c.c1").upstream.empty());
}

TEST(SequentialStrategy, KeepsTheChildrensOwnNeeds) {
  auto wf = load(R"(
name: sequential-needs
tasks:
  - { id: setup, run: ./setup.sh }
  - id: steps
    strategy: sequential
    tasks:
      - { id: a, run: make a }
      - { id: b, needs: [setup], run: make b }
)");
  EXPECT_EQ(upstream(wf, "steps.b"), (Paths{"setup", "steps.a"}));
}

TEST(ParallelStrategy, AddsNoEdges) {
  auto wf = load(R"(
name: parallel
tasks:
  - id: all
    strategy: parallel
    tasks:
      - { id: a, run: make a }
      - { id: b, run: make b }
)");
  EXPECT_TRUE(node(wf, "all.b").upstream.empty());
}

TEST(ForeachFrom, MakesTheSourceAnUpstream) {
  auto wf = load(R"(
name: dynamic
tasks:
  - { id: discover, run: ./discover.sh, outputs: [files] }
  - id: process
    foreach: { from: discover, output: files }
    argv: [./process.sh, "${{ item }}"]
)");
  EXPECT_EQ(upstream(wf, "process"), Paths{"discover"});
  const auto& fe = node(wf, "process").foreach;
  ASSERT_TRUE(fe);
  EXPECT_TRUE(fe->is_dynamic());
  EXPECT_EQ(fe->from_node, index_of(wf, "discover"));
  EXPECT_EQ(fe->output, "files");
}

TEST(ForeachFrom, AcceptsASourceThatDeclaresNoOutputs) {
  auto wf = load(R"(
name: dynamic
tasks:
  - { id: discover, run: ./discover.sh }
  - id: process
    foreach: { from: discover, output: files }
    argv: [./process.sh, "${{ item }}"]
)");
  EXPECT_EQ(upstream(wf, "process"), Paths{"discover"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromArgv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh, outputs: [tag] }
  - { id: publish, argv: [./publish.sh, "${{ tasks.version.outputs.tag }}"] }
)");
  EXPECT_EQ(upstream(wf, "publish"), Paths{"version"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromEnvAndCwd) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - { id: workdir, run: ./mkdir.sh }
  - id: publish
    env: { TAG: "v${{ tasks.version.outputs.tag }}" }
    cwd: "${{ tasks.workdir.outputs.dir }}"
    run: ./publish.sh "$TAG"
)");
  EXPECT_EQ(upstream(wf, "publish"), (Paths{"version", "workdir"}));
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamOfAGroupThatUsesThemInItsEnv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - id: ship
    env: { TAG: "${{ tasks.version.outputs.tag }}" }
    tasks:
      - { id: upload, run: ./upload.sh }
)");
  EXPECT_EQ(upstream(wf, "ship"), Paths{"version"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromACompensateArgv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - id: deploy
    run: ./deploy.sh
    compensate: [./rollback.sh, "${{ tasks.version.outputs.tag }}"]
)");
  EXPECT_EQ(upstream(wf, "deploy"), Paths{"version"});
}

TEST(TemplateReferences, AllowTheItemInsideAFannedOutGroup) {
  auto wf = load(R"(
name: group-fan-out
tasks:
  - id: regions
    foreach: [eu, us]
    tasks:
      - { id: deploy, argv: [./deploy.sh, "${{ item }}", "${{ item_index }}", "${{ run.id }}"] }
)");
  EXPECT_TRUE(node(wf, "regions.deploy").upstream.empty());
}

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
