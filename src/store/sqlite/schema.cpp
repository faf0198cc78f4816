#include "store/sqlite/schema.hpp"

#include <array>

namespace baton::store::sqlite {
namespace {

// Version 1: runs and what their tasks did.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  workflow      TEXT NOT NULL,
  file          TEXT NOT NULL,
  workflow_text TEXT NOT NULL,
  status        TEXT NOT NULL,
  started_ms    INTEGER NOT NULL,
  ended_ms      INTEGER NOT NULL DEFAULT 0,
  pid           INTEGER NOT NULL DEFAULT 0,
  host          TEXT NOT NULL DEFAULT '',
  jobs          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_start ON runs (started_ms);
CREATE INDEX runs_by_workflow ON runs (workflow, started_ms);

CREATE TABLE tasks (
  run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path        TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  state       TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  ignored     INTEGER NOT NULL DEFAULT 0,
  upstream_failed INTEGER NOT NULL DEFAULT 0,
  item        TEXT NOT NULL DEFAULT '',
  item_index  INTEGER NOT NULL DEFAULT -1,
  attempt_base INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;

CREATE TABLE attempts (
  run_id    TEXT NOT NULL,
  path      TEXT NOT NULL,
  step      INTEGER NOT NULL,  -- 0 the task, 1 its compensation
  n         INTEGER NOT NULL,
  pid       INTEGER NOT NULL DEFAULT 0,
  start_ms  INTEGER NOT NULL DEFAULT 0,
  end_ms    INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT -1,
  signal    INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  log       TEXT NOT NULL DEFAULT '',
  error     TEXT NOT NULL DEFAULT '',
  decision  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, path, step, n)
) WITHOUT ROWID;

CREATE TABLE outputs (
  run_id TEXT NOT NULL,
  path   TEXT NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, path, key)
) WITHOUT ROWID;

CREATE TABLE breaker_transitions (
  run_id  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  breaker TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  at_ms   INTEGER NOT NULL,
  why     TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
)sql";

// Version 2: approval verdicts given from other shells (SPEC 3.6); the start time of the
// process running a run, so that `cancel` never signals a stranger that reused its pid; and the
// run's `--set` overrides, which resume applies again.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE verdicts (
  run_id   TEXT NOT NULL,
  path     TEXT NOT NULL,
  approved INTEGER NOT NULL,
  by_user  TEXT NOT NULL,
  at_ms    INTEGER NOT NULL,
  taken    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
ALTER TABLE runs ADD COLUMN pid_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN overrides TEXT NOT NULL DEFAULT '[]';
)sql";

// Version 3: per run, the last record of its journal (store/run_journal) the store holds, so
// that one a crash left behind is brought in once, whatever it holds that is older.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE journal_marks (
  run_id  TEXT PRIMARY KEY,
  applied INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4: the workflow text of a run in a table of its own. In `runs` it sat before the status,
// so every read of a run's row walked the text's overflow pages and every update of it (the run's
// end, a resume taking it over) wrote the whole text again: ~80 pages for 10,000 tasks, and
// `baton runs` read the text of every run it listed. The old column stays, empty: a baton of
// version 3 that was running when the store was migrated still records its run's end there.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE run_workflows (
  run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  text   TEXT NOT NULL
);
INSERT INTO run_workflows (run_id, text) SELECT id, workflow_text FROM runs;
UPDATE runs SET workflow_text = '';
)sql";

constexpr std::array<std::string_view, 4> kMigrations = {kVersion1, kVersion2, kVersion3,
                                                         kVersion4};

}  // namespace

std::span<const std::string_view> migrations() { return kMigrations; }

}  // namespace baton::store::sqlite
