// Turns references into graph edges (SPEC 1.1): `needs`, `flow`, `foreach.from` and template
// references become each node's `upstream`; a sequential group adds previous-sibling edges.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "load/flow.hpp"
#include "load/node_parser.hpp"
#include "load/path_index.hpp"
#include "load/yaml_fields.hpp"
#include "model/templates.hpp"
#include "model/workflow.hpp"

namespace baton::load {

class Resolver {
 public:
  /// Indexes ids and paths; reports duplicate sibling ids.
  Resolver(model::Workflow& workflow, DiagnosticSink& sink);

  /// Resolves a reference made by node `from` (the root for `flow`): a dotted path, else a
  /// sibling of `from`, else the one node anywhere with that id. Reports and returns nullopt if
  /// it is unknown or ambiguous. `where` names the key in messages ("needs", "flow").
  std::optional<model::NodeIndex> resolve(const model::Reference& ref, model::NodeIndex from,
                                          std::string_view where);

  void resolve_needs();
  void resolve_flows(const std::vector<std::pair<FlowChain, model::SourcePos>>& flows);
  void resolve_foreach_sources();
  void add_sequential_edges();
  /// Checks every template site and adds an edge for each `${{ tasks.REF.outputs.KEY }}`.
  void resolve_templates(const std::vector<TemplateSite>& sites);

 private:
  /// Adds `upstream` to `node` unless already there; rejects self and containment edges.
  void add_edge(model::NodeIndex node, model::NodeIndex upstream, model::SourcePos pos,
                std::string_view where);
  /// The fan-out variable in scope at `node`, if any: its own or its nearest ancestor's.
  const model::Foreach* fanout_in_scope(model::NodeIndex node) const;
  /// The node that makes `target` one task per item as `user` sees it: `target` itself if it
  /// fans out, else its nearest group with a `foreach` that does not hold `user` too (inside
  /// one instance, a sibling's outputs are that instance's). kNoNode if `target` runs once.
  model::NodeIndex fanned_out_from(model::NodeIndex target, model::NodeIndex user) const;
  /// "'a.b' fans out" or "'a.b' is inside 'a', which fans out", for `fanned_out_from`'s answer.
  std::string fans_out_text(model::NodeIndex target, model::NodeIndex fanout) const;
  /// The BATON_OUT_* variable of `key` from the first instance of `target` (the first of every
  /// fan-out it is in), for hints.
  std::string first_instance_variable(model::NodeIndex target, std::string_view key) const;
  /// What `${{ expr }}` means written at `node`: an item of any fan-out in scope by its name,
  /// else as classified with the nearest fan-out's name.
  model::TemplateMeaning meaning_at(model::NodeIndex node, std::string_view expr,
                                    std::string_view nearest_item_name) const;
  std::string label(model::NodeIndex node) const;
  /// workflow_.contains, answered from subtree_ends_ without reaching into the nodes.
  bool contains(model::NodeIndex ancestor, model::NodeIndex node) const;
  /// By id, built on the first reference that is neither a path nor a sibling's id: most
  /// workflows never need it.
  const PathIndex& ids();

  model::Workflow& workflow_;
  DiagnosticSink& sink_;
  /// Each id's node, or kManyNodes when several share it (then found by a scan, on errors only).
  static constexpr model::NodeIndex kManyNodes = model::kNoNode - 1;
  PathIndex by_id_;
  bool ids_built_ = false;
  PathIndex by_path_;
  std::vector<model::NodeIndex> subtree_ends_;  // Empty if the nodes are not in pre-order.
};

/// Reports each dependency cycle as `dependency cycle: a -> b -> c -> a` (each needs the next),
/// at the position of the edge that closes it.
void report_cycles(const model::Workflow& workflow, DiagnosticSink& sink);

}  // namespace baton::load
