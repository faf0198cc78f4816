// The Store on SQLite (SPEC 4): STATE/baton.db in WAL mode, so readers (status, runs) never
// block the run that writes; a busy timeout and short IMMEDIATE transactions, so that no
// "database is locked" reaches a user when several baton processes share the file.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/store.hpp"

namespace baton::store::sqlite {

class SqliteStore : public Store {
 public:
  /// Opens or creates `path`; throws SQLite::Exception if it cannot.
  SqliteStore(const std::string& path, Durability durability);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void create_run(const RunRow& run) override;
  void write(const Batch& batch) override;
  bool claim_run(const RunRow& run, const RunRow& as_seen) override;
  std::optional<RunRow> find_run(std::string_view id_or_last) override;
  std::vector<RunRow> list_runs(int limit) override;
  std::vector<TaskRecord> tasks(std::string_view run) override;
  std::vector<BreakerRow> breakers(std::string_view run) override;
  std::map<std::string, int> count_states(std::string_view run) override;
  void end_run(std::string_view run, const std::string& status, Millis ended) override;
  bool give_verdict(std::string_view run, const VerdictRow& verdict) override;
  std::vector<VerdictRow> untaken_verdicts(std::string_view run) override;
  void take_verdict(std::string_view run, const std::string& path) override;
  std::vector<std::pair<std::string, Millis>> typical_durations(std::string_view workflow,
                                                                Millis started_before) override;
  /// Checkpoints on a connection of its own, on another thread, so that closing the store
  /// (which checkpoints what is left, with an fsync or two) is quick.
  void settle_in_background() override;
  /// STATE/runs/RUN/journal.
  std::unique_ptr<RunJournal> open_journal() override;
  void recover(std::string_view run) override;

  /// The schema version of the open database.
  int schema_version();

 private:
  void migrate();
  void upsert_run(const RunRow& run);
  /// write() for any run: `next_task_seq` and `next_breaker_seq` number its new rows.
  void write_rows(const std::string& run, const Batch& batch, int& next_task_seq,
                  int& next_breaker_seq);
  int next_seq(std::string_view table, std::string_view run);
  /// The last record of the run's journal that the store holds; 0 if none.
  std::int64_t journal_mark(std::string_view run);
  std::filesystem::path journal_path(std::string_view run) const;

  SQLite::Database db_;
  std::filesystem::path state_dir_;
  Durability durability_;
  std::string run_id_;  ///< The run this process writes, for write().
  int next_task_seq_ = 0;
  int next_breaker_seq_ = 0;
  std::unique_ptr<SQLite::Statement> upsert_task_, upsert_attempt_, upsert_output_, upsert_mark_;
  // A chain commits once per task: BEGIN and COMMIT are prepared once rather than parsed each
  // time, as SQLite::Transaction would.
  std::unique_ptr<SQLite::Statement> begin_, commit_;
  std::thread settling_;
};

/// The newest schema version this baton knows.
int latest_schema_version();

}  // namespace baton::store::sqlite
