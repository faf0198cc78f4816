#include "analyze/makespan.hpp"

#include <optional>
#include <queue>
#include <tuple>

namespace baton::analyze {
namespace {

// A ready leaf with its ordering keys copied in, so that the heap compares without reaching
// into the leaves (on a million tasks, two cache misses per comparison were most of its time).
struct Ready {
  int priority;
  Duration remaining;
  Vertex v;
};

// Orders ready leaves as the scheduler does: the top of the heap starts first.
struct StartsLater {
  bool operator()(const Ready& a, const Ready& b) const {
    return std::tuple(a.priority, a.remaining, b.v) < std::tuple(b.priority, b.remaining, a.v);
  }
};

using ReadyHeap = std::priority_queue<Ready, std::vector<Ready>, StartsLater>;

class Simulation {
 public:
  Simulation(const LeafGraph& graph, const std::vector<Duration>& remaining, int jobs,
             LimitChoice limits)
      : graph_(graph),
        remaining_(remaining),
        free_jobs_(jobs),
        limits_(limits),
        in_use_(graph.limits.size(), 0),
        waiting_(graph.limits.size()),
        waiting_for_(graph.dag.size(), 0) {
    result_.held_back.assign(graph.limits.size(), 0);
  }

  ScheduleEstimate run() {
    for (Vertex v = 0; v < graph_.dag.size(); ++v) {
      waiting_for_[v] = static_cast<std::uint32_t>(graph_.dag.predecessors(v).size());
      if (waiting_for_[v] == 0) ready_.push(ready(v));
    }
    while (!ready_.empty() || !running_.empty()) {
      start_what_fits();
      if (running_.empty()) break;  // Only possible if a limit can never be met.
      finish_next();
    }
    return std::move(result_);
  }

 private:
  Ready ready(Vertex v) const { return {graph_.leaves[v].priority, remaining_[v], v}; }

  int demand(Vertex v, std::uint32_t limit) const {
    return graph_.limits[limit].kind == Limit::Kind::kPool ? graph_.leaves[v].slots : 1;
  }

  void start_what_fits() {
    while (free_jobs_ > 0 && !ready_.empty()) {
      Ready entry = ready_.top();
      Vertex v = entry.v;
      ready_.pop();
      if (auto full = full_limit(v)) {
        ++result_.held_back[*full];
        waiting_[*full].push(entry);
        continue;
      }
      for (auto l : graph_.leaves[v].limits) {
        if (limits_.honours(l)) in_use_[l] += demand(v, l);
      }
      --free_jobs_;
      running_.push({now_ + graph_.leaves[v].estimate, v});
    }
  }

  std::optional<std::uint32_t> full_limit(Vertex v) const {
    for (auto l : graph_.leaves[v].limits) {
      if (limits_.honours(l) && in_use_[l] + demand(v, l) > graph_.limits[l].capacity) return l;
    }
    return std::nullopt;
  }

  void finish_next() {
    auto [end, v] = running_.top();
    running_.pop();
    now_ = end;
    result_.makespan = now_;
    ++free_jobs_;
    for (auto l : graph_.leaves[v].limits) {
      if (!limits_.honours(l)) continue;
      in_use_[l] -= demand(v, l);
      // Wake only what the freed capacity can take, so a busy pool costs O(1) per finish.
      int spare = graph_.limits[l].capacity - in_use_[l];
      while (!waiting_[l].empty() && demand(waiting_[l].top().v, l) <= spare) {
        spare -= demand(waiting_[l].top().v, l);
        ready_.push(waiting_[l].top());
        waiting_[l].pop();
      }
    }
    for (Vertex s : graph_.dag.successors(v)) {
      if (--waiting_for_[s] == 0) ready_.push(ready(s));
    }
  }

  using Running = std::pair<Duration, Vertex>;
  const LeafGraph& graph_;
  const std::vector<Duration>& remaining_;
  ReadyHeap ready_;
  std::priority_queue<Running, std::vector<Running>, std::greater<>> running_;
  int free_jobs_;
  LimitChoice limits_;
  std::vector<int> in_use_;
  std::vector<ReadyHeap> waiting_;
  std::vector<std::uint32_t> waiting_for_;
  Duration now_{0};
  ScheduleEstimate result_;
};

}  // namespace

ScheduleEstimate simulate_schedule(const LeafGraph& graph, const std::vector<Duration>& remaining,
                                   int jobs, LimitChoice limits) {
  return Simulation(graph, remaining, jobs, limits).run();
}

}  // namespace baton::analyze
