// SPEC 4's write-ahead, made cheap for the turn it delays: a commit appends the turn's batch to
// the run's journal file (one write(2), no SQL), and the store gets it in its own transaction
// once the loop has started what the commit allowed and is about to wait. A run that dies in
// between leaves the journal behind; whoever next reads the run from the store brings it in
// (Store::recover). The format is in docs/state.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace baton::store {

class RunJournal {
 public:
  /// Creates the journal at `path`, empty, and locks it (flock) for as long as this object
  /// lives, so that no other process takes it for one a crash left. Records are numbered from
  /// `first`. `sync_each`: fdatasync after every append (`--durability full`). Throws
  /// std::runtime_error naming the file if it cannot be created, or if another process holds
  /// it for longer than kLockPatience.
  RunJournal(std::filesystem::path path, std::int64_t first, bool sync_each);
  ~RunJournal();
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;

  /// Appends `batch` as one record and returns its number. When this returns, the batch
  /// survives the death of this process (and, with sync_each, a power cut). Throws
  /// std::runtime_error naming the file if it cannot be written.
  std::int64_t append(const Batch& batch);

  /// The store holds every record appended so far: the file starts over when it has grown
  /// past kRestartBytes, so that a long run's journal stays small.
  void all_applied();
  /// Whether all_applied() would start the file over.
  bool wants_restart() const { return size_ >= kRestartBytes; }
  static constexpr std::size_t kRestartBytes = 1 << 20;

  /// The run is over and the store holds everything: the file goes.
  void remove();

  const std::filesystem::path& path() const { return path_; }
  static constexpr std::chrono::seconds kLockPatience{2};

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t next_;
  bool sync_each_;
  std::size_t size_ = 0;
  std::string record_;  ///< Reused: one allocation for the run, not one per append.
};

struct JournalRecord {
  std::int64_t number = 0;
  Batch batch;
};

/// The records of the journal at `path` up to the first one cut short or damaged, taking no
/// lock (its writer may be appending); none if there is no such file.
std::vector<JournalRecord> read_journal(const std::filesystem::path& path);

/// A journal at `path` that no living process holds: its records up to the first one cut short
/// or damaged (by a crash or a power cut mid-write), locked for the caller until the object
/// goes, so that two readers do not bring it in twice at once.
class AbandonedJournal {
 public:
  /// Nullopt if there is no file at `path`, or if it stays held for `patience`: by the living
  /// baton of a run that goes on, or, for a few ms after a baton died, by the child it was
  /// starting (a child holds baton's descriptors until it closes them, just before its exec).
  static std::optional<AbandonedJournal> open(const std::filesystem::path& path,
                                              std::chrono::milliseconds patience);
  ~AbandonedJournal();
  AbandonedJournal(AbandonedJournal&& other) noexcept;
  AbandonedJournal& operator=(AbandonedJournal&&) = delete;

  const std::vector<JournalRecord>& records() const { return records_; }
  /// The store holds its records now: the file goes.
  void remove();

 private:
  AbandonedJournal(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<JournalRecord> records_;
};

}  // namespace baton::store
