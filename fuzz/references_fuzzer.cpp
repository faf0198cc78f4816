// Fuzzes reference resolution (SPEC 1.1) against an independent model of the rules. The input
// drives a generator of small workflows whose ids collide on purpose (siblings, cousins, dotted
// paths) and which refer to each other through `needs`, `flow`, `foreach.from` and
// `${{ tasks.REF.outputs.KEY }}`. The workflow is loaded through the real loader; then:
// - a reference the rules cannot resolve (unknown, ambiguous), a duplicate sibling id, an edge
//   to oneself or along the containment line, or a cycle must make the load fail;
// - a workflow that loads must have exactly the edges the rules give, no more, no fewer.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "load/load.hpp"
#include "model/ids.hpp"

namespace {

namespace load = baton::load;
namespace model = baton::model;
using nlohmann::ordered_json;

constexpr int kTop = -1;  // The workflow itself, as a parent or as where `flow` refers from.

struct GenNode {
  std::string id;
  int parent = kTop;
  std::vector<int> children;
  std::string path;
  bool sequential = false;
  std::vector<std::string> needs;
  std::optional<std::string> foreach_from;  // Else, sometimes, a static fan-out.
  bool static_foreach = false;
  std::vector<std::pair<std::string, std::string>> output_refs;  // ${{ tasks.REF.outputs.KEY }}
  bool uses_item = false;                                        // ${{ item }}
  std::vector<std::string> outputs;                              // Declared output keys.
  bool is_group() const { return !children.empty(); }
};

struct Gen {
  std::vector<GenNode> nodes;
  std::vector<std::vector<std::vector<std::string>>> flows;  // chain > step > references
};

bool contains(const Gen& gen, int ancestor, int node) {
  for (int n = node; n != kTop; n = gen.nodes[n].parent) {
    if (n == ancestor) return true;
  }
  return false;
}

const char* const kIds[] = {"a", "b", "c", "build", "test", "a-1", "_x"};
const char* const kKeys[] = {"out", "v"};

// A short string over an alphabet that makes ids, dotted paths and near misses.
std::string fuzz_text(FuzzedDataProvider& in, std::string_view alphabet) {
  std::string s(in.ConsumeIntegralInRange<std::size_t>(0, 6), ' ');
  for (char& c : s) c = alphabet[in.ConsumeIntegralInRange<std::size_t>(0, alphabet.size() - 1)];
  return s;
}

// Half of the inputs make "tame" workflows, which mostly load, so that their edges get checked:
// sibling ids differ, and references point backwards (in the order nodes were made) at nodes
// off the containment line, at leaves where outputs are meant. The other half make anything.
class Generator {
 public:
  explicit Generator(FuzzedDataProvider& in) : in_(in), tame_(in.ConsumeBool()) {}

  Gen run() {
    int count = in_.ConsumeIntegralInRange(1, 10);
    for (int k = 0; k < count; ++k) add_node(k);
    for (int k = 0; k < count; ++k) add_references(k);
    for (int c = in_.ConsumeIntegralInRange(0, 1); c > 0; --c) add_flow();
    return std::move(gen_);
  }

 private:
  void add_node(int k) {
    GenNode node;
    node.parent = in_.ConsumeIntegralInRange(kTop, k - 1);
    node.id = pick_id();
    for (int tries = 0; tries < 8 && tame_ && sibling_has(node.parent, node.id); ++tries) {
      node.id = pick_id();
    }
    node.path = node.parent == kTop ? node.id : gen_.nodes[node.parent].path + "." + node.id;
    if (node.parent != kTop) gen_.nodes[node.parent].children.push_back(k);
    gen_.nodes.push_back(std::move(node));
  }

