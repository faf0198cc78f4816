#include "model/workflow.hpp"

#include <algorithm>

namespace baton {
namespace {

template <typename T>
void fill(std::optional<T>& field, const std::optional<T>& farther) {
  if (!field && farther) field = farther;
}

}  // namespace

void RetryPolicy::inherit_from(const RetryPolicy& farther) {
  fill(strategy, farther.strategy);
  fill(max_attempts, farther.max_attempts);
  fill(delay, farther.delay);
  fill(initial_interval, farther.initial_interval);
  fill(backoff_coefficient, farther.backoff_coefficient);
  fill(max_interval, farther.max_interval);
  fill(jitter, farther.jitter);
  fill(non_retryable_exit_codes, farther.non_retryable_exit_codes);
  fill(retry_on_exit_codes, farther.retry_on_exit_codes);
  fill(retry_on_timeout, farther.retry_on_timeout);
}

namespace model {

void Settings::inherit_from(const Settings& farther) {
  retry.inherit_from(farther.retry);
  fill(timeout, farther.timeout);
  fill(deadline, farther.deadline);
  fill(kill_grace, farther.kill_grace);
  fill(priority, farther.priority);
  fill(on_failure, farther.on_failure);
  fill(cwd, farther.cwd);
  fill(pool, farther.pool);
  fill(breaker, farther.breaker);
  env.insert(farther.env.begin(), farther.env.end());  // insert keeps nearer keys
}

std::vector<NodeIndex> Workflow::leaves() const {
  std::vector<NodeIndex> out;
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    if (i != kRoot && nodes[i].is_leaf()) out.push_back(i);
  }
  return out;
}

bool Workflow::contains(NodeIndex ancestor, NodeIndex node) const {
  for (NodeIndex n = node; n != kNoNode; n = nodes[n].parent) {
    if (n == ancestor) return true;
  }
  return false;
}

std::vector<NodeIndex> Workflow::subtree_ends() const {
  std::vector<NodeIndex> ends(nodes.size());
  for (std::size_t n = nodes.size(); n-- > 0;) {
    NodeIndex next = static_cast<NodeIndex>(n);  // Where the next child must be, in pre-order.
    for (NodeIndex child : nodes[n].children) {
      if (child != next + 1) return {};
      next = ends[child];
    }
    ends[n] = next;
  }
  if (nodes.empty() || ends[kRoot] + 1 != nodes.size()) return {};
  return ends;
}

std::vector<std::string> Workflow::domains() const {
  std::vector<std::string> out;
  for (const auto& n : nodes) {
    if (!n.domain.empty() && std::find(out.begin(), out.end(), n.domain) == out.end()) {
      out.push_back(n.domain);
    }
  }
  return out;
}

std::uint64_t instance_count(const Workflow& workflow, NodeIndex node, bool own_foreach) {
  constexpr std::uint64_t kCap = kMaxInstances + 1;
  const Node& n = workflow.nodes[node];
  std::uint64_t one = 1;  // The unit of the node (or of one instance), then its subtree.
  for (NodeIndex child : n.children) one = std::min(kCap, one + instance_count(workflow, child));
  if (!own_foreach || !n.foreach) return one;
  if (n.foreach->is_dynamic()) return 1;
  std::uint64_t items = n.foreach->items.size();
  return items != 0 && one > (kCap - 1) / items ? kCap : std::min(kCap, 1 + items * one);
}

}  // namespace model
}  // namespace baton
