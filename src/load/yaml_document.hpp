// A parsed YAML (or JSON) document as a compact, read-only tree with the position of every node.
// Built from libyaml's event parser: yaml-cpp, measured here, took 1.2 s and 250 MB to load a
// 100,000-task file that libyaml parses in 0.2 s; this tree stores every node in 24 bytes and
// every scalar in one arena. Aliases share the anchored node; their expanded size is bounded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/workflow.hpp"

namespace baton::load::yaml {

class Document;

/// A handle to one node of a Document (cheap to copy; valid while the Document lives). A
/// default-constructed Node is "undefined": what a lookup of a missing key returns.
class Node {
 public:
  Node() = default;

  bool defined() const { return doc_ != nullptr; }
  bool is_null() const;
  bool is_scalar() const;  ///< Null counts as a scalar too (an empty value).
  bool is_sequence() const;
  bool is_map() const;
  /// The scalar's text; empty for non-scalars.
  std::string_view scalar() const;
  std::string text() const { return std::string(scalar()); }
  /// A scalar written without quotes or tag: only such a scalar can be a number or a boolean.
  bool is_plain() const;
  /// 1-based position; {0, 0} for an undefined node.
  model::SourcePos pos() const;

  /// Items of a sequence, or entries of a map.
  std::size_t size() const;
  Node item(std::size_t i) const;   ///< Sequences.
  Node key(std::size_t i) const;    ///< Maps: the i-th key.
  Node value(std::size_t i) const;  ///< Maps: the i-th value.
  /// The value of the first entry whose key is `name`, or an undefined Node.
  Node operator[](std::string_view name) const;
  explicit operator bool() const { return defined(); }

  /// `for (Node item : node.items())` over a sequence.
  struct ItemRange;
  ItemRange items() const;
  /// `for (auto [key, value] : node.entries())` over a map.
  struct EntryRange;
  EntryRange entries() const;

 private:
  friend class Document;
  Node(const Document* doc, std::uint32_t index) : doc_(doc), index_(index) {}

  const Document* doc_ = nullptr;
  std::uint32_t index_ = 0;
};

struct Node::ItemRange {
  struct Iterator {
    Node parent;
    std::size_t i;
    Node operator*() const { return parent.item(i); }
    Iterator& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i != other.i; }
  };
  Node parent;
  Iterator begin() const { return {parent, 0}; }
  Iterator end() const { return {parent, parent.is_sequence() ? parent.size() : 0}; }
};

struct Node::EntryRange {
  struct Entry {
    Node key, value;
  };
  struct Iterator {
    Node parent;
    std::size_t i;
    Entry operator*() const { return {parent.key(i), parent.value(i)}; }
    Iterator& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i != other.i; }
  };
  Node parent;
  Iterator begin() const { return {parent, 0}; }
  Iterator end() const { return {parent, parent.is_map() ? parent.size() : 0}; }
};

struct ParseError {
  std::string message;
  model::SourcePos pos;
};

class Document {
 public:
  /// Parses the first document of `text`. On a syntax error, `error()` says what and where.
  static Document parse(std::string_view text);

  const std::optional<ParseError>& error() const { return error_; }
  Node root() const { return nodes_.empty() ? Node() : Node(this, 0); }

 private:
  friend class Node;
  friend class DocumentBuilder;
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };
  struct Data {
    Kind kind = Kind::kNull;
    bool plain = false;
    std::uint32_t line = 0, column = 0;  // 0-based, as libyaml reports them.
    std::uint32_t first = 0;             // Scalar: arena offset; container: first child slot.
    std::uint32_t count = 0;             // Scalar: length; container: child slots.
  };

  std::vector<Data> nodes_;
  std::vector<std::uint32_t> children_;  // Container children; maps alternate key, value.
  std::string arena_;                    // Scalar text.
  std::optional<ParseError> error_;
};

}  // namespace baton::load::yaml
