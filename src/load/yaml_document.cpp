#include "load/yaml_document.hpp"

#include <fmt/format.h>
#include <yaml.h>

#include <algorithm>
#include <map>

namespace baton::load::yaml {
namespace {

// Hostile-input bounds: nesting (our readers walk the tree recursively) and the size of the tree
// as readers see it, every alias expanded (a "billion laughs" document is tiny but expands
// exponentially). A 1,000,000-task workflow is 5 to 15 million nodes. Aliases may expand a
// document to 10 nodes per byte of its text (at least a million): sharing a block of settings
// among many tasks stays far below that, while a 500-byte file can no longer mean a million
// tasks and a gigabyte of memory.
constexpr std::size_t kMaxDepth = 1000;
constexpr std::uint64_t kMaxExpandedNodes = 50'000'000;
constexpr std::uint64_t kExpandedNodesPerByte = 10;
constexpr std::uint64_t kMinExpansionBudget = 1'000'000;

bool is_null_text(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

}  // namespace

class DocumentBuilder {
 public:
  explicit DocumentBuilder(Document& doc) : doc_(doc) {}

  void run(std::string_view text) {
    text_ = text;
    budget_ = std::clamp<std::uint64_t>(kExpandedNodesPerByte * text.size(), kMinExpansionBudget,
                                        kMaxExpandedNodes);
    // Room for what a workflow file usually holds (a node per ~6 bytes, its scalars' text), so
    // that the vectors are not copied as they grow: their doubling was a sixth of the load.
    // Pages not written to are never touched.
    doc_.nodes_.reserve(text.size() / 6);
    doc_.children_.reserve(text.size() / 6);
    doc_.arena_.reserve(text.size());
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    bool done = false;
    while (!done && !doc_.error_) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        syntax_error(parser);
        break;
      }
      done = handle(event);
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
  }

 private:
  struct Frame {
    std::uint32_t node;
    std::size_t pending_begin;
    std::uint64_t weight;
    std::size_t height = 0;  // Levels below it, aliases expanded.
  };
  struct Anchor {
    std::uint32_t node;
    std::uint64_t weight;  // Nodes in its tree, aliases expanded.
    std::size_t height;    // Levels in its tree, aliases expanded.
  };

