// The library's fast path (src/lib/fast_path.cpp): which workflows take it, and that they end
// exactly as on the engine. Each comparison runs one workflow twice, once as it is (the fast
// path) and once with an event listener, which sends it through the Scheduler unchanged.
#include "lib/fast_path.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include "baton/baton.hpp"
#include "engine/outputs.hpp"
#include "lib/workflow_state.hpp"

namespace {

using namespace std::chrono_literals;

void nothing(baton::Context&) {}

bool eligible(const baton::Workflow& wf, const baton::EngineOptions& options = {}) {
  auto built = wf.state().to_model();
  EXPECT_TRUE(built.diagnostics.empty());
  return baton::detail::fast_path_eligible(built.workflow, options);
}

baton::EngineOptions fast_options() { return {.concurrency = 2}; }

baton::EngineOptions engine_options() {
  baton::EngineOptions options = fast_options();
  options.on_event = [](const baton::RunEvent&) {};
  return options;
}

// The JSON report's tasks without what depends on the clock or the process.
nlohmann::json report_tasks(const baton::RunResult& result) {
  auto tasks = nlohmann::json::parse(result.report(baton::ReportFormat::kJson))["tasks"];
  for (auto& task : tasks) {
    for (const char* key : {"started", "ended", "duration_s", "wait_s"}) task.erase(key);
    for (auto& attempt : task["attempts"]) {
      for (const char* key : {"start", "end", "duration_s", "pid", "log"}) attempt.erase(key);
    }
  }
  return tasks;
}

// Runs `wf` on the fast path and on the engine; both must end the same, task for task.
baton::RunResult expect_same_as_engine(const baton::Workflow& wf) {
  EXPECT_TRUE(eligible(wf, fast_options()));
  EXPECT_FALSE(eligible(wf, engine_options()));
  auto fast = baton::Engine(fast_options()).run(wf);
  auto slow = baton::Engine(engine_options()).run(wf);
  EXPECT_EQ(fast.status(), slow.status());
  EXPECT_EQ(fast.tasks().size(), slow.tasks().size());
  for (std::size_t i = 0; i < std::min(fast.tasks().size(), slow.tasks().size()); ++i) {
    const auto& f = fast.tasks()[i];
    const auto& s = slow.tasks()[i];
    SCOPED_TRACE(s.path);
    EXPECT_EQ(f.path, s.path);
    EXPECT_EQ(f.state, s.state);
    EXPECT_EQ(f.reason, s.reason);
    EXPECT_EQ(f.outputs, s.outputs);
    EXPECT_EQ(f.attempts.size(), s.attempts.size());
    for (std::size_t a = 0; a < std::min(f.attempts.size(), s.attempts.size()); ++a) {
      EXPECT_EQ(f.attempts[a].number, s.attempts[a].number);
      EXPECT_EQ(f.attempts[a].exit_code, s.attempts[a].exit_code);
      EXPECT_EQ(f.attempts[a].error, s.attempts[a].error);
      EXPECT_LE(f.attempts[a].start, f.attempts[a].end);
    }
  }
  EXPECT_EQ(report_tasks(fast), report_tasks(slow));
  return fast;
}

// ---- Which workflows take it -----------------------------------------------------------------

TEST(LibraryFastPathEligibility, PlainCallablesLabelsAndSequentialGroupsAreEligible) {
  baton::Workflow wf("plain");
  auto a = wf.task("a", nothing).name("A").level(baton::Level::kStory).estimate(5s);
  auto steps = wf.group("steps").sequential().domain("ops");
  steps.task("one", nothing).retry({.max_attempts = 1}).env("K", "V");
  steps.task("two", nothing).outputs({"k"});
  a >> steps;
  EXPECT_TRUE(eligible(wf));
}

TEST(LibraryFastPathEligibility, EveryPolicyEventsAndAStateFolderTakeTheEngine) {
  using Change = std::function<void(baton::Workflow&, baton::Task)>;
  std::vector<std::pair<std::string, Change>> changes = {
      {"retry", [](auto&, baton::Task t) { t.retry({.max_attempts = 2}); }},
      {"retry on the root",
       [](baton::Workflow& wf, baton::Task) { wf.root().retry({.max_attempts = 3}); }},
      {"timeout", [](auto&, baton::Task t) { t.timeout(1s); }},
      {"deadline", [](auto&, baton::Task t) { t.deadline(1s); }},
      {"pool",
       [](baton::Workflow& wf, baton::Task t) {
         wf.pool("p", 1);
         t.pool("p");
       }},
      {"breaker",
       [](baton::Workflow& wf, baton::Task t) {
         wf.breaker({.name = "b"});
         t.breaker("b");
       }},
      {"priority", [](auto&, baton::Task t) { t.priority(3); }},
      {"trigger", [](auto&, baton::Task t) { t.trigger(baton::TriggerRule::kAllDone); }},
      {"on_failure ignore", [](auto&, baton::Task t) { t.on_failure(baton::OnFailure::kIgnore); }},
      {"compensate", [](auto&, baton::Task t) { t.compensate(nothing); }},
      {"fan-out",
       [](auto&, baton::Task t) {
         t.foreach ({"x", "y"});
       }},
      {"group concurrency",
       [](baton::Workflow& wf, baton::Task) {
         wf.group("g").concurrency(1).task("inner", nothing);
       }},
      {"command", [](baton::Workflow& wf, baton::Task) { wf.command("cmd", {"/bin/true"}); }},
      {"approval", [](baton::Workflow& wf, baton::Task) { wf.approval("gate"); }},
      {"failure_mode stop",
       [](baton::Workflow& wf, baton::Task) { wf.failure_mode(baton::FailureMode::kStop); }},
  };
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    baton::Workflow wf("policies");
    auto t = wf.task("t", nothing);
    wf.task("u", nothing).needs(t);
    ASSERT_TRUE(eligible(wf));
    change(wf, t);
    EXPECT_FALSE(eligible(wf));
  }
  baton::Workflow wf("options");
  wf.task("t", nothing);
  EXPECT_FALSE(eligible(wf, {.state_dir = "/nonexistent"}));
  baton::EngineOptions listening;
  listening.on_event = [](const baton::RunEvent&) {};
  EXPECT_FALSE(eligible(wf, listening));
}

