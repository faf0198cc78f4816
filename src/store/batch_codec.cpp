// Written by hand, not with a serialization library: this runs on the hand-off between a task's
// exit and its dependent's start (a chain's every link), where a JSON or CBOR document
// (nlohmann) allocates per field. The layout is flat: integers little-endian, 8 bytes; a string
// or a list is its length, then its contents; an optional is a 0 or 1 byte, then its value.
#include "store/batch_codec.hpp"

#include <cstdint>

namespace baton::store {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void number(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  void flag(bool b) { out_.push_back(b ? 1 : 0); }
  void text(std::string_view s) {
    number(static_cast<std::int64_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }
  std::int64_t number() {
    if (!take(8)) return 0;
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i)
      u |= std::uint64_t{static_cast<unsigned char>(taken_[i])} << (8 * i);
    return static_cast<std::int64_t>(u);
  }
  bool flag() { return take(1) && taken_[0] != 0; }
  std::string text() {
    auto size = number();
    if (size < 0 || !take(static_cast<std::size_t>(size))) return {};
    return std::string(taken_);
  }
  /// A list's length, bounded by what is left (each item takes at least a byte), so that a
  /// damaged length cannot ask for a huge allocation.
  std::size_t count() {
    auto n = number();
    if (n < 0 || static_cast<std::uint64_t>(n) > in_.size()) ok_ = false;
    return ok_ ? static_cast<std::size_t>(n) : 0;
  }

 private:
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

void put(Writer& w, const TaskRow& t) {
  w.text(t.path);
  w.text(t.state);
  w.text(t.reason);
  w.flag(t.failure_ignored);
  w.flag(t.skipped_upstream_failed);
  w.text(t.item);
  w.number(t.item_index);
  w.number(t.attempt_base);
}

void get(Reader& r, TaskRow& t) {
  t.path = r.text();
  t.state = r.text();
  t.reason = r.text();
  t.failure_ignored = r.flag();
  t.skipped_upstream_failed = r.flag();
  t.item = r.text();
  t.item_index = static_cast<int>(r.number());
  t.attempt_base = static_cast<int>(r.number());
}

void put(Writer& w, const AttemptRow& a) {
  w.text(a.path);
  w.number(static_cast<std::int64_t>(a.step));
  w.number(a.number);
  w.number(a.pid);
  w.number(a.start);
  w.number(a.end);
  w.number(a.exit_code);
  w.number(a.signal);
  w.flag(a.timed_out);
  w.text(a.log);
  w.text(a.error);
  w.text(a.decision);
}

void get(Reader& r, AttemptRow& a) {
  a.path = r.text();
  auto step = r.number();
  if (step < 0 || step > static_cast<std::int64_t>(StepKind::kWait)) step = 0;
  a.step = static_cast<StepKind>(step);
  a.number = static_cast<int>(r.number());
  a.pid = r.number();
  a.start = r.number();
  a.end = r.number();
  a.exit_code = static_cast<int>(r.number());
  a.signal = static_cast<int>(r.number());
  a.timed_out = r.flag();
  a.log = r.text();
  a.error = r.text();
  a.decision = r.text();
}

void put(Writer& w, const BreakerRow& b) {
  w.text(b.breaker);
  w.text(b.from);
  w.text(b.to);
  w.text(b.why);
  w.number(b.at);
}

void get(Reader& r, BreakerRow& b) {
  b.breaker = r.text();
  b.from = r.text();
  b.to = r.text();
  b.why = r.text();
  b.at = r.number();
}

void put(Writer& w, const RunRow& run) {
  w.text(run.id);
  w.text(run.workflow);
  w.text(run.file);
  w.text(run.workflow_text);
  w.text(run.status);
  w.number(run.started);
  w.number(run.ended);
  w.number(run.pid);
  w.number(run.pid_start);
  w.text(run.host);
  w.number(run.jobs);
  w.number(static_cast<std::int64_t>(run.overrides.size()));
  for (const auto& o : run.overrides) w.text(o);
}

void get(Reader& r, RunRow& run) {
  run.id = r.text();
  run.workflow = r.text();
  run.file = r.text();
  run.workflow_text = r.text();
  run.status = r.text();
  run.started = r.number();
  run.ended = r.number();
  run.pid = r.number();
  run.pid_start = r.number();
  run.host = r.text();
  run.jobs = static_cast<int>(r.number());
  run.overrides.resize(r.count());
  for (auto& o : run.overrides) o = r.text();
}

}  // namespace

void encode(const Batch& batch, std::string& out) {
  Writer w(out);
  w.number(static_cast<std::int64_t>(batch.tasks.size()));
  for (const auto& t : batch.tasks) put(w, t);
  w.number(static_cast<std::int64_t>(batch.attempts.size()));
  for (const auto& a : batch.attempts) put(w, a);
  w.number(static_cast<std::int64_t>(batch.outputs.size()));
  for (const auto& [path, outputs] : batch.outputs) {
    w.text(path);
    w.number(static_cast<std::int64_t>(outputs.size()));
    for (const auto& [key, value] : outputs) {
      w.text(key);
      w.text(value);
    }
  }
  w.number(static_cast<std::int64_t>(batch.breakers.size()));
  for (const auto& b : batch.breakers) put(w, b);
  w.flag(batch.run.has_value());
  if (batch.run) put(w, *batch.run);
}

std::optional<Batch> decode(std::string_view bytes) {
  Reader r(bytes);
  Batch batch;
  batch.tasks.resize(r.count());
  for (auto& t : batch.tasks) get(r, t);
  batch.attempts.resize(r.count());
  for (auto& a : batch.attempts) get(r, a);
  batch.outputs.resize(r.count());
  for (auto& [path, outputs] : batch.outputs) {
    path = r.text();
    for (std::size_t n = r.count(); n > 0 && r.ok(); --n) {
      auto key = r.text();
      outputs[key] = r.text();
    }
  }
  batch.breakers.resize(r.count());
  for (auto& b : batch.breakers) get(r, b);
  if (r.flag()) get(r, batch.run.emplace());
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return batch;
}

}  // namespace baton::store
