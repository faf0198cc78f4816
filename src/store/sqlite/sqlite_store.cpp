#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "store/merged_batch.hpp"
#include "store/sqlite/schema.hpp"

namespace baton::store::sqlite {
namespace {

// Long enough to outlast any transaction baton holds (they are short), short enough that a
// store held by something else entirely fails with a message instead of hanging.
constexpr int kBusyTimeoutMs = 30'000;
constexpr int kWalRetry = 5;  // Milliseconds between two tries to switch a new store to WAL.

// A run's row as selected with kRunColumns; its workflow text is the next column, if any.
RunRow read_run(SQLite::Statement& q) {
  RunRow run;
  run.id = q.getColumn(0).getString();
  run.workflow = q.getColumn(1).getString();
  run.file = q.getColumn(2).getString();
  run.status = q.getColumn(3).getString();
  run.started = q.getColumn(4).getInt64();
  run.ended = q.getColumn(5).getInt64();
  run.pid = q.getColumn(6).getInt64();
  run.host = q.getColumn(7).getString();
  run.jobs = q.getColumn(8).getInt();
  run.pid_start = q.getColumn(9).getInt64();
  for (const auto& o : nlohmann::json::parse(q.getColumn(10).getString(), nullptr, false)) {
    if (o.is_string()) run.overrides.push_back(o.get<std::string>());
  }
  if (q.getColumnCount() > 11) run.workflow_text = q.getColumn(11).getString();
  return run;
}

constexpr const char* kRunColumns =
    "runs.id, workflow, file, status, started_ms, ended_ms, pid, host, jobs, pid_start, overrides";

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

SqliteStore::SqliteStore(const std::string& path, Durability durability)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs),
      state_dir_(std::filesystem::path(path).parent_path()),
      durability_(durability) {
  // Turning a new database to WAL takes an exclusive lock without waiting on the busy handler:
  // when several baton processes open a fresh state folder at once, the losers try again.
  for (int attempt = 1;; ++attempt) {
    try {
      if (db_.execAndGet("PRAGMA journal_mode").getString() != "wal") {
        db_.exec("PRAGMA journal_mode = WAL");
      }
      break;
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_BUSY || attempt * kWalRetry >= kBusyTimeoutMs) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(kWalRetry));
    }
  }
  // WAL with NORMAL: a commit is durable once the WAL is synced at checkpoints; the database
  // itself never corrupts on power loss. FULL syncs the WAL on every commit.
  db_.exec(durability == Durability::kFull ? "PRAGMA synchronous = FULL"
                                           : "PRAGMA synchronous = NORMAL");
  // A run commits often and small: checkpoint (copy the WAL into the database, with an fsync)
  // every ~40 MB of WAL instead of SQLite's 4 MB, so that a long chain does not pay one
  // every few hundred tasks. The last connection to close checkpoints what is left.
  db_.exec("PRAGMA wal_autocheckpoint = 10000");
  migrate();
}

SqliteStore::~SqliteStore() {
  if (settling_.joinable()) settling_.join();
}

void SqliteStore::settle_in_background() {
  if (settling_.joinable()) return;
  settling_ = std::thread([path = db_.getFilename()] {
    // PASSIVE never waits: what a reader still needs is left for the checkpoint at close.
    try {
      SQLite::Database db(path, SQLite::OPEN_READWRITE, kBusyTimeoutMs);
      db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const SQLite::Exception&) {  // Closing the store checkpoints anyway.
    }
  });
}

int SqliteStore::schema_version() { return db_.execAndGet("PRAGMA user_version").getInt(); }

void SqliteStore::migrate() {
  auto all = migrations();
  if (schema_version() == latest_schema_version()) return;
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  int version = schema_version();  // Again, now that no one else can migrate.
  if (version > latest_schema_version()) {
    throw std::runtime_error(fmt::format(
        "the store was written by a newer baton (schema version {}; this baton knows up to {})",
        version, latest_schema_version()));
  }
  for (int v = version; v < latest_schema_version(); ++v) {
    db_.exec(std::string(all[static_cast<std::size_t>(v)]));
  }
  db_.exec(fmt::format("PRAGMA user_version = {}", latest_schema_version()));
  tx.commit();
}