// ---- Same ending as the engine ---------------------------------------------------------------

TEST(LibraryFastPathSameAsEngine, ADiamondPassesOutputsAlong) {
  baton::Workflow wf("diamond");
  auto a = wf.task("a", [](baton::Context& ctx) { ctx.set_output("n", 2); });
  auto b =
      wf.task("b", [](baton::Context& ctx) { ctx.set_output("n", ctx.input<int>("a", "n") * 3); });
  auto c =
      wf.task("c", [](baton::Context& ctx) { ctx.set_output("n", ctx.input<int>("a", "n") + 1); });
  auto d = wf.task("d", [](baton::Context& ctx) {
    EXPECT_FALSE(ctx.find_input("a", "n")) << "a is not an upstream of d";
    EXPECT_EQ(ctx.task(), "d");
    EXPECT_EQ(ctx.attempt(), 1);
    EXPECT_EQ(ctx.item_index(), -1);
    ctx.set_output("sum", ctx.input<int>("b", "n") + ctx.input<int>("c", "n"));
  });
  a >> baton::Tasks{b, c} >> d;
  auto result = expect_same_as_engine(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.task("d").output<int>("sum"), 9);
}

TEST(LibraryFastPathSameAsEngine, AFailureInTheMiddleSkipsWhatFollows) {
  baton::Workflow wf("middle");
  auto a = wf.task("a", nothing);
  auto b = wf.task("b", [](baton::Context&) { throw std::runtime_error("disk full"); });
  auto c = wf.task("c", nothing);
  auto d = wf.task("d", nothing);
  auto side = wf.task("side", nothing);
  auto join = wf.task("join", nothing);
  auto silent = wf.task("silent", [](baton::Context&) { throw std::runtime_error(""); });
  auto odd = wf.task("odd", [](baton::Context&) { throw 42; });
  a >> b >> c >> d;
  baton::Tasks{side, c} >> join;
  a >> silent;
  a >> odd;
  auto result = expect_same_as_engine(wf);
  EXPECT_EQ(result.status(), baton::RunStatus::kFailed);
  EXPECT_EQ(result.task("b").reason, "disk full");
  EXPECT_EQ(result.task("c").reason, "upstream_failed: b");
  EXPECT_EQ(result.task("d").reason, "upstream_failed: c");
  EXPECT_EQ(result.task("join").reason, "upstream_failed: c");
  EXPECT_EQ(result.task("side").state, "succeeded");
  EXPECT_EQ(result.task("silent").reason, "exit 1");
  EXPECT_EQ(result.task("odd").attempts[0].error,
            "the callable threw something that is not a std::exception");
}

