#include "baton/context.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/outputs.hpp"
#include "lib/context_state.hpp"

namespace baton {

void CancellationToken::throw_if_cancelled() const {
  if (cancelled()) throw Cancelled();
}

namespace {

const std::string kNoItem;

// The upstream output `task`.`key`, from the attempt's CallInput or the fast path's arrays.
const std::string* find_text(const detail::ContextState& state, std::string_view task,
                             std::string_view key) {
  if (state.source) return state.source->find_input(state.node, task, key);
  const auto& outputs = state.input->outputs;
  auto source = outputs.find(std::string(task));
  if (source == outputs.end()) return nullptr;
  auto value = source->second.find(std::string(key));
  return value == source->second.end() ? nullptr : &value->second;
}

}  // namespace

// With a CallSource (the fast path) the call is a first attempt outside fan-outs.
const std::string& Context::run_id() const {
  return state_->source ? state_->source->run_id() : state_->input->run_id;
}
const std::string& Context::task() const {
  return state_->source ? state_->source->task(state_->node) : state_->input->task;
}
int Context::attempt() const { return state_->source ? 1 : state_->input->attempt; }
const std::string& Context::item() const { return state_->source ? kNoItem : state_->input->item; }
int Context::item_index() const { return state_->source ? -1 : state_->input->item_index; }
bool Context::compensating() const { return !state_->source && state_->input->compensating; }
const CancellationToken& Context::token() const { return state_->token; }

void Context::set_output_text(std::string key, std::string value) {
  state_->outputs[std::move(key)] = std::move(value);
}

std::optional<std::string> Context::find_input(std::string_view task, std::string_view key) const {
  if (const std::string* value = find_text(*state_, task, key)) return *value;
  return std::nullopt;
}

const std::string& Context::input_text(std::string_view task, std::string_view key) const {
  if (const std::string* value = find_text(*state_, task, key)) return *value;
  throw std::out_of_range(
      fmt::format("task '{}' has no input '{}.{}': it must need '{}', which must set output '{}'",
                  this->task(), task, key, task, key));
}

const std::map<std::string, std::string>& Context::outputs() const {
  if (compensating()) {
    auto own = state_->input->outputs.find(state_->input->task);
    if (own != state_->input->outputs.end()) return own->second;
  }
  return state_->outputs;
}

void Context::log(std::string_view line) {
  if (!state_->log) {
    if (state_->log_path.empty() && state_->source) {
      state_->log_path = state_->source->log_path(state_->node);
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(state_->log_path).parent_path(), ec);
    state_->log = std::fopen(state_->log_path.c_str(), "ae");
    if (!state_->log) return;  // Logging is best effort: a task does not fail for it.
  }
  std::fwrite(line.data(), 1, line.size(), state_->log);
  if (line.empty() || line.back() != '\n') std::fputc('\n', state_->log);
}

namespace detail {

std::string list_to_json(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

std::vector<std::string> list_from_text(const std::string& text) {
  return engine::fanout_items(text);
}

void throw_not_a(std::string_view type, std::string_view text) {
  throw std::invalid_argument(fmt::format("'{}' is not a {}", text, type));
}

}  // namespace detail
}  // namespace baton
