// What durability costs (issue 5, SPEC 4 and 9). Two measurements, printed as Markdown:
//  1. the store alone: task transitions written per second, batched as the scheduler batches
//     them (one transaction per turn) and one per transaction, with synchronous NORMAL and FULL;
//  2. a whole run of a workflow's /bin/true tasks on real processes, with the store as `baton
//     run` writes it (each commit appended to the run's journal file, the store written when
//     the loop waits) and without it (the same scheduler and executor, no journal), best of R
//     runs each, and the number of commits and of store transactions the run cost.
// Usage: store_overhead WORKFLOW.yaml STATE_DIR [JOBS] [REPEATS] [--run-only]
// (--run-only skips the first measurement, for profiling a run.)
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "engine/scheduler.hpp"
#include "exec/process_executor.hpp"
#include "load/load.hpp"
#include "store/run_recorder.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace baton;
using Seconds = std::chrono::duration<double>;

// Counts the commits and the store's transactions a run costs, passing every call on to the
// real recorder.
class CountingJournal : public engine::Journal {
 public:
  explicit CountingJournal(store::RunRecorder& inner) : inner_(inner) {}
  void unit_changed(const engine::RunGraph& graph, engine::UnitIndex unit) override {
    inner_.unit_changed(graph, unit);
  }
  void breaker_changed(const engine::BreakerTransition& t) override { inner_.breaker_changed(t); }
  void commit() override {
    if (!inner_.pending()) return inner_.commit();
    ++commits;
    auto start = std::chrono::steady_clock::now();
    inner_.commit();
    in_commits += std::chrono::steady_clock::now() - start;
  }
  bool pending() const override { return inner_.pending(); }
  std::optional<engine::Clock::time_point> before_wait() override {
    auto start = std::chrono::steady_clock::now();
    auto again = inner_.before_wait();
    auto took = std::chrono::steady_clock::now() - start;
    if (took > std::chrono::microseconds(2)) {  // Nothing to write takes well under that.
      ++transactions;
      in_transactions += took;
    }
    return again;
  }
  int commits = 0;
  std::chrono::steady_clock::duration in_commits{0};  // Building the rows and appending them.
  int transactions = 0;
  std::chrono::steady_clock::duration in_transactions{0};

 private:
  store::RunRecorder& inner_;
};