TEST(LibraryFastPathSameAsEngine, AGroupsUpstreamsHoldEveryLeafBelowIt) {
  baton::Workflow wf("groups");
  auto setup = wf.task("setup", [](baton::Context& ctx) { ctx.set_output("url", "db://1"); });
  auto deploy = wf.group("deploy");
  auto inner = deploy.group("inner");
  auto migrate = inner.task("migrate", [](baton::Context& ctx) {
    ctx.set_output("seen", ctx.input("setup", "url"));  // Through its groups' upstream.
  });
  auto smoke = deploy.task("smoke", [](baton::Context& ctx) {
    ctx.set_output("seen", ctx.input("deploy.inner.migrate", "seen"));
  });
  auto after = wf.task("after", [](baton::Context& ctx) {
    ctx.set_output("seen", ctx.input("deploy.smoke", "seen"));  // A leaf under its upstream.
  });
  setup >> deploy >> after;
  migrate >> smoke;
  auto result = expect_same_as_engine(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.task("after").output("seen"), "db://1");
}

TEST(LibraryFastPathSameAsEngine, AFailedUpstreamSkipsAWholeGroup) {
  baton::Workflow wf("skipped-group");
  auto setup = wf.task("setup", [](baton::Context&) { throw std::runtime_error("no network"); });
  auto other = wf.task("other", nothing);
  auto deploy = wf.group("deploy");
  auto inner = deploy.group("inner");
  inner.task("one", nothing).needs(other);
  deploy.task("two", nothing);
  auto after = wf.task("after", nothing);
  setup >> deploy >> after;
  auto result = expect_same_as_engine(wf);
  EXPECT_EQ(result.task("deploy.inner.one").reason, "upstream_failed: setup");
  EXPECT_EQ(result.task("after").reason, "upstream_failed: deploy");
}

TEST(LibraryFastPathSameAsEngine, AGroupDerivesItsStateFromItsChildren) {
  baton::Workflow wf("derived");
  auto broken = wf.task("broken", [](baton::Context&) { throw std::runtime_error("x"); });
  // A child fails: the group failed, its dependent is skipped.
  auto failing = wf.group("failing");
  failing.task("bad", [](baton::Context&) { throw std::runtime_error("bad"); });
  failing.task("good", nothing);
  wf.task("after_failing", nothing).needs(failing);
  // One child skipped by an outside failure, one succeeded: the group succeeded (SPEC 2.4).
  auto mixed = wf.group("mixed");
  mixed.task("skipped", nothing).needs(broken);
  mixed.task("fine", nothing);
  wf.task("after_mixed", nothing).needs(mixed);
  // Every child skipped: the group is skipped, and all_success is not met downstream.
  auto empty = wf.group("all_skipped");
  empty.task("only", nothing).needs(broken);
  wf.task("after_all_skipped", nothing).needs(empty);
  // Sequential: the second child waits for the first, which fails.
  auto steps = wf.group("steps").sequential();
  steps.task("first", [](baton::Context&) { throw std::runtime_error("first"); });
  steps.task("second", nothing);
  auto result = expect_same_as_engine(wf);
  EXPECT_EQ(result.task("after_failing").reason, "upstream_failed: failing");
  EXPECT_EQ(result.task("after_mixed").state, "succeeded");
  EXPECT_EQ(result.task("after_all_skipped").reason, "trigger_rule: all_success not met");
  EXPECT_EQ(result.task("steps.second").reason, "upstream_failed: steps.first");
}

