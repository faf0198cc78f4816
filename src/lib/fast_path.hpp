// The fast path of a library run (SPEC 9): a workflow of plain callables with no policy that
// needs the engine's timers, limits, journal or events runs on a small work-stealing pool over
// flat arrays instead of the Scheduler, with the same states, reasons, outputs and report, at
// tens of nanoseconds a task where the engine spends microseconds.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "baton/engine.hpp"
#include "baton/workflow.hpp"
#include "lib/context_state.hpp"
#include "lib/local_executor.hpp"
#include "lib/workflow_state.hpp"
#include "model/workflow.hpp"

namespace baton::detail {

struct RunRecord;

/// True if `workflow` run with `options` may take the fast path: see the list in fast_path.cpp.
bool fast_path_eligible(const model::Workflow& workflow, const EngineOptions& options);

/// A work-stealing deque of 32-bit items: Chase-Lev, in the C11 formulation of Lê, Pop, Cohen
/// and Zappa Nardelli (PPoPP 2013), with seq_cst accesses where the paper has seq_cst fences
/// (ThreadSanitizer does not model fences). One thread, the owner, pushes and pops at the
/// bottom (newest first); any thread steals at the top (oldest first). The ring grows when
/// full; the old rings are kept until the deque dies, since a thief may still be reading one.
/// push() ends with a seq_cst store, so that a pusher's next seq_cst load is ordered after it
/// (FastRun uses that to look for sleeping workers without missing one).
class StealDeque {
 public:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;  ///< Never pushed: no item.

  StealDeque() {
    rings_.push_back(std::make_unique<Ring>(kInitialCapacity));
    ring_.store(rings_.back().get(), std::memory_order_relaxed);
  }

  /// Owner only.
  void push(std::uint32_t item) {
    std::int64_t b = bottom_.load(std::memory_order_relaxed);
    std::int64_t t = top_.load(std::memory_order_acquire);
    Ring* ring = ring_.load(std::memory_order_relaxed);
    if (b - t > static_cast<std::int64_t>(ring->mask)) ring = grow(ring, t, b);
    ring->at(b).store(item, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_seq_cst);
  }

  /// Owner only: the newest item, or kEmpty.
  std::uint32_t pop() {
    std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Ring* ring = ring_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return kEmpty;
    }
    std::uint32_t item = ring->at(b).load(std::memory_order_relaxed);
    if (t == b) {  // The last item: a thief may want it too.
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        item = kEmpty;
      }
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return item;
  }

