// The saga's order (SPEC 3.5) on run graphs whose leaf states are set by hand: which succeeded
// tasks are compensation steps and, for each, the nearest compensable dependents whose
// compensations it waits for (passing over dependents without `compensate`).
#include "engine/saga/compensation_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/inline_workflow.hpp"

namespace baton::engine {
namespace {

using baton::testing::parse_workflow;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// A workflow's run graph with every leaf `succeeded` unless a test says otherwise.
struct Graph {
  model::Workflow workflow;
  std::unique_ptr<RunGraph> graph;

  Unit& unit(const std::string& path) {
    for (auto& u : graph->units()) {
      if (u.path == path) return u;
    }
    throw std::runtime_error("no unit " + path);
  }
  void set(const std::string& path, TaskState state) { unit(path).state = state; }

  /// The steps by path, in the plan's order.
  std::vector<std::string> steps() const {
    std::vector<std::string> out;
    for (UnitIndex u : plan().steps) out.push_back(graph->unit(u).path);
    return out;
  }
  /// Step -> the steps it waits for, by path, sorted.
  std::map<std::string, std::vector<std::string>> waits() const {
    auto p = plan();
    std::map<std::string, std::vector<std::string>> out;
    for (std::size_t s = 0; s < p.steps.size(); ++s) {
      auto& list = out[graph->unit(p.steps[s]).path];
      for (std::size_t w : p.waits_for[s]) list.push_back(graph->unit(p.steps[w]).path);
      std::sort(list.begin(), list.end());
    }
    return out;
  }
  CompensationPlan plan() const { return plan_compensations(*graph); }
};

std::unique_ptr<Graph> succeeded(const std::string& yaml) {
  auto g = std::make_unique<Graph>();
  g->workflow = parse_workflow(yaml);
  g->graph = std::make_unique<RunGraph>(g->workflow);
  for (auto& u : g->graph->units()) {
    if (u.kind == UnitKind::kLeaf) u.state = TaskState::kSucceeded;
  }
  return g;
}

using Waits = std::vector<std::string>;

TEST(CompensationPlan, AChainWaitsForItsNearestDependentOnly) {
  auto g = succeeded(R"(
name: chain
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
  - { id: c, run: x, needs: b, compensate: undo }
)");
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("a", Waits{"b"}), Pair("b", Waits{"c"}), Pair("c", IsEmpty())));
}

TEST(CompensationPlan, ADependentWithoutCompensateIsPassedOver) {
  auto g = succeeded(R"(
name: passed-over
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: x, run: x, needs: a }
  - { id: c, run: x, needs: x, compensate: undo }
)");
  EXPECT_THAT(g->steps(), UnorderedElementsAre("a", "c"));
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"c"}), Pair("c", IsEmpty())));
}

TEST(CompensationPlan, SeveralPassedOverTasksInARow) {
  auto g = succeeded(R"(
name: passed-over
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: x, run: x, needs: a }
  - { id: y, run: x, needs: x }
  - { id: c, run: x, needs: y, compensate: undo }
  - { id: d, run: x, needs: y, compensate: undo }
)");
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("a", Waits{"c", "d"}), Pair("c", IsEmpty()), Pair("d", IsEmpty())));
}

TEST(CompensationPlan, ADiamondWaitsForBothBranches) {
  auto g = succeeded(R"(
name: diamond
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: b, run: x, needs: a, compensate: undo }
  - { id: c, run: x, needs: a, compensate: undo }
  - { id: d, run: x, needs: [b, c], compensate: undo }
)");
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"b", "c"}), Pair("b", Waits{"d"}),
                                      Pair("c", Waits{"d"}), Pair("d", IsEmpty())));
}

TEST(CompensationPlan, ADependentGroupCountsForAllItsLeaves) {
  auto g = succeeded(R"(
name: groups
tasks:
  - { id: a, run: x, compensate: undo }
  - id: g
    needs: a
    tasks:
      - { id: p, run: x, compensate: undo }
      - { id: q, run: x, compensate: undo }
)");
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"g.p", "g.q"}), Pair("g.p", IsEmpty()),
                                      Pair("g.q", IsEmpty())));
}

TEST(CompensationPlan, LeavesOfANeededGroupWaitForItsDependents) {
  auto g = succeeded(R"(
name: groups
tasks:
  - id: g
    tasks:
      - { id: p, run: x, compensate: undo }
      - { id: q, run: x, compensate: undo }
  - { id: d, run: x, needs: g, compensate: undo }
)");
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("d", IsEmpty()), Pair("g.p", Waits{"d"}), Pair("g.q", Waits{"d"})));
}

TEST(CompensationPlan, ThroughAGroupOnlyTheNearestStepsAreWaitedFor) {
  // d is waited for through g.p, whose compensation waits for d's.
  auto g = succeeded(R"(
name: groups
tasks:
  - { id: a, run: x, compensate: undo }
  - id: g
    needs: a
    tasks:
      - { id: p, run: x, compensate: undo }
  - { id: d, run: x, needs: g, compensate: undo }
)");
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("a", Waits{"g.p"}), Pair("d", IsEmpty()), Pair("g.p", Waits{"d"})));
}

