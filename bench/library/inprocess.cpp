// In-process overhead against oneTBB's flow_graph (issue 7, SPEC 9): the same graphs of empty
// tasks built and run by flow_graph (continue_node, make_edge), by baton's library on its fast
// path, and by the library with `retry(max_attempts = 2)` on the root, which sends the run
// through the full engine (Scheduler, worker pool, journal). Same process, same threads; the
// tools take turns in each repetition and each figure is the best of the repetitions. Prints
// Markdown tables of nanoseconds per task.
//
//   bench_inprocess [--threads 2] [--reps 3] [--n 1000000] [--engine-n 100000]
//                   [--engine-reps 2] [--shapes chain,tree,grid,random]
//
// Shapes: `chain` (each task needs the one before), `tree` (a binary tree of depth
// round(log2(n + 1)): depth 20, 1,048,575 tasks, for n = 1,000,000), `grid` (√n × √n, each
// task needs its left and upper neighbours), `random` (each task needs 0–3 distinct earlier
// tasks, uniformly, seed 1).
#include <fmt/format.h>
#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "baton/baton.hpp"
#include "lib/fast_path.hpp"
#include "lib/run_record.hpp"
#include "lib/workflow_state.hpp"
#include "store/memory/memory_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Shape {
  std::string name;
  std::uint32_t nodes = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;  ///< (upstream, downstream).
};

Shape make_shape(const std::string& name, std::size_t n) {
  Shape shape{name, 0, {}};
  if (name == "chain") {
    shape.nodes = static_cast<std::uint32_t>(n);
    for (std::uint32_t i = 1; i < n; ++i) shape.edges.emplace_back(i - 1, i);
  } else if (name == "tree") {
    auto depth = static_cast<int>(std::lround(std::log2(static_cast<double>(n) + 1)));
    shape.nodes = (1u << depth) - 1;
    for (std::uint32_t i = 1; i < shape.nodes; ++i) shape.edges.emplace_back((i - 1) / 2, i);
  } else if (name == "grid") {
    auto side = static_cast<std::uint32_t>(std::lround(std::sqrt(static_cast<double>(n))));
    shape.nodes = side * side;
    for (std::uint32_t r = 0; r < side; ++r) {
      for (std::uint32_t c = 0; c < side; ++c) {
        if (c > 0) shape.edges.emplace_back(r * side + c - 1, r * side + c);
        if (r > 0) shape.edges.emplace_back((r - 1) * side + c, r * side + c);
      }
    }
  } else if (name == "random") {
    shape.nodes = static_cast<std::uint32_t>(n);
    std::mt19937 random(1);
    for (std::uint32_t i = 1; i < n; ++i) {
      std::uint32_t ups[3];
      auto k = std::min<std::uint32_t>(random() % 4, i);
      for (std::uint32_t have = 0; have < k;) {
        auto up = static_cast<std::uint32_t>(random() % i);
        if (std::find(ups, ups + have, up) != ups + have) continue;
        ups[have++] = up;
        shape.edges.emplace_back(up, i);
      }
    }
  } else {
    throw std::invalid_argument("unknown shape " + name);
  }
  return shape;
}

// ---- oneTBB flow_graph -----------------------------------------------------------------------

constexpr double kNever = std::numeric_limits<double>::infinity();

struct PeerTimes {
  double build = kNever, run = kNever;
};

PeerTimes run_flow_graph(const Shape& shape) {
  using namespace tbb::flow;
  PeerTimes t;
  auto start = Clock::now();
  graph g;
  std::deque<continue_node<continue_msg>> nodes;
  for (std::uint32_t i = 0; i < shape.nodes; ++i) {
    nodes.emplace_back(g, [](const continue_msg&) {});
  }
  std::vector<char> has_upstream(shape.nodes, 0);
  for (auto [up, down] : shape.edges) {
    make_edge(nodes[up], nodes[down]);
    has_upstream[down] = 1;
  }
  t.build = seconds_since(start);
  start = Clock::now();
  for (std::uint32_t i = 0; i < shape.nodes; ++i) {
    if (!has_upstream[i]) nodes[i].try_put(continue_msg());
  }
  g.wait_for_all();
  t.run = seconds_since(start);
  return t;
}