  void add_references(int k) {
    for (int n = in_.ConsumeIntegralInRange(0, 2); n > 0; --n) {
      if (auto ref = pick_ref(k, false)) gen_.nodes[k].needs.push_back(*ref);
    }
    gen_.nodes[k].sequential = in_.ConsumeIntegralInRange(0, 3) == 0;
    switch (in_.ConsumeIntegralInRange(0, 7)) {
      case 0:
        gen_.nodes[k].foreach_from = pick_ref(k, true);
        break;
      case 1:
        gen_.nodes[k].static_foreach = true;
        break;
      default:
        break;
    }
    for (int n = in_.ConsumeIntegralInRange(0, 1); n > 0; --n) {
      if (auto ref = pick_ref(k, true)) {
        gen_.nodes[k].output_refs.push_back({*ref, kKeys[in_.ConsumeIntegralInRange(0, 1)]});
      }
    }
    gen_.nodes[k].uses_item = in_.ConsumeIntegralInRange(0, 4) == 0 && (!tame_ || in_fanout(k));
    if (!tame_ && in_.ConsumeBool()) {
      gen_.nodes[k].outputs.push_back(kKeys[in_.ConsumeIntegralInRange(0, 1)]);
    }
  }

  void add_flow() {
    auto& chain = gen_.flows.emplace_back();
    int last = static_cast<int>(gen_.nodes.size()) - 1;
    for (int s = in_.ConsumeIntegralInRange(2, 3); s > 0; --s) {
      auto& step = chain.emplace_back();
      for (int r = in_.ConsumeIntegralInRange(1, 2); r > 0; --r) {
        if (auto ref = pick_ref(last, false, true)) step.push_back(*ref);
      }
      if (step.empty()) step.push_back(gen_.nodes[0].path);
    }
  }

  std::string pick_id() {
    if (!tame_ && in_.ConsumeIntegralInRange(0, 15) == 0) return fuzz_text(in_, "abc_-1.");
    return kIds[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kIds) - 1)];
  }

  bool sibling_has(int parent, const std::string& id) const {
    for (const auto& node : gen_.nodes) {
      if (node.parent == parent && node.id == id) return true;
    }
    return false;
  }

  bool in_fanout(int k) const {
    for (int n = k; n != kTop; n = gen_.nodes[n].parent) {
      if (gen_.nodes[n].foreach_from || gen_.nodes[n].static_foreach) return true;
    }
    return false;
  }

  // A reference made by node `from`: a real node's id or path mostly, else (not tame) a made-up
  // id or path or a near miss. `flow` keeps to the characters a flow chain accepts.
  std::optional<std::string> pick_ref(int from, bool leaf, bool flow = false) {
    if (tame_) {
      std::vector<int> fits;
      for (int j = 0; j < from; ++j) {
        bool off_line = !contains(gen_, j, from) && !contains(gen_, from, j);
        if (off_line && (!leaf || !gen_.nodes[j].is_group())) fits.push_back(j);
      }
      if (fits.empty()) return std::nullopt;
      const auto& node =
          gen_.nodes[fits[in_.ConsumeIntegralInRange<std::size_t>(0, fits.size() - 1)]];
      return in_.ConsumeBool() ? node.id : node.path;
    }
    const auto& any = gen_.nodes[in_.ConsumeIntegralInRange<std::size_t>(0, gen_.nodes.size() - 1)];
    switch (in_.ConsumeIntegralInRange(0, 7)) {
      case 0:
      case 1:
      case 2:
        return any.id;
      case 3:
      case 4:
        return any.path;
      case 5:
        return pick_id();
      case 6:
        return pick_id() + "." + pick_id();
      default:
        return fuzz_text(in_, flow ? "abc._-1" : "abc._-1 ");
    }
  }

  FuzzedDataProvider& in_;
  bool tame_;
  Gen gen_;
};

// ---- The workflow as a file -------------------------------------------------------------

ordered_json node_json(const Gen& gen, int k) {
  const GenNode& node = gen.nodes[k];
  ordered_json out;
  out["id"] = node.id;
  if (!node.needs.empty()) out["needs"] = node.needs;
  if (node.foreach_from) {
    out["foreach"] = {{"from", *node.foreach_from}, {"output", "out"}};
  } else if (node.static_foreach) {
    out["foreach"] = {"x", "y"};
  }
  if (node.is_group()) {
    if (node.sequential) out["strategy"] = "sequential";
    ordered_json tasks = ordered_json::array();
    for (int child : node.children) tasks.push_back(node_json(gen, child));
    out["tasks"] = std::move(tasks);
    return out;
  }
  ordered_json argv = {"echo"};
  for (const auto& [ref, key] : node.output_refs) {
    argv.push_back("${{ tasks." + ref + ".outputs." + key + " }}");
  }
  if (node.uses_item) argv.push_back("${{ item }}");
  out["argv"] = std::move(argv);
  if (!node.outputs.empty()) out["outputs"] = node.outputs;
  return out;
}

