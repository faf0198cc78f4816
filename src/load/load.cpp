#include "load/load.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>

#include "load/flow.hpp"
#include "load/inherit.hpp"
#include "load/node_parser.hpp"
#include "load/resolve.hpp"
#include "load/yaml_document.hpp"
#include "load/yaml_fields.hpp"
#include "model/ids.hpp"

namespace baton::load {
namespace {

using model::NodeIndex;

const std::vector<std::string_view> kTopKeys = {
    "name",  "description", "concurrency", "failure_mode", "env",
    "pools", "breakers",    "defaults",    "tasks",        "flow"};
const std::vector<std::string_view> kBreakerKeys = {"failure_threshold", "reset_timeout",
                                                    "half_open_max", "on_open"};

constexpr long long kIntMax = std::numeric_limits<int>::max();

// A hostile-input bound, checked before anything is parsed: a 1,000,000-task workflow (SPEC 9)
// is 30 to 55 MB; much more would take the loader tens of seconds and gigabytes.
constexpr std::size_t kMaxFileBytes = 64 << 20;

LoadResult refused(const std::string& file, std::string message) {
  LoadResult result;
  result.diagnostics.push_back({file, 0, 0, std::move(message), {}});
  result.error_count = 1;
  return result;
}

// `bytes`: the file's size, or 0 if it is not known.
std::string too_big(std::size_t bytes) {
  auto size = bytes > kMaxFileBytes ? fmt::format("{:.1f} MiB", double(bytes) / (1 << 20))
                                    : std::string("over 64 MiB");
  return fmt::format("the file is {}, more than the 64 MiB a workflow file may hold", size);
}

// Counted on the YAML tree before any task is built, so that a file of millions of tasks (valid
// or not) is refused without building them.
// The tasks and groups that `tasks` declares, counted through nested lists (and the aliases
// that repeat them) before any is built; stops counting past model::kMaxInstances.
std::uint64_t count_nodes(const yaml::Node& tasks) {
  std::uint64_t count = 0;
  std::vector<yaml::Node> lists{tasks};
  while (!lists.empty()) {
    yaml::Node list = lists.back();
    lists.pop_back();
    if (!list.is_sequence()) continue;
    count += list.size();
    if (count > model::kMaxInstances) return count;
    for (auto item : list.items()) {
      if (item.is_map()) lists.push_back(item["tasks"]);
    }
  }
  return count;
}

class DocumentParser {
 public:
  DocumentParser(std::string_view text, model::Workflow& workflow, DiagnosticSink& sink)
      : text_(text), workflow_(workflow), sink_(sink), reader_(sink), nodes_(reader_, workflow) {}

  /// Builds the nodes from the tree; returns whether there is anything to resolve().
  bool parse(const yaml::Node& doc) {
    const std::uint64_t declared = count_nodes(doc["tasks"]);
    if (declared > model::kMaxInstances) {
      reader_.error(doc["tasks"],
                    fmt::format("the workflow has more than {} tasks and groups, the most "
                                "a run may hold",
                                model::kMaxInstances));
      return false;
    }
    // Room for every node at once: growing a vector of ~540-byte nodes moves each one about
    // twice and, at a million tasks, briefly holds the old and the new block together.
    workflow_.nodes.reserve(declared + 1);
    workflow_.nodes.emplace_back();  // The root: the workflow as a group.
    workflow_.nodes[model::kRoot].kind = model::NodeKind::kGroup;
    bool mapping = reader_.mapping(doc, "the workflow", kTopKeys,
                                   [&](std::string_view key, const yaml::Node&,
                                       const yaml::Node& value) { parse_top_key(key, value); });
    if (!mapping) return false;
    if (!doc["name"]) {
      reader_.error(doc, "the workflow has no 'name': expected a name such as 'name: release'");
    }
    if (!doc["tasks"]) reader_.error(doc, "the workflow has no 'tasks': expected a list of tasks");
    return !(sink_.has_errors() && workflow_.nodes.size() == 1);
  }

