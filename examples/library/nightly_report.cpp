// A nightly sales report as a baton workflow built in C++: list the regions (a callable), fan
// out over them (one instance per region, at most two at once), total each region, check the
// totals with a real process, then publish — with retries for a flaky upload and a compensation
// that withdraws a half-published report. Prints the Orchestration Report; exits 0 on success.
#include <baton/baton.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Stand-in for a database: sales per region.
const std::map<std::string, std::vector<int>> kSales = {
    {"emea", {120, 80, 95}}, {"americas", {310, 150}}, {"apac", {60, 75, 40, 20}}};

}  // namespace

int main() {
  std::mutex mutex;
  std::map<std::string, int> totals;
  std::atomic<int> uploads{0};

  baton::Workflow wf("nightly-report", "Totals sales per region and publishes them");
  wf.root().retry({.max_attempts = 2, .initial_interval = 20ms});  // Every task's default.

  auto collect = wf.group("collect").name("Collect the sales").level(baton::Level::kStory);
  auto regions = collect.task("regions", [](baton::Context& ctx) {
    std::vector<std::string> names;
    for (const auto& [region, sales] : kSales) names.push_back(region);
    ctx.set_output("names", names);  // A JSON list: what a dynamic fan-out reads.
  });
  auto total = collect
                   .task("total",
                         [&](baton::Context& ctx) {
                           ctx.throw_if_cancelled();
                           const auto& sales = kSales.at(ctx.item());
                           int sum = std::accumulate(sales.begin(), sales.end(), 0);
                           ctx.set_output("total", sum);
                           ctx.log(ctx.item() + ": " + std::to_string(sum));
                           std::lock_guard lock(mutex);
                           totals[ctx.item()] = sum;
                         })
                   .foreach(regions, "names")
                   .max_parallel(2);
  regions >> total;

  auto publish = wf.group("publish").name("Publish the report").level(baton::Level::kStory);
  // A real process: the same checks a shell script would do, on the grand total.
  auto check = publish.command("check", {"/bin/sh", "-c", "test \"$GRAND_TOTAL\" -gt 0"});
  auto upload = publish
                    .task("upload",
                          [&](baton::Context& ctx) {
                            if (++uploads == 1) throw std::runtime_error("upload timed out");
                            ctx.set_output("url", "https://reports.example/nightly");
                          })
                    .retry({.strategy = baton::RetryStrategy::kFixed,
                            .max_attempts = 3,
                            .delay = 10ms})
                    .compensate([](baton::Context& ctx) {
                      std::cerr << "withdrawing " << ctx.outputs().at("url") << "\n";
                    });
  check >> upload;
  collect >> publish;

  int grand = 0;
  for (const auto& [region, sales] : kSales) grand += std::accumulate(sales.begin(), sales.end(), 0);
  check.env("GRAND_TOTAL", std::to_string(grand));

  baton::Engine engine({.concurrency = 2});
  baton::RunResult result = engine.run(wf);

  std::cout << result.report();
  for (const auto& [region, sum] : totals) std::cout << region << ": " << sum << "\n";
  std::cout << "published at " << result.task("publish.upload").output("url") << " after "
            << result.task("publish.upload").attempts.size() << " attempts\n";
  return result.succeeded() && totals.size() == kSales.size() ? 0 : 1;
}
