// The ETA's estimate of the time left (time_left.hpp), on run graphs moved by hand: the longest
// remaining chain, the work spread over the slots, running and retrying leaves, gates, groups,
// the fallback to this run's successes, and a chain too long for recursion.
#include "cli/time_left.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/inline_workflow.hpp"

namespace baton::cli {
namespace {

using engine::TaskState;
using engine::Unit;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SystemTime = std::chrono::system_clock::time_point;

const SystemTime kNow = SystemTime(seconds(1'000'000));

struct HandMovedRun {
  explicit HandMovedRun(std::string_view yaml) : workflow(baton::testing::parse_workflow(yaml)) {}
  model::Workflow workflow;
  engine::RunGraph graph{workflow};

  Unit& unit(const std::string& path) {
    for (auto& u : graph.units()) {
      if (u.path == path) return u;
    }
    throw std::runtime_error("no unit " + path);
  }
  // `path` succeeded after taking `took`.
  void succeeded(const std::string& path, milliseconds took) {
    Unit& u = unit(path);
    u.state = TaskState::kSucceeded;
    u.attempts.push_back({});
    u.attempts.back().start = kNow - seconds(100);
    u.attempts.back().end = u.attempts.back().start + took;
  }
  std::optional<milliseconds> left(int jobs) { return time_left(graph, jobs, kNow); }
};

TEST(TimeLeft, IsTheLongestChainOfEstimatesWhenSlotsAreMany) {
  HandMovedRun r(R"(name: chain
tasks:
  - { id: a, run: 'true', estimate: 2s }
  - { id: b, run: 'true', estimate: 3s, needs: a }
  - { id: c, run: 'true', estimate: 1s }
)");
  EXPECT_EQ(r.left(8), milliseconds(5'000)) << "a then b; c alongside";
}

TEST(TimeLeft, IsTheWorkSpreadOverTheSlotsWhenThatIsLonger) {
  HandMovedRun r(R"(name: wide
tasks:
  - { id: a, run: 'true', estimate: 4s }
  - { id: b, run: 'true', estimate: 4s }
  - { id: c, run: 'true', estimate: 4s }
  - { id: d, run: 'true', estimate: 4s }
)");
  EXPECT_EQ(r.left(2), milliseconds(8'000));
  EXPECT_EQ(r.left(4), milliseconds(4'000));
}

TEST(TimeLeft, CountsWhatARunningLeafHasLeftAndARetryingOnesBackoff) {
  HandMovedRun r(R"(name: moving
tasks:
  - { id: a, run: 'true', estimate: 10s }
  - { id: b, run: 'true', estimate: 2s }
  - { id: late, run: 'true', estimate: 1s }
)");
  Unit& a = r.unit("a");
  a.state = TaskState::kRunning;
  a.attempts.push_back({});
  a.attempts.back().start = kNow - seconds(4);
  Unit& b = r.unit("b");
  b.state = TaskState::kRetrying;
  b.next_attempt_at = kNow + seconds(5);
  Unit& late = r.unit("late");
  late.state = TaskState::kRunning;
  late.attempts.push_back({});
  late.attempts.back().start = kNow - seconds(3);  // Over its estimate: nothing left, not less.
  EXPECT_EQ(r.left(8), milliseconds(7'000)) << "b: 5s of backoff then 2s; a: 6s";
  EXPECT_EQ(r.left(1), milliseconds(13'000)) << "6s + 7s + 0s of work on one slot";
}

TEST(TimeLeft, DoneLeavesCountNothingAndTheirDependentsMayStartNow) {
  HandMovedRun r(R"(name: half
tasks:
  - { id: a, run: 'true', estimate: 5s }
  - { id: b, run: 'true', estimate: 3s, needs: a }
)");
  r.succeeded("a", milliseconds(4'000));
  EXPECT_EQ(r.left(2), milliseconds(3'000));
  r.succeeded("b", milliseconds(1'000));
  EXPECT_EQ(r.left(2), milliseconds(0));
}

TEST(TimeLeft, GroupsPassTheirUpstreamToTheirChildrenAndFinishWithTheLast) {
  HandMovedRun r(R"(name: groups
tasks:
  - id: build
    tasks:
      - { id: compile, run: 'true', estimate: 2s }
      - { id: link, run: 'true', estimate: 1s, needs: compile }
  - id: ship
    needs: build
    tasks:
      - { id: push, run: 'true', estimate: 4s }
)");
  EXPECT_EQ(r.left(4), milliseconds(7'000)) << "compile, link, then the group ship's push";
}

TEST(TimeLeft, LeavesWithoutAnEstimateTakeTheMeanOfThisRunsSuccesses) {
  HandMovedRun r(R"(name: unknown
tasks:
  - { id: a, run: 'true' }
  - { id: b, run: 'true' }
  - { id: c, run: 'true', needs: b }
)");
  EXPECT_EQ(r.left(4), std::nullopt) << "no estimate and nothing succeeded yet";
  r.succeeded("a", milliseconds(3'000));
  EXPECT_EQ(r.left(4), milliseconds(6'000)) << "b then c, 3s each";
}

TEST(TimeLeft, AGateWithoutAnEstimateCountsNothing) {
  HandMovedRun r(R"(name: gated
tasks:
  - { id: build, run: 'true', estimate: 2s }
  - { id: ship, approval: true, needs: build }
  - { id: deploy, run: 'true', estimate: 3s, needs: ship }
)");
  EXPECT_EQ(r.left(2), milliseconds(5'000));
}

TEST(TimeLeft, AChainOfAHundredThousandLeavesNeedsNoDeepRecursion) {
  std::string yaml = "name: long\ntasks:\n  - { id: t0, run: 'true', estimate: 1ms }\n";
  constexpr int kLength = 100'000;
  for (int i = 1; i < kLength; ++i) {
    yaml += "  - { id: t" + std::to_string(i) + ", run: 'true', estimate: 1ms, needs: t" +
            std::to_string(i - 1) + " }\n";
  }
  HandMovedRun r(yaml);
  EXPECT_EQ(r.left(2), milliseconds(kLength));
}

}  // namespace
}  // namespace baton::cli
