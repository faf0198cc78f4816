// load_workflow_text's edges (SPEC 1.1): references to a sibling, an id anywhere, a path or a
// group; and the edges that flow chains, strategies, foreach.from and templates add.
#include <gtest/gtest.h>

#include "load/loaded_workflow.hpp"

namespace baton::load {
namespace {

using namespace loaded;  // NOLINT(google-build-using-namespace): the tests' shared vocabulary.

// --- References (SPEC 1.1) ----------------------------------------------------------------------

constexpr const char* kTwoBuilds = R"(
name: two-builds
tasks:
  - id: frontend
    tasks:
      - { id: build, run: npm run build }
      - { id: test, needs: [build], run: npm test }
  - id: backend
    tasks:
      - { id: build, run: cargo build }
      - { id: compile, run: cargo check }
  - { id: deploy, needs: [frontend.build, compile], run: ./deploy.sh }
)";

TEST(References, ResolveToASiblingFirst) {
  auto wf = load(kTwoBuilds);
  EXPECT_EQ(upstream(wf, "frontend.test"), Paths{"frontend.build"});
}

TEST(References, ResolveToTheOneNodeAnywhereWithThatId) {
  auto wf = load(kTwoBuilds);
  EXPECT_EQ(upstream(wf, "deploy"), (Paths{"frontend.build", "backend.compile"}));
}

TEST(References, ResolveAPathWhateverTheScope) {
  auto wf = load(R"(
name: paths
tasks:
  - id: a
    tasks:
      - { id: x, run: make }
  - id: b
    tasks:
      - { id: x, run: make }
      - { id: y, needs: [a.x], run: make }
)");
  EXPECT_EQ(upstream(wf, "b.y"), Paths{"a.x"});
}

TEST(References, ResolveAGroup) {
  auto wf = load(R"(
name: group-ref
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
  - { id: test, needs: [build], run: make test }
)");
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
}

TEST(References, CountARepeatedReferenceOnce) {
  auto wf = load(R"(
name: repeated
tasks:
  - { id: build, run: make }
  - { id: test, needs: [build, build], run: make test }
)");
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
}

TEST(References, CountAnEdgeNamedTwiceInDifferentWaysOnce) {
  auto wf = load(R"(
name: repeated
tasks:
  - { id: version, run: ./version.sh, outputs: [tag] }
  - id: publish
    needs: [version]
    argv: [./publish.sh, "${{ tasks.version.outputs.tag }}"]
flow:
  - version >> publish
)");
  EXPECT_EQ(upstream(wf, "publish"), Paths{"version"});
}

TEST(References, RecordWhereEachEdgeWasWritten) {
  auto wf = load(
      "name: x\ntasks:\n  - { id: a, run: make }\n  - id: b\n    needs: [a]\n"
      "    run: make\n");
  const auto& edge = node(wf, "b").upstream.at(0);
  EXPECT_EQ(edge.pos.line, 5);
  EXPECT_EQ(edge.pos.column, 13);
}

TEST(References, AcceptAGroupNeedingANodeOutsideIt) {
  auto wf = load(R"(
name: group-needs
tasks:
  - { id: setup, run: ./setup.sh }
  - id: build
    needs: [setup]
    tasks:
      - { id: compile, run: make }
)");
  EXPECT_EQ(upstream(wf, "build"), Paths{"setup"});
  EXPECT_TRUE(node(wf, "build.compile").upstream.empty());
}

// --- Edges from flow, strategy, foreach.from and templates --------------------------------------

TEST(Flow, MakesEachStepNeedTheStepBefore) {
  auto wf = load(R"(
name: flow
tasks:
  - { id: build, run: make }
  - { id: test, run: make test }
  - { id: shards, run: make shards }
  - { id: deploy, run: ./deploy.sh }
flow:
  - "build >> [test, shards] >> deploy"
)");
  EXPECT_TRUE(node(wf, "build").upstream.empty());
  EXPECT_EQ(upstream(wf, "test"), Paths{"build"});
  EXPECT_EQ(upstream(wf, "shards"), Paths{"build"});
  EXPECT_EQ(upstream(wf, "deploy"), (Paths{"test", "shards"}));
}

TEST(Flow, AddsToNeeds) {
  auto wf = load(R"(
name: flow-and-needs
tasks:
  - { id: a, run: make a }
  - { id: b, run: make b }
  - { id: c, needs: [a], run: make c }
flow:
  - b >> c
)");
  EXPECT_EQ(upstream(wf, "c"), (Paths{"a", "b"}));
}

TEST(Flow, ResolvesIdsAnywhereAndPaths) {
  auto wf = load(R"(
name: flow-paths
tasks:
  - id: build
    tasks:
      - { id: compile, run: make }
  - id: ship
    tasks:
      - { id: upload, run: ./upload.sh }
flow:
  - compile >> ship.upload
)");
  EXPECT_EQ(upstream(wf, "ship.upload"), Paths{"build.compile"});
}

TEST(Flow, PlacesEachEdgeAtItsReference) {
  auto wf = load(
      "name: x\ntasks:\n  - { id: a, run: make }\n  - { id: b, run: make }\n"
      "flow:\n  - \"a >> b\"\n");
  const auto& edge = node(wf, "b").upstream.at(0);
  EXPECT_EQ(edge.pos.line, 6);
  EXPECT_EQ(edge.pos.column, 11);
}

TEST(SequentialStrategy, MakesEachChildNeedThePreviousSibling) {
  auto wf = load(R"(
name: sequential
tasks:
  - id: steps
    strategy: sequential
    tasks:
      - { id: a, run: make a }
      - { id: b, run: make b }
      - id: c
        tasks:
          - { id: c1, run: make c1 }
)");
  EXPECT_TRUE(node(wf, "steps.a").upstream.empty());
  EXPECT_EQ(upstream(wf, "steps.b"), Paths{"steps.a"});
  EXPECT_EQ(upstream(wf, "steps.c"), Paths{"steps.b"});
  EXPECT_TRUE(node(wf, "steps.c.c1").upstream.empty());
}

TEST(SequentialStrategy, KeepsTheChildrensOwnNeeds) {
  auto wf = load(R"(
name: sequential-needs
tasks:
  - { id: setup, run: ./setup.sh }
  - id: steps
    strategy: sequential
    tasks:
      - { id: a, run: make a }
      - { id: b, needs: [setup], run: make b }
)");
  EXPECT_EQ(upstream(wf, "steps.b"), (Paths{"setup", "steps.a"}));
}

TEST(ParallelStrategy, AddsNoEdges) {
  auto wf = load(R"(
name: parallel
tasks:
  - id: all
    strategy: parallel
    tasks:
      - { id: a, run: make a }
      - { id: b, run: make b }
)");
  EXPECT_TRUE(node(wf, "all.b").upstream.empty());
}

TEST(ForeachFrom, MakesTheSourceAnUpstream) {
  auto wf = load(R"(
name: dynamic
tasks:
  - { id: discover, run: ./discover.sh, outputs: [files] }
  - id: process
    foreach: { from: discover, output: files }
    argv: [./process.sh, "${{ item }}"]
)");
  EXPECT_EQ(upstream(wf, "process"), Paths{"discover"});
  const auto& fe = node(wf, "process").foreach;
  ASSERT_TRUE(fe);
  EXPECT_TRUE(fe->is_dynamic());
  EXPECT_EQ(fe->from_node, index_of(wf, "discover"));
  EXPECT_EQ(fe->output, "files");
}

TEST(ForeachFrom, AcceptsASourceThatDeclaresNoOutputs) {
  auto wf = load(R"(
name: dynamic
tasks:
  - { id: discover, run: ./discover.sh }
  - id: process
    foreach: { from: discover, output: files }
    argv: [./process.sh, "${{ item }}"]
)");
  EXPECT_EQ(upstream(wf, "process"), Paths{"discover"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromArgv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh, outputs: [tag] }
  - { id: publish, argv: [./publish.sh, "${{ tasks.version.outputs.tag }}"] }
)");
  EXPECT_EQ(upstream(wf, "publish"), Paths{"version"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromEnvAndCwd) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - { id: workdir, run: ./mkdir.sh }
  - id: publish
    env: { TAG: "v${{ tasks.version.outputs.tag }}" }
    cwd: "${{ tasks.workdir.outputs.dir }}"
    run: ./publish.sh "$TAG"
)");
  EXPECT_EQ(upstream(wf, "publish"), (Paths{"version", "workdir"}));
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamOfAGroupThatUsesThemInItsEnv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - id: ship
    env: { TAG: "${{ tasks.version.outputs.tag }}" }
    tasks:
      - { id: upload, run: ./upload.sh }
)");
  EXPECT_EQ(upstream(wf, "ship"), Paths{"version"});
}

TEST(TemplateReferences, MakeTheTaskAnUpstreamFromACompensateArgv) {
  auto wf = load(R"(
name: templates
tasks:
  - { id: version, run: ./version.sh }
  - id: deploy
    run: ./deploy.sh
    compensate: [./rollback.sh, "${{ tasks.version.outputs.tag }}"]
)");
  EXPECT_EQ(upstream(wf, "deploy"), Paths{"version"});
}

TEST(TemplateReferences, AllowTheItemInsideAFannedOutGroup) {
  auto wf = load(R"(
name: group-fan-out
tasks:
  - id: regions
    foreach: [eu, us]
    tasks:
      - { id: deploy, argv: [./deploy.sh, "${{ item }}", "${{ item_index }}", "${{ run.id }}"] }
)");
  EXPECT_TRUE(node(wf, "regions.deploy").upstream.empty());
}

}  // namespace
}  // namespace baton::load
