// The loader's index of node paths (or ids): a flat open-addressing table of (key, node).
//
// Written here rather than using std::unordered_map because on a million-task workflow the
// resolver's lookups were a fifth of `baton validate`: each went through a bucket, a list node
// and the key's bytes, three cache misses. Here a slot holds where its key is, a 32-bit tag of
// its hash and the node, and the keys are copied one after another into one buffer: a lookup is
// one miss for the slot and one for the bytes it compares, in tens of megabytes rather than
// anywhere in the model's half a gigabyte of nodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/workflow.hpp"

namespace baton::load {

class PathIndex {
 public:
  /// Room for `expected` keys without growing. Keys are copied.
  explicit PathIndex(std::size_t expected = 0);

  /// Adds `key` → `node` unless the key is there; returns the node held and whether it is new.
  std::pair<model::NodeIndex, bool> emplace(std::string_view key, model::NodeIndex node);
  /// Replaces the node held for a key that is there.
  void assign(std::string_view key, model::NodeIndex node);
  std::optional<model::NodeIndex> find(std::string_view key) const;
  /// Asks the CPU for the slot where a find(key) starts, ahead of it: independent lookups that
  /// each miss the cache then overlap.
  void prefetch(std::string_view key) const;

  std::size_t size() const { return size_; }
  /// Calls f(key, node) for every entry, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& slot : slots_) {
      if (slot.node != kEmpty) f(key_of(slot), slot.node);
    }
  }

 private:
  static constexpr model::NodeIndex kEmpty = model::kNoNode;
  struct Slot {
    std::size_t key_offset = 0;  // In text_.
    std::uint32_t key_size = 0;
    std::uint32_t tag = 0;
    model::NodeIndex node = kEmpty;
  };

  std::string_view key_of(const Slot& slot) const {
    return {text_.data() + slot.key_offset, slot.key_size};
  }

  /// The slot holding `key`, else the empty slot where it would go.
  std::size_t locate(std::string_view key, std::uint64_t hash) const;
  void grow();

  std::vector<Slot> slots_;  // A power of two, at most half full.
  std::string text_;         // The keys, one after another.
  std::size_t size_ = 0;
};

}  // namespace baton::load
