// The state folder (issue 8): read-only in various ways, baton says what it could not write and
// records nothing half-made; created by baton, it is its owner's only, since outputs and logs
// may hold secrets. Root ignores file modes, so as root baton runs as nobody here: never skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "hardening/hostile.hpp"

namespace baton {
namespace {

using hostile::Launch;
using hostile::Measured;
using ::testing::HasSubstr;
using testing::Scratch;
using ::testing::StartsWith;
namespace fs = std::filesystem;

constexpr fs::perms kReadOnlyDir = fs::perms::owner_read | fs::perms::owner_exec |
                                   fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec;  // 0555
constexpr fs::perms kOpenDir = kReadOnlyDir | fs::perms::owner_write;                // 0755
constexpr fs::perms kReadOnlyFile =
    fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;  // 0444

// `baton ARGS…`, as nobody when this test runs as root (so that modes bite), else as this user.
Measured baton_unprivileged(const Scratch& s, std::vector<std::string> args) {
  args.insert(args.begin(), BATON_BINARY);
  Launch launch;
  launch.argv = std::move(args);
  launch.output_dir = s.at("out");
  fs::create_directories(launch.output_dir);
  fs::permissions(launch.output_dir, fs::perms::all);  // Written by nobody too.
  if (hostile::is_root()) launch.user = hostile::kNobody;
  return hostile::run_measured(launch);
}

// Gives `path` and everything under it to the user baton_unprivileged runs as.
void give_away(const fs::path& path) {
  if (!hostile::is_root()) return;
  ASSERT_EQ(::chown(path.c_str(), hostile::kNobody, hostile::kNobody), 0) << path;
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    ASSERT_EQ(::lchown(entry.path().c_str(), hostile::kNobody, hostile::kNobody), 0)
        << entry.path();
  }
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

constexpr const char* kWorkflow = "name: one\ntasks: [{id: a, run: \"true\"}]\n";

TEST(CliHostileState, AFileWhereTheStateFolderGoesAndAnUnwritableReportSayWhy) {
  Scratch s;
  auto file = s.write_workflow(kWorkflow);
  std::ofstream(s.at("afile")) << "";
  auto r = hostile::baton(s.path(), {"run", file, "--state", s.at("afile").string()});
  // The option is wrong, not the run: usage (SPEC 5), which a CI job tells from failed tasks.
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err,
            "baton run: the state folder " + s.at("afile").string() + " is a file, not a folder\n");
  auto below = hostile::baton(s.path(), {"run", file, "--state", s.at("afile").string() + "/sub"});
  EXPECT_EQ(below.exit_code, 2) << below.describe();
  EXPECT_EQ(below.err, "baton run: cannot create the state folder " + s.at("afile").string() +
                           "/sub: Not a directory\n");

  ASSERT_EQ(hostile::baton(s.path(), {"run", file, "--state", s.state(), "--quiet"}).exit_code, 0);
  auto nowhere = (s.at("missing") / "r.md").string();
  auto report = hostile::baton(s.path(), {"report", "last", "--state", s.state(), "-o", nowhere});
  EXPECT_EQ(report.exit_code, 1) << report.describe();
  EXPECT_EQ(report.err, "baton report: cannot write " + nowhere + ": No such file or directory\n");

  // A stdout that takes nothing (a full disk): said, and exit 1, not a silent success.
  auto full = testing::run_process(
      {"sh", "-c", "\"$0\" report last --state \"$1\" > /dev/full", BATON_BINARY, s.state()});
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_EQ(full.err, "baton report: cannot write the report to stdout: No space left on device\n");
}

TEST(CliHostileState, ReadOnlyStateFolderIsRefusedClearly) {
  Scratch s;
  fs::permissions(s.path(), kOpenDir);  // nobody must read the workflow.
  auto file = s.write_workflow(kWorkflow);

  // A state folder to be created under a folder that cannot be written.
  fs::create_directories(s.at("locked"));
  fs::permissions(s.at("locked"), kReadOnlyDir);
  auto fresh = (s.at("locked") / "state").string();
  auto r = baton_unprivileged(s, {"run", file, "--state", fresh});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.err, "baton run: cannot create the state folder " + fresh + ": Permission denied\n");

  // A store that exists, made read-only.
  auto made = hostile::baton(s.path(), {"run", file, "--state", s.state(), "--quiet"});
  ASSERT_EQ(made.exit_code, 0) << made.describe();
  auto db = fs::path(s.state()) / "baton.db";
  fs::permissions(db, kReadOnlyFile);
  fs::permissions(s.state(), kReadOnlyDir);
  r = baton_unprivileged(s, {"run", file, "--state", s.state()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.err, "baton run: cannot open the store " + db.string() +
                       ": attempt to write a readonly database\n");

  // A store that can be written, in a folder whose runs/ cannot: no run is left half-made.
  fs::permissions(s.state(), kOpenDir);
  fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write);
  give_away(s.state());
  auto runs = fs::path(s.state()) / "runs";
  fs::permissions(runs, kReadOnlyDir);
  r = baton_unprivileged(s, {"run", file, "--state", s.state()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(r.err, StartsWith("baton run: cannot create " + runs.string() + "/"));
  EXPECT_THAT(r.err, HasSubstr(": Permission denied\n"));
  fs::permissions(runs, kOpenDir);
  auto listed = testing::baton_on(s, {"runs"});
  EXPECT_EQ(testing::split_lines(listed.out).size(), 2u) << "the first run only:\n" << listed.out;
}

// A task that takes its run's log folder away: the next task cannot open its log, fails with
// the reason, and the run goes on to its end.
TEST(CliHostileState, LogFolderThatBecomesReadOnlyFailsTheNextTaskClearly) {
  Scratch s;
  fs::permissions(s.path(), kOpenDir | fs::perms::group_write | fs::perms::others_write);
  auto file = s.write_workflow(R"(name: logs
tasks:
  - id: lock
    run: chmod 555 "$(dirname "$BATON_OUTPUT")/../logs"
  - id: between
    needs: [lock]
    on_failure: ignore
    run: "true"
  - id: next
    needs: [between]
    run: echo next
)");
  // `between`'s log may be created while `lock` runs (Scheduler::prepare_next_logs), before or
  // after the chmod: whichever it was, `next` runs after it. `next`'s log is never tried before
  // `lock` has ended, so it cannot be created, neither while `between` runs nor when it starts.
  auto r = baton_unprivileged(s, {"run", file, "--state", s.state(), "--progress", "plain"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  auto logs = s.logs();
  EXPECT_THAT(testing::timeline_row(r.out, "next"),
              HasSubstr("failed — cannot open log '" + (logs / "next.1.log").string() +
                        "': Permission denied"))
      << r.out;
  fs::permissions(logs, kOpenDir);  // So that the scratch folder can be removed.
}

TEST(CliHostileState, StateFolderAndStoreThatBatonCreatesAreTheOwnersOnly) {
  Scratch s;
  auto file = s.write_workflow(kWorkflow);
  auto state = s.at("deep") / "er" / "state";
  auto r = hostile::baton(s.path(), {"run", file, "--state", state.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(mode_of(state), 0700u);
  EXPECT_EQ(mode_of(state / "baton.db"), 0600u);

  // A folder that exists keeps its mode; the store created in it is still the owner's only.
  auto shared = s.at("shared");
  fs::create_directories(shared);
  fs::permissions(shared, kOpenDir);
  r = hostile::baton(s.path(), {"run", file, "--state", shared.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(mode_of(shared), 0755u);
  EXPECT_EQ(mode_of(shared / "baton.db"), 0600u);
}

}  // namespace
}  // namespace baton