void SqliteStore::upsert_run(const RunRow& run) {
  SQLite::Statement q(db_, R"sql(
    INSERT INTO runs (id, workflow, file, status, started_ms, ended_ms, pid, host, jobs,
                      pid_start, overrides, workflow_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_ms = excluded.ended_ms,
      pid = excluded.pid, host = excluded.host, jobs = excluded.jobs,
      pid_start = excluded.pid_start)sql");
  q.bind(1, run.id);
  q.bind(2, run.workflow);
  q.bind(3, run.file);
  q.bind(4, run.status);
  q.bind(5, run.started);
  q.bind(6, run.ended);
  q.bind(7, run.pid);
  q.bind(8, run.host);
  q.bind(9, run.jobs);
  q.bind(10, run.pid_start);
  q.bind(11, nlohmann::json(run.overrides).dump());
  q.exec();
}

void SqliteStore::create_run(const RunRow& run) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  upsert_run(run);
  // Written once: what a run ran never changes, and later updates of its row leave it be.
  SQLite::Statement text(db_, "INSERT OR REPLACE INTO run_workflows (run_id, text) VALUES (?, ?)");
  text.bind(1, run.id);
  text.bind(2, run.workflow_text);
  text.exec();
  tx.commit();
  run_id_ = run.id;
}

bool SqliteStore::claim_run(const RunRow& run, const RunRow& as_seen) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement now(db_, "SELECT status, pid, pid_start FROM runs WHERE id = ?");
  now.bind(1, run.id);
  if (!now.executeStep() || now.getColumn(0).getString() != as_seen.status ||
      now.getColumn(1).getInt64() != as_seen.pid ||
      now.getColumn(2).getInt64() != as_seen.pid_start) {
    return false;  // The transaction rolls back.
  }
  upsert_run(run);
  tx.commit();
  run_id_ = run.id;
  next_task_seq_ = next_seq("tasks", run.id);
  next_breaker_seq_ = next_seq("breaker_transitions", run.id);
  return true;
}

int SqliteStore::next_seq(std::string_view table, std::string_view run) {
  SQLite::Statement q(
      db_, fmt::format("SELECT COALESCE(MAX(seq) + 1, 0) FROM {} WHERE run_id = ?", table));
  q.bind(1, std::string(run));
  q.executeStep();
  return q.getColumn(0).getInt();
}

std::filesystem::path SqliteStore::journal_path(std::string_view run) const {
  return state_dir_ / "runs" / std::string(run) / "journal";
}