// ---- baton -----------------------------------------------------------------------------------

void empty_task(baton::Context&) {}

// The graph through the public API, as a user would write it (ids included).
void build_workflow(baton::Workflow& wf, const Shape& shape, bool full_engine) {
  std::vector<baton::Task> tasks;
  tasks.reserve(shape.nodes);
  for (std::uint32_t i = 0; i < shape.nodes; ++i) {
    tasks.push_back(wf.task("t" + std::to_string(i), empty_task));
  }
  for (auto [up, down] : shape.edges) tasks[down].needs(tasks[up]);
  if (full_engine) wf.root().retry({.max_attempts = 2});  // A policy: the whole engine runs it.
}

struct BatonTimes {
  double api = kNever, model = kNever, arrays = kNever, execute = kNever, record = kNever,
         engine_run = kNever, results = kNever;
  double build() const { return api + model + arrays; }
};

// The fast path phase by phase (what run_workflow does for these flat workflows, timed apart:
// FastGraph::lean checks them and lays out the arrays, no model is built), then Engine::run
// whole, which is what a user who has built the Workflow pays.
BatonTimes run_fast_path(const Shape& shape, int threads) {
  BatonTimes t;
  baton::Workflow wf("bench");
  auto start = Clock::now();
  build_workflow(wf, shape, false);
  t.api = seconds_since(start);
  t.model = 0;
  {
    baton::EngineOptions options{.concurrency = threads};
    start = Clock::now();
    auto graph = baton::detail::FastGraph::lean(wf.state(), options);
    if (!graph) throw std::logic_error("the benchmark's workflow does not take the lean way");
    auto run =
        std::make_shared<baton::detail::FastRun>(std::move(*graph), wf.state().callables, "bench");
    t.arrays = seconds_since(start);
    baton::lib::CancelSignal cancel;
    start = Clock::now();
    run->execute(threads, cancel);
    t.execute = seconds_since(start);
    baton::detail::RunRecord record;
    start = Clock::now();
    baton::detail::FastRun::record(run, record, threads);
    t.record = seconds_since(start);
    if (record.status != baton::RunStatus::kSucceeded) throw std::logic_error("the run failed");
  }
  start = Clock::now();
  auto result = baton::Engine({.concurrency = threads}).run(wf);
  t.engine_run = seconds_since(start);
  if (!result.succeeded()) throw std::logic_error("the run failed");
  start = Clock::now();  // Every task's result, made when first asked for.
  if (result.tasks().size() != shape.nodes) throw std::logic_error("tasks are missing");
  t.results = seconds_since(start);
  return t;
}

BatonTimes run_full_engine(const Shape& shape, int threads) {
  BatonTimes t;
  baton::Workflow wf("bench");
  auto start = Clock::now();
  build_workflow(wf, shape, true);
  t.api = seconds_since(start);
  start = Clock::now();
  auto built = wf.state().to_model();
  t.model = seconds_since(start);
  if (baton::detail::fast_path_eligible(built.workflow, {.concurrency = threads})) {
    throw std::logic_error("the full-engine workflow would take the fast path");
  }
  built = {};
  start = Clock::now();
  auto result = baton::Engine({.concurrency = threads}).run(wf);
  t.engine_run = seconds_since(start);
  if (!result.succeeded()) throw std::logic_error("the run failed");
  return t;
}

void keep_best(PeerTimes& best, const PeerTimes& now) {
  best.build = std::min(best.build, now.build);
  best.run = std::min(best.run, now.run);
}

void keep_best(BatonTimes& best, const BatonTimes& now) {
  best.api = std::min(best.api, now.api);
  best.model = std::min(best.model, now.model);
  best.arrays = std::min(best.arrays, now.arrays);
  best.execute = std::min(best.execute, now.execute);
  best.record = std::min(best.record, now.record);
  best.engine_run = std::min(best.engine_run, now.engine_run);
  best.results = std::min(best.results, now.results);
}

double ns(double seconds, std::uint32_t tasks) { return seconds * 1e9 / tasks; }

