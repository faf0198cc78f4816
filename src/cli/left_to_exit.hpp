// The last large objects of a one-shot command, handed to the process's exit instead of being
// destroyed. A 10,000-task run ends with a scheduler, a report and its JSON document made of
// hundreds of thousands of small allocations: freeing them one by one took ~35 ms at the end of
// `baton run` (1% of the whole run), while the exit that follows returns all the memory at once.
// LLVM does the same for its compilers (llvm::BuryPointer, clang's -disable-free).
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

namespace baton::cli {

/// Moves `value` to the heap and never destroys it: for objects whose destructor only frees
/// memory or closes descriptors, which the exit does anyway. They stay reachable from a static,
/// so leak checkers do not report them.
template <typename T>
void leave_to_exit(T&& value) {
  static_assert(!std::is_lvalue_reference_v<T>, "move the object in: a copy would cost more");
  static auto* const kept = new std::vector<const void*>();  // Never freed, on purpose.
  kept->push_back(new T(std::move(value)));
}

}  // namespace baton::cli