std::int64_t SqliteStore::journal_mark(std::string_view run) {
  SQLite::Statement q(db_, "SELECT applied FROM journal_marks WHERE run_id = ?");
  q.bind(1, std::string(run));
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::unique_ptr<RunJournal> SqliteStore::open_journal() {
  auto path = journal_path(run_id_);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  return std::make_unique<RunJournal>(path, journal_mark(run_id_) + 1,
                                      durability_ == Durability::kFull);
}

// The records after the store's mark, as one transaction that moves the mark past them; then
// the file goes. A crash between the two leaves a journal whose records the mark skips.
void SqliteStore::recover(std::string_view run) try {
  auto journal = AbandonedJournal::open(journal_path(run), std::chrono::seconds(1));
  if (!journal) return;
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  const std::int64_t mark = journal_mark(run);
  MergedBatch merged;
  for (const JournalRecord& record : journal->records()) {
    if (record.number <= mark) continue;
    Batch batch = record.batch;
    batch.journal_seq = record.number;
    merged.add(std::move(batch));
  }
  if (merged.journal_seq() > 0) {
    const Batch missing = merged.take();
    const std::string id(run);
    int task_seq = next_seq("tasks", id);
    int breaker_seq = next_seq("breaker_transitions", id);
    write_rows(id, missing, task_seq, breaker_seq);
  }
  tx.commit();
  journal->remove();
} catch (const SQLite::Exception& e) {
  throw std::runtime_error(
      fmt::format("cannot write the store {}: {}", db_.getFilename(), e.what()));
}

// A failed commit (a full disk, an I/O error) says which file could not be written; the
// transaction is rolled back, so what was committed before stays intact.
void SqliteStore::write(const Batch& batch) try {
  if (batch.empty() && batch.journal_seq == 0) return;
  if (!begin_) {
    begin_ = std::make_unique<SQLite::Statement>(db_, "BEGIN IMMEDIATE");
    commit_ = std::make_unique<SQLite::Statement>(db_, "COMMIT");
  }
  begin_->reset();
  begin_->exec();
  // Until COMMIT succeeds, leaving this function (an error) rolls the batch back.
  struct Rollback {
    SQLite::Database& db;
    bool armed = true;
    ~Rollback() {
      if (armed) db.tryExec("ROLLBACK");
    }
  } rollback{db_};
  write_rows(run_id_, batch, next_task_seq_, next_breaker_seq_);
  commit_->reset();
  commit_->exec();
  rollback.armed = false;
} catch (const SQLite::Exception& e) {
  throw std::runtime_error(
      fmt::format("cannot write the store {}: {}", db_.getFilename(), e.what()));
}

void SqliteStore::write_rows(const std::string& run, const Batch& batch, int& next_task_seq,
                             int& next_breaker_seq) {
  if (!upsert_task_) {
    upsert_task_ = std::make_unique<SQLite::Statement>(db_, R"sql(
      INSERT INTO tasks (run_id, path, seq, state, reason, ignored, upstream_failed, item,
                         item_index, attempt_base)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, path) DO UPDATE SET state = excluded.state, reason = excluded.reason,
        ignored = excluded.ignored, upstream_failed = excluded.upstream_failed,
        attempt_base = excluded.attempt_base)sql");
    upsert_attempt_ = std::make_unique<SQLite::Statement>(db_, R"sql(
      INSERT OR REPLACE INTO attempts (run_id, path, step, n, pid, start_ms, end_ms, exit_code,
                                       signal, timed_out, log, error, decision)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    upsert_output_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT OR REPLACE INTO outputs (run_id, path, key, value) VALUES (?, ?, ?, ?)");
    upsert_mark_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT OR REPLACE INTO journal_marks (run_id, applied) VALUES (?, ?)");
  }
  // A row's text is bound without a copy: the batch and the run's id outlive every step, and
  // each step binds all of its row's values anew. reset() keeps the bindings, so the run's id is
  // bound once a batch.
  for (auto* q :
       {upsert_task_.get(), upsert_attempt_.get(), upsert_output_.get(), upsert_mark_.get()}) {
    q->reset();
    q->bindNoCopy(1, run);
  }
  for (const auto& t : batch.tasks) {
    auto& q = *upsert_task_;
    q.reset();
    q.bindNoCopy(2, t.path);
    q.bind(3, next_task_seq++);
    q.bindNoCopy(4, t.state);
    q.bindNoCopy(5, t.reason);
    q.bind(6, t.failure_ignored ? 1 : 0);
    q.bind(7, t.skipped_upstream_failed ? 1 : 0);
    q.bindNoCopy(8, t.item);
    q.bind(9, t.item_index);
    q.bind(10, t.attempt_base);
    q.exec();
  }
  for (const auto& a : batch.attempts) {
    auto& q = *upsert_attempt_;
    q.reset();
    q.bindNoCopy(2, a.path);
    q.bind(3, static_cast<int>(a.step));  // The `step` column: 0, 1 or 2, as StepKind.
    q.bind(4, a.number);
    q.bind(5, a.pid);
    q.bind(6, a.start);
    q.bind(7, a.end);
    q.bind(8, a.exit_code);
    q.bind(9, a.signal);
    q.bind(10, a.timed_out ? 1 : 0);
    q.bindNoCopy(11, a.log);
    q.bindNoCopy(12, a.error);
    q.bindNoCopy(13, a.decision);
    q.exec();
  }
  for (const auto& [path, outputs] : batch.outputs) {
    for (const auto& [key, value] : outputs) {
      auto& q = *upsert_output_;
      q.reset();
      q.bindNoCopy(2, path);
      q.bindNoCopy(3, key);
      q.bindNoCopy(4, value);
      q.exec();
    }
  }
  for (const auto& b : batch.breakers) {
    SQLite::Statement q(db_, R"sql(
      INSERT INTO breaker_transitions (run_id, seq, breaker, from_state, to_state, at_ms, why)
      VALUES (?, ?, ?, ?, ?, ?, ?))sql");
    q.bind(1, run);
    q.bind(2, next_breaker_seq++);
    q.bind(3, b.breaker);
    q.bind(4, b.from);
    q.bind(5, b.to);
    q.bind(6, b.at);
    q.bind(7, b.why);
    q.exec();
  }
  if (batch.run) upsert_run(*batch.run);
  if (batch.journal_seq > 0) {
    upsert_mark_->bind(2, batch.journal_seq);
    upsert_mark_->exec();
  }
}

std::optional<RunRow> SqliteStore::find_run(std::string_view id_or_last) {
  std::string sql =
      id_or_last == "last"
          ? fmt::format(
                "SELECT {}, text FROM runs LEFT JOIN run_workflows ON run_id = runs.id "
                "ORDER BY started_ms DESC, runs.id DESC LIMIT 1",
                kRunColumns)
          : fmt::format(
                "SELECT {}, text FROM runs LEFT JOIN run_workflows ON run_id = runs.id "
                "WHERE runs.id = ?",
                kRunColumns);
  SQLite::Statement q(db_, sql);
  if (id_or_last != "last") q.bind(1, std::string(id_or_last));
  if (!q.executeStep()) return std::nullopt;
  return read_run(q);
}

std::vector<RunRow> SqliteStore::list_runs(int limit) {
  SQLite::Statement q(
      db_,
      fmt::format("SELECT {} FROM runs ORDER BY started_ms DESC, id DESC LIMIT ?", kRunColumns));
  q.bind(1, limit);
  std::vector<RunRow> runs;
  while (q.executeStep()) runs.push_back(read_run(q));
  return runs;
}

std::vector<TaskRecord> SqliteStore::tasks(std::string_view run) {
  std::vector<TaskRecord> out;
  SQLite::Statement q(db_, R"sql(
    SELECT path, state, reason, ignored, upstream_failed, item, item_index, attempt_base
    FROM tasks WHERE run_id = ? ORDER BY seq)sql");
  q.bind(1, std::string(run));
  while (q.executeStep()) {
    TaskRecord& t = out.emplace_back();
    t.row.path = q.getColumn(0).getString();
    t.row.state = q.getColumn(1).getString();
    t.row.reason = q.getColumn(2).getString();
    t.row.failure_ignored = q.getColumn(3).getInt() != 0;
    t.row.skipped_upstream_failed = q.getColumn(4).getInt() != 0;
    t.row.item = q.getColumn(5).getString();
    t.row.item_index = q.getColumn(6).getInt();
    t.row.attempt_base = q.getColumn(7).getInt();
  }
  // By path, into `out`, which no longer grows; looked up with the column's own text.
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) index.emplace(out[i].row.path, i);
  auto find = [&](const SQLite::Column& path) -> TaskRecord* {
    const char* text = path.getText();  // Before getBytes(), as SQLite asks.
    auto it = index.find(std::string_view(text, static_cast<std::size_t>(path.getBytes())));
    return it == index.end() ? nullptr : &out[it->second];
  };
  SQLite::Statement a(db_, R"sql(
    SELECT path, step, n, pid, start_ms, end_ms, exit_code, signal, timed_out, log, error,
           decision
    FROM attempts WHERE run_id = ? ORDER BY path, step, n)sql");
  a.bind(1, std::string(run));
  while (a.executeStep()) {
    TaskRecord* task = find(a.getColumn(0));
    int step = a.getColumn(1).getInt();
    // A step this baton does not know was written by a newer one.
    if (!task || step < 0 || step > static_cast<int>(StepKind::kWait)) continue;
    AttemptRow& row = task->rows_of(static_cast<StepKind>(step)).emplace_back();
    row.path = task->row.path;
    row.step = static_cast<StepKind>(step);
    row.number = a.getColumn(2).getInt();
    row.pid = a.getColumn(3).getInt64();
    row.start = a.getColumn(4).getInt64();
    row.end = a.getColumn(5).getInt64();
    row.exit_code = a.getColumn(6).getInt();
    row.signal = a.getColumn(7).getInt();
    row.timed_out = a.getColumn(8).getInt() != 0;
    row.log = a.getColumn(9).getString();
    row.error = a.getColumn(10).getString();
    row.decision = a.getColumn(11).getString();
  }
  SQLite::Statement o(db_, "SELECT path, key, value FROM outputs WHERE run_id = ?");
  o.bind(1, std::string(run));
  while (o.executeStep()) {
    if (TaskRecord* task = find(o.getColumn(0))) {
      task->outputs[o.getColumn(1).getString()] = o.getColumn(2).getString();
    }
  }
  return out;
}