  // Returns true at the end of the first document.
  bool handle(const yaml_event_t& event) {
    const auto& mark = event.start_mark;
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = event.data.scalar;
        std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
        bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr;
        auto index = add_node(
            plain && is_null_text(text) ? Document::Kind::kNull : Document::Kind::kScalar, mark);
        auto& data = doc_.nodes_[index];
        data.plain = plain;
        data.first = static_cast<std::uint32_t>(doc_.arena_.size());
        data.count = static_cast<std::uint32_t>(text.size());
        doc_.arena_.append(text);
        remember_anchor(s.anchor, index, 1);
        if (!count(1, mark)) return true;
        attach(index, 1, 0);
        return false;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (stack_.size() >= kMaxDepth) {
          refuse(fmt::format("it nests deeper than {} levels", kMaxDepth), mark);
          return true;
        }
        if (!count(1, mark)) return true;
        bool map = event.type == YAML_MAPPING_START_EVENT;
        auto index = add_node(map ? Document::Kind::kMap : Document::Kind::kSequence, mark);
        const yaml_char_t* anchor =
            map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
        stack_.push_back({index, pending_.size(), 1, 0});
        anchors_of_open_.push_back(anchor ? reinterpret_cast<const char*>(anchor) : "");
        return false;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = stack_.back();
        stack_.pop_back();
        auto& data = doc_.nodes_[frame.node];
        data.first = static_cast<std::uint32_t>(doc_.children_.size());
        data.count = static_cast<std::uint32_t>(pending_.size() - frame.pending_begin);
        doc_.children_.insert(doc_.children_.end(), pending_.begin() + frame.pending_begin,
                              pending_.end());
        pending_.resize(frame.pending_begin);
        std::string anchor = std::move(anchors_of_open_.back());
        anchors_of_open_.pop_back();
        if (!anchor.empty()) anchors_[anchor] = {frame.node, frame.weight, frame.height + 1};
        attach(frame.node, frame.weight, frame.height + 1);  // Counted already, node by node.
        return false;
      }
      case YAML_ALIAS_EVENT: {
        std::string name(reinterpret_cast<const char*>(event.data.alias.anchor));
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          fail(fmt::format("unknown alias '*{}'", name), mark);
          return true;
        }
        aliases_ = true;
        // The loader walks the tree as expanded: an alias to a deep tree nests it again here.
        if (stack_.size() + it->second.height > kMaxDepth) {
          refuse(fmt::format("its aliases nest deeper than {} levels", kMaxDepth), mark);
          return true;
        }
        if (!count(it->second.weight, mark)) return true;
        attach(it->second.node, it->second.weight, it->second.height);
        return false;
      }
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) {
          fail("the file holds more than one YAML document ('---'); a workflow file holds one",
               mark);
          return true;
        }
        return false;
      case YAML_STREAM_END_EVENT:  // A stream of comments only has no document at all.
        return true;
      default:
        return false;
    }
  }

  std::uint32_t add_node(Document::Kind kind, const yaml_mark_t& mark) {
    Document::Data data;
    data.kind = kind;
    data.line = static_cast<std::uint32_t>(mark.line);
    data.column = static_cast<std::uint32_t>(mark.column);
    doc_.nodes_.push_back(data);
    return static_cast<std::uint32_t>(doc_.nodes_.size() - 1);
  }

  void remember_anchor(const yaml_char_t* anchor, std::uint32_t index, std::uint64_t weight) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = {index, weight, 0};
  }

  // Adds `weight` nodes (an alias: the size of its anchored tree) to the size of the tree as
  // readers will walk it; false, with the document refused, past the bound.
  bool count(std::uint64_t weight, const yaml_mark_t& mark) {
    total_ = std::min(kMaxExpandedNodes + 1, total_ + weight);
    if (total_ <= (aliases_ ? budget_ : kMaxExpandedNodes)) return true;
    refuse(aliases_ ? fmt::format("its aliases expand to more than {} nodes (a file's aliases "
                                  "may expand it to {} nodes per byte, and at least {})",
                                  budget_, kExpandedNodesPerByte, kMinExpansionBudget)
                    : fmt::format("it has more than {} nodes", kMaxExpandedNodes),
           mark);
    return false;
  }

  // Adds a finished node, of `weight` nodes once expanded, to the open container (or leaves it
  // as the root).
  void attach(std::uint32_t index, std::uint64_t weight, std::size_t height) {
    if (stack_.empty()) return;
    pending_.push_back(index);
    stack_.back().weight = std::min(kMaxExpandedNodes + 1, stack_.back().weight + weight);
    stack_.back().height = std::max(stack_.back().height, height);
  }

  void syntax_error(const yaml_parser_t& parser) {
    if (parser.error == YAML_READER_ERROR) {
      reader_error(parser);
      return;
    }
    std::string problem = parser.problem ? parser.problem : "unreadable document";
    std::string_view context = parser.context ? parser.context : "";
    // The commonest slip, an unclosed quote, is reported where the string starts, not at the end
    // of the file where libyaml noticed it.
    if (context == "while scanning a quoted scalar" &&
        problem == "found unexpected end of stream") {
      fail("unclosed quoted string: expected a closing quote", parser.context_mark);
      return;
    }
    if (!context.empty()) {
      problem += fmt::format(" ({} that starts at line {}, column {})", context,
                             parser.context_mark.line + 1, parser.context_mark.column + 1);
    }
    // `- [a, b] >> c` unquoted: YAML reads a list, then `>` as the start of a folded string.
    if (context == "while scanning a block scalar" &&
        line_at(parser.problem_mark).find("] >") != std::string_view::npos) {
      problem += "; a `flow` chain that starts with '[' needs quotes: - \"[a, b] >> c\"";
    }
    fail(problem, parser.problem_mark);
  }

  // The text of the line `mark` is on.
  std::string_view line_at(const yaml_mark_t& mark) const {
    std::size_t start = 0;
    for (std::size_t line = 0; line < mark.line && start != std::string_view::npos; ++line) {
      start = text_.find('\n', start);
      if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos || start > text_.size()) return {};
    std::string_view rest = text_.substr(start);
    return rest.substr(0, rest.find('\n'));
  }

  // libyaml's reader (bad UTF-8, control characters: binary files) gives a byte offset, not a
  // line and column; they are counted here, the column in characters as libyaml counts them.
  void reader_error(const yaml_parser_t& parser) {
    std::string_view problem = parser.problem ? parser.problem : "unreadable text";
    std::size_t offset = std::min(parser.problem_offset, text_.size());
    // libyaml names a bad continuation byte; the sequence it breaks starts at most 3 bytes
    // earlier, at a byte 11xxxxxx.
    if (problem == "invalid trailing UTF-8 octet") {
      for (int back = 0; back < 3 && offset > 0 && offset < text_.size() &&
                         (static_cast<unsigned char>(text_[offset]) & 0xC0) != 0xC0;
           ++back) {
        --offset;
      }
    }
    std::string_view before = text_.substr(0, offset);
    auto line_start = before.rfind('\n');
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    yaml_mark_t mark{};
    mark.line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    for (char c : before.substr(line_start)) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++mark.column;
    }
    if (problem == "control characters are not allowed") {
      fail(fmt::format("control character U+{:04X} in the text: is this a binary file?",
                       parser.problem_value),
           mark);
    } else if (problem.find("UTF-8") == std::string_view::npos || offset >= text_.size()) {
      fail(fmt::format("the file is not UTF-8 text: {}", problem), mark);
    } else {  // Latin-1 text, or binary: name the byte that starts the bad sequence.
      fail(fmt::format("the file is not UTF-8 text: byte 0x{:02X} does not start a valid UTF-8 "
                       "sequence (save the file as UTF-8)",
                       static_cast<unsigned char>(text_[offset])),
           mark);
    }
  }

  void fail(std::string message, const yaml_mark_t& mark) {
    report("malformed YAML: " + std::move(message), mark);
  }
  // Well-formed, but beyond what baton accepts from a workflow file.
  void refuse(std::string why, const yaml_mark_t& mark) {
    report("YAML document refused: " + std::move(why), mark);
  }
  void report(std::string message, const yaml_mark_t& mark) {
    if (doc_.error_) return;
    doc_.error_ = ParseError{std::move(message),
                             {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1}};
  }

  Document& doc_;
  std::vector<Frame> stack_;
  std::vector<std::string> anchors_of_open_;
  std::vector<std::uint32_t> pending_;
  std::map<std::string, Anchor> anchors_;
  std::uint64_t total_ = 0;   // Nodes so far, aliases expanded.
  std::uint64_t budget_ = 0;  // What aliases may expand the document to.
  bool aliases_ = false;
  int documents_ = 0;
  std::string_view text_;
};

