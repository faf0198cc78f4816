#include "load/node_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "model/ids.hpp"

namespace baton::load {
namespace {

using model::NodeIndex;

constexpr long long kIntMax = std::numeric_limits<int>::max();
constexpr long long kIntMin = std::numeric_limits<int>::min();

const std::vector<std::string_view> kNodeKeys = {
    "id",          "name",     "level",      "domain",     "needs",   "trigger",  "strategy",
    "concurrency", "defaults", "env",        "run",        "argv",    "approval", "cwd",
    "timeout",     "deadline", "kill_grace", "retry",      "breaker", "pool",     "slots",
    "priority",    "estimate", "on_failure", "compensate", "foreach", "as",       "max_parallel",
    "max_items",   "outputs",  "tasks"};

const std::vector<std::string_view> kDefaultsKeys = {
    "retry",      "timeout", "deadline", "kill_grace", "priority",
    "on_failure", "cwd",     "env",      "pool",       "breaker"};

const std::vector<std::string_view> kRetryKeys = {"strategy",
                                                  "max_attempts",
                                                  "delay",
                                                  "initial_interval",
                                                  "backoff_coefficient",
                                                  "max_interval",
                                                  "jitter",
                                                  "non_retryable_exit_codes",
                                                  "retry_on_exit_codes",
                                                  "retry_on_timeout"};

const std::vector<std::string_view> kForeachKeys = {"from", "output"};

// Keys that only a leaf may carry, and what to say when a group has them.
const std::vector<std::pair<std::string_view, std::string_view>> kLeafOnlyKeys = {
    {"run", ""},
    {"argv", ""},
    {"approval", ""},
    {"estimate", ""},
    {"compensate", ""},
    {"outputs", ""},
    {"slots", ""},
    {"cwd", "set it in the group's 'defaults' to apply it to every task"},
    {"pool", "set it in the group's 'defaults' to apply it to every task"},
    {"breaker", "set it in the group's 'defaults' to apply it to every task"}};

const std::vector<std::string_view> kGroupOnlyKeys = {"strategy", "concurrency", "defaults"};

bool has(const std::vector<std::string_view>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The key itself (not its value), to point at where the offending key was written.
yaml::Node key_node(const yaml::Node& map, std::string_view key) {
  for (auto entry : map.entries()) {
    if (entry.key.scalar() == key) return entry.key;
  }
  return map;
}

std::string_view second_action(const std::vector<std::string_view>& keys) {
  int seen = 0;
  for (const auto& key : keys) {
    if ((key == "run" || key == "argv" || key == "approval") && ++seen == 2) return key;
  }
  return "";
}

// Made for every node (it names the node's mapping in messages), so without fmt's machinery.
std::string node_label(const model::Node& node) {
  return (node.is_group() ? "group '" : "task '") + node.path + "'";
}

}  // namespace

void NodeParser::parse_children(const yaml::Node& list, NodeIndex parent) {
  if (!list.is_sequence()) {
    reader_.error(list, fmt::format("'tasks' expects a list of tasks, got {}", describe(list)));
    return;
  }
  if (list.size() == 0) {
    reader_.error(list, "'tasks' must list at least one task");
    return;
  }
  for (auto item : list.items()) parse_node(item, parent);
}

void NodeParser::parse_node(const yaml::Node& yaml, NodeIndex parent) {
  auto index = static_cast<NodeIndex>(workflow_.nodes.size());
  {
    auto& parent_node = workflow_.nodes[parent];
    auto id = yaml["id"];
    // An invalid id is kept so that references to it still resolve, unless it is so long that
    // every message naming the task would quote it. A placeholder keeps paths readable in later
    // messages when `id` is missing or wrong.
    std::string node_id = id.is_scalar() && id.scalar().size() <= 4 * model::kMaxIdLength
                              ? std::string(id.scalar())
                              : fmt::format("#{}", parent_node.children.size() + 1);
    std::string path = parent_node.path.empty() ? node_id : parent_node.path + "." + node_id;
    int depth = parent_node.depth + 1;
    parent_node.children.push_back(index);
    // Built in place: a node is ~500 bytes, and a million of them were each built then moved.
    auto& node = workflow_.nodes.emplace_back();
    node.parent = parent;
    node.depth = depth;
    node.pos = yaml.pos();
    node.kind = yaml.is_map() && yaml["tasks"] ? model::NodeKind::kGroup : model::NodeKind::kLeaf;
    node.id = std::move(node_id);
    if (id.is_scalar()) node.id_pos = id.pos();
    node.path = std::move(path);
  }
  auto node = [&]() -> model::Node& { return workflow_.nodes[index]; };
  if (!yaml.is_map()) {
    reader_.error(
        yaml, fmt::format("a task must be a mapping with at least 'id', got {}", describe(yaml)));
    return;
  }
  std::vector<std::string_view> keys;
  std::string what = node_label(node());
  reader_.mapping(
      yaml, what, kNodeKeys,
      [&](std::string_view key, const yaml::Node& key_node, const yaml::Node& value) {
        keys.push_back(key);
        // Only a setting makes the node hold settings of its own; the others share their
        // parent's (a million plain tasks would otherwise cost two Settings each).
        if (parse_setting(
                key, value, [&]() -> model::Settings& { return node().own_settings(); }, index)) {
          return;
        }
        if (key == "id") {
          if (!value.is_scalar() || !model::is_valid_id(value.text())) {
            reader_.error(value, fmt::format("invalid id {}: expected {}", describe(value),
                                             model::id_rule()));
          }
        } else if (key == "name") {
          if (auto v = reader_.string(value, key)) node().name = *v;
        } else if (key == "level") {
          node().declared_level = reader_.enumeration<Level>(value, key);
        } else if (key == "domain") {
          node().declared_domain = reader_.string(value, key);
        } else if (key == "needs") {
          if (auto refs = reader_.references(value, key)) node().needs = std::move(*refs);
        } else if (key == "trigger") {
          if (auto v = reader_.enumeration<TriggerRule>(value, key)) node().trigger = *v;
        } else if (key == "strategy") {
          if (auto v = reader_.enumeration<GroupStrategy>(value, key)) node().strategy = *v;
        } else if (key == "concurrency") {
          if (auto v = reader_.integer(value, key, 1, kIntMax)) node().concurrency = int(*v);
        } else if (key == "defaults") {
          parse_defaults(value, workflow_.nodes[index].defaults_settings(), index);
        } else if (key == "run") {
          if (auto v = reader_.string(value, key)) {
            node().action = model::ActionKind::kShell;
            node().command.shell = *v;
            record_site(index, "run", value, true);
            if (v->find_first_not_of(" \t\n") == std::string::npos) {
              reader_.error(value, "'run' is empty: expected a shell command");
            }
          }
        } else if (key == "argv") {
          auto v = reader_.strings(value, key, false);
          if (v && v->empty())
            reader_.error(value, "'argv' is empty: expected the program and its arguments");
          if (v && !v->empty() && v->front().empty()) {
            reader_.error(*value.items().begin(),
                          "'argv' starts with an empty program name: expected the program to "
                          "run, then its arguments");
          }
          if (v) {
            node().action = model::ActionKind::kArgv;
            node().command.argv = std::move(*v);
            for (auto item : value.items()) record_site(index, "argv", item, false);
          }
        } else if (key == "approval") {
          auto v = reader_.boolean(value, key);
          if (v && !*v)
            reader_.error(value, "'approval' can only be true (it makes the task a manual gate)");
          node().action = model::ActionKind::kApproval;
        } else if (key == "slots") {
          if (auto v = reader_.integer(value, key, 1, kIntMax)) node().slots = int(*v);
          node().slots_pos = value.pos();
        } else if (key == "estimate") {
          node().estimate = reader_.duration(value, key);
        } else if (key == "compensate") {
          if (auto command = parse_command(value, key, index)) {
            node().compensate = std::make_shared<model::Command>(std::move(*command));
          }
        } else if (key == "foreach") {
          if (!node().foreach) node().foreach = std::make_shared<model::Foreach>();
          parse_foreach(value, *node().foreach);
          node().foreach->pos = value.pos();
        } else if (key == "as" || key == "max_parallel" || key == "max_items") {
          if (!node().foreach) node().foreach = std::make_shared<model::Foreach>();
          auto& fe = *node().foreach;
          if (key == "as") {
            auto v = reader_.string(value, key);
            if (v && !model::is_valid_identifier(*v)) {
              reader_.error(value,
                            fmt::format("'as' expects a name of letters, digits and '_', got {}",
                                        describe(value)));
            } else if (v) {
              fe.as = *v;
            }
          } else if (key == "max_parallel") {
            if (auto v = reader_.integer(value, key, 1, kIntMax)) fe.max_parallel = int(*v);
          } else if (auto v = reader_.integer(value, key, 1, kIntMax)) {
            fe.max_items = int(*v);
          }
        } else if (key == "outputs") {
          if (auto v = reader_.strings(value, key, false)) {
            std::size_t i = 0;
            for (auto item : value.items()) {
              const auto& name = (*v)[i++];
              if (!model::is_valid_identifier(name)) {
                reader_.error(item, fmt::format("invalid output key '{}': expected letters, digits "
                                                "and '_', starting with a letter or '_'",
                                                shown(name)));
              }
            }
            node().outputs = std::move(*v);
          }
        } else if (key == "tasks") {
          parse_children(value, index);
        }
        (void)key_node;
      });
  check_node_shape(node(), yaml, keys);
}

void NodeParser::check_node_shape(model::Node& node, const yaml::Node& yaml,
                                  const std::vector<std::string_view>& keys) {
  if (!has(keys, "id") && !yaml["id"]) {
    reader_.error(yaml, "a task needs an 'id'");
  }
  if (node.foreach && !has(keys, "foreach")) {
    for (auto key : {"as", "max_parallel", "max_items"}) {
      if (has(keys, key)) {
        reader_.error(key_node(yaml, key),
                      fmt::format("{} sets '{}' without 'foreach'", node_label(node), key));
      }
    }
    node.foreach.reset();
  }
  if (node.is_group()) {
    for (const auto& [key, hint] : kLeafOnlyKeys) {
      if (has(keys, key)) {
        reader_.error(yaml[std::string(key)],
                      fmt::format("'{}' is not allowed on {}: a node with 'tasks' is a group", key,
                                  node_label(node)),
                      std::string(hint));
      }
    }
    return;
  }
  for (auto key : kGroupOnlyKeys) {
    if (has(keys, key)) {
      reader_.error(yaml[std::string(key)],
                    fmt::format("'{}' applies only to groups (nodes with 'tasks')", key));
    }
  }
  std::vector<std::string_view> actions;
  for (std::string_view key : {"run", "argv", "approval"}) {
    if (has(keys, key)) actions.push_back(key);
  }
  if (actions.empty()) {
    reader_.error(yaml, fmt::format("{} has nothing to do: expected one of 'run', 'argv' or "
                                    "'approval' (or 'tasks' to make it a group)",
                                    node_label(node)));
  } else if (actions.size() > 1) {
    reader_.error(
        key_node(yaml, second_action(keys)),
        fmt::format("{} has both {}: a task takes exactly one of 'run', 'argv' or "
                    "'approval'",
                    node_label(node), fmt::format("'{}'", fmt::join(actions, "' and '"))));
  }
}

void NodeParser::parse_defaults(const yaml::Node& value, model::Settings& settings,
                                NodeIndex owner) {
  reader_.mapping(value, "'defaults'", kDefaultsKeys,
                  [&](std::string_view key, const yaml::Node&, const yaml::Node& v) {
                    parse_setting(
                        key, v, [&]() -> model::Settings& { return settings; }, owner);
                  });
}

bool NodeParser::parse_setting(std::string_view key, const yaml::Node& value,
                               const std::function<model::Settings&()>& settings, NodeIndex owner) {
  if (key == "retry") {
    parse_retry(value, settings().retry);
  } else if (key == "timeout" || key == "deadline" || key == "kill_grace") {
    auto d = reader_.duration(value, key);
    if (d && d->count() == 0 && key != "kill_grace") {
      // Kept in whole milliseconds: 0.4ms rounds to 0, which is why the bound is said so.
      reader_.error(value, fmt::format("'{}' must be at least 1ms", key));
      d.reset();
    }
    (key == "timeout"    ? settings().timeout
     : key == "deadline" ? settings().deadline
                         : settings().kill_grace) = d;
  } else if (key == "priority") {
    if (auto v = reader_.integer(value, key, kIntMin, kIntMax)) settings().priority = int(*v);
  } else if (key == "on_failure") {
    settings().on_failure = reader_.enumeration<OnFailure>(value, key);
  } else if (key == "cwd") {
    settings().cwd = reader_.string(value, key);
    if (settings().cwd) record_site(owner, "cwd", value, false);
  } else if (key == "pool" || key == "breaker") {
    auto name = reader_.string(value, key);
    if (name) named_uses_.push_back({std::string(key), *name, value.pos()});
    (key == "pool" ? settings().pool : settings().breaker) = std::move(name);
  } else if (key == "env") {
    parse_env(value, settings, owner);
  } else {
    return false;
  }
  return true;
}

void NodeParser::parse_retry(const yaml::Node& value, RetryPolicy& retry) {
  const auto is_number = [](std::string_view text) {
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (value.is_plain() && is_number(value.scalar())) {
    if (auto n = reader_.integer(value, "retry", 0, kIntMax)) retry.max_attempts = int(*n);
    return;
  }
  if (!value.is_map()) {
    reader_.error(value, fmt::format("'retry' expects a number of attempts or a mapping such as "
                                     "{{max_attempts: 3, strategy: exponential}}, got {}",
                                     describe(value)));
    return;
  }
  reader_.mapping(value, "'retry'", kRetryKeys,
                  [&](std::string_view key, const yaml::Node&, const yaml::Node& v) {
                    if (key == "strategy") {
                      retry.strategy = reader_.enumeration<RetryStrategy>(v, key);
                    } else if (key == "max_attempts") {
                      if (auto n = reader_.integer(v, key, 0, kIntMax))
                        retry.max_attempts = int(*n);
                    } else if (key == "delay") {
                      retry.delay = reader_.duration(v, key);
                    } else if (key == "initial_interval") {
                      retry.initial_interval = reader_.duration(v, key);
                    } else if (key == "max_interval") {
                      retry.max_interval = reader_.duration(v, key);
                    } else if (key == "backoff_coefficient") {
                      retry.backoff_coefficient = reader_.number(v, key, 1.0, 1e6);
                    } else if (key == "jitter") {
                      retry.jitter = reader_.number(v, key, 0.0, 1.0);
                    } else if (key == "non_retryable_exit_codes") {
                      retry.non_retryable_exit_codes = reader_.exit_codes(v, key);
                    } else if (key == "retry_on_exit_codes") {
                      retry.retry_on_exit_codes = reader_.exit_codes(v, key);
                    } else if (key == "retry_on_timeout") {
                      retry.retry_on_timeout = reader_.boolean(v, key);
                    }
                  });
}

void NodeParser::parse_foreach(const yaml::Node& value, model::Foreach& foreach) {
  if (value.is_sequence()) {
    if (value.size() == 0) reader_.error(value, "'foreach' has no items: expected at least one");
    for (auto item : value.items()) {
      if (item.is_scalar() && !item.is_null()) {
        foreach
          .items.push_back(item.text());
      } else if (item.is_null()) {
        const std::string& text = item.text();
        reader_.error(item,
                      fmt::format("'foreach' items must be strings, numbers or booleans, got "
                                  "null{}",
                                  text.empty() ? "" : " ('" + text + "')"),
                      text.empty() ? std::string("an empty '-' is no item: remove it")
                                   : fmt::format("quote it for the text: \"{}\"", text));
      } else {
        reader_.error(item,
                      fmt::format("'foreach' items must be strings, numbers or booleans, got {}",
                                  describe(item)));
      }
    }
    return;
  }
  if (!value.is_map()) {
    reader_.error(value, fmt::format("'foreach' expects a list of items or {{from: TASK, output: "
                                     "KEY}}, got {}",
                                     describe(value)));
    return;
  }
  reader_.mapping(value, "'foreach'", kForeachKeys,
                  [&](std::string_view key, const yaml::Node&, const yaml::Node& v) {
                    if (key == "from") {
                      if (auto text = reader_.string(v, key))
                        foreach
                          .from = model::Reference{*text, v.pos()};
                    } else if (auto text = reader_.string(v, key)) {
                      foreach
                        .output = *text;
                      foreach
                        .output_pos = v.pos();
                    }
                  });
  if (!value["from"])
    reader_.error(value, "'foreach' needs 'from': the task whose output lists the items");
  if (!value["output"])
    reader_.error(value, "'foreach' needs 'output': the output key that lists the items");
}

std::optional<model::Command> NodeParser::parse_command(const yaml::Node& value,
                                                        std::string_view key, NodeIndex owner) {
  if (value.is_scalar()) {
    record_site(owner, std::string(key), value, true);
    return model::Command{value.text(), {}};
  }
  if (value.is_sequence() && value.size() > 0) {
    auto argv = reader_.strings(value, key, false);
    if (!argv) return std::nullopt;
    if (argv->front().empty()) {
      reader_.error(*value.items().begin(),
                    fmt::format("'{}' starts with an empty program name: expected the program "
                                "to run, then its arguments",
                                key));
      return std::nullopt;
    }
    for (auto item : value.items()) record_site(owner, std::string(key), item, false);
    return model::Command{{}, std::move(*argv)};
  }
  reader_.error(value, fmt::format("'{}' expects a shell command or a non-empty argv list, got {}",
                                   key, describe(value)));
  return std::nullopt;
}

void locate_templates(std::string_view text, std::vector<TemplateSite>& sites) {
  if (sites.empty()) return;
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts.push_back(i + 1);
  }
  auto is_lead = [&](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  };
  for (auto& site : sites) {
    if (site.pos.line < 1 || static_cast<std::size_t>(site.pos.line) > line_starts.size()) continue;
    // The string's start: its line, then as many characters as its column says (UTF-8).
    std::size_t at = line_starts[static_cast<std::size_t>(site.pos.line) - 1];
    for (int column = 1; column < site.pos.column && at < text.size() && text[at] != '\n';) {
      ++at;
      if (at >= text.size() || is_lead(at)) ++column;
    }
    for (std::size_t in_value = site.text.find("${{"); in_value != std::string::npos;
         in_value = site.text.find("${{", in_value + 3)) {
      std::size_t found = text.find("${{", at);
      if (found == std::string_view::npos) break;
      auto line = std::upper_bound(line_starts.begin(), line_starts.end(), found) - 1;
      int column = 1;
      for (std::size_t i = *line; i < found; ++i) column += is_lead(i) ? 1 : 0;
      site.expr_pos.push_back({static_cast<int>(line - line_starts.begin()) + 1, column});
      at = found + 3;
    }
  }
}

void NodeParser::parse_env(const yaml::Node& value,
                           const std::function<model::Settings&()>& settings, NodeIndex owner) {
  auto env = reader_.env(value, "env");
  if (!env) return;
  settings().env = std::move(*env);
  for (auto entry : value.entries()) {
    if (entry.key.is_scalar() && entry.value.is_scalar()) {
      record_site(owner, "env." + entry.key.text(), entry.value, false);
    }
  }
}

void NodeParser::record_site(NodeIndex node, std::string key, const yaml::Node& value,
                             bool is_shell) {
  if (!value.is_scalar() || value.text().find("${{") == std::string::npos) return;
  template_sites_.push_back({node, std::move(key), value.text(), value.pos(), is_shell, {}});
}

}  // namespace baton::load
