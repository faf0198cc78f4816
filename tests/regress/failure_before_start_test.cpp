// Bug: a task that failed before its process could start (a template without a value, an
// approval gate) left its dependents `pending` instead of skipping them, because the loop ended
// before re-evaluating them.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/scheduler.hpp"
#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"

namespace baton::engine {
namespace {

TEST(Regress, DependentsOfATaskThatFailedBeforeStartingAreSkipped) {
  auto workflow = baton::testing::parse_workflow(R"(
name: regress
tasks:
  - { id: a, run: x }
  - { id: b, needs: a, argv: [echo, "${{ tasks.a.outputs.missing }}"] }
  - { id: c, needs: b, run: x }
)");
  baton::testing::FakeExecutor executor;
  RunOptions options;
  options.run_dir = std::filesystem::temp_directory_path() / "baton-regress-before-start";
  Scheduler scheduler(workflow, executor, options);
  auto result = scheduler.run();
  const auto& units = scheduler.graph().units();
  auto state_of = [&](const std::string& path) {
    for (const auto& u : units) {
      if (u.path == path) return u.state;
    }
    return TaskState::kPending;
  };
  EXPECT_EQ(state_of("b"), TaskState::kFailed);
  EXPECT_EQ(state_of("c"), TaskState::kSkipped);
  EXPECT_EQ(result.status, RunStatus::kFailed);
}

}  // namespace
}  // namespace baton::engine
