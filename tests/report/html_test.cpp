// The HTML report: self-contained, one bar per attempt, every text escaped, robust to missing
// fields. The browser test (check_html_report.py) renders the same page in Chromium.
#include "report/html.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace baton::report {
namespace {

using json = nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

json attempt(int n, const std::string& start, const std::string& end, int exit_code) {
  return {{"n", n},
          {"start", start},
          {"end", end},
          {"exit_code", exit_code},
          {"signal", nullptr},
          {"timed_out", false},
          {"log", "logs/x." + std::to_string(n) + ".log"}};
}

// A small run: a chain build → test → deploy, a retried test, an ignored failure, a skipped
// task, a compensation and a breaker that opened.
json small_report() {
  return {
      {"run",
       {{"id", "20260101-000000-abcd"},
        {"workflow", "release"},
        {"name", "release"},
        {"description", "Ship it"},
        {"status", "failed"},
        {"started", "2026-01-01T00:00:00.000Z"},
        {"ended", "2026-01-01T00:00:10.000Z"},
        {"makespan_s", 10.0}}},
      {"tasks",
       {{{"path", "build.compile"},
         {"phase", "Build"},
         {"status", "compensated"},
         {"dependencies", json::array()},
         {"attempts", {attempt(1, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:02.000Z", 0)}},
         {"compensation_attempts",
          {attempt(1, "2026-01-01T00:00:08.000Z", "2026-01-01T00:00:09.000Z", 0)}},
         {"outputs", {{"version", "1.2.3"}}}},
        {{"path", "build.test"},
         {"phase", "Build"},
         {"status", "failed"},
         {"reason", "exit 3 after 2 attempts"},
         {"dependencies", {"build.compile"}},
         {"attempts",
          {attempt(1, "2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z", 3),
           attempt(2, "2026-01-01T00:00:04.000Z", "2026-01-01T00:00:05.000Z", 3)}}},
        {{"path", "lint"},
         {"phase", ""},
         {"status", "failed"},
         {"failure_ignored", true},
         {"attempts", {attempt(1, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", 1)}}},
        {{"path", "deploy"},
         {"phase", ""},
         {"status", "skipped"},
         {"reason", "upstream_failed: build"},
         {"dependencies", {"build"}},
         {"attempts", json::array()}}}},
      {"metrics",
       {{"tasks_completed", 1},
        {"tasks_total", 4},
        {"parallel_efficiency", 0.25},
        {"critical_path_efficiency", 0.5},
        {"speedup", 0.5},
        {"retries", 1},
        {"peak_parallelism", 2}}},
      {"breakers",
       {{{"name", "ci"}, {"from", "closed"}, {"to", "open"}, {"at", "2026-01-01T00:00:05.000Z"}}}},
      {"compensations",
       {{{"path", "build.compile"},
         {"status", "compensated"},
         {"start", "2026-01-01T00:00:08.000Z"},
         {"end", "2026-01-01T00:00:09.000Z"}}}},
      {"next_steps",
       {{{"path", "build.test"},
         {"reason", "exit 3 after 2 attempts"},
         {"command", "baton resume 20260101-000000-abcd"}}}},
  };
}

TEST(HtmlReport, IsOneSelfContainedDocument) {
  const std::string html = render_html(small_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(http")));
  EXPECT_EQ(occurrences(html, "<svg "), 2U);
}

TEST(HtmlReport, DrawsOneBarPerAttemptAndPerCompensationAttempt) {
  const std::string html = render_html(small_report());
  EXPECT_THAT(html, HasSubstr("<svg class=\"gantt\""));
  EXPECT_EQ(occurrences(html, "class=\"bar attempt "), 4U);
  EXPECT_EQ(occurrences(html, "class=\"bar compensation "), 1U);
  EXPECT_THAT(html, HasSubstr("class=\"bar attempt s-ignored\" data-task=\"lint\""));
  EXPECT_THAT(html, HasSubstr("class=\"bar compensation s-comp\" data-task=\"build.compile\""));
  // The wait between test's two attempts, and the breaker mark.
  EXPECT_EQ(occurrences(html, "<line class=\"wait\""), 1U);
  EXPECT_THAT(html, HasSubstr("waited 1.00 s before attempt 2"));
  EXPECT_THAT(html, HasSubstr("breaker ci: closed → open"));
}

TEST(HtmlReport, DrawsEveryTaskInTheGraphWithGroupDependenciesExpanded) {
  const std::string html = render_html(small_report());
  EXPECT_THAT(html, HasSubstr("<svg class=\"graph fit\""));
  EXPECT_EQ(occurrences(html, "<g class=\"node "), 4U);
  EXPECT_THAT(html, HasSubstr("data-from=\"build.compile\" data-to=\"build.test\""));
  // `deploy` needs the group `build`: its edge comes from build.test only, since
  // build.compile → deploy is implied by build.compile → build.test → deploy.
  EXPECT_THAT(html, HasSubstr("data-from=\"build.test\" data-to=\"deploy\""));
  EXPECT_THAT(html, Not(HasSubstr("data-from=\"build.compile\" data-to=\"deploy\"")));
  EXPECT_EQ(occurrences(html, "<path class=\"edge\""), 2U);
  EXPECT_EQ(occurrences(html, "<rect class=\"cluster\""), 1U);  // Build; top-level tasks have none
  EXPECT_THAT(html, HasSubstr("<text class=\"cluster-label\" x=\"22\" y=\"29\">Build</text>"));
}

TEST(HtmlReport, ShowsSummaryTablesAndNextSteps) {
  const std::string html = render_html(small_report());
  EXPECT_THAT(html, HasSubstr("<h1>release <span class=\"badge s-fail\">Failed</span></h1>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"value\">1/4</div>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"value\">25%</div>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"value\">0.5×</div>"));
  EXPECT_THAT(html, HasSubstr("<pre class=\"command\">baton resume 20260101-000000-abcd</pre>"));
  EXPECT_THAT(html, HasSubstr("Failed (ignored)"));
  EXPECT_THAT(html, HasSubstr("<dt>version</dt><dd>1.2.3</dd>"));
}

TEST(HtmlReport, EscapesEveryTextFromTheRun) {
  json report = small_report();
  const std::string hostile = "<script>alert('x')</script>&\"";
  report["run"]["name"] = hostile;
  report["run"]["description"] = hostile;
  report["tasks"][0]["path"] = hostile;
  report["tasks"][0]["phase"] = hostile;
  report["tasks"][1]["reason"] = hostile;
  report["tasks"][1]["dependencies"] = {hostile};
  report["tasks"][0]["outputs"] = {{hostile, hostile}};
  report["next_steps"][0]["command"] = hostile;
  report["breakers"][0]["name"] = hostile;
  report["next_steps"][0]["log_tail"] = {hostile};
  report["research"] = {{"patterns", {hostile}}, {"coordination", hostile}};
  const std::string html = render_html(report);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("alert('x')")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
  EXPECT_EQ(occurrences(html, "<script>"), 1U);  // the page's own hover script
}

TEST(HtmlReport, RendersAnEmptyOrMistypedReport) {
  for (const json& report : {json::object(), json::array(), json(nullptr),
                             json{{"run", 3}, {"tasks", "x"}, {"metrics", json::array()}},
                             json{{"tasks", {{{"path", 1}, {"attempts", {{{"start", 5}}}}}}}}}) {
    const std::string html = render_html(report);
    EXPECT_THAT(html, HasSubstr("</html>")) << report.dump();
  }
}

TEST(HtmlReport, ExtendsAnUnfinishedAttemptToTheEndOfTheRun) {
  json report = small_report();
  report["tasks"][1]["attempts"][1].erase("end");
  const std::string html = render_html(report);
  EXPECT_THAT(html, HasSubstr("class=\"bar attempt s-active\" data-task=\"build.test\""));
  EXPECT_THAT(html, HasSubstr("still running"));
}

// Each phase's tasks are listed together, phases in order of first appearance, tasks in report
// order within a phase.
TEST(HtmlReport, ListsEachPhasesTasksTogether) {
  json report = small_report();
  auto task = [](const std::string& path, const std::string& phase) {
    return json{{"path", path}, {"phase", phase}, {"status", "succeeded"}};
  };
  report["tasks"] = {task("a.one", "A"), task("b.one", "B"), task("a.two", "A"),
                     task("top", ""),    task("b.two", "B"), task("a.three", "A")};
  const std::string html = render_html(report);
  std::vector<std::size_t> rows;
  for (const char* path : {"a.one", "a.two", "a.three", "b.one", "b.two", "top"}) {
    const auto at = html.find("<tr data-task=\"" + std::string(path) + "\">");
    ASSERT_NE(at, std::string::npos) << path;
    rows.push_back(at);
  }
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()))
      << "expected the rows a.one, a.two, a.three, b.one, b.two, top in that order";
}

// Two phases of `count` shards, the second's all needing the first's first shard.
json two_stage_report(int count) {
  json report = small_report();
  json tasks = json::array();
  for (int i = 0; i < count; ++i) {
    tasks.push_back(
        {{"path", "shards[" + std::to_string(i) + "]"},
         {"phase", i < count / 2 ? "Stage 1" : "Stage 2"},
         {"status", "succeeded"},
         {"dependencies", i < count / 2 ? json::array() : json{"shards[0]"}},
         {"attempts", {attempt(1, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", 0)}}});
  }
  report["tasks"] = tasks;
  return report;
}

TEST(HtmlReport, ShowsPhasesInsteadOfTasksInALargeGraph) {
  const std::string html = render_html(two_stage_report(250));
  EXPECT_THAT(html, HasSubstr("250 tasks: the graph shows one box per phase"));
  EXPECT_EQ(occurrences(html, "<g class=\"node "), 2U);
  EXPECT_EQ(occurrences(html, "<path class=\"edge\""), 1U);
  EXPECT_EQ(occurrences(html, "class=\"bar attempt "), 250U);
}

// From 2,000 tasks on, the graph is drawn on a thread of its own while the rest is written.
TEST(HtmlReport, DrawsAVeryLargeRunsGraphInItsPlace) {
  const std::string html = render_html(two_stage_report(2400));
  EXPECT_THAT(html, HasSubstr("2400 tasks: the graph shows one box per phase"));
  EXPECT_EQ(occurrences(html, "<g class=\"node "), 2U);
  EXPECT_EQ(occurrences(html, "<path class=\"edge\""), 1U);
  EXPECT_EQ(occurrences(html, "class=\"bar attempt "), 2000U) << "the timeline's first 2,000";
  EXPECT_LT(html.find("id=\"timeline\""), html.find("id=\"graph\""));
  EXPECT_LT(html.find("id=\"graph\""), html.find("<g class=\"node "));
}

// A chain of top-level tasks is a phase per task: too many phases to draw either.
TEST(HtmlReport, SaysWhenEvenThePhasesAreTooManyToDraw) {
  json report = small_report();
  json tasks = json::array();
  for (int i = 0; i < 250; ++i) {
    const std::string path = "t" + std::to_string(i);
    tasks.push_back(
        {{"path", path},
         {"phase", "Stage " + std::to_string(i + 1)},
         {"status", "succeeded"},
         {"dependencies", i == 0 ? json::array() : json{"t" + std::to_string(i - 1)}},
         {"attempts", {attempt(1, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", 0)}}});
  }
  report["tasks"] = tasks;
  const std::string html = render_html(report);
  EXPECT_THAT(html, HasSubstr("250 tasks in 250 phases: too many to draw"));
  EXPECT_EQ(occurrences(html, "<g class=\"node "), 0U);
  EXPECT_EQ(occurrences(html, "class=\"bar attempt "), 250U);
}

TEST(HtmlReport, RendersTheSampleFixtureWithEveryAttempt) {
  std::ifstream in(std::string(BATON_SOURCE_DIR) + "/tests/data/report/sample-report.json");
  ASSERT_TRUE(in.good());
  const json report = json::parse(in);
  std::size_t attempts = 0;
  std::size_t compensations = 0;
  for (const auto& task : report["tasks"]) {
    attempts += task["attempts"].size();
    if (task.contains("compensation_attempts"))
      compensations += task["compensation_attempts"].size();
  }
  const std::string html = render_html(report);
  EXPECT_EQ(occurrences(html, "class=\"bar attempt "), attempts);
  EXPECT_EQ(occurrences(html, "class=\"bar compensation "), compensations);
  EXPECT_EQ(occurrences(html, "<g class=\"node "), report["tasks"].size());
}

}  // namespace
}  // namespace baton::report