std::vector<BreakerRow> SqliteStore::breakers(std::string_view run) {
  SQLite::Statement q(db_, R"sql(
    SELECT breaker, from_state, to_state, at_ms, why FROM breaker_transitions
    WHERE run_id = ? ORDER BY seq)sql");
  q.bind(1, std::string(run));
  std::vector<BreakerRow> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(4).getString(),
                   q.getColumn(3).getInt64()});
  }
  return out;
}

std::map<std::string, int> SqliteStore::count_states(std::string_view run) {
  SQLite::Statement q(db_, "SELECT state, COUNT(*) FROM tasks WHERE run_id = ? GROUP BY state");
  q.bind(1, std::string(run));
  std::map<std::string, int> out;
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt();
  return out;
}

void SqliteStore::end_run(std::string_view run, const std::string& status, Millis ended) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(
      db_, "UPDATE runs SET status = ?, ended_ms = ?, pid = 0, pid_start = 0 WHERE id = ?");
  q.bind(1, status);
  q.bind(2, ended);
  q.bind(3, std::string(run));
  q.exec();
  SQLite::Statement tasks(db_, R"sql(
    UPDATE tasks SET state = 'cancelled', reason = 'cancelled'
    WHERE run_id = ? AND state IN ('ready', 'running', 'retrying', 'waiting'))sql");
  tasks.bind(1, std::string(run));
  tasks.exec();
  // A task whose undo was cut short keeps its committed success (SPEC 4): never run again.
  SQLite::Statement undoing(db_, R"sql(
    UPDATE tasks SET state = 'compensation_failed',
                     reason = 'compensation interrupted: its baton process was gone'
    WHERE run_id = ? AND state = 'compensating')sql");
  undoing.bind(1, std::string(run));
  undoing.exec();
  tx.commit();
}

