#include "engine/launch_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/command_line.hpp"
#include "model/templates.hpp"

namespace baton::engine {
namespace {

constexpr std::chrono::milliseconds kDefaultKillGrace{5000};

// Answers `${{ ... }}` for one leaf: its item, the run id, and the outputs of the tasks it
// needs (found among its own and its ancestors' upstreams, where the loader put the edge).
class TemplateValues {
 public:
  TemplateValues(const RunGraph& graph, UnitIndex leaf, const RunOptions& options)
      : graph_(graph), leaf_(leaf), options_(options) {}

  std::optional<std::string> operator()(std::string_view expr) const {
    // An item is the nearest fan-out instance's that bears its name (`as`): an outer item
    // written in an outer group's env still reaches the tasks of an inner fan-out.
    for (UnitIndex u = leaf_; u != kNoUnit; u = graph_.unit(u).parent) {
      const auto& fanout = graph_.node_of(u).foreach;
      if (!fanout || graph_.unit(u).kind == UnitKind::kFanout) continue;  // Not an instance.
      switch (model::classify_template(expr, fanout->as).kind) {
        case model::TemplateKind::kItem:
          return graph_.unit(u).item;
        case model::TemplateKind::kItemIndex:
          return std::to_string(graph_.unit(u).item_index);
        default:
          break;
      }
    }
    auto meaning = model::classify_template(expr, "item");
    switch (meaning.kind) {
      case model::TemplateKind::kRunId:
        return options_.run_id;
      case model::TemplateKind::kTaskOutput:
        return output(meaning.ref, meaning.key);
      default:  // An item with no fan-out of that name around, or unknown.
        return std::nullopt;
    }
  }

 private:
  std::optional<std::string> output(const std::string& ref, const std::string& key) const {
    // The task the loader resolved `ref` to, as written on the nearest node (a group's env is
    // inherited with its templates); a workflow built in code may leave it to the name.
    model::NodeIndex target = model::kNoNode;
    for (UnitIndex u = leaf_; u != kNoUnit && target == model::kNoNode; u = graph_.unit(u).parent) {
      for (const auto& [text, index] : graph_.node_of(u).output_refs) {
        if (text == ref) target = index;
      }
    }
    if (target != model::kNoNode && graph_.unit(leaf_).node == target) {  // Its compensation.
      const auto& own = graph_.unit(leaf_).outputs;
      if (auto it = own.find(key); it != own.end()) return it->second;
      return std::nullopt;
    }
    for (UnitIndex u = leaf_; u != kNoUnit; u = graph_.unit(u).parent) {
      for (UnitIndex up : graph_.unit(u).upstream) {
        const auto& node = graph_.node_of(up);
        if (target != model::kNoNode ? graph_.unit(up).node != target
                                     : node.path != ref && node.id != ref) {
          continue;
        }
        const auto& outputs = graph_.unit(up).outputs;
        if (auto it = outputs.find(key); it != outputs.end()) return it->second;
      }
    }
    return std::nullopt;
  }

  const RunGraph& graph_;
  UnitIndex leaf_;
  const RunOptions& options_;
};

// RUN_DIR/FOLDER/PATH[.compensate].ATTEMPT[SUFFIX], built by hand: once or twice per attempt,
// where std::filesystem's path arithmetic showed up in profiles.
std::string attempt_file(const RunOptions& options, std::string_view folder,
                         const std::string& path, int attempt, Step step,
                         std::string_view suffix = {}) {
  std::string out = options.run_dir.native();
  if (!out.empty() && out.back() != '/') out += '/';
  out += folder;
  out += '/';
  out += path.empty() ? "_" : path;
  if (step == Step::kCompensation) out += ".compensate";
  out += '.';
  out += std::to_string(attempt);
  out += suffix;
  return out;
}

// The names baton sets for each attempt; copies inherited from outside (a baton run inside a
// task) are left out of the shared part so that no name appears twice.
bool is_attempt_variable(std::string_view name) {
  for (std::string_view own : {"BATON_RUN_ID", "BATON_TASK", "BATON_ATTEMPT", "BATON_OUTPUT",
                               "BATON_ITEM", "BATON_ITEM_INDEX", "BATON_COMPENSATING"}) {
    if (name == own) return true;
  }
  return name.rfind("BATON_OUT_", 0) == 0;
}

bool has_templates(const model::EnvMap& env) {
  return std::any_of(env.begin(), env.end(), [](const auto& entry) {
    return entry.second.find("${{") != std::string::npos;
  });
}

}  // namespace

SharedEnvironments::SharedEnvironments(const std::vector<std::string>& base_env) {
  for (const auto& entry : base_env) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || is_attempt_variable(entry.substr(0, eq))) continue;
    base_.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
}

std::shared_ptr<const std::vector<std::string>> SharedEnvironments::for_settings(
    const model::Settings& settings) {
  if (has_templates(settings.env)) return nullptr;
  auto& slot = cache_[settings.env];
  if (!slot) {
    auto env = base_;
    for (const auto& [name, value] : settings.env) {
      if (!is_attempt_variable(name)) env[name] = value;
    }
    auto entries = std::make_shared<std::vector<std::string>>();
    entries->reserve(env.size());
    for (const auto& [name, value] : env) entries->push_back(name + "=" + value);
    slot = std::move(entries);
  }
  return slot;
}

std::string output_path(const RunOptions& options, const std::string& path, int attempt,
                        Step step) {
  return attempt_file(options, "outputs", path, attempt, step);
}

std::string log_path(const RunOptions& options, const std::string& path, int attempt, Step step) {
  return attempt_file(options, "logs", path, attempt, step, ".log");
}

