// load_workflow_text on valid workflows: the workflow's keys and its nodes, from YAML and JSON.
// Edges are in resolve_test, inheritance and levels in inherit_test, invalid files in
// invalid_corpus_test.
#include "load/load.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "load/loaded_workflow.hpp"

namespace baton::load {
namespace {

using namespace loaded;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

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

}  // namespace
}  // namespace baton::load