bool SqliteStore::give_verdict(std::string_view run, const VerdictRow& verdict) {
  // A taken verdict is replaced only while its gate is undecided (gate_undecided's states):
  // after a resume, not in the moment between the run taking it and recording the gate's state.
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(db_, R"sql(
    INSERT INTO verdicts (run_id, path, approved, by_user, at_ms) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, path) DO UPDATE SET approved = excluded.approved,
      by_user = excluded.by_user, at_ms = excluded.at_ms, taken = 0
    WHERE verdicts.taken = 1 AND NOT EXISTS (SELECT 1 FROM tasks
      WHERE tasks.run_id = excluded.run_id AND tasks.path = excluded.path
        AND tasks.state NOT IN ('waiting', 'pending', 'ready')))sql");
  q.bind(1, std::string(run));
  q.bind(2, verdict.path);
  q.bind(3, verdict.approved ? 1 : 0);
  q.bind(4, verdict.by);
  q.bind(5, verdict.at);
  bool given = q.exec() == 1;
  tx.commit();
  return given;
}

std::vector<VerdictRow> SqliteStore::untaken_verdicts(std::string_view run) {
  SQLite::Statement q(db_, R"sql(
    SELECT path, approved, by_user, at_ms FROM verdicts WHERE run_id = ? AND taken = 0)sql");
  q.bind(1, std::string(run));
  std::vector<VerdictRow> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt() != 0,
                   q.getColumn(2).getString(), q.getColumn(3).getInt64()});
  }
  return out;
}

