// Hand-written: the grammar is one line (chain := step ('>>' step)+, step := REF | '[' REF,* ']').
#include "load/flow.hpp"

#include <cctype>

namespace baton::load {
namespace {

class FlowScanner {
 public:
  FlowScanner(std::string_view text, model::SourcePos start) : text_(text), start_(start) {}

  FlowParse run() {
    FlowParse out;
    skip_blanks();
    if (at_end()) return fail("a flow chain needs at least two steps joined by '>>'");
    while (true) {
      std::vector<model::Reference> step;
      if (!read_step(step)) return fail();
      out.chain.steps.push_back(std::move(step));
      skip_blanks();
      if (at_end()) break;
      if (text_.substr(i_, 2) != ">>") return fail("expected '>>' between steps");
      i_ += 2;
      skip_blanks();
    }
    if (out.chain.steps.size() < 2) {
      error_ = "a flow chain needs at least two steps joined by '>>'";
      error_at_ = 0;
      return fail();
    }
    return out;
  }

 private:
  bool read_step(std::vector<model::Reference>& step) {
    if (at_end()) return set_error("expected a task reference or '[' after '>>'");
    if (text_[i_] != '[') return read_ref(step);
    ++i_;
    while (true) {
      skip_blanks();
      if (!read_ref(step)) return false;
      skip_blanks();
      if (!at_end() && text_[i_] == ',') {
        ++i_;
        continue;
      }
      if (!at_end() && text_[i_] == ']') {
        ++i_;
        return true;
      }
      return set_error("expected ',' or ']' in a list of steps");
    }
  }

  bool read_ref(std::vector<model::Reference>& step) {
    std::size_t begin = i_;
    while (!at_end() && is_ref_char(text_[i_])) ++i_;
    if (i_ == begin) return set_error("expected a task reference");
    step.push_back({std::string(text_.substr(begin, i_ - begin)), pos_at(begin)});
    return true;
  }

  static bool is_ref_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }
  bool at_end() const { return i_ >= text_.size(); }
  void skip_blanks() {
    while (!at_end() && (text_[i_] == ' ' || text_[i_] == '\t')) ++i_;
  }
  bool set_error(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_at_ = i_;
    }
    return false;
  }
  FlowParse fail(std::string message = {}) {
    if (!message.empty()) set_error(std::move(message));
    FlowParse out;
    out.error = error_;
    out.error_pos = pos_at(error_at_);
    return out;
  }
  model::SourcePos pos_at(std::size_t offset) const {
    return {start_.line, start_.column + static_cast<int>(offset)};
  }

  std::string_view text_;
  model::SourcePos start_;
  std::size_t i_ = 0;
  std::string error_;
  std::size_t error_at_ = 0;
};

}  // namespace

FlowParse parse_flow(std::string_view text, model::SourcePos start) {
  return FlowScanner(text, start).run();
}

}  // namespace baton::load