Document Document::parse(std::string_view text) {
  Document doc;
  DocumentBuilder(doc).run(text);
  return doc;
}

bool Node::is_null() const {
  return defined() && doc_->nodes_[index_].kind == Document::Kind::kNull;
}
bool Node::is_scalar() const {
  if (!defined()) return false;
  auto kind = doc_->nodes_[index_].kind;
  return kind == Document::Kind::kScalar || kind == Document::Kind::kNull;
}
bool Node::is_sequence() const {
  return defined() && doc_->nodes_[index_].kind == Document::Kind::kSequence;
}
bool Node::is_map() const { return defined() && doc_->nodes_[index_].kind == Document::Kind::kMap; }

std::string_view Node::scalar() const {
  if (!is_scalar()) return {};
  const auto& data = doc_->nodes_[index_];
  return std::string_view(doc_->arena_).substr(data.first, data.count);
}

bool Node::is_plain() const { return is_scalar() && doc_->nodes_[index_].plain; }

model::SourcePos Node::pos() const {
  if (!defined()) return {};
  const auto& data = doc_->nodes_[index_];
  return {static_cast<int>(data.line) + 1, static_cast<int>(data.column) + 1};
}

std::size_t Node::size() const {
  if (is_sequence()) return doc_->nodes_[index_].count;
  if (is_map()) return doc_->nodes_[index_].count / 2;
  return 0;
}

Node Node::item(std::size_t i) const {
  return {doc_, doc_->children_[doc_->nodes_[index_].first + i]};
}
Node Node::key(std::size_t i) const {
  return {doc_, doc_->children_[doc_->nodes_[index_].first + 2 * i]};
}
Node Node::value(std::size_t i) const {
  return {doc_, doc_->children_[doc_->nodes_[index_].first + 2 * i + 1]};
}

Node Node::operator[](std::string_view name) const {
  if (!is_map()) return {};
  for (std::size_t i = 0; i < size(); ++i) {
    Node k = key(i);
    if (k.is_scalar() && k.scalar() == name) return value(i);
  }
  return {};
}

Node::ItemRange Node::items() const { return {*this}; }
Node::EntryRange Node::entries() const { return {*this}; }

}  // namespace baton::load::yaml
