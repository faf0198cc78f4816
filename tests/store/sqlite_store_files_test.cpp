// The SQLite store's file (SPEC 4): the schema and its migrations, from an older file and against
// a newer one; and several processes sharing one file without "database is locked" reaching
// anyone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_rows.hpp"
#include "support/run_process.hpp"
#include "support/store_support.hpp"

namespace baton::store {
namespace {

using namespace test_rows;
using baton::testing::open_database;
using baton::testing::query_column;
using baton::testing::query_value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Schema and migrations

TEST(StoreSchema, AFreshStoreIsAtTheLatestVersionInWalMode) {
  StoreFile file;
  auto store = file.open();
  EXPECT_EQ(query_value(file.db(), "PRAGMA user_version"),
            std::to_string(sqlite::latest_schema_version()));
  EXPECT_EQ(sqlite::latest_schema_version(), static_cast<int>(sqlite::migrations().size()));
  EXPECT_EQ(query_value(file.db(), "PRAGMA journal_mode"), "wal");
  sqlite::SqliteStore direct(file.db(), Durability::kNormal);
  EXPECT_EQ(direct.schema_version(), sqlite::latest_schema_version());
}

TEST(StoreSchema, OpeningCreatesTheStateFolder) {
  TempDir dir;
  auto state = (dir.path() / "deep" / "er" / "state").string();
  auto store = open_sqlite_store(state);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  EXPECT_TRUE(fs::exists(state + "/baton.db"));
}

TEST(StoreSchema, AStateFolderThatCannotBeCreatedIsAnErrorNamingIt) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "not a folder";
  auto state = (dir.path() / "file" / "state").string();
  auto store = open_sqlite_store(state);
  ASSERT_FALSE(store.has_value());
  EXPECT_THAT(store.error().message, HasSubstr("cannot create the state folder " + state));
}

TEST(StoreSchema, AVersion1StoreIsMigratedAndItsRowsStayReadable) {
  StoreFile file;
  fs::create_directories(file.state());
  {
    // What a baton of schema version 1 left behind.
    SQLite::Database db(file.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(std::string(sqlite::migrations()[0]));
    db.exec("PRAGMA user_version = 1");
    db.exec(R"sql(
      INSERT INTO runs (id, workflow, file, workflow_text, status, started_ms, ended_ms, pid,
                        host, jobs)
      VALUES ('old', 'legacy', '/work/legacy.yaml', 'name: legacy', 'failed', 1000, 2000, 0,
              'builder', 3);
      INSERT INTO tasks (run_id, path, seq, state, reason) VALUES ('old', 'build', 0, 'succeeded', '');
      INSERT INTO tasks (run_id, path, seq, state, reason) VALUES ('old', 'test', 1, 'failed', 'exit 2');
      INSERT INTO attempts (run_id, path, step, n, pid, start_ms, end_ms, exit_code, log)
      VALUES ('old', 'build', 0, 1, 77, 1100, 1500, 0, '/state/runs/old/logs/build.1.log');
      INSERT INTO outputs (run_id, path, key, value) VALUES ('old', 'build', 'version', '1.2.3');
    )sql");
  }

  auto store = file.open();
  EXPECT_EQ(query_value(file.db(), "PRAGMA user_version"),
            std::to_string(sqlite::latest_schema_version()));
  auto old = store->find_run("old");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->workflow, "legacy");
  EXPECT_EQ(old->file, "/work/legacy.yaml");
  EXPECT_EQ(old->workflow_text, "name: legacy");
  EXPECT_EQ(old->status, "failed");
  EXPECT_EQ(old->started, 1000);
  EXPECT_EQ(old->ended, 2000);
  EXPECT_EQ(old->host, "builder");
  EXPECT_EQ(old->jobs, 3);
  EXPECT_EQ(old->pid_start, 0) << "the new column has its default";
  EXPECT_THAT(old->overrides, IsEmpty()) << "the new column has its default";
  EXPECT_EQ(query_value(file.db(), "SELECT overrides FROM runs WHERE id = 'old'"), "[]");
  EXPECT_EQ(query_value(file.db(), "SELECT text FROM run_workflows WHERE run_id = 'old'"),
            "name: legacy")
      << "version 4 moved the text to a table of its own";
  EXPECT_EQ(query_value(file.db(), "SELECT workflow_text FROM runs WHERE id = 'old'"), "");

  auto tasks = store->tasks("old");
  EXPECT_THAT(paths_of(tasks), ElementsAre("build", "test"));
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].row.reason, "exit 2");
  ASSERT_EQ(tasks[0].attempts.size(), 1u);
  EXPECT_EQ(tasks[0].attempts[0].pid, 77);
  EXPECT_EQ(tasks[0].outputs.at("version"), "1.2.3");
  EXPECT_EQ(typical(*store, "legacy"), (std::map<std::string, Millis>{{"build", 400}}));

  // What version 2 added works on the migrated file.
  EXPECT_TRUE(store->give_verdict("old", {"gate", true, "ann", 1}));
  auto resumed = *old;
  resumed.status = "running";
  resumed.pid_start = 555;
  ASSERT_TRUE(store->claim_run(resumed, *old));
  EXPECT_EQ(store->find_run("old")->pid_start, 555);
}

