// End-to-end tests of `baton run`: what each task gets (environment, working directory,
// isolation, logs), outputs passed on, and fan-out (SPEC 2.1, 2.2, 2.5).
#include "e2e/run_e2e.hpp"

namespace baton {
namespace {

using namespace run_e2e;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// ---------------------------------------------------------------------------------------------
// Environment, working directory, isolation, logs

std::map<std::string, std::string> read_pairs(const std::string& text) {
  std::map<std::string, std::string> pairs;
  for (const auto& line : split_lines(text)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) pairs[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return pairs;
}

TEST(CliRunEnv, LayersEnvNearestWinsAndSetsBatonVariables) {
  Scratch s;
  auto r = s.run(R"(name: env
env: { LEVEL_W: workflow, NEAREST: workflow, BATON_E2E_SHADOWED: workflow }
tasks:
  - id: g
    env: { LEVEL_G: group, NEAREST: group }
    tasks:
      - id: t
        env: { NEAREST: task }
        run: |
          {
            echo "inherited=$BATON_E2E_INHERITED"
            echo "shadowed=$BATON_E2E_SHADOWED"
            echo "levels=$LEVEL_W $LEVEL_G $NEAREST"
            echo "task=$BATON_TASK"
            echo "attempt=$BATON_ATTEMPT"
            echo "run_id=$BATON_RUN_ID"
            echo "output=$BATON_OUTPUT"
            echo "item=${BATON_ITEM-unset} ${BATON_ITEM_INDEX-unset}"
          } > env.txt
)",
                 {}, {"BATON_E2E_INHERITED=from-baton", "BATON_E2E_SHADOWED=from-baton"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto env = read_pairs(s.read("env.txt"));
  EXPECT_EQ(env["inherited"], "from-baton");
  EXPECT_EQ(env["shadowed"], "workflow");
  EXPECT_EQ(env["levels"], "workflow group task");
  EXPECT_EQ(env["task"], "g.t");
  EXPECT_EQ(env["attempt"], "1");
  EXPECT_THAT(env["run_id"], Not(IsEmpty()));
  EXPECT_THAT(env["output"], Not(IsEmpty()));
  EXPECT_EQ(env["item"], "unset unset") << "BATON_ITEM only in fan-out instances";

  // The run's folder is named by its id and holds the attempt's log.
  auto run_dir = fs::path(s.state()) / "runs" / env["run_id"];
  EXPECT_TRUE(fs::is_directory(run_dir)) << run_dir;
  EXPECT_TRUE(fs::exists(run_dir / "logs" / "g.t.1.log")) << run_dir;
}

TEST(CliRunEnv, RunIdTemplateInArgvAndEnvIsTheRunId) {
  Scratch s;
  auto r = s.run(R"(name: runid
tasks:
  - id: t
    env: { FROM_TEMPLATE: "${{ run.id }}" }
    argv: [sh, -c, 'printf "%s %s %s" "$1" "$FROM_TEMPLATE" "$BATON_RUN_ID" > rid.txt', sh, "${{ run.id }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::istringstream words(s.read("rid.txt"));
  std::string from_argv, from_env, variable;
  words >> from_argv >> from_env >> variable;
  EXPECT_THAT(variable, Not(IsEmpty()));
  EXPECT_EQ(from_argv, variable);
  EXPECT_EQ(from_env, variable);
}

TEST(CliRunEnv, StdinIsDevNullAndEachTaskLeadsItsOwnProcessGroup) {
  Scratch s;
  auto r = s.run(R"(name: iso
tasks:
  - id: t
    run: |
      readlink /proc/self/fd/0 > stdin.txt
      set -- $(cat /proc/$$/stat)
      echo "$1 $5" > pgrp.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(trim(s.read("stdin.txt")), "/dev/null");
  std::istringstream words(s.read("pgrp.txt"));
  std::string pid, pgrp;
  words >> pid >> pgrp;
  EXPECT_THAT(pid, Not(IsEmpty()));
  EXPECT_EQ(pid, pgrp) << "the task's shell leads its own process group";
  EXPECT_NE(pgrp, std::to_string(getpgrp()));
}

TEST(CliRunEnv, CwdIsRelativeToTheWorkflowFolderAndTakesTemplates) {
  Scratch s;
  fs::create_directories(s.at("sub"));
  fs::create_directories(s.at("d1"));
  fs::create_directories(s.at("d2"));
  auto r = s.run(R"(name: cwd
tasks:
  - { id: here, run: pwd > where.txt }
  - { id: there, cwd: sub, run: pwd > where.txt }
  - id: each
    foreach: [d1, d2]
    cwd: "${{ item }}"
    run: pwd > where.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto canonical = fs::canonical(s.path());
  EXPECT_EQ(fs::canonical(trim(s.read("where.txt"))), canonical);
  EXPECT_EQ(fs::canonical(trim(s.read("sub/where.txt"))), canonical / "sub");
  EXPECT_EQ(fs::canonical(trim(s.read("d1/where.txt"))), canonical / "d1");
  EXPECT_EQ(fs::canonical(trim(s.read("d2/where.txt"))), canonical / "d2");
}

TEST(CliRunLogs, StdoutAndStderrOfAnAttemptAreInItsLogFile) {
  Scratch s;
  auto r = s.run(R"(name: logs
tasks:
  - id: g
    tasks:
      - id: t
        run: echo to-stdout; echo to-stderr >&2
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u) << describe(r);
  auto log = read_file(runs[0] / "logs" / "g.t.1.log");
  EXPECT_THAT(log, HasSubstr("to-stdout"));
  EXPECT_THAT(log, HasSubstr("to-stderr"));
  EXPECT_THAT(r.out, Not(HasSubstr("to-stdout"))) << "a task's output goes to its log";
}

TEST(CliRunLogs, OnlyAttemptsThatRanHaveLogFiles) {
  // In a chain, the next task's log is created while the task before it runs: it must hold that
  // task's output when it runs, and be gone when it never does.
  Scratch s;
  auto r = s.run(R"(name: chain
failure_mode: continue
tasks:
  - { id: a, run: echo from-a }
  - { id: b, run: echo from-b, needs: [a] }
  - { id: c, run: sh -c 'echo from-c; exit 3', needs: [b] }
  - { id: d, run: echo from-d, needs: [c] }
  - { id: e, run: echo from-e, needs: [d] }
)");
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u) << describe(r);
  for (std::string id : {"a", "b", "c"}) {
    EXPECT_EQ(read_file(runs[0] / "logs" / (id + ".1.log")), "from-" + id + "\n") << id;
  }
  for (std::string id : {"d", "e"}) {  // Skipped: upstream_failed.
    EXPECT_FALSE(fs::exists(runs[0] / "logs" / (id + ".1.log"))) << id;
  }
}

TEST(CliRunLogs, StateFolderComesFromBatonStateThenDotBaton) {
  Scratch s;
  auto file = s.write_workflow("name: where\ntasks:\n  - { id: t, run: echo hello }\n");
  auto from_env = (s.path() / "from-env").string();
  auto r = run_process({BATON_BINARY, "run", file}, {}, {"NO_COLOR=1", "BATON_STATE=" + from_env});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(fs::path(from_env) / "runs")) << describe(r);

  // Neither: ./.baton in baton's working directory.
  fs::create_directories(s.at("cwd"));
  auto script = "cd \"$1\" && unset BATON_STATE && exec \"$2\" run \"$3\"";
  r = run_process({"/bin/sh", "-c", script, "sh", s.at("cwd").string(), BATON_BINARY, file}, {},
                  {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(s.at("cwd") / ".baton" / "runs")) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// Outputs

TEST(CliRunOutputs, PassedToDependentsThroughEnvAndTemplatesIncludingMultiLine) {
  Scratch s;
  auto r = s.run(R"(name: outputs
tasks:
  - id: a
    run: |
      echo "k=hello world" >> "$BATON_OUTPUT"
      printf 'multi<<EOF\nline one\nline two\nEOF\n' >> "$BATON_OUTPUT"
  - id: b
    needs: a
    run: |
      printf '%s' "$BATON_OUT_A_K" > k.env
      printf '%s' "$BATON_OUT_A_MULTI" > multi.env
  - id: c
    env: { FROM_ENV_TEMPLATE: "${{ tasks.a.outputs.multi }}" }
    argv: [sh, -c, 'printf "%s" "$1" > k.argv; printf "%s" "$2" > multi.argv; printf "%s" "$FROM_ENV_TEMPLATE" > multi.envtemplate', sh, "${{ tasks.a.outputs.k }}", "${{ tasks.a.outputs.multi }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("k.env"), "hello world");
  EXPECT_EQ(s.read("multi.env"), "line one\nline two");
  EXPECT_EQ(s.read("k.argv"), "hello world") << "the template made a an upstream of c";
  EXPECT_EQ(s.read("multi.argv"), "line one\nline two");
  EXPECT_EQ(s.read("multi.envtemplate"), "line one\nline two");
}

TEST(CliRunOutputs, VariableNamesUpperCaseThePathAndKey) {
  Scratch s;
  auto r = s.run(R"(name: names
tasks:
  - id: grp
    tasks:
      - id: make-it
        run: echo "my.key=v1" >> "$BATON_OUTPUT"
  - id: use
    needs: grp
    run: printf '%s' "$BATON_OUT_GRP_MAKE_IT_MY_KEY" > v.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("v.txt"), "v1");
}

// `a-b` and `a_b` both give BATON_OUT_A_B_K: the first upstream in `needs` keeps the name, in
// either order, and a template still reaches the other one.
TEST(CliRunOutputs, CollidingVariableNamesGoToTheFirstUpstream) {
  Scratch s;
  auto r = s.run(R"(name: collide
tasks:
  - { id: a-b, run: echo "k=dash" >> "$BATON_OUTPUT" }
  - { id: a_b, run: echo "k=underscore" >> "$BATON_OUTPUT" }
  - id: dash-first
    needs: [a-b, a_b]
    run: printf '%s' "$BATON_OUT_A_B_K" > dash-first.txt
  - id: underscore-first
    needs: [a_b, a-b]
    run: printf '%s' "$BATON_OUT_A_B_K" > underscore-first.txt
  - id: exact
    argv: [sh, -c, 'printf "%s" "$1" > exact.txt', sh, "${{ tasks.a_b.outputs.k }}"]
    needs: [a-b]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("dash-first.txt"), "dash");
  EXPECT_EQ(s.read("underscore-first.txt"), "underscore");
  EXPECT_EQ(s.read("exact.txt"), "underscore");
}

TEST(CliRunOutputs, OnlyTheOutputsOfDirectUpstreamsAreInTheEnvironment) {
  Scratch s;
  auto r = s.run(R"(name: scope
tasks:
  - { id: a, run: echo "k=1" >> "$BATON_OUTPUT" }
  - { id: b, needs: a, run: echo "k=2" >> "$BATON_OUTPUT" }
  - { id: c, needs: b, run: env | grep ^BATON_OUT_ | sort > c.env; true }
  - { id: d, run: env | grep ^BATON_OUT_ | sort > d.env; true }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("c.env"), "BATON_OUT_B_K=2\n");
  EXPECT_EQ(s.read("d.env"), "");
}

// SPEC 1.1: a bare id names the nearest task first. A run reads the outputs of the task the
// file means, even when another upstream of the same id comes first in `needs`.
TEST(CliRunOutputs, TemplateReadsTheTaskItsReferenceResolvedTo) {
  Scratch s;
  auto r = s.run(R"(name: nearest
tasks:
  - id: build
    tasks:
      - { id: version, run: echo "v=build" >> "$BATON_OUTPUT", outputs: [v] }
  - id: deploy
    tasks:
      - { id: version, run: echo "v=deploy" >> "$BATON_OUTPUT", outputs: [v] }
      - id: show
        needs: [build.version, version]
        env: { V: "${{ tasks.version.outputs.v }}", B: "${{ tasks.build.version.outputs.v }}" }
        run: echo "$V $B" > show.out
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("show.out"), "deploy build\n");
}

TEST(CliRunOutputs, MoreThanOneMebibyteFailsTheTask) {
  Scratch s;
  auto r = s.run(R"(name: big
tasks:
  - id: big
    run: |
      printf 'big=' >> "$BATON_OUTPUT"
      head -c 1100000 /dev/zero | tr '\0' x >> "$BATON_OUTPUT"
      echo >> "$BATON_OUTPUT"
  - { id: after, needs: big, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "big", "failed"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: big"));
  EXPECT_FALSE(s.exists("after.marker"));
  EXPECT_THAT(r.out + r.err, HasSubstr("MiB")) << "the message names the limit";
}

TEST(CliRunOutputs, PromisedOutputMissingFailsTheTask) {
  Scratch s;
  auto r = s.run(R"(name: promise
tasks:
  - id: a
    outputs: [present, absent]
    run: echo "present=1" >> "$BATON_OUTPUT"
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(task_line(r, "a", "failed"));
  EXPECT_THAT(r.out + r.err, HasSubstr("absent"));
}

// ---------------------------------------------------------------------------------------------
// Fan-out

TEST(CliRunFanOut, StaticListMakesInstancesAndTheDependentWaitsForAll) {
  Scratch s;
  auto r = s.run(R"(name: static
concurrency: 4
tasks:
  - id: fan
    foreach: [x, y, z]
    argv: [sh, -c, 'sleep 0.02; printf "%s|%s|%s|%s\n" "$1" "$2" "$BATON_ITEM" "$BATON_ITEM_INDEX" > "out.$BATON_ITEM_INDEX"; echo "$BATON_TASK" >> tasks.txt', sh, "${{ item }}", "${{ item_index }}"]
  - id: join
    needs: fan
    run: cat out.0 out.1 out.2 > joined.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("joined.txt"), "x|0|x|0\ny|1|y|1\nz|2|z|2\n");
  auto tasks = split_lines(s.read("tasks.txt"));
  std::sort(tasks.begin(), tasks.end());
  EXPECT_EQ(tasks, (std::vector<std::string>{"fan[0]", "fan[1]", "fan[2]"}));
  EXPECT_TRUE(task_line(r, "fan[0]", "succeeded"));
  EXPECT_TRUE(task_line(r, "fan[2]", "succeeded"));
  EXPECT_TRUE(task_line(r, "join", "succeeded"));
}

TEST(CliRunFanOut, AsNamesTheTemplateVariable) {
  Scratch s;
  auto r = s.run(R"(name: as
tasks:
  - id: build
    foreach: [amd64, arm64]
    as: target
    argv: [touch, "built.${{ target }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(s.exists("built.amd64"));
  EXPECT_TRUE(s.exists("built.arm64"));
}

TEST(CliRunFanOut, NestedFanOutsReachEachItemByItsName) {
  // The outer item in the outer group's env and in the inner task's own argv, beside the inner
  // item: every instance sees both (was: valid, then every inner instance failed).
  Scratch s;
  auto r = s.run(R"(name: nested
tasks:
  - id: region
    foreach: [eu, us]
    as: where
    env: { WHERE: "${{ where }}" }
    tasks:
      - id: shard
        foreach: [1, 2]
        argv: [sh, -c, 'touch "$WHERE.$1.$2"', sh, "${{ where_index }}", "${{ item }}"]
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* file : {"eu.0.1", "eu.0.2", "us.1.1", "us.1.2"}) {
    EXPECT_TRUE(s.exists(file)) << file;
  }
}

TEST(CliRunFanOut, GroupFanOutRunsItsChildrenPerItem) {
  Scratch s;
  auto r = s.run(R"(name: group-fan
tasks:
  - id: per
    foreach: [p, q]
    tasks:
      - { id: make, run: 'echo "$BATON_ITEM" > "made.$BATON_ITEM"' }
      - { id: check, needs: make, run: 'cat "made.$BATON_ITEM" > "checked.$BATON_ITEM"' }
  - { id: after, needs: per, run: cat checked.p checked.q > after.txt }
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("after.txt"), "p\nq\n");
}

TEST(CliRunFanOut, DynamicListFromLinesOfAnOutput) {
  Scratch s;
  auto r = s.run(R"(name: dynamic
tasks:
  - id: discover
    run: printf 'files<<EOF\nalpha\n\nbeta\ngamma\nEOF\n' >> "$BATON_OUTPUT"
  - id: process
    foreach: { from: discover, output: files }
    argv: [sh, -c, 'echo "$1 $BATON_ITEM_INDEX" > "done.$1"', sh, "${{ item }}"]
  - id: merge
    needs: process
    run: cat done.alpha done.beta done.gamma > merged.txt
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("merged.txt"), "alpha 0\nbeta 1\ngamma 2\n");
  EXPECT_TRUE(task_line(r, "process[2]", "succeeded"));
  EXPECT_EQ(timeline_row(r.out, "process[3]"), "") << "an empty line is not an item";
}

TEST(CliRunFanOut, DynamicListFromAJsonArray) {
  Scratch s;
  auto r = s.run(R"(name: dynamic-json
tasks:
  - id: discover
    run: echo 'list=["one","two words"]' >> "$BATON_OUTPUT"
  - id: each
    foreach: { from: discover, output: list }
    argv: [sh, -c, 'echo "$BATON_ITEM" > "item.$BATON_ITEM_INDEX"']
)");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(s.read("item.0"), "one\n");
  EXPECT_EQ(s.read("item.1"), "two words\n");
  EXPECT_FALSE(s.exists("item.2"));
}

TEST(CliRunFanOut, MoreItemsThanMaxItemsFailsTheNodeByName) {
  Scratch s;
  auto r = s.run(R"(name: too-many
tasks:
  - id: discover
    run: printf 'list<<EOF\na\nb\nc\nEOF\n' >> "$BATON_OUTPUT"
  - { id: each, foreach: { from: discover, output: list }, max_items: 2, argv: [touch, "${{ item }}.marker"] }
  - { id: after, needs: each, run: touch after.marker }
)");
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_FALSE(s.exists("a.marker"));
  EXPECT_FALSE(s.exists("after.marker"));
  EXPECT_TRUE(task_line(r, "after", "skipped", "upstream_failed: each"));
  // The root cause is named: the run fails through a failed node, not through its echoes.
  EXPECT_TRUE(task_line(r, "each", "failed", "max_items"));
}

TEST(CliRunFanOut, AFanOutThatFailsOrIsEmptyIsOneEventAndOneStatusLine) {
  Scratch s;  // SPEC 5: a line per transition; SPEC 8: task_failed, task_skipped.
  auto r = s.run(R"(name: fanouts
tasks:
  - id: discover
    run: printf 'list<<EOF\na\nb\nc\nEOF\nnone=\n' >> "$BATON_OUTPUT"
  - { id: many, foreach: { from: discover, output: list }, max_items: 2, run: 'true' }
  - { id: empty, foreach: { from: discover, output: none }, run: 'true' }
)",
                 {"--progress", "json"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  auto events = baton::testing::progress_events(r.err);
  auto failed = baton::testing::events_of(events, "task_failed", "many");
  ASSERT_EQ(failed.size(), 1u) << describe(r);
  EXPECT_EQ(failed[0].value("reason", ""), "3 items, more than max_items (2)");
  auto skipped = baton::testing::events_of(events, "task_skipped", "empty");
  ASSERT_EQ(skipped.size(), 1u) << describe(r);
  EXPECT_EQ(skipped[0].value("reason", ""), "no items to fan out over");
  auto status = baton::testing::baton_on(s, {"status", "last"});
  EXPECT_THAT(status.out, ::testing::ContainsRegex("\\] many +failed +3 items")) << status.out;
  EXPECT_THAT(status.out, ::testing::ContainsRegex("\\] empty +skipped +no items")) << status.out;
}

TEST(CliRunSet, EnvOverrideReplacesTheWorkflowValueButNotANearerOne) {
  Scratch s;
  auto r = s.run(R"(name: set
env: { A: workflow, B: workflow }
tasks:
  - { id: t, env: { B: task }, run: echo "$A $B $C" > seen }
)",
                 {"--set", "env.A=cli", "--set", "env.B=cli", "--set", "env.C=new"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(trim(s.read("seen")), "cli task new");
}

TEST(CliRunSet, RefusesWhatTheFileWouldRefuse) {
  Scratch s;
  const std::string yaml = "name: set\ntasks:\n  - { id: t, run: 'true' }\n";
  auto output = s.run(yaml, {"--set", "env.V=${{ tasks.t.outputs.k }}"});
  EXPECT_EQ(output.exit_code, 2) << describe(output);
  EXPECT_THAT(output.err, ::testing::HasSubstr("--set env.V: '${{ tasks.t.outputs.k }}' can only "
                                               "be used in a task or group, not at the workflow "
                                               "level"));
  auto empty = s.run(yaml, {"--set", "name="});
  EXPECT_EQ(empty.exit_code, 2) << describe(empty);
  EXPECT_THAT(empty.err, ::testing::HasSubstr("--set name is empty"));
  auto latin1 = s.run(yaml, {"--set", "env.V=caf\xe9"});
  EXPECT_EQ(latin1.exit_code, 2) << describe(latin1);
  EXPECT_THAT(latin1.err, ::testing::HasSubstr("--set env.V: the value is not UTF-8 text"));
  auto run_id = s.run(yaml, {"--set", "env.V=${{ run.id }}"});
  EXPECT_EQ(run_id.exit_code, 0) << describe(run_id);
}

}  // namespace
}  // namespace baton