TEST(LibraryFastPathSameAsEngine, PromisedAndOversizedOutputsAreRejected) {
  baton::Workflow wf("promises");
  auto silent = wf.task("silent", nothing).outputs({"version"});
  auto huge = wf.task("huge", [](baton::Context& ctx) {
    ctx.set_output("blob", std::string(baton::engine::kMaxOutputBytes + 1, 'x'));
  });
  wf.task("after", nothing).needs(silent);
  wf.task("after_huge", nothing).needs(huge);
  auto result = expect_same_as_engine(wf);
  EXPECT_EQ(result.task("silent").reason, "promised output 'version' was not written");
  EXPECT_EQ(result.task("silent").attempts[0].exit_code, 0);
  EXPECT_EQ(result.task("after").reason, "upstream_failed: silent");
}

// A random workflow (groups two deep, up to three upstreams, one task in twelve failing, every
// task passing on what its upstreams set): the fast path and the engine must agree on each task.
TEST(LibraryFastPathSameAsEngine, RandomWorkflowsWithGroupsAndFailures) {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 random(seed);
    baton::Workflow wf("random");
    std::vector<baton::Task> made;
    std::vector<std::vector<std::size_t>> ancestors;  // Indexes into `made`.
    int counter = 0;
    // Each new node may need earlier ones that are not its ancestors; a group's subtree is
    // built at once, so no edge can close a cycle through it.
    auto wire = [&](std::size_t index) {
      for (int k = static_cast<int>(random() % 4); k > 0 && index > 0; --k) {
        std::size_t up = random() % index;
        const auto& mine = ancestors[index];
        if (std::find(mine.begin(), mine.end(), up) == mine.end()) made[index].needs(made[up]);
      }
    };
    std::function<void(std::optional<baton::Task>, std::vector<std::size_t>, int)> fill =
        [&](std::optional<baton::Task> parent, std::vector<std::size_t> above, int depth) {
          int children = 2 + static_cast<int>(random() % 4);
          for (int c = 0; c < children; ++c) {
            std::string id = "n" + std::to_string(counter++);
            bool group = depth < 2 && random() % 5 == 0;
            bool fails = random() % 12 == 0;
            baton::Callable fn = [fails](baton::Context& ctx) {
              if (fails) throw std::runtime_error("failed " + ctx.task());
              ctx.set_output("me", ctx.task());
            };
            baton::Task task = group ? (parent ? parent->group(id) : wf.group(id))
                                     : (parent ? parent->task(id, fn) : wf.task(id, fn));
            made.push_back(task);
            ancestors.push_back(above);
            wire(made.size() - 1);
            if (group) {
              auto below = above;
              below.push_back(made.size() - 1);
              fill(task, below, depth + 1);
            }
          }
        };
    for (int part = 0; part < 4; ++part) fill(std::nullopt, {}, 0);
    ASSERT_TRUE(wf.validate().empty());
    expect_same_as_engine(wf);
  }
}

// Flat workflows take the lean way (no model: FastGraph::lean), edges said in any order, some
// pointing to tasks added later, some said twice.
TEST(LibraryFastPathSameAsEngine, RandomFlatWorkflowsTakeTheLeanWay) {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 random(seed);
    baton::Workflow wf("flat");
    std::vector<baton::Task> made;
    const int n = 5 + static_cast<int>(random() % 40);
    for (int i = 0; i < n; ++i) {
      bool fails = random() % 10 == 0;
      made.push_back(wf.task("t" + std::to_string(i), [fails](baton::Context& ctx) {
        if (fails) throw std::runtime_error("failed " + ctx.task());
        ctx.set_output("me", ctx.task());
      }));
    }
    // A random order of the tasks; each needs up to 3 tasks earlier in it (so no cycle), and
    // now and then the same one twice.
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), random);
    for (int k = 1; k < n; ++k) {
      for (int e = static_cast<int>(random() % 4); e > 0; --e) {
        int up = order[random() % static_cast<unsigned>(k)];
        made[order[k]].needs(made[up]);
        if (random() % 8 == 0) made[order[k]].needs(made[up]);
      }
    }
    EXPECT_NE(baton::detail::FastGraph::lean(wf.state(), fast_options()), nullptr);
    EXPECT_EQ(baton::detail::FastGraph::lean(wf.state(), engine_options()), nullptr);
    expect_same_as_engine(wf);
  }
}