void SqliteStore::take_verdict(std::string_view run, const std::string& path) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(db_, "UPDATE verdicts SET taken = 1 WHERE run_id = ? AND path = ?");
  q.bind(1, std::string(run));
  q.bind(2, path);
  q.exec();
  tx.commit();
}

std::vector<std::pair<std::string, Millis>> SqliteStore::typical_durations(
    std::string_view workflow, Millis started_before) {
  // The last 10 runs of the workflow; per task, the mean of its succeeded attempts.
  SQLite::Statement q(db_, R"sql(
    SELECT a.path, CAST(AVG(a.end_ms - a.start_ms) AS INTEGER)
    FROM attempts a JOIN tasks t ON t.run_id = a.run_id AND t.path = a.path
    WHERE a.step = 0 AND a.exit_code = 0 AND a.end_ms > 0 AND t.state IN ('succeeded',
          'compensated', 'compensating', 'compensation_failed')
      AND a.run_id IN (SELECT id FROM runs WHERE workflow = ? AND started_ms < ?
                       ORDER BY started_ms DESC LIMIT 10)
    GROUP BY a.path)sql");
  q.bind(1, std::string(workflow));
  q.bind(2, static_cast<std::int64_t>(started_before));
  std::vector<std::pair<std::string, Millis>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
  return out;
}

}  // namespace baton::store::sqlite

namespace baton::store {

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& state_dir,
                                                 Durability durability) {
  // Outputs and logs may hold secrets: a state folder baton creates is its owner's only (0700),
  // and so is a store it creates (0600; SQLite gives the -wal and -shm files the same mode). A
  // folder that exists keeps the mode its owner chose.
  std::error_code ec;
  if (!std::filesystem::exists(state_dir, ec)) {
    auto folder = std::filesystem::path(state_dir);
    if (!folder.has_filename()) folder = folder.parent_path();  // "dir/"
    if (folder.has_parent_path()) std::filesystem::create_directories(folder.parent_path(), ec);
    if (!ec && ::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      ec = std::error_code(errno, std::generic_category());
    }
  }
  if (!ec && !std::filesystem::is_directory(state_dir, ec) && !ec) {
    // A file where the folder goes: the option is wrong, not the machine.
    return unexpected(Error::invalid_argument(
        fmt::format("the state folder {} is a file, not a folder", state_dir)));
  }
  if (ec) {
    std::string message =
        fmt::format("cannot create the state folder {}: {}", state_dir, ec.message());
    // A file on the folder's path is the option's fault too.
    return unexpected(ec == std::errc::not_a_directory ? Error::invalid_argument(message)
                                                       : Error::io(message));
  }
  auto path = (std::filesystem::path(state_dir) / "baton.db").string();
  if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) {
    ::close(fd);  // An empty file is an empty database to SQLite.
  }
  try {
    return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(path, durability));
  } catch (const std::exception& e) {
    return unexpected(Error::io(fmt::format("cannot open the store {}: {}", path, e.what())));
  }
}

}  // namespace baton::store