  /// Any thread: the oldest item, or kEmpty if there is none or another thread took it first
  /// (then `lost` is set: trying again may succeed).
  std::uint32_t steal(bool& lost) {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return kEmpty;
    Ring* ring = ring_.load(std::memory_order_acquire);
    std::uint32_t item = ring->at(t).load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      lost = true;
      return kEmpty;
    }
    return item;
  }

  /// Any thread; a hint unless the owner is idle.
  bool looks_empty() const {
    return top_.load(std::memory_order_seq_cst) >= bottom_.load(std::memory_order_seq_cst);
  }

 private:
  static constexpr std::size_t kInitialCapacity = 1024;
  struct Ring {
    explicit Ring(std::size_t capacity)
        : mask(capacity - 1), slots(new std::atomic<std::uint32_t>[capacity]) {}
    std::atomic<std::uint32_t>& at(std::int64_t i) {
      return slots[static_cast<std::size_t>(i) & mask];
    }
    std::size_t mask;
    std::unique_ptr<std::atomic<std::uint32_t>[]> slots;
  };

  Ring* grow(Ring* ring, std::int64_t top, std::int64_t bottom) {
    auto bigger = std::make_unique<Ring>((ring->mask + 1) * 2);
    for (std::int64_t i = top; i < bottom; ++i) {
      bigger->at(i).store(ring->at(i).load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
    rings_.push_back(std::move(bigger));
    ring_.store(rings_.back().get(), std::memory_order_release);
    return rings_.back().get();
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<Ring*> ring_{nullptr};
  std::vector<std::unique_ptr<Ring>> rings_;  ///< Owner only.
};

namespace fast {
// Successor entries and ready items are a node index with a flag in the top bit (a run holds
// at most model::kMaxInstances nodes, far below 2^31).
inline constexpr std::uint32_t kIndex = 0x7fffffff;
inline constexpr std::uint32_t kSoleArrival = 0x80000000;  ///< Successor entry: no counter.
inline constexpr std::uint32_t kDirty = 0x80000000;        ///< Item or counter: not all successes.

// FastGraph::Node::flags.
inline constexpr std::uint32_t kGroup = 1;
inline constexpr std::uint32_t kInGroup = 2;   ///< Its parent is a group other than the root.
inline constexpr std::uint32_t kPromises = 4;  ///< It promises outputs (model::Node::outputs).
inline constexpr std::uint32_t kSole = 8;      ///< It waits for one arrival: no counter needed.
}  // namespace fast

/// The workflow as the fast path runs it, one slot per model node (index = model::NodeIndex,
/// groups included): each node's successors in compressed sparse rows, and how many arrivals
/// make it ready (its upstreams, plus its group opening). Built in O(nodes + edges); needs no
/// fan-out (model nodes are then exactly the engine's units) and reads the workflow, which
/// must outlive it. A FastRun takes it and runs it once.
class FastGraph {
 public:
  explicit FastGraph(const model::Workflow& workflow);
  /// A flat workflow of plain callables straight from what the API holds, without its model
  /// (lib/lean_graph.cpp): null unless it is one, has no policy, is valid (ids unique, no
  /// cycle) and `options` keep the run in memory with no one listening. Its indexes are the
  /// model's too: a flat workflow's pre-order is the order its tasks were added in. Reads
  /// `state`, which must outlive it.
  static std::unique_ptr<FastGraph> lean(const WorkflowState& state, const EngineOptions& options);
  FastGraph(FastGraph&&) = default;
  FastGraph& operator=(FastGraph&&) = default;
  FastGraph(const FastGraph&) = delete;  // A million-node graph is not copied by accident.
  FastGraph& operator=(const FastGraph&) = delete;

  std::size_t size() const { return nodes_.size(); }
  std::size_t leaves() const { return leaves_; }
  const std::string& name() const { return *name_; }
  /// Node v's path, while the workflow it reads is alive (during the run).
  const std::string& path(std::uint32_t v) const {
    return workflow_ ? workflow_->nodes[v].path : lean_->entries[v].id;
  }
  /// Copies a lean graph's paths, which the WorkflowState holds, for kept_path() to read once
  /// the WorkflowState is gone (a model's paths live as long as the RunRecord that owns it).
  void keep_paths();
  std::string_view kept_path(std::uint32_t v) const;
  std::uint32_t parent(std::uint32_t v) const {
    return workflow_ ? workflow_->nodes[v].parent : model::kRoot;
  }
  /// Calls f(upstream) for each node `v` waits for.
  template <typename F>
  void for_each_upstream(std::uint32_t v, F&& f) const {
    if (workflow_) {
      for (const auto& up : workflow_->nodes[v].upstream) f(up.node);
      return;
    }
    for (std::uint32_t i = first_upstream_[v]; i < first_upstream_[v + 1]; ++i) f(upstreams_[i]);
  }
  /// A group's children and a task's promised outputs: only a workflow with a model has any.
  const std::vector<model::NodeIndex>& children(std::uint32_t v) const;
  const std::vector<std::string>& promised(std::uint32_t v) const;

 private:
  friend class FastRun;
  // What running a task touches, in half a cache line: its successors, callable and flags, and
  // the run's count of awaited arrivals, its state and times (so that a task costs one miss
  // here, not one per array).
  struct alignas(32) Node {
    std::uint32_t first_successor = 0, end_successor = 0;
    std::int32_t callable = -1;  ///< Index into the callables; -1 for a group.
    std::uint32_t flags = 0;
    std::uint32_t pending = 0;  ///< Arrivals awaited; counted down through std::atomic_ref.
    std::uint32_t start_ms = 0, end_ms = 0;  ///< Since the run started; set when it runs.
    std::uint8_t state = 0;
  };

  FastGraph() = default;
  /// The second half of building either graph: with every node's `pending` set and its number
  /// of successors in `end_successor`, lays the successors out in compressed rows (in the order
  /// of for_each_upstream), marks the nodes that wait for one arrival, and lists the sources.
  void place_successors();

  const model::Workflow* workflow_ = nullptr;  ///< Null for a lean graph, which has lean_.
  const WorkflowState* lean_ = nullptr;
  const std::string* name_ = nullptr;
  /// A lean graph's upstreams in compressed rows (a model's are its nodes').
  std::vector<std::uint32_t> first_upstream_, upstreams_;
  std::string kept_paths_;                ///< keep_paths(): every path, one after another,
  std::vector<std::uint32_t> kept_ends_;  ///< each ending here.
  std::vector<Node> nodes_;
  /// Successor indexes; kSoleArrival marks one whose only arrival is this edge.
  std::vector<std::uint32_t> successors_;
  std::vector<std::uint32_t> sources_;  ///< Ready at the start, in file order.
  std::size_t leaves_ = 0;
  bool has_groups_ = false;
};

/// One run of a FastGraph: execute() runs it, record() writes down what happened. While it
/// executes it is the CallSource of every Context it hands out.
class FastRun final : public CallSource {
 public:
  /// `callables` is the table model::Command::callable indexes; it must outlive the run, as
  /// must the graph's workflow. A callable that logs writes where the engine would put its log
  /// (under the temporary folder, named after `run_id`); nothing is created otherwise.
  FastRun(FastGraph graph, const std::vector<Callable>& callables, std::string run_id);
  ~FastRun();
  FastRun(const FastRun&) = delete;
  FastRun& operator=(const FastRun&) = delete;

  /// Runs every task on `threads` threads (at least one) and returns when all are done, or,
  /// once `cancel` was requested or SIGINT/SIGTERM reached the calling thread, when the calls
  /// that had started have returned. The calling thread does not run tasks: it keeps the
  /// millisecond clock the attempts are timed with and watches for cancellation.
  void execute(int threads, lib::CancelSignal& cancel);

  /// Fills `record`: status and times now, the tasks (in file order) when first asked, from
  /// `run`, which the record keeps until then; and a store holding the run, its tasks,
  /// attempts and outputs as the engine's recorder writes them (a MemoryStore that receives
  /// them in one batch when it is first read). `jobs` is the run's recorded width. Call once,
  /// after execute().
  static void record(const std::shared_ptr<FastRun>& run, RunRecord& record, int jobs);

  // CallSource.
  const std::string& run_id() const override { return run_id_; }
  const std::string& task(std::uint32_t node) const override;
  const std::string* find_input(std::uint32_t node, std::string_view task,
                                std::string_view key) const override;
  std::string log_path(std::uint32_t node) const override;

 private:
  struct Worker;
  struct Failure {
    std::uint32_t node;
    int exit_code;
    std::string error, decision;
  };
  using Outputs = std::map<std::string, std::string>;

  void fill(std::vector<TaskResult>& tasks);
  void work(Worker& me);
  std::uint32_t find_work(Worker& me);
  void sleep();
  std::uint32_t run_leaf(Worker& me, ContextState& state, Context& context, std::uint32_t v);
  bool take_outputs(Worker& me, ContextState& state, std::uint32_t v);
  std::uint32_t settle(Worker& me, std::uint32_t v);
  std::uint32_t open_group(Worker& me, std::uint32_t g);
  std::uint32_t complete(Worker& me, std::uint32_t v, bool succeeded, bool tell_parent);
  void child_finished(Worker& me, std::uint32_t group, std::uint32_t& next);
  void arrive(Worker& me, std::uint32_t entry, bool clean, std::uint32_t& next);
  void make_ready(Worker& me, std::uint32_t item, std::uint32_t& next);
  void stop();
  std::string skip_reason(std::uint32_t v,
                          const std::unordered_map<std::uint32_t, std::string>& groups) const;

  FastGraph graph_;
  FastGraph::Node* nodes_;  ///< graph_.nodes_.data().
  const std::vector<Callable>& callables_;
  std::string run_id_;
  std::size_t total_ = 0;  ///< Nodes to finish: every node but the root.
  std::chrono::system_clock::time_point started_, ended_;
  bool stopped_ = false;
  /// Groups: children not finished (if there is any group). Like the nodes' fields, written
  /// before the atomic (an arrival, a deque push, a group's count) that lets another thread
  /// read them.
  std::vector<std::uint32_t> unfinished_;
  std::vector<std::unique_ptr<Outputs>> outputs_;  ///< Per node; null for a task that set none.

  std::vector<std::unique_ptr<Worker>> workers_;
  CancellationToken token_;  ///< Every call's: cancelled when the run is.

  // Shared by the workers, on lines of their own.
  alignas(64) std::atomic<std::uint32_t> clock_ms_{
      0};  ///< Since started_; the main thread ticks it.
  std::atomic<bool> stop_{false};
  alignas(64) std::atomic<std::size_t> finished_{0};
  std::atomic<bool> done_{false};
  alignas(64) std::atomic<std::uint32_t> sleepers_{0};
  std::atomic<std::uint32_t> wake_epoch_{0};
  lib::CancelSignal* cancel_ = nullptr;
};

/// How many threads a fast run of a workflow with these values uses, at most: `options`'
/// threads, capped by its width (`options`' concurrency, else the workflow's, else the CPUs).
int fast_path_threads(const model::Workflow& settings, const EngineOptions& options);

/// What run_workflow does for an eligible workflow: `graph` run with `options`' width (else
/// the `concurrency` of `settings`, the workflow's own values, else the CPUs), `record` filled
/// as the engine would fill it.
void run_fast_path(RunRecord& record, FastGraph graph, const model::Workflow& settings,
                   const std::vector<Callable>& callables, const EngineOptions& options,
                   lib::CancelSignal& cancel);

}  // namespace baton::detail