  /// Turns references into edges, then checks what needs the whole graph. Needs only the
  /// nodes and the file's text, not the YAML tree.
  void resolve() {
    Resolver resolver(workflow_, sink_);
    resolver.resolve_needs();
    resolver.resolve_flows(flows_);
    resolver.resolve_foreach_sources();
    resolver.add_sequential_edges();
    auto sites = nodes_.template_sites();
    locate_templates(text_, sites);
    resolver.resolve_templates(sites);
    check_named_uses();
    apply_inheritance(workflow_);
    infer_levels(workflow_);
    check_effective_settings(workflow_, sink_);
    report_cycles(workflow_, sink_);
    for (auto& node : workflow_.nodes) {
      if (node.name.empty()) node.name = node.id;
    }
  }

 private:
  void parse_top_key(std::string_view key, const yaml::Node& value) {
    if (key == "name") {
      auto v = reader_.string(value, key);
      if (v && v->empty()) {
        reader_.error(value, "'name' is empty: expected a name such as 'name: release'");
      } else if (v) {
        workflow_.name = *v;
      }
    } else if (key == "description") {
      if (auto v = reader_.string(value, key)) workflow_.description = *v;
    } else if (key == "concurrency") {
      if (auto v = reader_.integer(value, key, 1, kIntMax)) workflow_.concurrency = int(*v);
    } else if (key == "failure_mode") {
      if (auto v = reader_.enumeration<FailureMode>(value, key)) workflow_.failure_mode = *v;
    } else if (key == "env") {
      // Its templates are checked like a node's: only run.id has a value at this level.
      nodes_.parse_env(
          value,
          [this]() -> model::Settings& { return workflow_.nodes[model::kRoot].own_settings(); },
          model::kRoot);
    } else if (key == "pools") {
      parse_pools(value);
    } else if (key == "breakers") {
      parse_breakers(value);
    } else if (key == "defaults") {
      nodes_.parse_defaults(value, workflow_.nodes[model::kRoot].defaults_settings(), model::kRoot);
    } else if (key == "tasks") {
      nodes_.parse_children(value, model::kRoot);
    } else if (key == "flow") {
      parse_flow_list(value);
    }
  }

  // A mapping of names to settings (pools, breakers): checks its shape and every name, then
  // hands each entry to `add`, which returns false if the name was taken already.
  template <typename Add>
  void parse_named(const yaml::Node& value, std::string_view kind, std::string_view holds,
                   Add add) {
    if (!value.is_map()) {
      reader_.error(value, fmt::format("'{}s' expects a mapping of {} names to {}, got {}", kind,
                                       kind, holds, describe(value)));
      return;
    }
    for (auto entry : value.entries()) {
      std::string name = entry.key.is_scalar() ? entry.key.text() : "";
      if (!model::is_valid_id(name)) {
        reader_.error(entry.key, fmt::format("invalid {} name {}", kind, describe(entry.key)));
      } else if (!add(name, entry.value)) {
        reader_.error(entry.key, fmt::format("duplicate {} '{}'", kind, name));
      }
    }
  }

  void parse_pools(const yaml::Node& value) {
    parse_named(value, "pool", "slot counts", [&](const std::string& name, const yaml::Node& v) {
      auto size = reader_.integer(v, "pools." + name, 1, kIntMax);
      return !size || workflow_.pools.emplace(name, int(*size)).second;
    });
  }

  void parse_breakers(const yaml::Node& value) {
    parse_named(value, "breaker", "settings", [&](const std::string& name, const yaml::Node& v) {
      BreakerSpec spec;
      spec.name = name;
      reader_.mapping(v, fmt::format("breaker '{}'", name), kBreakerKeys,
                      [&](std::string_view key, const yaml::Node&, const yaml::Node& field) {
                        parse_breaker_key(key, field, spec);
                      });
      return workflow_.breakers.emplace(name, spec).second;
    });
  }

  void parse_breaker_key(std::string_view key, const yaml::Node& v, BreakerSpec& spec) {
    if (key == "failure_threshold") {
      if (auto n = reader_.integer(v, key, 1, kIntMax)) spec.failure_threshold = int(*n);
    } else if (key == "reset_timeout") {
      if (auto d = reader_.duration(v, key)) spec.reset_timeout = *d;
    } else if (key == "half_open_max") {
      if (auto n = reader_.integer(v, key, 1, kIntMax)) spec.half_open_max = int(*n);
    } else if (auto action = reader_.enumeration<BreakerOpenAction>(v, key)) {
      spec.on_open = *action;
    }
  }