struct Options {
  int threads = 2, reps = 3, engine_reps = 2;
  std::size_t n = 1'000'000, engine_n = 100'000;
  std::vector<std::string> shapes{"chain", "tree", "grid", "random"};
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--threads") {
      o.threads = std::stoi(value);
    } else if (key == "--reps") {
      o.reps = std::stoi(value);
    } else if (key == "--engine-reps") {
      o.engine_reps = std::stoi(value);
    } else if (key == "--n") {
      o.n = std::stoul(value);
    } else if (key == "--engine-n") {
      o.engine_n = std::stoul(value);
    } else if (key == "--shapes") {
      o.shapes.clear();
      std::stringstream list(value);
      for (std::string s; std::getline(list, s, ',');) o.shapes.push_back(s);
    } else {
      throw std::invalid_argument("unknown option " + key);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o = parse(argc, argv);
  tbb::global_control width(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(o.threads));
  tbb::parallel_for(0, 1000, [](int) {});  // Starts TBB's workers before anything is timed.

  std::string fast_table, build_table, engine_table;
  for (const auto& name : o.shapes) {
    Shape shape = make_shape(name, o.n);
    PeerTimes fg;
    BatonTimes fast;
    for (int rep = 0; rep < o.reps; ++rep) {
      keep_best(fg, run_flow_graph(shape));
      keep_best(fast, run_fast_path(shape, o.threads));
      std::cerr << fmt::format("{} rep {}: flow_graph run {:.1f} ns, baton execute {:.1f} ns\n",
                               name, rep + 1, ns(fg.run, shape.nodes),
                               ns(fast.execute, shape.nodes));
    }
    std::uint32_t n = shape.nodes;
    const double fg_total = fg.build + fg.run, baton_total = fast.api + fast.engine_run;
    fast_table +=
        fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.2f} |\n",
                    name, n, ns(fg.build, n), ns(fg.run, n), ns(fg_total, n), ns(fast.api, n),
                    ns(fast.engine_run, n), ns(baton_total, n), baton_total / fg_total);
    build_table += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.2f} | {:.0f} |\n", name,
                               n, ns(fast.arrays, n), ns(fast.execute, n), ns(fast.record, n),
                               fast.execute / fg.run, ns(fast.results, n));

    if (o.engine_n == 0 || o.engine_reps == 0) continue;
    Shape small = make_shape(name, o.engine_n);
    PeerTimes fg_small;
    BatonTimes full;
    for (int rep = 0; rep < o.engine_reps; ++rep) {
      keep_best(fg_small, run_flow_graph(small));
      keep_best(full, run_full_engine(small, o.threads));
    }
    std::uint32_t m = small.nodes;
    engine_table += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |\n", name,
                                m, ns(fg_small.run, m), ns(full.api + full.model, m),
                                ns(full.engine_run, m), ns(full.engine_run - full.model, m),
                                (full.engine_run - full.model) / fg_small.run);
  }

  std::cout << fmt::format("Threads: {}; best of {} (full engine: best of {}); ns per task.\n\n",
                           o.threads, o.reps, o.engine_reps);
  std::cout << "Everything a user pays: flow_graph build + run against baton's API calls + "
               "Engine::run.\n\n| shape | tasks | flow_graph build | flow_graph run | flow_graph "
               "total | baton API calls | baton Engine::run | baton total | baton ÷ flow_graph "
               "|\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            << fast_table << "\n";
  std::cout << "Inside Engine::run (timed apart): checks + arrays (FastGraph::lean), running the "
               "tasks, the record; then, after it, RunResult::tasks() the first time (every "
               "task's TaskResult, made when first asked for).\n\n| shape | tasks | checks + "
               "arrays | execute | record | execute ÷ flow_graph run | tasks(), first call "
               "|\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            << build_table << "\n";
  if (!engine_table.empty()) {
    std::cout << "| shape (full engine) | tasks | flow_graph run | baton build | Engine::run | "
                 "Engine::run − to_model | ÷ flow_graph run |\n| --- | ---: | ---: | ---: | ---: "
                 "| ---: | ---: |\n"
              << engine_table;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bench_inprocess: " << e.what() << "\n";
  return 1;
}
