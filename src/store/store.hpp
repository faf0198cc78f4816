// The durable store of SPEC 4, as an interface: SQLite on one machine now (sqlite/), PostgreSQL
// for runs spread over machines later. Every method is one short transaction, so that several
// baton processes share a store (a run, `status` in another shell, `approve`, a second run).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "baton/result.hpp"
#include "store/records.hpp"
#include "store/run_journal.hpp"

namespace baton::store {

enum class Durability { kNormal, kFull };

class Store {
 public:
  virtual ~Store() = default;

  virtual void create_run(const RunRow& run) = 0;
  /// One transaction: what a scheduler turn changed.
  virtual void write(const Batch& batch) = 0;
  /// Takes the run over for this process (resume; cancel of a run whose baton died), in one
  /// transaction, if its status and baton process are still those of `as_seen`; false if another
  /// process took it meanwhile (two resumes started at once: only one may run it).
  virtual bool claim_run(const RunRow& run, const RunRow& as_seen) = 0;

  /// A run by id, or the most recently started one for "last".
  virtual std::optional<RunRow> find_run(std::string_view id_or_last) = 0;
  /// Most recent first, without their workflow text (find_run() has it): listing runs needs
  /// none, and a large workflow's text is megabytes.
  virtual std::vector<RunRow> list_runs(int limit) = 0;
  /// Every task recorded for the run, in the order they were first recorded.
  virtual std::vector<TaskRecord> tasks(std::string_view run) = 0;
  virtual std::vector<BreakerRow> breakers(std::string_view run) = 0;
  /// How many of the run's recorded tasks are in each state.
  virtual std::map<std::string, int> count_states(std::string_view run) = 0;
  /// Records how a run ended when the process running it is gone (`baton cancel` of a crashed
  /// run): its status and end time, and no process; tasks recorded as active become cancelled,
  /// and those recorded as compensating compensation_failed (their success stands).
  virtual void end_run(std::string_view run, const std::string& status, Millis ended) = 0;

  /// Records a verdict on an approval gate; false if the gate has one its run has not taken
  /// yet. One the run took may be replaced while the gate's recorded state is undecided
  /// (gate_undecided: it waits again after a resume); false once the gate is decided.
  virtual bool give_verdict(std::string_view run, const VerdictRow& verdict) = 0;
  /// The verdicts the run has not taken yet, given early ones included.
  virtual std::vector<VerdictRow> untaken_verdicts(std::string_view run) = 0;
  /// The run has decided the gate at `path` by its verdict: taken once and for all, so that a
  /// crash before that keeps it for the resume.
  virtual void take_verdict(std::string_view run, const std::string& path) = 0;

  /// Per task path: the mean duration of its succeeded attempts in the last runs of the
  /// workflow called `workflow` that started before `started_before` (ms since the epoch), so
  /// that a run, its resumption and its reports all see the same past (SPEC 2.3's history).
  virtual std::vector<std::pair<std::string, Millis>> typical_durations(std::string_view workflow,
                                                                        Millis started_before) = 0;

  /// The journal for the run this process writes (after create_run() or claim_run()), which a
  /// RunRecorder appends each commit to before writing it here, later, with one transaction per
  /// wait of the loop (store/run_journal.hpp); null if this store needs none. Throws
  /// std::runtime_error if it cannot be created.
  virtual std::unique_ptr<RunJournal> open_journal() { return nullptr; }
  /// Brings in what a journal of `run` holds that the store does not, and removes it: the
  /// commands that read a run whose baton is gone (it crashed or was killed) call it first. A
  /// journal still held after a second (its baton lives after all) is left alone. Throws
  /// std::runtime_error if the store cannot be written.
  virtual void recover(std::string_view run) { (void)run; }

  /// The run this process wrote is over: the store may finish what makes it durable (SQLite
  /// copies its WAL into the database) in the background while the reports are written, rather
  /// than when it closes. Reading goes on meanwhile; closing waits for it.
  virtual void settle_in_background() {}
};

/// Opens (creating if needed) STATE/baton.db, migrating its schema to the current version.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& state_dir,
                                                 Durability durability = Durability::kNormal);

}  // namespace baton::store
