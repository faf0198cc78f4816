// What the commands that read a recorded run share: opening the store of `--state` and finding
// the run a user named (an id or `last`), with the messages and exit codes of SPEC 5.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/workflow.hpp"
#include "store/store.hpp"

namespace baton::cli {

/// Whether the state folder of `--state DIR` / $BATON_STATE / ./.baton holds a store.
bool store_exists(const std::string& state_option);

/// The store of `--state DIR` / $BATON_STATE / ./.baton, which must exist: the commands that
/// read runs never create one (a mistyped --state would otherwise leave a store behind). On
/// failure, says why on stderr, sets `exit_code` (2 if there is no store, else 1) and returns
/// null. `command` prefixes messages ("baton status").
std::unique_ptr<store::Store> open_store_or_report(
    const std::string& command, const std::string& state_option, int& exit_code,
    store::Durability durability = store::Durability::kNormal);

/// The run called `id` (or the latest for `last`), with what its journal holds brought into the
/// store if its baton died (Store::recover); on failure says so and sets exit code 2 (1 if the
/// store cannot be written).
std::optional<store::RunRow> find_run_or_report(const std::string& command, store::Store& store,
                                                const std::string& id, int& exit_code);

/// A run whose baton died may have left its last commits in its journal: brings them into the
/// store (Store::recover). False, having said why and set exit code 1, if it cannot.
bool recover_if_dead(const std::string& command, store::Store& store, const store::RunRow& run,
                     int& exit_code);

/// True if the process that recorded itself as running `run` is still that process.
bool run_process_alive(const store::RunRow& run);

/// SPEC 2.3: past durations of the workflow's tasks (its last runs in `store` that started
/// before `before`) replace their estimates. Returns how many tasks took one.
int apply_store_history(model::Workflow& workflow, store::Store& store,
                        store::Millis before = store::kForever);

/// apply_store_history() from the store in `state`, if there is one: a folder without a store is
/// not an error, and none is created (`plan --state`, `run --dry-run`).
int apply_folder_history(model::Workflow& workflow, const std::filesystem::path& state);

/// The leaves of `workflow` that a run has and never recorded (SPEC 2.4: they are pending), in
/// file order: static fan-out instances included, and the tasks of the dynamic fan-out
/// instances of which the run recorded a task. `recorded`: the run's recorded paths.
std::vector<std::string> unrecorded_leaves(const model::Workflow& workflow,
                                           std::vector<std::string> recorded);

/// The run's status for display: its recorded status, except `interrupted` for a run recorded
/// as running whose baton process is gone (killed, crashed, or on a machine that rebooted).
std::string display_status(const store::RunRow& run);

/// A recorded instance's path without its fan-out indices, which is its node's path:
/// `region[1].deploy` → `region.deploy`. Only `[digits]` is an index.
std::string without_indices(std::string_view path);

/// "2026-11-25 22:38:41", local time.
std::string local_date_time(store::Millis ms);

/// The run's duration, "12.34s", "3m05s": to its end, to now while it runs, and for an
/// interrupted run to the last start or end of an attempt it recorded (it is not running).
std::string run_duration(const store::RunRow& run, store::Store& store);

}  // namespace baton::cli
