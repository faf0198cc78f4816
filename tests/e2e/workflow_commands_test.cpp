// End-to-end tests of the commands that read a workflow file without running it (SPEC 5, 8):
// validate on good and bad files, plan in JSON and text, graph as dot and Mermaid.
#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/cli_e2e.hpp"

namespace baton {
namespace {

using namespace cli_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.
using baton::testing::run_process;
using baton::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::StartsWith;

namespace fs = std::filesystem;

// Values worked out by hand: fetch (2s) -> build {a 3s, b 1s} -> ship (1s, retried).
// On 2 jobs: fetch 0..2, a 2..5 and b 2..3, ship 5..6. Total work 7s.
constexpr std::string_view kKnown = R"(name: known
description: a plan computed by hand
concurrency: 2
tasks:
  - { id: fetch, run: x, estimate: 2s }
  - id: build
    needs: fetch
    tasks:
      - { id: a, run: x, estimate: 3s }
      - { id: b, run: x, estimate: 1s }
  - { id: ship, run: x, needs: build, estimate: 1s, retry: 2 }
)";

// Two errors: a misspelt key at 5:5 and a bad duration at 8:14.
constexpr std::string_view kInvalid = R"(name: broken
tasks:
  - id: a
    run: x
    needz: [b]
  - id: b
    run: x
    timeout: soon
)";

// Five dependencies: build <- fetch, link <- compile, ship <- build, verify <- deploy (the
// sequential group), gate <- ship.
constexpr std::string_view kGraph = R"(name: graph
tasks:
  - { id: fetch, run: x }
  - id: build
    needs: fetch
    tasks:
      - { id: compile, run: x }
      - { id: link, run: x, needs: compile }
  - id: ship
    strategy: sequential
    needs: build
    tasks:
      - { id: deploy, run: x }
      - { id: verify, run: x }
  - { id: gate, approval: true, needs: ship }
)";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> lines_containing(const std::string& text, std::string_view needle) {
  std::vector<std::string> out;
  for (auto& line : lines_of(text)) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

json plan_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"plan"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--format", "json"});
  auto r = run_baton(argv);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  return json::parse(r.out);  // Throws, failing the test, if it is not JSON.
}

// Every key of SPEC 8's plan shape, with its type.
void expect_plan_shape(const json& plan) {
  ASSERT_TRUE(plan.is_object());
  EXPECT_TRUE(plan.at("name").is_string());
  EXPECT_TRUE(plan.at("leaves").is_number_unsigned());
  EXPECT_TRUE(plan.at("edges").is_number_unsigned());
  const auto& levels = plan.at("levels");
  ASSERT_TRUE(levels.is_object());
  EXPECT_EQ(levels.size(), 4u);
  for (const char* level : {"epic", "story", "task", "subtask"}) {
    EXPECT_TRUE(levels.at(level).is_number_unsigned()) << level;
  }
  ASSERT_TRUE(plan.at("stages").is_array());
  for (const auto& stage : plan.at("stages")) {
    ASSERT_TRUE(stage.is_array());
    EXPECT_FALSE(stage.empty());
    for (const auto& path : stage) EXPECT_TRUE(path.is_string());
  }
  EXPECT_TRUE(plan.at("width").is_number_unsigned());
  const auto& critical = plan.at("critical_path");
  ASSERT_TRUE(critical.is_object());
  ASSERT_TRUE(critical.at("tasks").is_array());
  for (const auto& path : critical.at("tasks")) EXPECT_TRUE(path.is_string());
  EXPECT_TRUE(critical.at("duration_s").is_number());
  EXPECT_TRUE(plan.at("strategy").is_string());
  ASSERT_TRUE(plan.at("groups").is_object());
  for (const auto& [path, strategy] : plan.at("groups").items()) {
    EXPECT_TRUE(strategy.is_string()) << path;
  }
  EXPECT_TRUE(plan.at("jobs").is_number_integer());
  EXPECT_TRUE(plan.at("makespan_estimate_s").is_number());
  EXPECT_TRUE(plan.at("lower_bound_s").is_number());
  ASSERT_TRUE(plan.at("risks").is_array());
  for (const auto& risk : plan.at("risks")) {
    ASSERT_TRUE(risk.is_object());
    EXPECT_TRUE(risk.at("kind").is_string());
    EXPECT_TRUE(risk.at("task").is_string());
    EXPECT_TRUE(risk.at("message").is_string());
  }
}

