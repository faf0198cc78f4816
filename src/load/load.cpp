#include "load/load.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "load/flow.hpp"
#include "load/inherit.hpp"
#include "load/node_parser.hpp"
#include "load/resolve.hpp"
#include "load/yaml_fields.hpp"
#include "model/ids.hpp"

namespace baton::load {
namespace {

using model::NodeIndex;

const std::vector<std::string_view> kTopKeys = {"name",   "description", "concurrency",
                                                "failure_mode", "env",   "pools",
                                                "breakers", "defaults", "tasks", "flow"};
const std::vector<std::string_view> kBreakerKeys = {"failure_threshold", "reset_timeout",
                                                    "half_open_max", "on_open"};

constexpr long long kIntMax = std::numeric_limits<int>::max();

class DocumentParser {
 public:
  DocumentParser(model::Workflow& workflow, DiagnosticSink& sink)
      : workflow_(workflow), sink_(sink), reader_(sink), nodes_(reader_, workflow) {}

  void parse(const YAML::Node& doc) {
    workflow_.nodes.emplace_back();  // The root: the workflow as a group.
    workflow_.nodes[model::kRoot].kind = model::NodeKind::kGroup;
    bool mapping = reader_.mapping(doc, "the workflow", kTopKeys,
                                   [&](const std::string& key, const YAML::Node&,
                                       const YAML::Node& value) { parse_top_key(key, value); });
    if (!mapping) return;
    if (!doc["name"]) {
      reader_.error(doc, "the workflow has no 'name': expected a name such as 'name: release'");
    }
    if (!doc["tasks"]) reader_.error(doc, "the workflow has no 'tasks': expected a list of tasks");
    if (sink_.has_errors() && workflow_.nodes.size() == 1) return;
    resolve();
  }

 private:
  void parse_top_key(const std::string& key, const YAML::Node& value) {
    auto& root = workflow_.nodes[model::kRoot];
    if (key == "name") {
      if (auto v = reader_.string(value, key)) workflow_.name = *v;
    } else if (key == "description") {
      if (auto v = reader_.string(value, key)) workflow_.description = *v;
    } else if (key == "concurrency") {
      if (auto v = reader_.integer(value, key, 1, kIntMax)) workflow_.concurrency = int(*v);
    } else if (key == "failure_mode") {
      if (auto v = reader_.enumeration<FailureMode>(value, key)) workflow_.failure_mode = *v;
    } else if (key == "env") {
      if (auto env = reader_.env(value, key)) root.own.env = std::move(*env);
    } else if (key == "pools") {
      parse_pools(value);
    } else if (key == "breakers") {
      parse_breakers(value);
    } else if (key == "defaults") {
      nodes_.parse_defaults(value, workflow_.nodes[model::kRoot].defaults, model::kRoot);
    } else if (key == "tasks") {
      nodes_.parse_children(value, model::kRoot);
    } else if (key == "flow") {
      parse_flow_list(value);
    }
  }

  void parse_pools(const YAML::Node& value) {
    if (!value.IsMap()) {
      reader_.error(value, fmt::format("'pools' expects a mapping of pool names to slot counts, "
                                       "got {}", describe(value)));
      return;
    }
    for (const auto& entry : value) {
      std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (!model::is_valid_id(name)) {
        reader_.error(entry.first, fmt::format("invalid pool name {}", describe(entry.first)));
        continue;
      }
      auto size = reader_.integer(entry.second, "pools." + name, 1, kIntMax);
      if (size && !workflow_.pools.emplace(name, int(*size)).second) {
        reader_.error(entry.first, fmt::format("duplicate pool '{}'", name));
      }
    }
  }

  void parse_breakers(const YAML::Node& value) {
    if (!value.IsMap()) {
      reader_.error(value, fmt::format("'breakers' expects a mapping of breaker names to "
                                       "settings, got {}", describe(value)));
      return;
    }
    for (const auto& entry : value) {
      std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (!model::is_valid_id(name)) {
        reader_.error(entry.first, fmt::format("invalid breaker name {}", describe(entry.first)));
        continue;
      }
      BreakerSpec spec;
      spec.name = name;
      reader_.mapping(entry.second, fmt::format("breaker '{}'", name), kBreakerKeys,
                      [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
        if (key == "failure_threshold") {
          if (auto n = reader_.integer(v, key, 1, kIntMax)) spec.failure_threshold = int(*n);
        } else if (key == "reset_timeout") {
          if (auto d = reader_.duration(v, key)) spec.reset_timeout = *d;
        } else if (key == "half_open_max") {
          if (auto n = reader_.integer(v, key, 1, kIntMax)) spec.half_open_max = int(*n);
        } else if (auto action = reader_.enumeration<BreakerOpenAction>(v, key)) {
          spec.on_open = *action;
        }
      });
      if (!workflow_.breakers.emplace(name, spec).second) {
        reader_.error(entry.first, fmt::format("duplicate breaker '{}'", name));
      }
    }
  }

