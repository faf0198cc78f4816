#include "load/path_index.hpp"

#include <bit>
#include <functional>

namespace baton::load {
namespace {

std::uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::uint32_t tag_of(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

}  // namespace

PathIndex::PathIndex(std::size_t expected) : slots_(std::bit_ceil(2 * expected + 2)) {}

std::size_t PathIndex::locate(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const std::uint32_t tag = tag_of(hash);
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.node == kEmpty || (slot.tag == tag && key_of(slot) == key)) return i;
  }
}

std::pair<model::NodeIndex, bool> PathIndex::emplace(std::string_view key, model::NodeIndex node) {
  if (2 * (size_ + 1) > slots_.size()) grow();
  const std::uint64_t hash = hash_of(key);
  Slot& slot = slots_[locate(key, hash)];
  if (slot.node != kEmpty) return {slot.node, false};
  slot = {text_.size(), static_cast<std::uint32_t>(key.size()), tag_of(hash), node};
  text_.append(key);
  ++size_;
  return {node, true};
}

void PathIndex::assign(std::string_view key, model::NodeIndex node) {
  Slot& slot = slots_[locate(key, hash_of(key))];
  if (slot.node != kEmpty) slot.node = node;
}

std::optional<model::NodeIndex> PathIndex::find(std::string_view key) const {
  const Slot& slot = slots_[locate(key, hash_of(key))];
  if (slot.node == kEmpty) return std::nullopt;
  return slot.node;
}

void PathIndex::prefetch(std::string_view key) const {
  __builtin_prefetch(&slots_[hash_of(key) & (slots_.size() - 1)]);
}

void PathIndex::grow() {
  std::vector<Slot> old(2 * slots_.size());
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.node == kEmpty) continue;
    std::size_t i = hash_of(key_of(slot)) & mask;
    while (slots_[i].node != kEmpty) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace baton::load