namespace {

// An attempt of a callable (the C++ library): its input as data; no argv, no environment.
PreparedLaunch prepare_call(const RunGraph& graph, UnitIndex leaf, int attempt,
                            const RunOptions& options, const model::Command& command, Step step) {
  PreparedLaunch out;
  const Unit& unit = graph.unit(leaf);
  const model::Settings& settings = graph.node_of(leaf).settings();
  auto input = std::make_shared<CallInput>();
  input->run_id = options.run_id;
  input->task = unit.path;
  input->attempt = attempt;
  input->item = unit.item;
  input->item_index = unit.item_index;
  input->compensating = step == Step::kCompensation;
  if (input->compensating) input->outputs[unit.path] = unit.outputs;
  for (UnitIndex u = leaf; u != kNoUnit; u = graph.unit(u).parent) {
    for (UnitIndex up : graph.unit(u).upstream) {
      for (UnitIndex source : graph.leaves_under(up)) {
        const auto& source_unit = graph.unit(source);
        if (!source_unit.outputs.empty()) input->outputs[source_unit.path] = source_unit.outputs;
      }
    }
  }
  out.spec.callable = command.callable;
  out.spec.call = std::move(input);
  out.output_file = output_path(options, unit.path, attempt, step);
  out.spec.log_path = log_path(options, unit.path, attempt, step);
  out.spec.timeout = settings.timeout;
  out.spec.kill_grace = settings.kill_grace.value_or(kDefaultKillGrace);
  return out;
}

}  // namespace

PreparedLaunch prepare_launch(const RunGraph& graph, UnitIndex leaf, int attempt,
                              const RunOptions& options, SharedEnvironments& environments,
                              Step step) {
  const model::Node& leaf_node = graph.node_of(leaf);
  const model::Command& action =
      step == Step::kCompensation ? *leaf_node.compensate : leaf_node.command;
  if (action.is_callable()) return prepare_call(graph, leaf, attempt, options, action, step);

  PreparedLaunch out;
  const Unit& unit = graph.unit(leaf);
  const model::Node& node = graph.node_of(leaf);
  const model::Settings& settings = node.settings();
  TemplateValues values(graph, leaf, options);
  std::string missing;
  auto lookup = [&](std::string_view expr) -> std::optional<std::string> {
    auto value = values(expr);
    // A dry run has no outputs: the template stands for itself.
    if (!value && options.dry_run) return fmt::format("${{{{ {} }}}}", expr);
    return value;
  };
  auto expand = [&](const std::string& text) -> std::optional<std::string> {
    auto result = model::expand_templates(text, lookup, missing);
    if (!result) out.error = fmt::format("template '${{{{ {} }}}}' has no value", missing);
    return result;
  };

  const model::Command& command = step == Step::kCompensation ? *node.compensate : node.command;
  if (command.uses_shell()) {
    out.spec.argv = shell_argv(command.shell);
    out.spec.as_shell = out.spec.argv.front() != "/bin/sh";
  } else {
    for (const auto& arg : command.argv) {
      auto value = expand(arg);
      if (!value) return out;
      out.spec.argv.push_back(std::move(*value));
    }
  }

  // Environment, later layers win: baton's own, the workflow's, groups' and task's (already
  // merged by inheritance) — shared between attempts where no template makes them differ — then
  // baton's variables, which are the attempt's own.
  out.spec.shared_env = environments.for_settings(settings);
  std::map<std::string, std::string> env;
  if (!out.spec.shared_env) {
    env = environments.base();
    for (const auto& [name, text] : settings.env) {
      auto value = expand(text);
      if (!value) return out;
      env[name] = std::move(*value);
    }
  }
  out.output_file = output_path(options, unit.path, attempt, step);
  env["BATON_RUN_ID"] = options.run_id;
  env["BATON_TASK"] = unit.path;
  env["BATON_ATTEMPT"] = std::to_string(attempt);
  env["BATON_OUTPUT"] = out.output_file;
  if (unit.item_index >= 0) {
    env["BATON_ITEM"] = unit.item;
    env["BATON_ITEM_INDEX"] = std::to_string(unit.item_index);
  }
  // Two outputs may map to one name (`a-b` and `a_b`, or task `a` key `b_c` and task `a_b` key
  // `c`): the first set keeps it, the task's own outputs, then its upstreams in `needs` order,
  // then its groups'. A template names the task exactly (docs/running.md).
  std::set<std::string> from_outputs;
  auto set_output = [&](const std::string& task, const std::string& key, const std::string& value) {
    auto name = output_variable(task, key);
    if (from_outputs.insert(name).second) env[std::move(name)] = value;
  };
  if (step == Step::kCompensation) {
    env.insert_or_assign("BATON_COMPENSATING", std::string("1"));
    for (const auto& [key, value] : unit.outputs) set_output(unit.path, key, value);
  }
  for (UnitIndex u = leaf; u != kNoUnit; u = graph.unit(u).parent) {
    for (UnitIndex up : graph.unit(u).upstream) {
      for (UnitIndex source : graph.leaves_under(up)) {
        const auto& source_unit = graph.unit(source);
        for (const auto& [key, value] : source_unit.outputs) {
          set_output(source_unit.path, key, value);
        }
      }
    }
  }
  out.spec.env.reserve(env.size());
  for (auto& [name, value] : env) out.spec.env.push_back(name + "=" + value);

  std::filesystem::path cwd = options.workflow_dir;
  if (settings.cwd) {
    auto value = expand(*settings.cwd);
    if (!value) return out;
    cwd = options.workflow_dir / *value;  // An absolute value replaces the folder.
  }
  out.spec.cwd = cwd.string();
  out.spec.log_path = log_path(options, unit.path, attempt, step);
  out.spec.timeout = settings.timeout;
  out.spec.kill_grace = settings.kill_grace.value_or(kDefaultKillGrace);
  return out;
}

}  // namespace baton::engine