  void parse_flow_list(const YAML::Node& value) {
    if (!value.IsSequence()) {
      reader_.error(value, fmt::format("'flow' expects a list of chains such as \"a >> [b, c] >> "
                                       "d\", got {}", describe(value)));
      return;
    }
    for (const auto& item : value) {
      if (!item.IsScalar()) {
        reader_.error(item, fmt::format("'flow' expects chains as strings, got {}", describe(item)));
        continue;
      }
      auto start = position_of(item);
      if (!is_plain_scalar(item)) start.column += 1;  // Past the opening quote.
      auto parsed = parse_flow(item.Scalar(), start);
      if (!parsed.error.empty()) {
        sink_.error(parsed.error_pos, fmt::format("in flow \"{}\": {}", item.Scalar(), parsed.error));
        continue;
      }
      flows_.push_back({std::move(parsed.chain), start});
    }
  }

  void check_named_uses() {
    for (const auto& use : nodes_.named_uses()) {
      std::vector<std::string_view> known;
      if (use.kind == "pool") {
        for (const auto& entry : workflow_.pools) known.push_back(entry.first);
      } else {
        for (const auto& entry : workflow_.breakers) known.push_back(entry.first);
      }
      if (std::find(known.begin(), known.end(), use.name) != known.end()) continue;
      std::string hint = did_you_mean(use.name, known);
      if (hint.empty()) hint = fmt::format("declare it under '{}s:' at the top level", use.kind);
      sink_.error(use.pos, fmt::format("unknown {} '{}'", use.kind, use.name), hint);
    }
  }

  void resolve() {
    Resolver resolver(workflow_, sink_);
    resolver.resolve_needs();
    resolver.resolve_flows(flows_);
    resolver.resolve_foreach_sources();
    resolver.add_sequential_edges();
    resolver.resolve_templates(nodes_.template_sites());
    check_named_uses();
    apply_inheritance(workflow_);
    infer_levels(workflow_);
    check_effective_settings(workflow_, sink_);
    report_cycles(workflow_, sink_);
    for (auto& node : workflow_.nodes) {
      if (node.name.empty()) node.name = node.id;
    }
  }

  model::Workflow& workflow_;
  DiagnosticSink& sink_;
  FieldReader reader_;
  NodeParser nodes_;
  std::vector<std::pair<FlowChain, model::SourcePos>> flows_;
};

// yaml-cpp's messages start lower-case and name no position; we add file:line:col around them.
Diagnostic syntax_error(const std::string& file, const YAML::ParserException& e) {
  int line = e.mark.is_null() ? 0 : e.mark.line + 1;
  int column = e.mark.is_null() ? 0 : e.mark.column + 1;
  return {file, line, column, "malformed YAML: " + e.msg, {}};
}

}  // namespace

LoadResult load_workflow_text(std::string text, const std::string& file) {
  LoadResult result;
  result.text = std::move(text);
  if (result.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    result.diagnostics.push_back(
        {file, 1, 1, "the file is empty: expected a workflow with 'name' and 'tasks'", {}});
    return result;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(result.text);
  } catch (const YAML::ParserException& e) {
    result.diagnostics.push_back(syntax_error(file, e));
    return result;
  } catch (const YAML::Exception& e) {
    result.diagnostics.push_back({file, 0, 0, std::string("malformed YAML: ") + e.what(), {}});
    return result;
  }
  model::Workflow workflow;
  workflow.file = file;
  DiagnosticSink sink(file);
  try {
    DocumentParser(workflow, sink).parse(doc);
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on some malformed documents lazily.
    sink.error({}, std::string("malformed YAML: ") + e.what());
  }
  result.diagnostics = sink.take();
  if (result.diagnostics.empty()) result.workflow = std::move(workflow);
  return result;
}

LoadResult load_workflow_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.diagnostics.push_back(
        {path, 0, 0, fmt::format("cannot read the workflow: {}", std::strerror(errno)), {}});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_workflow_text(std::move(text).str(), path);
}

}  // namespace baton::load
