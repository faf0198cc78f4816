// Bug: what the engine decided about a task after its last attempt had been written to the
// store was lost: a retry overruled by a breaker that opened (the attempt kept "retry in …")
// and a saga step left uncompensated (its "not compensated: …" reason). The report, read from
// the store, then counted a retry that never happened and gave no reason.
#include <nlohmann/json.hpp>

#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::baton_on;

nlohmann::json task_of(const nlohmann::json& report, const std::string& path) {
  for (const auto& task : report["tasks"]) {
    if (task["path"] == path) return task;
  }
  return {};
}

TEST(Regress, ARetryOverruledByAnOpenedBreakerIsRecordedAsNotRetried) {
  Scratch s;
  auto r = s.run(R"(name: overruled
breakers:
  pay: { failure_threshold: 2, reset_timeout: 10s }
tasks:
  - { id: charge, breaker: pay, retry: { strategy: fixed, delay: 20ms, max_attempts: 4 }, run: exit 1 }
)");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto report = nlohmann::json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  auto charge = task_of(report, "charge");
  ASSERT_EQ(charge["attempts"].size(), 2u) << report.dump(2);
  EXPECT_THAT(charge["attempts"][1]["decision"].get<std::string>(),
              StartsWith("not retried: breaker 'pay' is open"));
  EXPECT_EQ(report["metrics"]["retries"], 1);
}

TEST(Regress, AStepLeftUncompensatedKeepsItsReasonInTheStore) {
  Scratch s;
  auto r = s.run(R"(name: uncompensated
tasks:
  - { id: a, run: 'true', compensate: 'true' }
  - { id: b, needs: a, run: 'true', compensate: exit 4 }
  - { id: c, needs: b, run: exit 1 }
)");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto report = nlohmann::json::parse(baton_on(s, {"report", "last", "--format", "json"}).out);
  EXPECT_EQ(task_of(report, "a")["reason"], "not compensated: the compensation of b failed");
}

}  // namespace
}  // namespace baton