// What the lean way cannot run is refused as the model's way refuses it, with its messages.
TEST(LibraryFastPathSameAsEngine, AnInvalidFlatWorkflowGetsTheLoadersMessages) {
  auto refused = [](const baton::Workflow& wf, const std::string& expected) {
    EXPECT_EQ(baton::detail::FastGraph::lean(wf.state(), fast_options()), nullptr);
    try {
      baton::Engine(fast_options()).run(wf);
      ADD_FAILURE() << "ran: " << expected;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  {
    baton::Workflow wf("dup");
    wf.task("a", nothing);
    wf.task("a", nothing);
    refused(wf, "duplicate id 'a'");
  }
  {
    baton::Workflow wf("cycle");
    auto a = wf.task("a", nothing);
    auto b = wf.task("b", nothing);
    auto c = wf.task("c", nothing);
    a >> b >> c >> a;
    refused(wf, "cycle");
  }
  {
    baton::Workflow wf("self");
    auto a = wf.task("a", nothing);
    a >> a;
    refused(wf, "'a' cannot need itself");
  }
  {
    baton::Workflow wf("root");
    wf.task("a", nothing).needs(wf.root());
    refused(wf, "one contains the other");
  }
  {
    // Large enough that the ids are checked on a second thread, beside the arrays.
    baton::Workflow wf("large-dup");
    for (int i = 0; i < 70'000; ++i) wf.task("t" + std::to_string(i), nothing);
    wf.task("t69999", nothing);
    refused(wf, "duplicate id 't69999'");
  }
}

TEST(LibraryFastPathRun, ALargeFlatWorkflowIsCheckedAsideAndRuns) {
  baton::Workflow wf("large");
  std::optional<baton::Task> previous;
  for (int i = 0; i < 70'000; ++i) {
    auto task = wf.task("t" + std::to_string(i), nothing);
    if (previous && i % 3 == 0) task.needs(*previous);
    previous = task;
  }
  ASSERT_NE(baton::detail::FastGraph::lean(wf.state(), fast_options()), nullptr);
  auto result = baton::Engine(fast_options()).run(wf);
  EXPECT_TRUE(result.succeeded());
  EXPECT_EQ(result.tasks().size(), 70'000u);
}

// ---- What only the fast path can get wrong ---------------------------------------------------

TEST(LibraryFastPathDeque, EveryItemIsTakenOnceByTheOwnerOrAThief) {
  constexpr std::uint32_t kItems = 100'000;
  constexpr auto kEmpty = baton::detail::StealDeque::kEmpty;
  baton::detail::StealDeque deque;  // Grows from 1,024 slots while thieves read it.
  std::vector<std::atomic<int>> taken(kItems);
  std::atomic<bool> pushing{true};
  auto thief = [&] {
    for (;;) {
      bool lost = false;
      if (auto item = deque.steal(lost); item != kEmpty) {
        taken[item].fetch_add(1, std::memory_order_relaxed);
      } else if (!lost && !pushing.load() && deque.looks_empty()) {
        return;
      }
    }
  };
  std::thread first(thief), second(thief);
  for (std::uint32_t i = 0; i < kItems; ++i) {
    deque.push(i);
    if (i % 3 != 0) continue;
    if (auto item = deque.pop(); item != kEmpty) taken[item].fetch_add(1);
  }
  for (auto item = deque.pop(); item != kEmpty; item = deque.pop()) taken[item].fetch_add(1);
  pushing = false;
  first.join();
  second.join();
  std::uint32_t wrong = 0;
  for (const auto& count : taken) wrong += count.load() != 1;
  EXPECT_EQ(wrong, 0u);
}

TEST(LibraryFastPathRun, WideAndDeepGraphsFinishEveryTask) {
  baton::Workflow wf("wide");
  std::atomic<int> calls{0};
  auto count = [&calls](baton::Context&) { calls.fetch_add(1, std::memory_order_relaxed); };
  auto root = wf.task("root", count);
  std::vector<baton::Task> layer{root};
  for (int depth = 0; depth < 10; ++depth) {  // A binary tree of 2047 tasks...
    std::vector<baton::Task> next;
    for (std::size_t i = 0; i < layer.size(); ++i) {
      for (int side = 0; side < 2; ++side) {
        next.push_back(
            wf.task("t" + std::to_string(depth) + "_" + std::to_string(2 * i + side), count)
                .needs(layer[i]));
      }
    }
    layer = std::move(next);
  }
  auto sink = wf.task("sink", count);  // ...closed by one task that needs every leaf.
  for (auto& t : layer) sink.needs(t);
  for (int threads : {1, 2, 4}) {
    calls = 0;
    auto result = baton::Engine({.concurrency = threads}).run(wf);
    ASSERT_TRUE(result.succeeded());
    EXPECT_EQ(calls.load(), 2 + 2046);
    EXPECT_EQ(result.tasks().size(), 2048u);
  }
}

// A fast run's results are made when first asked for, from what the run kept: the Workflow
// may be gone by then.
TEST(LibraryFastPathRun, ResultsAreReadAfterTheWorkflowIsGone) {
  std::optional<baton::RunResult> result;
  {
    baton::Workflow wf("gone");
    auto a = wf.task("first", nothing);
    auto b = wf.task("second", [](baton::Context&) { throw std::runtime_error("no"); });
    auto c = wf.task("third", nothing);
    a >> b >> c;
    ASSERT_NE(baton::detail::FastGraph::lean(wf.state(), fast_options()), nullptr);
    result = baton::Engine(fast_options()).run(wf);
  }
  EXPECT_EQ(result->status(), baton::RunStatus::kFailed);
  ASSERT_EQ(result->tasks().size(), 3u);
  EXPECT_EQ(result->task("second").reason, "no");
  EXPECT_EQ(result->task("third").reason, "upstream_failed: second");
  EXPECT_NE(result->report().find("third"), std::string::npos);
}

TEST(LibraryFastPathRun, ACancelledRunLeavesWhatDidNotStartPending) {
  std::atomic<bool> started{false};
  baton::Workflow wf("cancel");
  auto wait = wf.task("wait", [&](baton::Context& ctx) {
    started = true;
    while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
  });
  wf.task("never", nothing).needs(wait);
  ASSERT_TRUE(eligible(wf, {.concurrency = 2}));
  auto handle = baton::Engine({.concurrency = 2}).start(wf);
  while (!started) std::this_thread::sleep_for(1ms);
  handle.cancel();
  auto result = handle.wait();
  EXPECT_EQ(result.status(), baton::RunStatus::kCancelled);
  EXPECT_EQ(result.task("wait").state, "cancelled");
  EXPECT_EQ(result.task("wait").reason, "cancelled");
  EXPECT_EQ(result.task("never").state, "pending");
  EXPECT_TRUE(result.task("never").attempts.empty());
}

TEST(LibraryFastPathRun, ALogIsWrittenWhereTheEngineWritesIt) {
  baton::Workflow wf("logs");
  wf.task("talk", [](baton::Context& ctx) { ctx.log("hello"); });
  wf.task("quiet", nothing);
  auto result = baton::Engine({.concurrency = 2}).run(wf);
  ASSERT_TRUE(result.succeeded());
  const auto& log = result.task("talk").attempts.at(0).log;
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.find("baton-" + result.id()), std::string::npos) << log;
  EXPECT_TRUE(std::filesystem::exists(log));
  EXPECT_TRUE(result.task("quiet").attempts.at(0).log.empty());
  std::filesystem::remove_all(std::filesystem::path(log).parent_path().parent_path());
}

}  // namespace