TEST(StoreSchema, AStoreOfANewerBatonIsRefusedAndLeftAlone) {
  StoreFile file;
  {
    auto store = file.open();
    store->create_run(run_row("future", 1000));
  }
  const int newer = sqlite::latest_schema_version() + 1;
  {
    auto db = open_database(file.db());
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }

  auto store = open_sqlite_store(file.state());
  ASSERT_FALSE(store.has_value()) << "a newer schema must not be read or written";
  EXPECT_EQ(store.error().message, "cannot open the store " + file.db() +
                                       ": the store was written by a newer baton (schema version " +
                                       std::to_string(newer) + "; this baton knows up to " +
                                       std::to_string(sqlite::latest_schema_version()) + ")");
  EXPECT_EQ(query_value(file.db(), "PRAGMA user_version"), std::to_string(newer));
  EXPECT_EQ(query_value(file.db(), "SELECT id FROM runs"), "future");
}

// ---------------------------------------------------------------------------------------------
// Several processes on one file (SPEC 4: "Several baton processes may use one store at once")

// Waits for a forked child; its exit status, or 128 + the signal that ended it.
int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs `work` in a forked child that exits 0 if it returned and 1 (with the message in
// `error_file`) if it threw. The parent must hold no SQLite connection across fork().
template <typename Work>
pid_t fork_child(const std::string& error_file, Work work) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int code = 0;
  try {
    work();
  } catch (const std::exception& e) {
    std::ofstream(error_file) << e.what();
    code = 1;
  }
  _exit(code);
}

std::string child_error(const std::string& error_file) {
  return baton::testing::read_file(error_file);
}

TEST(StoreConcurrency, ProcessesOpeningAFreshStoreAtOnceAllSucceed) {
  StoreFile file;
  TempDir errors;
  constexpr int kProcesses = 6;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    children.push_back(fork_child((errors.path() / std::to_string(i)).string(), [&file, i] {
      auto store = file.open();
      store->create_run(run_row("run" + std::to_string(i), 1000 + i));
    }));
  }
  for (int i = 0; i < kProcesses; ++i) {
    EXPECT_EQ(wait_child(children[i]), 0)
        << "process " << i << ": " << child_error((errors.path() / std::to_string(i)).string());
  }
  auto store = file.open();
  EXPECT_EQ(store->list_runs(100).size(), static_cast<std::size_t>(kProcesses));
  EXPECT_EQ(query_value(file.db(), "PRAGMA user_version"),
            std::to_string(sqlite::latest_schema_version()));
}

