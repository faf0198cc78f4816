// The fast path (see fast_path.hpp). A worker runs a ready task, then one of the successors it
// made ready (a continuation), and pushes the others on its own Chase-Lev deque, from which idle
// workers steal. Readiness is one atomic counter of arrivals per node, left alone for a node
// with a single arrival. Failures and groups take slower branches that keep the engine's rules
// (engine/trigger.cpp, engine/task_state.cpp); the hot path allocates nothing.
#include "lib/fast_path.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <thread>

#include "analyze/plan.hpp"
#include "engine/launch_builder.hpp"
#include "engine/outputs.hpp"
#include "engine/task_state.hpp"
#include "engine/trigger.hpp"
#include "exec/signals_blocked.hpp"
#include "lib/fast_path_internals.hpp"
#include "lib/run_record.hpp"
#include "store/run_id.hpp"

namespace baton::detail {
namespace {

using model::NodeIndex;

using namespace fast;
constexpr std::uint32_t kNone = StealDeque::kEmpty;

std::atomic_ref<std::uint32_t> counter(std::uint32_t& value) {
  return std::atomic_ref<std::uint32_t>(value);
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// How long an idle worker looks for work before it sleeps: spinning costs a core, sleeping a
// futex wake (a few µs) for whoever pushes next. 20 rounds of 32 pauses is ~25 µs on an EPYC
// VM (a pause is ~36 ns there); ten times as long measured no faster on any shape.
constexpr int kSpinRounds = 20;
constexpr int kYieldRounds = 20;

}  // namespace

// ---- Eligibility -------------------------------------------------------------------------------

// The fast path takes what it runs exactly as the engine would: every leaf a callable (no
// process, no approval gate), no fan-out and no compensation; every trigger rule all_success;
// in no leaf's effective settings a retry (max_attempts exactly 1; 0 means unlimited), timeout,
// deadline, pool, breaker, priority or on_failure ignore; no group concurrency; failure_mode
// continue; the run kept in memory (no state folder) and no one listening to events. Sequential
// groups need nothing: load::Resolver has made them edges of the model. Names, levels, domains,
// estimates, env and cwd change nothing a callable does.
bool fast_path_eligible(const model::Workflow& workflow, const EngineOptions& options) {
  if (!options.state_dir.empty() || options.on_event) return false;
  if (workflow.failure_mode != FailureMode::kContinue) return false;
  if (workflow.nodes.size() > kIndex) return false;
  for (const model::Node& node : workflow.nodes) {
    if (node.foreach || node.trigger != TriggerRule::kAllSuccess || node.concurrency) return false;
    if (node.is_group()) continue;
    if (node.action != model::ActionKind::kCallable || !node.command.is_callable()) return false;
    if (node.compensate || !node.effective) return false;
    const model::Settings& s = *node.effective;
    if (s.retry.max_attempts.value_or(1) != 1 || s.timeout || s.deadline || s.pool || s.breaker ||
        s.priority.value_or(0) != 0 || s.on_failure == OnFailure::kIgnore) {
      return false;
    }
  }
  return true;
}

// ---- FastGraph -------------------------------------------------------------------------------

// Two passes over the edges: count each node's successors, then place them (counting sort).
// A node waits for one arrival per upstream, and one more for its group opening, unless its
// group is the root (open from the start).
FastGraph::FastGraph(const model::Workflow& workflow)
    : workflow_(&workflow), name_(&workflow.name) {
  const auto& nodes = workflow.nodes;
  const auto n = static_cast<NodeIndex>(nodes.size());
  nodes_.resize(n);
  nodes_[model::kRoot].flags = kGroup;
  for (NodeIndex v = 1; v < n; ++v) {
    const model::Node& node = nodes[v];
    Node& slot = nodes_[v];
    if (node.is_group()) {
      slot.flags |= kGroup;
      has_groups_ = true;
    } else {
      slot.callable = node.command.callable;
      if (!node.outputs.empty()) slot.flags |= kPromises;
      ++leaves_;
    }
    if (node.parent != model::kRoot) {
      slot.flags |= kInGroup;
      ++slot.pending;
    }
    slot.pending += static_cast<std::uint32_t>(node.upstream.size());
    for (const auto& up : node.upstream) ++nodes_[up.node].end_successor;
  }
  place_successors();
}

void FastGraph::place_successors() {
  std::uint32_t offset = 0;
  for (Node& slot : nodes_) {
    std::uint32_t count = slot.end_successor;
    slot.first_successor = slot.end_successor = offset;
    offset += count;
  }
  successors_.resize(offset);
  for (NodeIndex v = 1; v < nodes_.size(); ++v) {
    if (nodes_[v].pending == 1) nodes_[v].flags |= kSole;
    std::uint32_t entry = v | (nodes_[v].pending == 1 ? kSoleArrival : 0);
    for_each_upstream(v, [&](NodeIndex up) { successors_[nodes_[up].end_successor++] = entry; });
    if (nodes_[v].pending == 0) sources_.push_back(v);
  }
}

// ---- FastRun ---------------------------------------------------------------------------------

FastRun::FastRun(FastGraph graph, const std::vector<Callable>& callables, std::string run_id)
    : graph_(std::move(graph)),
      nodes_(graph_.nodes_.data()),
      callables_(callables),
      run_id_(std::move(run_id)),
      total_(graph_.size() - 1),
      outputs_(graph_.size()) {
  if (graph_.has_groups_) unfinished_.assign(graph_.size(), 0);
}

FastRun::~FastRun() = default;

const std::vector<model::NodeIndex>& FastGraph::children(std::uint32_t v) const {
  static const std::vector<model::NodeIndex> kNone;
  return workflow_ ? workflow_->nodes[v].children : kNone;
}

const std::vector<std::string>& FastGraph::promised(std::uint32_t v) const {
  static const std::vector<std::string> kNone;
  return workflow_ ? workflow_->nodes[v].outputs : kNone;
}

void FastGraph::keep_paths() {
  if (!lean_) return;  // A model's paths are the record's.
  kept_ends_.reserve(nodes_.size());
  for (const auto& entry : lean_->entries) {
    kept_paths_ += entry.id;
    kept_ends_.push_back(static_cast<std::uint32_t>(kept_paths_.size()));
  }
  lean_ = nullptr;
}

std::string_view FastGraph::kept_path(std::uint32_t v) const {
  if (workflow_) return workflow_->nodes[v].path;
  if (lean_) return lean_->entries[v].id;
  std::uint32_t begin = v == 0 ? 0 : kept_ends_[v - 1];
  return std::string_view(kept_paths_).substr(begin, kept_ends_[v] - begin);
}

const std::string& FastRun::task(std::uint32_t node) const { return graph_.path(node); }

// What the engine's CallInput would hold (engine/launch_builder.cpp): the outputs of every leaf
// under an upstream of the task or of one of its groups. Searched when asked, which is rare.
const std::string* FastRun::find_input(std::uint32_t node, std::string_view task,
                                       std::string_view key) const {
  auto holds = [&](NodeIndex n) {  // `task` is n or below it.
    const std::string& path = graph_.path(n);
    return path == task ||
           (task.size() > path.size() && task.starts_with(path) && task[path.size()] == '.');
  };
  for (NodeIndex v = node; v != model::kRoot && v != model::kNoNode; v = graph_.parent(v)) {
    std::vector<NodeIndex> upstreams;
    graph_.for_each_upstream(v, [&](NodeIndex up) { upstreams.push_back(up); });
    for (NodeIndex up : upstreams) {
      std::vector<NodeIndex> stack{up};
      while (!stack.empty()) {
        NodeIndex u = stack.back();
        stack.pop_back();
        if (!holds(u)) continue;
        if (nodes_[u].flags & kGroup) {
          const auto& children = graph_.children(u);
          stack.insert(stack.end(), children.begin(), children.end());
          continue;
        }
        if (!outputs_[u]) return nullptr;
        auto it = outputs_[u]->find(std::string(key));
        return it == outputs_[u]->end() ? nullptr : &it->second;
      }
    }
  }
  return nullptr;
}

std::string FastRun::log_path(std::uint32_t node) const {
  engine::RunOptions options;  // As run_workflow names a run's folder when it has no state one.
  options.run_dir = std::filesystem::temp_directory_path() / ("baton-" + run_id_);
  return engine::log_path(options, task(node), 1);
}

// The calling thread starts the workers, then ticks the clock (a precise clock read costs
// ~70 ns on this kind of VM, twice a task's budget; see docs/benchmarks.md) and watches the
// cancel signal and SIGINT/SIGTERM/SIGHUP until the workers are done.
void FastRun::execute(int threads, lib::CancelSignal& cancel) {
  cancel_ = &cancel;
  started_ = std::chrono::system_clock::now();
  auto count = static_cast<std::size_t>(std::max(1, threads));
  for (std::size_t i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->index = i;
  }
  // Sources round-robin, last first, so that each worker pops its share in file order.
  const auto& sources = graph_.sources_;
  for (std::size_t i = sources.size(); i-- > 0;) workers_[i % count]->deque.push(sources[i]);

  sigset_t handled, old_mask;
  sigemptyset(&handled);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &handled, &old_mask);
  int signal_fd = ::signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
  std::exception_ptr no_thread;  // Out of threads: stop those started, then say so.
  {
    exec::AllSignalsBlocked for_the_workers;  // Those meant for the run reach this thread.
    for (auto& worker : workers_) {
      try {
        worker->thread = std::thread([this, w = worker.get()] { work(*w); });
      } catch (...) {
        no_thread = std::current_exception();
        stop();
        break;
      }
    }
  }

