// Written by hand, not with a serialization library: this runs on the hand-off between a task's
// exit and its dependent's start (a chain's every link), where a JSON or CBOR document
// (nlohmann) allocates per field. The layout is flat: integers little-endian, 8 bytes; a string
// or a list is its length, then its contents; an optional is a 0 or 1 byte, then its value.
#include "store/batch_codec.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace baton::store {
namespace {

// Each row kind's fields are listed once (the *_fields lambdas below) and walked by a Writer,
// which encodes them, or a Reader, which decodes them: the two cannot disagree on the order.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void operator()(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  void operator()(int v) { (*this)(static_cast<std::int64_t>(v)); }
  void operator()(bool b) { out_.push_back(b ? 1 : 0); }
  void operator()(StepKind step) { (*this)(static_cast<std::int64_t>(step)); }
  void operator()(const std::string& s) {
    size(s);
    out_.append(s);
  }
  void operator()(const std::vector<std::string>& list) {
    size(list);
    for (const auto& item : list) (*this)(item);
  }
  void operator()(const std::map<std::string, std::string>& map) {
    size(map);
    for (const auto& [key, value] : map) {
      (*this)(key);
      (*this)(value);
    }
  }
  template <typename Rows, typename Fields>
  void rows(const Rows& list, Fields fields) {
    size(list);
    for (const auto& row : list) fields(*this, row);
  }
  template <typename Row, typename Fields>
  void optional(const std::optional<Row>& row, Fields fields) {
    (*this)(row.has_value());
    if (row) fields(*this, *row);
  }

 private:
  void size(const auto& container) { (*this)(static_cast<std::int64_t>(container.size())); }

  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

  void operator()(std::int64_t& v) {
    std::uint64_t u = 0;
    if (take(8)) {
      for (int i = 0; i < 8; ++i) {
        u |= std::uint64_t{static_cast<unsigned char>(taken_[i])} << (8 * i);
      }
    }
    v = static_cast<std::int64_t>(u);
  }
  void operator()(int& v) {
    std::int64_t wide = 0;
    (*this)(wide);
    v = static_cast<int>(wide);
  }
  void operator()(bool& b) { b = take(1) && taken_[0] != 0; }
  void operator()(StepKind& step) {
    std::int64_t v = 0;
    (*this)(v);
    step = v >= 0 && v <= static_cast<std::int64_t>(StepKind::kWait) ? static_cast<StepKind>(v)
                                                                     : StepKind::kTask;
  }
  void operator()(std::string& s) {
    std::int64_t size = 0;
    (*this)(size);
    s = size >= 0 && take(static_cast<std::size_t>(size)) ? std::string(taken_) : std::string();
  }
  void operator()(std::vector<std::string>& list) {
    list.resize(count());
    for (auto& item : list) (*this)(item);
  }
  void operator()(std::map<std::string, std::string>& map) {
    for (std::size_t n = count(); n > 0 && ok_; --n) {
      std::string key;
      (*this)(key);
      (*this)(map[key]);
    }
  }
  template <typename Rows, typename Fields>
  void rows(Rows& list, Fields fields) {
    list.resize(count());
    for (auto& row : list) fields(*this, row);
  }
  template <typename Row, typename Fields>
  void optional(std::optional<Row>& row, Fields fields) {
    bool present = false;
    (*this)(present);
    if (present) fields(*this, row.emplace());
  }

 private:
  /// A list's length, bounded by what is left (each item takes at least a byte), so that a
  /// damaged length cannot ask for a huge allocation.
  std::size_t count() {
    std::int64_t n = 0;
    (*this)(n);
    if (n < 0 || static_cast<std::uint64_t>(n) > in_.size()) ok_ = false;
    return ok_ ? static_cast<std::size_t>(n) : 0;
  }
  bool take(std::size_t n) {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return false;
    }
    taken_ = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }

  std::string_view in_, taken_;
  bool ok_ = true;
};

// The row is const for a Writer.
constexpr auto task_fields = [](auto& io, auto& t) {
  io(t.path);
  io(t.state);
  io(t.reason);
  io(t.failure_ignored);
  io(t.skipped_upstream_failed);
  io(t.item);
  io(t.item_index);
  io(t.attempt_base);
};

constexpr auto attempt_fields = [](auto& io, auto& a) {
  io(a.path);
  io(a.step);
  io(a.number);
  io(a.pid);
  io(a.start);
  io(a.end);
  io(a.exit_code);
  io(a.signal);
  io(a.timed_out);
  io(a.log);
  io(a.error);
  io(a.decision);
};

constexpr auto output_fields = [](auto& io, auto& path_and_outputs) {
  io(path_and_outputs.first);
  io(path_and_outputs.second);
};

constexpr auto breaker_fields = [](auto& io, auto& b) {
  io(b.breaker);
  io(b.from);
  io(b.to);
  io(b.why);
  io(b.at);
};

constexpr auto run_fields = [](auto& io, auto& run) {
  io(run.id);
  io(run.workflow);
  io(run.file);
  io(run.workflow_text);
  io(run.status);
  io(run.started);
  io(run.ended);
  io(run.pid);
  io(run.pid_start);
  io(run.host);
  io(run.jobs);
  io(run.overrides);
};

constexpr auto batch_fields = [](auto& io, auto& batch) {
  io.rows(batch.tasks, task_fields);
  io.rows(batch.attempts, attempt_fields);
  io.rows(batch.outputs, output_fields);
  io.rows(batch.breakers, breaker_fields);
  io.optional(batch.run, run_fields);
};

}  // namespace

void encode(const Batch& batch, std::string& out) {
  Writer writer(out);
  batch_fields(writer, batch);
}

std::optional<Batch> decode(std::string_view bytes) {
  Reader reader(bytes);
  Batch batch;
  batch_fields(reader, batch);
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return batch;
}

}  // namespace baton::store
