#include "analyze/history.hpp"

#include <map>

namespace baton::analyze {
namespace {

// `region[1].deploy[0]` -> `region.deploy`: the model node an instance path stands for.
std::string node_path(const std::string& instance_path) {
  std::string out;
  out.reserve(instance_path.size());
  for (std::size_t i = 0; i < instance_path.size(); ++i) {
    if (instance_path[i] == '[') {
      auto close = instance_path.find(']', i);
      if (close == std::string::npos) break;
      i = close;
      continue;
    }
    out += instance_path[i];
  }
  return out;
}

}  // namespace

int apply_history(model::Workflow& workflow,
                  const std::vector<std::pair<std::string, Duration>>& recorded) {
  std::map<std::string, std::pair<Duration, int>> sums;
  for (const auto& [path, duration] : recorded) {
    auto& [total, count] = sums[node_path(path)];
    total += duration;
    ++count;
  }
  int applied = 0;
  for (auto& node : workflow.nodes) {
    if (!node.is_leaf()) continue;
    auto it = sums.find(node.path);
    if (it == sums.end()) continue;
    node.estimate = it->second.first / it->second.second;
    ++applied;
  }
  return applied;
}

}  // namespace baton::analyze