  pollfd fds[2] = {{cancel.fd(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
  bool interrupted = false;
  while (!done_.load(std::memory_order_acquire) && !stop_.load(std::memory_order_relaxed)) {
    ::poll(fds, signal_fd >= 0 ? 2 : 1, 1);
    auto elapsed = std::chrono::system_clock::now() - started_;
    clock_ms_.store(static_cast<std::uint32_t>(
                        std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()),
                    std::memory_order_relaxed);
    if (fds[0].revents & POLLIN) cancel.drain();
    signalfd_siginfo info;
    if (signal_fd >= 0 && (fds[1].revents & POLLIN) && ::read(signal_fd, &info, sizeof info) > 0) {
      interrupted = true;
    }
    if (cancel.requested() || interrupted) stop();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  ended_ = std::chrono::system_clock::now();
  stopped_ = stop_.load(std::memory_order_relaxed);

  if (signal_fd >= 0) {  // Signals received but not acted on would be delivered by unblocking.
    signalfd_siginfo dropped;
    while (::read(signal_fd, &dropped, sizeof dropped) > 0) {
    }
    ::close(signal_fd);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (no_thread) std::rethrow_exception(no_thread);
}

void FastRun::stop() {
  stop_.store(true, std::memory_order_seq_cst);
  token_.cancel();
  wake_epoch_.fetch_add(1, std::memory_order_seq_cst);
  wake_epoch_.notify_all();
}

// A worker's loop. Each step returns the next item to run, if the step made one ready.
void FastRun::work(Worker& me) {
  ContextState state;
  state.source = this;
  state.token = token_;
  Context context(state);
  std::uint32_t item = kNone;
  for (;;) {
    if (item == kNone) item = find_work(me);
    if (item == kNone || stop_.load(std::memory_order_relaxed)) return;
    std::uint32_t v = item & kIndex;
    if (item & kDirty) {
      item = settle(me, v);
    } else if (nodes_[v].flags & kGroup) {
      item = open_group(me, v);
    } else {
      item = run_leaf(me, state, context, v);
    }
  }
}

std::uint32_t FastRun::find_work(Worker& me) {
  const std::size_t count = workers_.size();
  for (int round = 0;; ++round) {
    if (std::uint32_t item = me.deque.pop(); item != kNone) return item;
    bool lost = false;
    for (std::size_t k = 1; k < count; ++k) {
      std::uint32_t item = workers_[(me.index + k) % count]->deque.steal(lost);
      if (item != kNone) return item;
    }
    if (lost) continue;     // Another thief was faster: there is work, try again.
    if (me.finished > 0) {  // Idle: count what this worker finished; the last one ends the run.
      std::size_t before = finished_.fetch_add(me.finished, std::memory_order_acq_rel);
      if (before + me.finished == total_) {
        done_.store(true, std::memory_order_seq_cst);
        wake_epoch_.fetch_add(1, std::memory_order_seq_cst);
        wake_epoch_.notify_all();
        cancel_->wake();
      }
      me.finished = 0;
    }
    if (done_.load(std::memory_order_acquire) || stop_.load(std::memory_order_relaxed)) {
      return kNone;
    }
    if (round < kSpinRounds) {
      for (int i = 0; i < 32; ++i) cpu_relax();
    } else if (round < kSpinRounds + kYieldRounds) {
      std::this_thread::yield();
    } else {
      sleep();
      round = 0;
    }
  }
}

// Sleeps until woken (a push, the end, a stop), unless there is work after all. The count of
// sleepers and the pusher's look at it (make_ready) form Dekker's pattern with the deques'
// seq_cst bottom: a pusher that sees no sleeper pushed before the sleeper looked at the deques.
void FastRun::sleep() {
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  std::uint32_t epoch = wake_epoch_.load(std::memory_order_seq_cst);
  bool work = done_.load(std::memory_order_seq_cst) || stop_.load(std::memory_order_seq_cst);
  for (const auto& worker : workers_) work = work || !worker->deque.looks_empty();
  if (!work) wake_epoch_.wait(epoch, std::memory_order_seq_cst);
  sleepers_.fetch_sub(1, std::memory_order_seq_cst);
}

// The hot path: call, time, count down the successors.
std::uint32_t FastRun::run_leaf(Worker& me, ContextState& state, Context& context,
                                std::uint32_t v) {
  FastGraph::Node& node = nodes_[v];
  node.start_ms = clock_ms_.load(std::memory_order_relaxed);
  state.node = v;
  std::exception_ptr error;
  try {
    callables_[static_cast<std::size_t>(node.callable)](context);
  } catch (...) {
    error = std::current_exception();
  }
  node.end_ms = clock_ms_.load(std::memory_order_relaxed);
  if (!state.log_path.empty()) {  // It logged (or tried to): the next call starts afresh.
    if (state.log) {
      std::fclose(state.log);
      state.log = nullptr;
      me.logs.emplace_back(v, std::move(state.log_path));
    }
    state.log_path.clear();
  }
  if (error || stop_.load(std::memory_order_relaxed)) {
    state.outputs.clear();
    if (stop_.load(std::memory_order_relaxed)) {  // As the engine: a call the run's end stops.
      nodes_[v].state = kCancelled;
      if (error) me.failures.push_back({v, 1, {}, {}});
      return kNone;
    }
    std::string message = "the callable threw something that is not a std::exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    me.failures.push_back({v, 1, std::move(message), "not retried: max_attempts is 1"});
    nodes_[v].state = kFailed;
    return complete(me, v, false, true);
  }
  if (((node.flags & kPromises) || !state.outputs.empty()) && !take_outputs(me, state, v)) {
    return complete(me, v, false, true);
  }
  nodes_[v].state = kSucceeded;
  return complete(me, v, true, true);
}

// As engine::Scheduler::on_exit checks a callable's outputs: limits, then promises.
bool FastRun::take_outputs(Worker& me, ContextState& state, std::uint32_t v) {
  std::string rejected;
  auto checked = engine::checked_outputs(state.outputs);
  if (!checked) {
    rejected = checked.error().message;
  } else {
    for (const auto& key : graph_.promised(v)) {
      if (!checked->count(key)) {
        rejected = fmt::format("promised output '{}' was not written", key);
        break;
      }
    }
  }
  state.outputs.clear();
  if (!rejected.empty()) {
    me.failures.push_back({v, 0, std::move(rejected), "not retried: its outputs were rejected"});
    nodes_[v].state = kFailed;
    return false;
  }
  if (!checked->empty()) outputs_[v] = std::make_unique<Outputs>(std::move(*checked));
  return true;
}

// `v` had every arrival, one of them not a success: it is skipped, as the engine decides
// (engine::evaluate_trigger for all_success, or its group's skip), without running.
std::uint32_t FastRun::settle(Worker& me, std::uint32_t v) {
  const NodeIndex parent = graph_.parent(v);
  std::uint8_t skip = kPending;
  bool inherited = parent != model::kRoot && skipped_before_opening(nodes_[parent].state);
  if (inherited) {
    skip = nodes_[parent].state;
  } else {
    bool failed = false, skipped = false;
    graph_.for_each_upstream(v, [&](NodeIndex up) {
      auto outcome = outcome_of(nodes_[up].state);
      failed = failed || outcome == engine::Outcome::kFailed;
      skipped = skipped || outcome == engine::Outcome::kSkipped;
    });
    skip = failed ? kSkippedUpstreamFailed : skipped ? kSkippedNotMet : kPending;
  }
  if (skip == kPending) return v;  // Unreachable (a dirty arrival is a failure or a skip).
  nodes_[v].state = skip;
  std::uint32_t next = complete(me, v, false, !inherited);
  for (NodeIndex child : graph_.children(v)) {
    arrive(me, child | (nodes_[child].flags & kSole ? kSoleArrival : 0), false, next);
  }
  return next;
}

std::uint32_t FastRun::open_group(Worker& me, std::uint32_t g) {
  const auto& children = graph_.children(g);
  nodes_[g].state = kOpened;
  if (children.empty()) {  // engine::derive_group_state of no children: skipped.
    nodes_[g].state = kSkippedDerived;
    return complete(me, g, false, true);
  }
  counter(unfinished_[g])
      .store(static_cast<std::uint32_t>(children.size()), std::memory_order_release);
  std::uint32_t next = kNone;
  for (NodeIndex child : children) {
    arrive(me, child | (nodes_[child].flags & kSole ? kSoleArrival : 0), true, next);
  }
  return next;
}

void FastRun::child_finished(Worker& me, std::uint32_t g, std::uint32_t& next) {
  if (counter(unfinished_[g]).fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::vector<engine::ChildState> children;
  for (NodeIndex child : graph_.children(g)) {
    children.push_back(child_state_of(nodes_[child].state));
  }
  auto derived = engine::derive_group_state(children);
  nodes_[g].state = derived == engine::TaskState::kFailed    ? kFailed
                    : derived == engine::TaskState::kSkipped ? kSkippedDerived
                                                             : kSucceeded;
  std::uint32_t more = complete(me, g, nodes_[g].state == kSucceeded, true);
  if (more != kNone) make_ready(me, more, next);
}

// `v` is finished: its successors and its group hear of it.
std::uint32_t FastRun::complete(Worker& me, std::uint32_t v, bool succeeded, bool tell_parent) {
  ++me.finished;
  FastGraph::Node& node = nodes_[v];
  std::uint32_t next = kNone;
  const std::uint32_t* successors = graph_.successors_.data();
  // The successors' slots are misses on a large graph: start them all before the first
  // (serialising) count-down.
  for (std::uint32_t i = node.first_successor; i < node.end_successor; ++i) {
    __builtin_prefetch(&nodes_[successors[i] & kIndex], 1);
  }
  for (std::uint32_t i = node.first_successor; i < node.end_successor; ++i) {
    arrive(me, successors[i], succeeded, next);
  }
  if (tell_parent && (node.flags & kInGroup)) {
    child_finished(me, graph_.parent(v), next);
  }
  return next;
}

void FastRun::arrive(Worker& me, std::uint32_t entry, bool clean, std::uint32_t& next) {
  std::uint32_t s = entry & kIndex;
  std::uint32_t dirty = clean ? 0 : kDirty;
  if (!(entry & kSoleArrival)) {
    auto count = counter(nodes_[s].pending);
    if (dirty) count.fetch_or(kDirty, std::memory_order_relaxed);
    std::uint32_t before = count.fetch_sub(1, std::memory_order_acq_rel);
    if ((before & kIndex) != 1) return;
    dirty |= before & kDirty;
  }
  // Ready: what running it reads next is its callable and its successors (its slot is here).
  const FastGraph::Node& ready = nodes_[s];
  if (ready.callable >= 0)
    __builtin_prefetch(&callables_[static_cast<std::size_t>(ready.callable)]);
  __builtin_prefetch(&graph_.successors_.data()[ready.first_successor]);
  make_ready(me, s | dirty, next);
}

// The first item made ready is the caller's continuation; the others go on its deque.
void FastRun::make_ready(Worker& me, std::uint32_t item, std::uint32_t& next) {
  if (next == kNone) {
    next = item;
    return;
  }
  me.deque.push(item);
  if (sleepers_.load(std::memory_order_seq_cst) != 0) {
    wake_epoch_.fetch_add(1, std::memory_order_seq_cst);
    wake_epoch_.notify_one();
  }
}

namespace {

int fast_path_jobs(const model::Workflow& settings, const EngineOptions& options) {
  return options.concurrency > 0 ? options.concurrency : analyze::default_jobs(settings);
}

}  // namespace

int fast_path_threads(const model::Workflow& settings, const EngineOptions& options) {
  int jobs = fast_path_jobs(settings, options);
  return options.threads > 0 ? std::min(options.threads, jobs) : jobs;
}

void run_fast_path(RunRecord& record, FastGraph graph, const model::Workflow& settings,
                   const std::vector<Callable>& callables, const EngineOptions& options,
                   lib::CancelSignal& cancel) {
  int jobs = fast_path_jobs(settings, options);
  record.id = store::new_run_id();
  auto threads = static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(fast_path_threads(settings, options)),
                            std::max<std::size_t>(1, graph.leaves())));
  auto run = std::make_shared<FastRun>(std::move(graph), callables, record.id);
  run->execute(threads, cancel);
  FastRun::record(run, record, jobs);
}

}  // namespace baton::detail
