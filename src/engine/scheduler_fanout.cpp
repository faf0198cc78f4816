// Dynamic fan-out (SPEC 2.5): when a `foreach: {from, output}` node opens, its source's output
// becomes its items, one instance each, bounded like a static fan-out; a missing output or too
// many items fails it, as one task.
#include <fmt/format.h>

#include "engine/outputs.hpp"
#include "engine/scheduler.hpp"
#include "model/workflow.hpp"

namespace baton::engine {

void Scheduler::open_dynamic_fanout(UnitIndex u) {
  const model::Node& node = graph_.node_of(u);
  const auto& fe = *node.foreach;
  const model::Node& source = graph_.workflow().node(fe.from_node);
  const std::string* text = nullptr;
  for (UnitIndex up : graph_.unit(u).upstream) {
    if (graph_.unit(up).node != fe.from_node) continue;
    if (auto it = graph_.unit(up).outputs.find(fe.output); it != graph_.unit(up).outputs.end()) {
      text = &it->second;
    }
  }
  if (!text && options_.dry_run) {
    graph_.expand(u, {fmt::format("(items of {}.{})", source.path, fe.output)});
    return;
  }
  if (!text) {
    graph_.unit(u).state = TaskState::kFailed;
    graph_.unit(u).reason =
        fmt::format("'{}' wrote no output '{}' to fan out over", source.path, fe.output);
    failed_ = true;
    emit(RunEventKind::kTaskFailed, u);  // The fan-out stands for its tasks, as one.
    finish(u);
    return;
  }
  auto items = fanout_items(*text);
  std::string refused;
  // Each item instantiates the subtree: bounded like a static fan-out (model::kMaxInstances).
  std::uint64_t per_item = model::instance_count(graph_.workflow(), graph_.unit(u).node, false);
  auto nul = std::find_if(items.begin(), items.end(), [](const std::string& item) {
    return item.find('\0') != std::string::npos;
  });
  if (nul != items.end()) {  // `"\u0000"` in a JSON list: no argument could carry it whole.
    refused = fmt::format(
        "item {} holds a NUL byte, which no argument or environment variable "
        "can carry",
        nul - items.begin());
  } else if (items.size() > static_cast<std::size_t>(fe.max_items)) {
    refused = fmt::format("{} items, more than max_items ({})", items.size(), fe.max_items);
  } else if (graph_.units().size() + items.size() * per_item > model::kMaxInstances) {
    refused = fmt::format("{} items × {} tasks and groups, more than the {} a run may hold",
                          items.size(), per_item, model::kMaxInstances);
  }
  if (!refused.empty()) {
    graph_.unit(u).state = TaskState::kFailed;
    graph_.unit(u).reason = std::move(refused);
    failed_ = true;
    emit(RunEventKind::kTaskFailed, u);
    finish(u);
    return;
  }
  auto instances = graph_.expand(u, items);
  if (options_.restore) {
    for (UnitIndex instance : instances) {
      for (UnitIndex v : graph_.leaves_under(instance)) {
        if (options_.restore(graph_.unit(v)) && options_.journal) {
          options_.journal->unit_changed(graph_, v);
        }
      }
    }
  }
}

}  // namespace baton::engine