// --- validate -----------------------------------------------------------------------------------

TEST(CliValidate, EveryExampleAndValidFixtureIsValid) {
  auto files = files_in(kSourceDir + "/examples");
  auto fixtures = files_in(kSourceDir + "/tests/data/valid");
  files.insert(files.end(), fixtures.begin(), fixtures.end());
  ASSERT_GE(files.size(), 4u);
  for (const auto& file : files) {
    auto r = run_baton({"validate", file});
    EXPECT_EQ(r.exit_code, 0) << file << "\n" << describe(r);
    EXPECT_THAT(r.out, StartsWith(file + ": valid (")) << file;
    EXPECT_THAT(r.err, IsEmpty()) << file;
  }
  // And all at once: one line per file.
  std::vector<std::string> args{"validate"};
  args.insert(args.end(), files.begin(), files.end());
  auto all = run_baton(args);
  EXPECT_EQ(all.exit_code, 0) << describe(all);
  EXPECT_EQ(lines_of(all.out).size(), files.size());
}

TEST(CliValidate, InvalidFileExits2WithEveryErrorAtFileLineColumn) {
  TempDir dir;
  auto bad = dir.write("bad.yaml", kInvalid);
  auto r = run_baton({"validate", bad});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.out, IsEmpty());
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_THAT(lines[0], StartsWith(bad + ":5:5: "));
  EXPECT_THAT(lines[0], HasSubstr("'needz'"));
  EXPECT_THAT(lines[1], StartsWith(bad + ":8:14: "));
  EXPECT_THAT(lines[1], HasSubstr("'soon'"));
  EXPECT_EQ(lines[2], bad + ": 2 errors");
}

// A workflow from a pull request may quote escape codes in what its errors quote: validate and
// run write them as text, so none reaches the terminal.
TEST(CliValidate, EscapeCodesQuotedByAnErrorNeverReachTheTerminal) {
  TempDir dir;
  auto bad = dir.write("bad.yaml",
                       "name: x\ntasks:\n  - { id: a, run: \"true\", needs: "
                       "[\"n\\u001b]0;pwned\\u0007\"] }\n");
  for (std::string command : {"validate", "run"}) {
    auto r = run_baton({command, bad});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_THAT(r.err, HasSubstr("unknown task 'n\\x1b]0;pwned\\x07'")) << command;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << command;
  }
}