std::string workflow_text(const Gen& gen) {
  ordered_json doc;
  doc["name"] = "references";
  ordered_json tasks = ordered_json::array();
  for (int k = 0; k < static_cast<int>(gen.nodes.size()); ++k) {
    if (gen.nodes[k].parent == kTop) tasks.push_back(node_json(gen, k));
  }
  doc["tasks"] = std::move(tasks);
  if (!gen.flows.empty()) {
    ordered_json flows = ordered_json::array();
    for (const auto& chain : gen.flows) {
      std::string text;
      for (const auto& step : chain) {
        // By the step, not by the text so far: a first step that is an empty reference must
        // still be written (as nothing before a '>>'), so that the loader sees it.
        if (&step != &chain.front()) text += " >> ";
        if (step.size() == 1) {
          text += step[0];
        } else {
          text += "[" + step[0];
          for (std::size_t r = 1; r < step.size(); ++r) text += ", " + step[r];
          text += "]";
        }
      }
      flows.push_back(text);
    }
    doc["flow"] = std::move(flows);
  }
  return doc.dump(1);
}

// ---- The rules of SPEC 1.1, written independently of load/resolve ---------------------------

struct Expected {
  bool must_fail = false;
  std::set<std::pair<std::string, std::string>> edges;  // (dependent path, upstream path)
};

// A path, else a sibling of `from` (a top-level node for kTop), else the one node with that id.
std::optional<int> resolve(const Gen& gen, const std::string& ref, int from) {
  int count = static_cast<int>(gen.nodes.size());
  if (ref.find('.') != std::string::npos) {
    for (int k = 0; k < count; ++k) {
      if (gen.nodes[k].path == ref) return k;
    }
    return std::nullopt;
  }
  int scope = from == kTop ? kTop : gen.nodes[from].parent;
  for (int k = 0; k < count; ++k) {
    if (gen.nodes[k].parent == scope && gen.nodes[k].id == ref) return k;
  }
  std::vector<int> matches;
  for (int k = 0; k < count; ++k) {
    if (gen.nodes[k].id == ref) matches.push_back(k);
  }
  if (matches.size() == 1) return matches[0];
  return std::nullopt;
}

void expect_edge(const Gen& gen, Expected& out, int node, std::optional<int> upstream) {
  if (!upstream || contains(gen, *upstream, node) || contains(gen, node, *upstream)) {
    out.must_fail = true;
    return;
  }
  out.edges.insert({gen.nodes[node].path, gen.nodes[*upstream].path});
}

// A reference to a task's output: the task must be a leaf and declare the key, if it declares any.
void expect_output_edge(const Gen& gen, Expected& out, int node, const std::string& ref,
                        const std::string& key) {
  auto target = resolve(gen, ref, node);
  if (target) {
    const auto& source = gen.nodes[*target];
    bool declared =
        source.outputs.empty() ||
        std::find(source.outputs.begin(), source.outputs.end(), key) != source.outputs.end();
    if (source.is_group() || !declared) out.must_fail = true;
  }
  expect_edge(gen, out, node, target);
}

// A cycle among leaves, found on the barrier graph (a start and an end vertex per node; see
// docs/architecture.md) by Kahn's algorithm.
bool has_cycle(const Gen& gen, const std::set<std::pair<std::string, std::string>>& edges) {
  int count = static_cast<int>(gen.nodes.size());
  std::map<std::string, int> by_path;
  for (int k = 0; k < count; ++k) by_path[gen.nodes[k].path] = k;
  std::vector<std::vector<int>> next(2 * count);  // start = 2k, end = 2k + 1
  for (int k = 0; k < count; ++k) {
    next[2 * k].push_back(2 * k + 1);
    if (gen.nodes[k].parent != kTop) {
      int p = gen.nodes[k].parent;
      next[2 * p].push_back(2 * k);
      next[2 * k + 1].push_back(2 * p + 1);
    }
  }
  for (const auto& [node, upstream] : edges) {
    next[2 * by_path[upstream] + 1].push_back(2 * by_path[node]);
  }
  std::vector<int> indegree(2 * count, 0);
  for (const auto& out : next) {
    for (int v : out) ++indegree[v];
  }
  std::vector<int> ready;
  for (int v = 0; v < 2 * count; ++v) {
    if (indegree[v] == 0) ready.push_back(v);
  }
  int seen = 0;
  while (!ready.empty()) {
    int v = ready.back();
    ready.pop_back();
    ++seen;
    for (int w : next[v]) {
      if (--indegree[w] == 0) ready.push_back(w);
    }
  }
  return seen < 2 * count;
}

