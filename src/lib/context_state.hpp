// What a Context reads and writes during one call: the attempt's input, its token, the outputs
// it sets and its log, opened on first use (most callables never log).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "baton/context.hpp"
#include "engine/launch.hpp"

namespace baton::detail {

/// A call's input kept elsewhere than in an engine::CallInput: the fast path (lib/fast_path.cpp)
/// answers from its own per-task arrays, so that a call costs no allocation unless it reads or
/// logs something. Its calls are first attempts outside fan-outs, never compensations.
class CallSource {
 public:
  virtual const std::string& run_id() const = 0;
  virtual const std::string& task(std::uint32_t node) const = 0;
  /// The output `key` of `task` as the call of `node` sees it (`task` must be upstream of
  /// `node` or of one of its groups), or null.
  virtual const std::string* find_input(std::uint32_t node, std::string_view task,
                                        std::string_view key) const = 0;
  /// The file the attempt of `node` logs to.
  virtual std::string log_path(std::uint32_t node) const = 0;

 protected:
  ~CallSource() = default;
};

struct ContextState {
  std::shared_ptr<const engine::CallInput> input;  ///< Null when `source` is set.
  const CallSource* source = nullptr;  ///< Set (with `node`) instead of `input` by the fast path.
  std::uint32_t node = 0;
  CancellationToken token;
  std::map<std::string, std::string> outputs;
  std::string log_path;  ///< With `source`: empty until the call logs.
  std::FILE* log = nullptr;

  ContextState() = default;
  ContextState(const ContextState&) = delete;
  ContextState& operator=(const ContextState&) = delete;
  ~ContextState() {
    if (log) std::fclose(log);
  }
};

}  // namespace baton::detail
