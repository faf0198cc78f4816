// Test support for durability tests (SPEC 4): raw SQL on a store file, to read what a killed
// baton left behind or to build what an older or newer baton would have written; the processes
// of a run, found by the BATON_RUN_ID in their environment; and `baton resume`. Header-only: the
// test build globs *_test.cpp only.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/background_process.hpp"
#include "support/baton_run.hpp"
#include "support/run_process.hpp"

namespace baton::testing {

/// A connection of the test's own to a store file, waiting (like baton) rather than failing while
/// another process holds the write lock.
inline SQLite::Database open_database(const std::string& db_path) {
  return SQLite::Database(db_path, SQLite::OPEN_READWRITE, /*busyTimeoutMs=*/30'000);
}

/// The first column of every row that `sql` returns, as text (NULL as "").
inline std::vector<std::string> query_column(const std::string& db_path, const std::string& sql) {
  auto db = open_database(db_path);
  SQLite::Statement q(db, sql);
  std::vector<std::string> values;
  while (q.executeStep()) values.push_back(q.getColumn(0).getString());
  return values;
}

/// The first column of the first row that `sql` returns, or "" if it returns none.
inline std::string query_value(const std::string& db_path, const std::string& sql) {
  auto values = query_column(db_path, sql);
  return values.empty() ? std::string() : values.front();
}

/// What `PRAGMA integrity_check` says of the file: "ok" when it is sound.
inline std::string integrity_check(const std::string& db_path) {
  std::string text;
  for (const auto& line : query_column(db_path, "PRAGMA integrity_check")) text += line + "\n";
  return text.empty() ? text : text.substr(0, text.size() - 1);
}

/// Processes that are alive (not zombies) and whose environment holds `entry` (KEY=VALUE).
inline std::vector<pid_t> processes_with_env(const std::string& entry) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    auto name = dir.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(dir.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool holds = false;
    for (std::size_t pos = 0; pos < env.size() && !holds;) {
      auto end = env.find('\0', pos);
      if (end == std::string::npos) end = env.size();
      holds = env.compare(pos, end - pos, entry) == 0;
      pos = end + 1;
    }
    auto pid = static_cast<pid_t>(std::stol(name));
    if (holds && process_alive(pid)) found.push_back(pid);
  }
  return found;
}

/// `baton resume RUN --state STATE ARGS…` on the scratch folder's state.
inline ProcessResult resume(const Scratch& s, const std::string& run,
                            const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv{BATON_BINARY, "resume", run, "--state", s.state()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {}, {"NO_COLOR=1"});
}

/// The scratch folder's store file.
inline std::string store_file(const Scratch& s) { return s.state() + "/baton.db"; }

/// The id of the one run recorded in the scratch folder's store, or "" if there is none (nor,
/// maybe, a store: baton may have been killed before it made one).
inline std::string only_run_id(const Scratch& s) {
  if (!std::filesystem::exists(store_file(s))) return {};
  if (query_value(store_file(s), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'") == "0") {
    return {};
  }
  auto ids = query_column(store_file(s), "SELECT id FROM runs");
  return ids.size() == 1 ? ids.front() : std::string();
}

}  // namespace baton::testing
