#include "report/group_state.hpp"

#include <algorithm>

namespace baton::report {

std::string group_state(const std::vector<const store::TaskRow*>& leaves, bool run_live) {
  if (leaves.empty()) return "pending";
  auto any = [&](auto predicate) { return std::any_of(leaves.begin(), leaves.end(), predicate); };
  auto in = [](const store::TaskRow* row, std::initializer_list<std::string_view> states) {
    return std::find(states.begin(), states.end(), row->state) != states.end();
  };
  if (any([](const auto* row) {
        return (row->state == "failed" && !row->failure_ignored) ||
               row->state == "compensation_failed";
      })) {
    return "failed";
  }
  if (any([&](const auto* row) {
        return in(row, {"ready", "running", "retrying", "waiting", "compensating"});
      })) {
    return "running";
  }
  if (std::all_of(leaves.begin(), leaves.end(),
                  [](const auto* row) { return row->state == "skipped"; })) {
    return "skipped";
  }
  if (any([](const auto* row) { return row->state == "pending"; })) {
    return run_live ? "running" : "pending";
  }
  if (any([](const auto* row) { return row->state == "cancelled"; })) return "cancelled";
  if (any([](const auto* row) { return row->state == "compensated"; })) return "compensated";
  return "succeeded";
}

}  // namespace baton::report
