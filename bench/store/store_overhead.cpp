// What durability costs (issue 5, SPEC 4 and 9). Two measurements, printed as Markdown:
//  1. the store alone: task transitions written per second, batched as the scheduler batches
//     them (one transaction per turn) and one per transaction, with synchronous NORMAL and FULL;
//  2. a whole run of a workflow's /bin/true tasks on real processes, with the store as `baton
//     run` writes it (each commit appended to the run's journal file, the store written when
//     the loop waits) and without it (the same scheduler and executor, no journal), in R
//     interleaved rounds: the least wall time of each and the median of the rounds' ratios,
//     baton's own CPU with and without, and what the store's parts cost.
// Usage: store_overhead WORKFLOW.yaml STATE_DIR [JOBS] [REPEATS=5] [--run-only]
// (--run-only skips the first measurement, for profiling a run.)
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <vector>

#include "engine/scheduler.hpp"
#include "exec/process_executor.hpp"
#include "load/load.hpp"
#include "store/run_recorder.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace baton;
using Seconds = std::chrono::duration<double>;

// CPU this process has used so far, user and system, without its children's.
double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](timeval t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

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
  double cpu_seconds = 0;     // baton's own, not its children's (getrusage RUSAGE_SELF).
  double setup_seconds = 0;   // Opening the store and creating the run's row.
  double finish_seconds = 0;  // RunRecorder::finish(): what is left, and the run's end.
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
  const double cpu_start = own_cpu_seconds();
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
  const auto setup_end = std::chrono::steady_clock::now();
  exec::ProcessExecutor executor(exec::Reaping::kAnyChild);  // As `baton run` reaps.
  engine::Scheduler scheduler(workflow, executor, options);
  auto result = scheduler.run();
  const auto finish_start = std::chrono::steady_clock::now();
  if (recorder) recorder->finish(result);
  const auto end = std::chrono::steady_clock::now();
  RunTiming t{.seconds = Seconds(end - start).count(),
              .cpu_seconds = own_cpu_seconds() - cpu_start,
              .setup_seconds = Seconds(setup_end - start).count(),
              .finish_seconds = Seconds(end - finish_start).count()};
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
  int repeats = argc > 4 ? std::stoi(argv[4]) : 5;
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
  // Rounds interleave the two, so that a slow spell of the machine hits both alike.
  std::vector<RunTiming> off, on;
  for (int r = 0; r < repeats; ++r) {
    off.push_back(time_run(*loaded.workflow, state + "/off", jobs, false));
    on.push_back(time_run(*loaded.workflow, state + "/on", jobs, true));
  }
  // The least of a field over the runs: what the machine's noise added least to.
  const auto least = [](const std::vector<RunTiming>& runs, double RunTiming::*field) {
    double best = 1e9;
    for (const auto& run : runs) best = std::min(best, run.*field);
    return best;
  };
  const double wall_off = least(off, &RunTiming::seconds), wall_on = least(on, &RunTiming::seconds);
  const double cpu_off = least(off, &RunTiming::cpu_seconds);
  const double cpu_on = least(on, &RunTiming::cpu_seconds);
  // Each round's ratio, with and without, of runs a few seconds apart: the median of those is
  // what the host's slow spells, which last longer than a run, move least.
  std::vector<double> ratios;
  for (int r = 0; r < repeats; ++r) ratios.push_back(on[r].seconds / off[r].seconds);
  std::sort(ratios.begin(), ratios.end());
  const double median_ratio =
      repeats % 2 ? ratios[repeats / 2] : (ratios[repeats / 2 - 1] + ratios[repeats / 2]) / 2;
  const int commits = on.back().commits, transactions = on.back().transactions;
  const auto per = [](double seconds, int count) { return count ? seconds / count * 1e6 : 0.0; };
  std::cout << fmt::format(
      "\n| {} ({} tasks, {} jobs), least of {} runs | without a store | with the store | "
      "overhead |\n| --- | ---: | ---: | ---: |\n"
      "| wall | {:.3f} s | {:.3f} s | {:+.1f} % |\n"
      "| wall, median of the rounds' ratios | | | {:+.1f} % |\n"
      "| baton's own CPU (not its children's) | {:.3f} s | {:.3f} s | {:+.1f} % |\n"
      "| opening the store, creating the run | | {:.1f} ms | |\n"
      "| commits (journal appends, before a start waits for them) | | {} ({:.2f} per task), "
      "{:.1f} µs each | |\n"
      "| store transactions (when the loop waits) | | {} ({:.2f} per task), {:.1f} µs each | |\n"
      "| the run's end (RunRecorder::finish) | | {:.1f} ms | |\n",
      std::filesystem::path(file).filename().string(), leaves, jobs, repeats, wall_off, wall_on,
      (wall_on / wall_off - 1) * 100, (median_ratio - 1) * 100, cpu_off, cpu_on,
      (cpu_on / cpu_off - 1) * 100, least(on, &RunTiming::setup_seconds) * 1e3, commits,
      static_cast<double>(commits) / leaves, per(least(on, &RunTiming::commit_seconds), commits),
      transactions, static_cast<double>(transactions) / leaves,
      per(least(on, &RunTiming::transaction_seconds), transactions),
      least(on, &RunTiming::finish_seconds) * 1e3);
  std::filesystem::remove_all(state);
  return 0;
}