  void parse_flow_list(const yaml::Node& value) {
    if (!value.is_sequence()) {
      reader_.error(value, fmt::format("'flow' expects a list of chains such as \"a >> [b, c] >> "
                                       "d\", got {}",
                                       describe(value)));
      return;
    }
    for (auto item : value.items()) {
      if (!item.is_scalar()) {
        // `- [a, b] >> c` unquoted is a YAML list: the chain needs quotes.
        reader_.error(
            item, fmt::format("'flow' expects chains as strings, got {}", describe(item)),
            item.is_sequence() ? "quote a chain that starts with '[': - \"[a, b] >> c\"" : "");
        continue;
      }
      auto start = item.pos();
      if (!item.is_plain()) start.column += 1;  // Past the opening quote.
      auto parsed = parse_flow(item.text(), start);
      if (!parsed.error.empty()) {
        sink_.error(parsed.error_pos,
                    fmt::format("in flow \"{}\": {}", shown(item.scalar()), parsed.error));
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
      sink_.error(use.pos, fmt::format("unknown {} '{}'", use.kind, shown(use.name)), hint);
    }
  }

  std::string_view text_;
  model::Workflow& workflow_;
  DiagnosticSink& sink_;
  FieldReader reader_;
  NodeParser nodes_;
  std::vector<std::pair<FlowChain, model::SourcePos>> flows_;
};

}  // namespace

LoadResult load_workflow_text(std::string text, const std::string& file) {
  if (text.size() > kMaxFileBytes) return refused(file, too_big(text.size()));
  LoadResult result;
  result.text = std::move(text);
  if (result.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    result.diagnostics.push_back(
        {file, 1, 1, "the file is empty: expected a workflow with 'name' and 'tasks'", {}});
    result.error_count = 1;
    return result;
  }
  auto doc = std::make_unique<yaml::Document>(yaml::Document::parse(result.text));
  if (doc->error()) {
    const auto& e = *doc->error();
    result.diagnostics.push_back({file, e.pos.line, e.pos.column, e.message, {}});
    result.error_count = 1;
    return result;
  }
  if (!doc->root() || doc->root().is_null()) {
    result.diagnostics.push_back(
        {file, 1, 1, "the file is empty: expected a workflow with 'name' and 'tasks'", {}});
    result.error_count = 1;
    return result;
  }
  model::Workflow workflow;
  workflow.file = file;
  DiagnosticSink sink(file);
  DocumentParser parser(result.text, workflow, sink);
  if (parser.parse(doc->root())) {
    // Resolving needs only the nodes: the tree goes first. On a million tasks it holds ~250 MB,
    // which would otherwise add to the resolver's indexes at the peak.
    doc.reset();
    parser.resolve();
  }
  result.diagnostics = sink.take();  // Before count(): take() drops repeats.
  result.error_count = sink.count();
  if (result.diagnostics.empty()) result.workflow = std::move(workflow);
  return result;
}

LoadResult load_workflow_file(const std::string& path) {
  auto cannot_read = [&path](std::string_view why) {
    return refused(path, fmt::format("cannot read the workflow: {}", why));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read(std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return cannot_read("it is a directory");
  }
  // A regular file's size is known before reading; a pipe or a device (/dev/zero) is read only
  // up to the bound, so no input makes baton hold more than that.
  bool regular = S_ISREG(info.st_mode);
  if (regular && static_cast<std::uint64_t>(info.st_size) > kMaxFileBytes) {
    ::close(fd);
    return refused(path, too_big(static_cast<std::size_t>(info.st_size)));
  }
  std::string text;
  text.resize(regular ? static_cast<std::size_t>(info.st_size) + 1 : 1 << 16);
  std::size_t size = 0;
  for (;;) {
    if (size == text.size()) {
      if (size > kMaxFileBytes) break;
      text.resize(std::min(2 * size, kMaxFileBytes + 1));
    }
    ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return cannot_read(std::strerror(error));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (size > kMaxFileBytes) return refused(path, too_big(0));  // Its size is not known.
  text.resize(size);
  return load_workflow_text(std::move(text), path);
}

}  // namespace baton::load
