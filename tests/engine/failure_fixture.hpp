// The scheduler on a scripted executor for the failure-handling tests (scheduler_failures_test
// and compensator_test): a run of an inline workflow with every RunEvent written down as it
// happened. Header-only: the test build globs *_test.cpp only.
#pragma once

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/scheduler.hpp"
#include "support/fake_executor.hpp"
#include "support/inline_workflow.hpp"

namespace baton::engine::failure_tests {

using baton::testing::FakeExecutor;
using baton::testing::parse_workflow;
using std::chrono::milliseconds;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

inline std::string describe(const BreakerTransition& t) {
  return fmt::format("{}: {} -> {} ({})", t.breaker, to_string(t.from), to_string(t.to), t.why);
}

// A run of an inline workflow on the fake, with every RunEvent written down as it happened.
struct Run {
  model::Workflow workflow;
  FakeExecutor executor;
  RunResult result;
  std::unique_ptr<Scheduler> scheduler;
  std::filesystem::path run_dir;
  /// "task_started a", "breaker api: closed -> open (3 consecutive failed attempts)", ...
  std::vector<std::string> events;
  /// The unit's reason when each event was emitted ("" for breaker events).
  std::vector<std::string> event_reasons;
  std::map<std::string, const Unit*> by_path;

  ~Run() {
    std::error_code ec;
    std::filesystem::remove_all(run_dir, ec);
  }
  const Unit& unit(const std::string& path) const { return *by_path.at(path); }
  std::vector<std::string> breaker_events() const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.rfind("breaker ", 0) == 0) out.push_back(e.substr(8));
    }
    return out;
  }
  std::vector<std::string> transitions() const {
    std::vector<std::string> out;
    for (const auto& t : result.breaker_transitions) out.push_back(describe(t));
    return out;
  }
  std::string reason_at(const std::string& event) const {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i] == event) return event_reasons[i];
    }
    return "(no event '" + event + "')";
  }
  std::vector<std::string> decisions(const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& a : unit(path).attempts) out.push_back(a.decision);
    return out;
  }
};

inline std::unique_ptr<Run> run_workflow(const std::string& yaml, int jobs,
                                         const std::function<void(FakeExecutor&)>& script = {}) {
  auto run = std::make_unique<Run>();
  run->workflow = parse_workflow(yaml);
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  run->run_dir = std::filesystem::temp_directory_path() /
                 fmt::format("baton-failures-test-{}-{}.{}", ::getpid(), test->test_suite_name(),
                             test->name());
  std::filesystem::remove_all(run->run_dir);
  RunOptions options;
  options.jobs = jobs;
  options.run_id = "test";
  options.run_dir = run->run_dir;
  options.workflow_dir = run->run_dir;
  options.on_event = [r = run.get()](const RunEvent& e) {
    if (e.kind == RunEventKind::kBreaker) {
      r->events.push_back("breaker " + describe(*e.transition));
      r->event_reasons.emplace_back();
    } else {
      r->events.push_back(fmt::format("{} {}", to_string(e.kind), e.unit->path));
      r->event_reasons.push_back(e.unit->reason);
    }
  };
  run->scheduler = std::make_unique<Scheduler>(run->workflow, run->executor, options);
  if (script) script(run->executor);
  run->result = run->scheduler->run();
  for (const auto& unit : run->scheduler->graph().units()) run->by_path[unit.path] = &unit;
  return run;
}

inline auto fails_always(int code = 1) {
  return [code](const std::string&, int) { return code; };
}

inline auto lasts(std::map<std::string, int> ms) {
  return [ms = std::move(ms)](const std::string& task, int) -> Clock::duration {
    auto it = ms.find(task);
    return it == ms.end() ? Clock::duration(0) : milliseconds(it->second);
  };
}

}  // namespace baton::engine::failure_tests
