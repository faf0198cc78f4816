// A Store that keeps everything in memory: runs of the C++ library made without a state folder.
// Nothing survives the process, so nothing can be resumed; the report reads it like any store.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace baton::store {

class MemoryStore : public Store {
 public:
  void create_run(const RunRow& run) override;
  void write(const Batch& batch) override;
  bool claim_run(const RunRow& run, const RunRow& as_seen) override;
  std::optional<RunRow> find_run(std::string_view id_or_last) override;
  std::vector<RunRow> list_runs(int limit) override;
  std::vector<TaskRecord> tasks(std::string_view run) override;
  std::vector<BreakerRow> breakers(std::string_view run) override;
  std::map<std::string, int> count_states(std::string_view run) override;
  void end_run(std::string_view run, const std::string& status, Millis ended) override;
  bool give_verdict(std::string_view run, const VerdictRow& verdict) override;
  std::vector<VerdictRow> untaken_verdicts(std::string_view run) override;
  void take_verdict(std::string_view run, const std::string& path) override;
  std::vector<std::pair<std::string, Millis>> typical_durations(std::string_view workflow,
                                                                Millis started_before) override;

 private:
  struct Run {
    RunRow row;
    std::vector<TaskRecord> tasks;  ///< In the order first recorded.
    std::map<std::string, std::size_t, std::less<>> task_index;
    std::vector<BreakerRow> breakers;
    std::vector<VerdictRow> taken, untaken;
  };
  Run* find(std::string_view id);
  TaskRecord& task(Run& run, const std::string& path);

  std::mutex mutex_;       // The store may be read from another thread than the run's.
  std::vector<Run> runs_;  ///< In the order started.
};

}  // namespace baton::store