TEST(CliValidate, ListsEveryErrorWhileRunShowsTheFirstTwentyAndPointsToValidate) {
  TempDir dir;  // SPEC 1.1: validate reports every error it finds, like a compiler.
  std::string yaml = "name: many\ntasks:\n";
  for (int i = 0; i < 25; ++i) {
    yaml += "  - { id: t" + std::to_string(i) + ", run: make, timeout: soon }\n";
  }
  auto bad = dir.write("many.yaml", yaml);
  auto v = run_baton({"validate", bad});
  EXPECT_EQ(v.exit_code, 2) << describe(v);
  auto lines = lines_of(v.err);
  ASSERT_EQ(lines.size(), 26u) << v.err;
  EXPECT_THAT(lines[24], StartsWith(bad + ":27:"));
  EXPECT_EQ(lines[25], bad + ": 25 errors");
  auto r = run_baton({"run", bad, "--state", (dir.path() / "state").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 21u) << r.err;
  EXPECT_EQ(lines[20],
            bad + ": 5 more errors not shown; `baton validate " + bad + "` lists them all");
  yaml += "  - { id: t25, run: make, timeout: soon }\n";  // 26 errors: one more than 25.
  for (int i = 21; i < 26; ++i) {  // Keep 21 of them: one more than are shown, singular.
    auto at = yaml.find("id: t" + std::to_string(i) + ",");
    yaml.replace(yaml.find("timeout: soon", at), 13, "timeout: 1s");
  }
  dir.write("many.yaml", yaml);
  EXPECT_EQ(lines_of(run_baton({"plan", bad}).err).back(),
            bad + ": 1 more error not shown; `baton validate " + bad + "` lists them all");
}

TEST(CliValidate, DirectoryIsNotCalledAnEmptyFile) {
  TempDir dir;
  auto r = run_baton({"validate", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, StartsWith(dir.path().string() + ":"));
  EXPECT_THAT(r.err, Not(HasSubstr("empty")));
  EXPECT_THAT(r.err, HasSubstr("directory"));
}

TEST(CliValidate, SeveralFilesOneBadExits2AndStillReportsTheGoodOnes) {
  TempDir dir;
  auto good1 = dir.write("good1.yaml", kKnown);
  auto bad = dir.write("bad.yaml", kInvalid);
  auto good2 = dir.write("good2.yaml", kGraph);
  auto r = run_baton({"validate", good1, bad, good2});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(lines_of(r.out), ElementsAre(good1 + ": valid (4 tasks, 1 group)",
                                           good2 + ": valid (6 tasks, 2 groups)"));
  EXPECT_THAT(r.err, StartsWith(bad + ":5:5: "));
  EXPECT_THAT(r.err, Not(HasSubstr(good1)));
  EXPECT_THAT(r.err, Not(HasSubstr(good2)));
}

TEST(CliValidate, MissingFileExits2) {
  TempDir dir;
  auto missing = (dir.path() / "missing.yaml").string();
  auto r = run_baton({"validate", missing});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_THAT(r.err, HasSubstr(missing));
}

// --- plan ---------------------------------------------------------------------------------------

TEST(CliPlan, ReleaseExampleJsonHasEveryKeyOfTheShape) {
  auto plan = plan_json({kRelease});
  expect_plan_shape(plan);
  EXPECT_EQ(plan.at("name"), "release");
  EXPECT_EQ(plan.at("jobs"), 4);  // The workflow's concurrency.
  // Three compile instances for the fan-out over three targets.
  const auto& stages = plan.at("stages");
  std::size_t leaves = 0, widest = 0;
  for (const auto& stage : stages) {
    leaves += stage.size();
    widest = std::max(widest, stage.size());
  }
  EXPECT_EQ(plan.at("leaves").get<std::size_t>(), leaves);
  EXPECT_EQ(plan.at("width").get<std::size_t>(), widest);
  EXPECT_THAT(stages.at(1).dump(), HasSubstr("\"build.compile[2]\""));
  EXPECT_EQ(plan.at("groups").at("ship"), "sequential");
  // The estimate can never beat max(critical path, total work / jobs).
  double cp = plan.at("critical_path").at("duration_s");
  double lower = plan.at("lower_bound_s");
  double makespan = plan.at("makespan_estimate_s");
  EXPECT_GE(lower, cp);
  EXPECT_GE(makespan, lower);
}

TEST(CliPlan, JsonCarriesTheValuesWorkedOutByHand) {
  TempDir dir;
  auto plan = plan_json({dir.write("known.yaml", kKnown)});
  expect_plan_shape(plan);
  EXPECT_EQ(plan.at("name"), "known");
  EXPECT_EQ(plan.at("leaves"), 4);
  EXPECT_EQ(plan.at("edges"), 4);
  EXPECT_EQ(plan.at("levels"), json::parse(R"({"epic":0,"story":3,"task":2,"subtask":0})"));
  EXPECT_EQ(plan.at("stages"), json::parse(R"([["fetch"],["build.a","build.b"],["ship"]])"));
  EXPECT_EQ(plan.at("width"), 2);
  EXPECT_EQ(plan.at("critical_path").at("tasks"), json::parse(R"(["fetch","build.a","ship"])"));
  EXPECT_DOUBLE_EQ(plan.at("critical_path").at("duration_s").get<double>(), 6.0);
  EXPECT_EQ(plan.at("strategy"), "fan-out/fan-in");
  EXPECT_EQ(plan.at("groups"), json::parse(R"({"build":"parallel"})"));
  EXPECT_EQ(plan.at("jobs"), 2);
  EXPECT_DOUBLE_EQ(plan.at("makespan_estimate_s").get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(plan.at("lower_bound_s").get<double>(), 6.0);
  std::vector<std::string> risks;
  for (const auto& risk : plan.at("risks")) {
    risks.push_back(risk.at("kind").get<std::string>() + " " + risk.at("task").get<std::string>());
  }
  EXPECT_THAT(risks, ElementsAre("critical_path_no_retry fetch", "critical_path_no_retry build.a",
                                 "largest_blast_radius fetch"));
}

TEST(CliPlan, JobsOptionOverridesConcurrency) {
  TempDir dir;
  auto plan = plan_json({dir.write("known.yaml", kKnown), "--jobs", "3"});
  EXPECT_EQ(plan.at("jobs"), 3);
  EXPECT_DOUBLE_EQ(plan.at("makespan_estimate_s").get<double>(), 6.0);
}

TEST(CliPlan, OneJobMakespanIsTheTotalWork) {
  TempDir dir;
  auto known = plan_json({dir.write("known.yaml", kKnown), "--jobs", "1"});
  EXPECT_EQ(known.at("jobs"), 1);
  EXPECT_DOUBLE_EQ(known.at("makespan_estimate_s").get<double>(), 7.0);
  EXPECT_DOUBLE_EQ(known.at("lower_bound_s").get<double>(), 7.0);

  // On one job nothing ever waits for anything but the job: release.yaml's pool and
  // max_parallel cost nothing, and the makespan is the sum of every leaf's estimate.
  auto release = plan_json({kRelease, "--jobs", "1"});
  double total = release.at("total_work_s");
  EXPECT_GT(total, 0.0);
  EXPECT_DOUBLE_EQ(release.at("makespan_estimate_s").get<double>(), total);
  EXPECT_DOUBLE_EQ(release.at("lower_bound_s").get<double>(), total);
}

TEST(CliPlan, TextShowsEverySection) {
  TempDir dir;
  auto r = run_baton({"plan", dir.write("known.yaml", kKnown)});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.err, IsEmpty());
  auto lines = lines_of(r.out);
  auto has_line = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has_line("known — a plan computed by hand")) << r.out;
  EXPECT_TRUE(
      has_line("  4 leaf tasks (3 stories, 2 tasks), 4 dependencies, strategy "
               "fan-out/fan-in"))
      << r.out;
  EXPECT_TRUE(has_line("Stages (3, width 2)")) << r.out;
  EXPECT_TRUE(has_line("    2  build.a, build.b")) << r.out;
  EXPECT_TRUE(has_line("Critical path (3 tasks, 6s)")) << r.out;
  EXPECT_TRUE(has_line("  fetch (2s) -> build.a (3s) -> ship (1s)")) << r.out;
  EXPECT_TRUE(has_line("Estimated makespan")) << r.out;
  EXPECT_TRUE(has_line("  6s on 2 jobs (lower bound 6s; total work 7s)")) << r.out;
  EXPECT_TRUE(has_line("Groups")) << r.out;
  EXPECT_TRUE(has_line("Risks (3)")) << r.out;
}

TEST(CliPlan, TextOnReleaseExampleShowsEverySection) {
  auto r = run_baton({"plan", kRelease, "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* section :
       {"\nStages (", "\nCritical path (", "\nEstimated makespan\n", "\nRisks ("}) {
    EXPECT_THAT(r.out, HasSubstr(section));
  }
  EXPECT_THAT(r.out, HasSubstr(" on 2 jobs (lower bound "));
}

TEST(CliPlan, TextSaysOneTaskInTheSingular) {
  TempDir dir;
  auto r =
      run_baton({"plan", dir.write("one.yaml", "name: one\ntasks:\n  - { id: only, run: x }\n"),
                 "--jobs", "1"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("\n  1 leaf task (1 task), 0 dependencies, strategy sequential\n"));
  EXPECT_THAT(r.out, HasSubstr("\nCritical path (1 task, 1s)\n"));
  EXPECT_THAT(r.out, HasSubstr("\n  1s on 1 job (lower bound 1s; total work 1s)\n"));
}

TEST(CliPlan, InvalidWorkflowExits2) {
  TempDir dir;
  auto bad = dir.write("bad.yaml", kInvalid);
  for (const char* format : {"text", "json"}) {
    auto r = run_baton({"plan", bad, "--format", format});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_THAT(r.out, IsEmpty());
    EXPECT_THAT(r.err, StartsWith(bad + ":5:5: "));
  }
}

// --- graph --------------------------------------------------------------------------------------

TEST(CliGraph, DotDrawsGroupsAsClustersAndOneEdgePerDependency) {
  TempDir dir;
  auto r = run_baton({"graph", dir.write("graph.yaml", kGraph), "--format", "dot"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, StartsWith("digraph \"graph\" {\n"));
  EXPECT_THAT(lines_containing(r.out, "subgraph "),
              ElementsAre("  subgraph \"cluster_build\" {", "  subgraph \"cluster_ship\" {"));
  EXPECT_THAT(lines_containing(r.out, " -> "),
              ElementsAre("  \"fetch\" -> \"build.compile\" [lhead=\"cluster_build\"];",
                          "  \"build.compile\" -> \"build.link\";",
                          "  \"build.compile\" -> \"ship.deploy\" [ltail=\"cluster_build\", "
                          "lhead=\"cluster_ship\"];",
                          "  \"ship.deploy\" -> \"ship.verify\";",
                          "  \"ship.deploy\" -> \"gate\" [ltail=\"cluster_ship\"];"));
  EXPECT_THAT(r.out, HasSubstr("\"gate\" [label=\"gate\", shape=diamond];"));
  EXPECT_EQ(r.out.back(), '\n');
  EXPECT_THAT(r.out, HasSubstr("\n}\n"));
}

TEST(CliGraph, DotIsTheDefaultFormat) {
  TempDir dir;
  auto file = dir.write("graph.yaml", kGraph);
  auto plain = run_baton({"graph", file});
  auto dot = run_baton({"graph", file, "--format", "dot"});
  EXPECT_EQ(plain.exit_code, 0) << describe(plain);
  EXPECT_EQ(plain.out, dot.out);
}

TEST(CliGraph, MermaidHasAFlowchartSubgraphsAndOneEdgePerDependency) {
  TempDir dir;
  auto r = run_baton({"graph", dir.write("graph.yaml", kGraph), "--format", "mermaid"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, StartsWith("flowchart "));
  EXPECT_EQ(lines_containing(r.out, "subgraph ").size(), 2u);
  EXPECT_THAT(r.out, HasSubstr("[\"build\"]"));
  EXPECT_THAT(r.out, HasSubstr("[\"ship\"]"));
  EXPECT_EQ(lines_containing(r.out, " --> ").size(), 5u);
  auto lines = lines_of(r.out);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "  end"), 2);
}

TEST(CliGraph, ReleaseExampleRendersWithGraphviz) {
  if (!fs::exists("/usr/bin/dot")) GTEST_SKIP() << "/usr/bin/dot (Graphviz) is not installed";
  auto graph = run_baton({"graph", kRelease, "--format", "dot"});
  ASSERT_EQ(graph.exit_code, 0) << describe(graph);
  auto svg = run_process({"/usr/bin/dot", "-Tsvg"}, graph.out);
  EXPECT_EQ(svg.exit_code, 0) << describe(svg);
  EXPECT_THAT(svg.out, HasSubstr("<svg"));
  EXPECT_THAT(svg.err, IsEmpty());
}

TEST(CliGraph, InvalidWorkflowExits2) {
  TempDir dir;
  auto bad = dir.write("bad.yaml", kInvalid);
  for (const char* format : {"dot", "mermaid"}) {
    auto r = run_baton({"graph", bad, "--format", format});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_THAT(r.out, IsEmpty());
    EXPECT_THAT(r.err, StartsWith(bad + ":5:5: "));
  }
}

}  // namespace
}  // namespace baton