TEST(CompensationPlan, AGroupOfPassedOverLeavesIsPassedOver) {
  auto g = succeeded(R"(
name: groups
tasks:
  - { id: a, run: x, compensate: undo }
  - id: g
    needs: a
    tasks:
      - { id: x, run: x }
      - { id: y, run: x }
  - { id: d, run: x, needs: g, compensate: undo }
)");
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"d"}), Pair("d", IsEmpty())));
}

TEST(CompensationPlan, ASequentialGroupUndoesItsChildrenLastFirst) {
  auto g = succeeded(R"(
name: groups
tasks:
  - id: g
    strategy: sequential
    tasks:
      - { id: s1, run: x, compensate: undo }
      - { id: s2, run: x, compensate: undo }
      - { id: s3, run: x, compensate: undo }
)");
  EXPECT_THAT(g->waits(), ElementsAre(Pair("g.s1", Waits{"g.s2"}), Pair("g.s2", Waits{"g.s3"}),
                                      Pair("g.s3", IsEmpty())));
}

TEST(CompensationPlan, FanOutInstancesAreStepsOfTheirOwn) {
  auto g = succeeded(R"(
name: fanout
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: shards, needs: a, foreach: [x, y], argv: [run, "${{ item }}"], compensate: undo }
  - { id: merge, run: x, needs: shards, compensate: undo }
)");
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("a", Waits{"shards[0]", "shards[1]"}), Pair("merge", IsEmpty()),
                          Pair("shards[0]", Waits{"merge"}), Pair("shards[1]", Waits{"merge"})));
}

TEST(CompensationPlan, AFanOutWithNoInstancesIsPassedOver) {
  // shards' items are not known (no instance): merge, beyond it, still comes before a.
  auto g = succeeded(R"(
name: fanout
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: discover, run: x, needs: a }
  - id: shards
    foreach: { from: discover, output: items }
    argv: [run, "${{ item }}"]
    compensate: undo
  - { id: merge, run: x, needs: shards, compensate: undo }
)");
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"merge"}), Pair("merge", IsEmpty())));
}

TEST(CompensationPlan, FailedSkippedCancelledAndUnfinishedTasksAreNoSteps) {
  auto g = succeeded(R"(
name: states
tasks:
  - { id: ok, run: x, compensate: undo }
  - { id: failed, run: x, compensate: undo }
  - { id: ignored, run: x, compensate: undo }
  - { id: skipped, run: x, compensate: undo }
  - { id: cancelled, run: x, compensate: undo }
  - { id: pending, run: x, compensate: undo }
  - { id: plain, run: x }
)");
  g->set("failed", TaskState::kFailed);
  g->set("ignored", TaskState::kFailed);
  g->unit("ignored").failure_ignored = true;
  g->set("skipped", TaskState::kSkipped);
  g->set("cancelled", TaskState::kCancelled);
  g->set("pending", TaskState::kPending);
  EXPECT_THAT(g->steps(), ElementsAre("ok"));
}

TEST(CompensationPlan, AFailedDependentIsPassedOver) {
  // c ran after f's failure (all_done); undoing a must still wait for undoing c.
  auto g = succeeded(R"(
name: states
tasks:
  - { id: a, run: x, compensate: undo }
  - { id: f, run: x, needs: a, compensate: undo }
  - { id: c, run: x, needs: f, trigger: all_done, compensate: undo }
)");
  g->set("f", TaskState::kFailed);
  EXPECT_THAT(g->waits(), ElementsAre(Pair("a", Waits{"c"}), Pair("c", IsEmpty())));
}

TEST(CompensationPlan, StepsAreOrderedLastFinishedFirst) {
  auto g = succeeded(R"(
name: order
tasks:
  - { id: p, run: x, compensate: undo }
  - { id: q, run: x, compensate: undo }
  - { id: r, run: x, compensate: undo }
)");
  auto t0 = std::chrono::system_clock::now();
  auto finished_at = [&](const std::string& path, int seconds) {
    AttemptRecord attempt;
    attempt.number = 1;
    attempt.exit_code = 0;
    attempt.start = t0;
    attempt.end = t0 + std::chrono::seconds(seconds);
    g->unit(path).attempts.push_back(attempt);
  };
  finished_at("p", 3);
  finished_at("q", 1);
  finished_at("r", 2);
  EXPECT_THAT(g->steps(), ElementsAre("p", "r", "q"));
  EXPECT_THAT(g->waits(),
              ElementsAre(Pair("p", IsEmpty()), Pair("q", IsEmpty()), Pair("r", IsEmpty())));
}

TEST(CompensationPlan, NothingToCompensateIsAnEmptyPlan) {
  auto g = succeeded(R"(
name: none
tasks:
  - { id: a, run: x }
  - { id: b, run: x, needs: a }
)");
  auto plan = g->plan();
  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_THAT(plan.waits_for, IsEmpty());
}

}  // namespace
}  // namespace baton::engine
