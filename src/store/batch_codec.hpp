// A Batch as bytes, for the run's journal (store/run_journal): written where a task's exit is
// handed to its dependent's start, read back only after a crash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace baton::store {

/// Appends `batch` to `out`.
void encode(const Batch& batch, std::string& out);

/// The batch `bytes` hold, as encode() wrote it; nullopt if they are not one (cut short or
/// damaged). Batch::journal_seq is not part of the bytes.
std::optional<Batch> decode(std::string_view bytes);

}  // namespace baton::store