Expected expectations(const Gen& gen) {
  Expected out;
  int count = static_cast<int>(gen.nodes.size());
  std::set<std::string> paths;
  for (const auto& node : gen.nodes) {
    if (!model::is_valid_id(node.id) || !paths.insert(node.path).second) out.must_fail = true;
  }
  if (out.must_fail) return out;  // Paths are not unique: nothing below is well defined.
  for (int k = 0; k < count; ++k) {
    const GenNode& node = gen.nodes[k];
    for (const auto& ref : node.needs) expect_edge(gen, out, k, resolve(gen, ref, k));
    if (node.foreach_from) expect_output_edge(gen, out, k, *node.foreach_from, "out");
    if (!node.is_group()) {
      for (const auto& [ref, key] : node.output_refs) expect_output_edge(gen, out, k, ref, key);
    }
    if (node.is_group() && node.sequential) {
      for (std::size_t c = 1; c < node.children.size(); ++c) {
        expect_edge(gen, out, node.children[c], node.children[c - 1]);
      }
    }
    if (node.uses_item && !node.is_group()) {
      bool in_fanout = false;
      for (int n = k; n != kTop; n = gen.nodes[n].parent) {
        in_fanout = in_fanout || gen.nodes[n].foreach_from || gen.nodes[n].static_foreach;
      }
      if (!in_fanout) out.must_fail = true;
    }
  }
  for (const auto& chain : gen.flows) {
    for (std::size_t s = 0; s < chain.size(); ++s) {
      for (const auto& ref : chain[s]) {
        auto node = ref.empty() ? std::nullopt : resolve(gen, ref, kTop);
        if (!node) out.must_fail = true;
        if (!node || s == 0) continue;
        for (const auto& up_ref : chain[s - 1]) {
          if (auto up = up_ref.empty() ? std::nullopt : resolve(gen, up_ref, kTop)) {
            expect_edge(gen, out, *node, up);
          }
        }
      }
    }
  }
  if (!out.must_fail && has_cycle(gen, out.edges)) out.must_fail = true;
  return out;
}

std::set<std::pair<std::string, std::string>> loaded_edges(const model::Workflow& wf) {
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& node : wf.nodes) {
    for (const auto& up : node.upstream) edges.insert({node.path, wf.nodes[up.node].path});
  }
  return edges;
}

// The generated workflow, on stderr: when a check fails, and for every input with
// BATON_FUZZ_SHOW=1 (to see what a seed or a reproducer stands for).
void show(const std::string& text) { std::fprintf(stderr, "%s\n", text.c_str()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool show_all = std::getenv("BATON_FUZZ_SHOW") != nullptr;
  FuzzedDataProvider in(data, size);
  Gen gen = Generator(in).run();
  std::string text = workflow_text(gen);
  if (show_all) show(text);
  auto result = load::load_workflow_text(text, "references.json");
  Expected expected = expectations(gen);
  if (show_all) {
    std::fprintf(stderr, "loaded: %s\n",
                 result.ok() ? "yes" : result.diagnostics.front().to_string().c_str());
  }
  bool holds = true;
  const char* broken = "";
  if (expected.must_fail && result.ok()) {
    holds = false;
    broken = "loaded a workflow that breaks a reference rule";
  } else if (result.ok() && loaded_edges(*result.workflow) != expected.edges) {
    holds = false;
    broken = "the loaded edges are not the ones the rules give";
  } else if (!result.ok() && result.diagnostics.empty()) {
    holds = false;
    broken = "refused without a diagnostic";
  }
  if (!holds && !show_all) show(text);
  BATON_FUZZ_CHECK(holds, broken);
  return 0;
}