// One writer's work: a run of `batches` turns, each a few task rows, attempts and outputs large
// enough that the WAL is checkpointed while the others read and write; and verdicts.
void write_run(const StoreFile& file, const std::string& run, int batches) {
  auto store = file.open();
  store->create_run(run_row(run, 1000));
  const std::string big(2048, 'x');
  for (int i = 0; i < batches; ++i) {
    Batch batch;
    auto path = "t" + std::to_string(i);
    batch.tasks = {task_row(path, "succeeded"), task_row("progress", "running")};
    batch.attempts = {attempt_row(path, 1, i, i + 1, 0)};
    batch.outputs = {{path, {{"blob", big}}}};
    store->write(batch);
    if (i % 25 == 0) {
      store->give_verdict(run, {"gate" + std::to_string(i), true, "ann", i});
      store->untaken_verdicts(run);
      store->take_verdict(run, "gate" + std::to_string(i));
    }
  }
}

TEST(StoreConcurrency, TwoWritingProcessesAndAReaderNeverSeeDatabaseLocked) {
  StoreFile file;
  TempDir errors;
  { file.open(); }  // Created before anyone forks.
  constexpr int kBatches = 300;
  std::vector<std::string> runs = {"writer0", "writer1"};
  std::vector<pid_t> writers;
  for (std::size_t w = 0; w < runs.size(); ++w) {
    auto run = runs[w];
    writers.push_back(fork_child((errors.path() / run).string(),
                                 [&file, run] { write_run(file, run, kBatches); }));
  }

  // Meanwhile, what `baton status` and `baton runs` do in other shells.
  auto reader = file.open();
  std::string read_failure;
  int reads = 0;
  std::vector<int> exit_codes(writers.size(), -1);
  auto any_running = [&] {
    bool running = false;
    for (std::size_t w = 0; w < writers.size(); ++w) {
      int status = 0;
      if (exit_codes[w] >= 0) continue;
      if (waitpid(writers[w], &status, WNOHANG) == writers[w]) {
        exit_codes[w] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else {
        running = true;
      }
    }
    return running;
  };
  while (read_failure.empty()) {
    try {
      for (const auto& run : reader->list_runs(10)) {
        reader->tasks(run.id);
        reader->count_states(run.id);
      }
      reader->find_run("last");
      ++reads;
    } catch (const std::exception& e) {
      read_failure = e.what();
    }
    if (!any_running()) break;
  }
  EXPECT_EQ(read_failure, "") << "after " << reads << " reads";
  for (std::size_t w = 0; w < writers.size(); ++w) {
    if (exit_codes[w] < 0) exit_codes[w] = wait_child(writers[w]);
    EXPECT_EQ(exit_codes[w], 0) << runs[w] << ": "
                                << child_error((errors.path() / runs[w]).string());
  }
  for (const auto& run : runs) {
    auto states = reader->count_states(run);
    EXPECT_EQ(states["succeeded"], kBatches) << run;
    EXPECT_EQ(states["running"], 1) << run;
  }
  EXPECT_EQ(baton::testing::integrity_check(file.db()), "ok");
}

TEST(StoreConcurrency, TwoConnectionsInOneProcessWriteAtOnceWhileAThirdReads) {
  StoreFile file;
  { file.open(); }
  std::vector<std::string> failures(3);
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&file, &failures, w] {
      try {
        write_run(file, "thread" + std::to_string(w), 150);
      } catch (const std::exception& e) {
        failures[w] = e.what();
      }
    });
  }
  threads.emplace_back([&file, &failures] {
    try {
      auto reader = file.open();
      for (int i = 0; i < 200; ++i) {
        for (const auto& run : reader->list_runs(10)) reader->tasks(run.id);
      }
    } catch (const std::exception& e) {
      failures[2] = e.what();
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_THAT(failures, ElementsAre("", "", ""));
  auto store = file.open();
  EXPECT_EQ(store->count_states("thread0")["succeeded"], 150);
  EXPECT_EQ(store->count_states("thread1")["succeeded"], 150);
}

}  // namespace
}  // namespace baton::store
