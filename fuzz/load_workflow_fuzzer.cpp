// Fuzzes the workflow loader (SPEC 1) end to end: YAML text through libyaml, the node parser,
// reference resolution, inheritance and the cycle check. Any text either loads into a
// well-formed model or yields located diagnostics; the same text always gives the same answer.
#include <cstdint>
#include <string>
#include <unordered_set>

#include "fuzz_check.hpp"
#include "load/load.hpp"
#include "load/yaml_fields.hpp"
#include "model/ids.hpp"

namespace {

namespace load = baton::load;
namespace model = baton::model;

constexpr char kFile[] = "fuzz.yaml";

void check_diagnostics(const load::LoadResult& result) {
  BATON_FUZZ_CHECK(!result.diagnostics.empty(), "refused without a diagnostic");
  BATON_FUZZ_CHECK(result.error_count >= 1, "diagnostics but no error counted");
  BATON_FUZZ_CHECK(result.diagnostics.size() <= result.error_count + 1 &&
                       result.diagnostics.size() <= load::kMaxDiagnosticsKept + 1,
                   "more diagnostics than errors found, or than the bound");
  for (const auto& d : result.diagnostics) {
    BATON_FUZZ_CHECK(d.file == kFile, "a diagnostic names another file");
    BATON_FUZZ_CHECK(!d.message.empty(), "a diagnostic without a message");
    BATON_FUZZ_CHECK(d.line >= 0 && d.column >= 0, "a negative position");
  }
}

// The model's structural promises (model/workflow.hpp), which analyze/ and engine/ rely on.
void check_workflow(const model::Workflow& wf) {
  BATON_FUZZ_CHECK(!wf.nodes.empty() && wf.nodes[model::kRoot].is_group(), "no root group");
  BATON_FUZZ_CHECK(!wf.name.empty(), "a workflow without a name");
  std::unordered_set<std::string> paths;
  for (model::NodeIndex i = 0; i < wf.nodes.size(); ++i) {
    const auto& node = wf.nodes[i];
    BATON_FUZZ_CHECK(node.effective != nullptr, "a node without effective settings");
    for (auto child : node.children) {
      BATON_FUZZ_CHECK(child > i && child < wf.nodes.size(), "children not in pre-order");
      BATON_FUZZ_CHECK(wf.nodes[child].parent == i, "a child that names another parent");
    }
    for (const auto& up : node.upstream) {
      BATON_FUZZ_CHECK(up.node < wf.nodes.size(), "an upstream out of range");
      BATON_FUZZ_CHECK(!wf.contains(up.node, i) && !wf.contains(i, up.node),
                       "an edge to itself, an ancestor or a descendant");
    }
    if (i == model::kRoot) continue;
    BATON_FUZZ_CHECK(node.parent < i, "a parent after its child");
    BATON_FUZZ_CHECK(model::is_valid_id(node.id), "an invalid id was accepted");
    const auto& parent_path = wf.nodes[node.parent].path;
    BATON_FUZZ_CHECK(node.path == (parent_path.empty() ? node.id : parent_path + "." + node.id),
                     "a path that is not the ancestors' ids");
    BATON_FUZZ_CHECK(paths.insert(node.path).second, "two nodes share a path");
    BATON_FUZZ_CHECK(node.is_group() == !node.children.empty(), "a group without children");
    if (node.foreach) {
      BATON_FUZZ_CHECK(node.foreach->is_dynamic() || !node.foreach->items.empty(),
                       "a fan-out over nothing");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto result = load::load_workflow_text(text, kFile);
  BATON_FUZZ_CHECK(result.text == text, "the recorded text differs from the file");
  if (result.ok()) {
    BATON_FUZZ_CHECK(result.diagnostics.empty() && result.error_count == 0,
                     "a workflow with errors");
    check_workflow(*result.workflow);
  } else {
    check_diagnostics(result);
  }

  // Deterministic: a second load says exactly the same (messages, order, positions). Skipped
  // for large inputs, where it would halve the speed for little gain.
  if (size <= 4096) {
    auto again = load::load_workflow_text(text, kFile);
    BATON_FUZZ_CHECK(again.ok() == result.ok(), "a second load disagrees");
    BATON_FUZZ_CHECK(again.diagnostics.size() == result.diagnostics.size(),
                     "a second load finds other errors");
    for (std::size_t i = 0; i < again.diagnostics.size(); ++i) {
      BATON_FUZZ_CHECK(again.diagnostics[i].to_string() == result.diagnostics[i].to_string(),
                       "a second load words an error differently");
    }
  }
  return 0;
}