double transitions_per_second(const std::string& dir, store::Durability durability, int batch) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  store::sqlite::SqliteStore db(dir + "/baton.db", durability);
  store::RunRow run{
      .id = "bench", .workflow = "bench", .file = "x", .workflow_text = "", .status = "running"};
  db.create_run(run);
  const int total = durability == store::Durability::kFull && batch == 1 ? 2'000 : 100'000;
  auto start = std::chrono::steady_clock::now();
  for (int done = 0; done < total;) {
    store::Batch b;
    for (int i = 0; i < batch && done < total; ++i, ++done) {
      b.tasks.push_back({.path = fmt::format("t{:06}", done % 10'000), .state = "succeeded"});
    }
    db.write(b);
  }
  return total / Seconds(std::chrono::steady_clock::now() - start).count();
}

struct RunTiming {
  double seconds = 0;
  int commits = 0;
  double commit_seconds = 0;
  int transactions = 0;
  double transaction_seconds = 0;
};

RunTiming time_run(const model::Workflow& workflow, const std::string& state, int jobs,
                   bool with_store) {
  std::filesystem::remove_all(state);
  engine::RunOptions options;
  options.jobs = jobs;
  options.run_id = "bench";
  options.run_dir = std::filesystem::path(state) / "runs" / "bench";
  options.workflow_dir = std::filesystem::current_path();
  std::filesystem::create_directories(options.run_dir / "logs");
  std::unique_ptr<store::sqlite::SqliteStore> db;
  std::unique_ptr<store::RunRecorder> recorder;
  std::unique_ptr<CountingJournal> journal;
  auto start = std::chrono::steady_clock::now();
  if (with_store) {
    db = std::make_unique<store::sqlite::SqliteStore>(state + "/baton.db",
                                                      store::Durability::kNormal);
    store::RunRow run{.id = "bench",
                      .workflow = workflow.name,
                      .file = "x",
                      .workflow_text = "",
                      .status = "running"};
    db->create_run(run);
    recorder = std::make_unique<store::RunRecorder>(*db, run, db->open_journal());
    journal = std::make_unique<CountingJournal>(*recorder);
    options.journal = journal.get();
  }
  exec::ProcessExecutor executor(exec::Reaping::kAnyChild);  // As `baton run` reaps.
  engine::Scheduler scheduler(workflow, executor, options);
  auto result = scheduler.run();
  if (recorder) recorder->finish(result);
  RunTiming t{Seconds(std::chrono::steady_clock::now() - start).count()};
  if (journal) {
    t.commits = journal->commits;
    t.commit_seconds = Seconds(journal->in_commits).count();
    t.transactions = journal->transactions;
    t.transaction_seconds = Seconds(journal->in_transactions).count();
  }
  if (result.status != engine::RunStatus::kSucceeded) {
    throw std::runtime_error("the benchmark run failed");
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: store_overhead WORKFLOW.yaml STATE_DIR [JOBS] [REPEATS] [--run-only]\n";
    return 2;
  }
  std::string file = argv[1], state = argv[2];
  int jobs = argc > 3 ? std::stoi(argv[3]) : 2;
  int repeats = argc > 4 ? std::stoi(argv[4]) : 3;
  auto loaded = load::load_workflow_file(file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::cerr << d.to_string() << '\n';
    return 2;
  }

  const bool run_only = argc > 5 && std::string_view(argv[5]) == "--run-only";
  if (!run_only) std::cout << "| store alone | transitions/s |\n| --- | ---: |\n";
  for (auto [label, durability, batch] :
       {std::tuple{"batched 500 per transaction, NORMAL", store::Durability::kNormal, 500},
        std::tuple{"one per transaction, NORMAL", store::Durability::kNormal, 1},
        std::tuple{"batched 500 per transaction, FULL", store::Durability::kFull, 500},
        std::tuple{"one per transaction, FULL", store::Durability::kFull, 1}}) {
    if (run_only) break;
    std::cout << fmt::format("| {} | {:.0f} |\n", label,
                             transitions_per_second(state + "/micro", durability, batch));
  }

  std::size_t leaves = 0;
  for (const auto& node : loaded.workflow->nodes) leaves += node.is_leaf() ? 1 : 0;
  double best_off = 1e9, best_on = 1e9;
  RunTiming fewest{.commit_seconds = 1e9, .transaction_seconds = 1e9};
  for (int r = 0; r < repeats; ++r) {
    best_off = std::min(best_off, time_run(*loaded.workflow, state + "/off", jobs, false).seconds);
    auto on = time_run(*loaded.workflow, state + "/on", jobs, true);
    best_on = std::min(best_on, on.seconds);
    fewest.commits = on.commits;
    fewest.transactions = on.transactions;
    fewest.commit_seconds = std::min(fewest.commit_seconds, on.commit_seconds);
    fewest.transaction_seconds = std::min(fewest.transaction_seconds, on.transaction_seconds);
  }
  const auto per = [](double seconds, int count) { return count ? seconds / count * 1e6 : 0.0; };
  std::cout << fmt::format(
      "\n| {} ({} tasks, {} jobs) | wall (best of {}) |\n| --- | ---: |\n"
      "| without a store | {:.3f} s |\n| with the store | {:.3f} s |\n"
      "| overhead | {:+.1f} % |\n"
      "| commits (journal appends, before a start waits for them) | {} ({:.2f} per task) |\n"
      "| time in a commit (fewest of {}) | {:.1f} µs |\n"
      "| store transactions (when the loop waits) | {} ({:.2f} per task) |\n"
      "| time in a transaction (fewest of {}) | {:.1f} µs |\n",
      std::filesystem::path(file).filename().string(), leaves, jobs, repeats, best_off, best_on,
      (best_on / best_off - 1) * 100, fewest.commits, static_cast<double>(fewest.commits) / leaves,
      repeats, per(fewest.commit_seconds, fewest.commits), fewest.transactions,
      static_cast<double>(fewest.transactions) / leaves, repeats,
      per(fewest.transaction_seconds, fewest.transactions));
  std::filesystem::remove_all(state);
  return 0;
}
