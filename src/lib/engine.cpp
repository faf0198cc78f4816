#include "baton/engine.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "lib/run_record.hpp"
#include "report/html.hpp"
#include "report/json_report.hpp"
#include "report/json_text.hpp"
#include "report/markdown.hpp"
#include "report/metrics.hpp"
#include "report/run_report.hpp"

namespace baton {

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kRolledBack:
      return "rolled_back";
    case RunStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

// ---- RunResult -------------------------------------------------------------------------------

RunResult::RunResult(std::shared_ptr<const detail::RunRecord> record)
    : record_(std::move(record)) {}

const std::string& RunResult::id() const { return record_->id; }
RunStatus RunResult::status() const { return record_->status; }
std::chrono::system_clock::time_point RunResult::started() const { return record_->started; }
std::chrono::system_clock::time_point RunResult::ended() const { return record_->ended; }
const std::vector<TaskResult>& RunResult::tasks() const { return record_->tasks(); }

const TaskResult& RunResult::task(std::string_view path) const {
  const TaskResult* task = record_->find_task(path);
  if (!task) throw std::out_of_range(fmt::format("run {} has no task '{}'", record_->id, path));
  return *task;
}

std::string RunResult::report(ReportFormat format) const {
  auto row = record_->store->find_run(record_->id);
  if (!row) return {};
  report::ReportContext context;
  context.state_flag = record_->state_flag;
  context.stored = !record_->state_flag.empty();  // A library run has one with a state_dir.
  context.workflow = &record_->workflow();
  auto run = report::read_run_report(*record_->store, *row, context);
  auto metrics = report::compute_metrics(run);
  switch (format) {
    case ReportFormat::kMarkdown:
      return report::render_markdown(run, metrics);
    case ReportFormat::kJson:
      return report::json_text(report::report_json(run, metrics));
    case ReportFormat::kHtml:
      return report::render_html(report::report_json(run, metrics));
  }
  return {};
}

// ---- RunHandle -------------------------------------------------------------------------------

namespace detail {

struct RunThread {
  std::shared_ptr<lib::CancelSignal> cancel = std::make_shared<lib::CancelSignal>();
  std::thread thread;
  std::mutex mutex;
  std::shared_ptr<const RunRecord> record;  ///< Set when the run ended normally.
  std::exception_ptr error;                 ///< Set when it threw.
  std::atomic<bool> done{false};
};

}  // namespace detail

RunHandle::RunHandle(std::unique_ptr<detail::RunThread> thread) : thread_(std::move(thread)) {}
RunHandle::RunHandle(RunHandle&&) noexcept = default;
RunHandle& RunHandle::operator=(RunHandle&& other) noexcept {
  if (this != &other) {
    if (thread_ && thread_->thread.joinable()) {
      thread_->cancel->request();
      thread_->thread.join();
    }
    thread_ = std::move(other.thread_);
  }
  return *this;
}

RunHandle::~RunHandle() {
  if (thread_ && thread_->thread.joinable()) {
    thread_->cancel->request();
    thread_->thread.join();
  }
}

void RunHandle::cancel() { thread_->cancel->request(); }

bool RunHandle::done() const { return thread_->done.load(std::memory_order_acquire); }

RunResult RunHandle::wait() {
  std::lock_guard lock(thread_->mutex);
  // While this thread waits, SIGINT, SIGTERM and SIGHUP are left to the run, which reads them
  // and cancels (as `baton cancel` expects): else their default action would end the process
  // here and leave the run's commands running. So is SIGTSTP, with which the run stops its
  // commands before it stops the process.
  sigset_t stop, before;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP);
  sigaddset(&stop, SIGTSTP);
  pthread_sigmask(SIG_BLOCK, &stop, &before);
  if (thread_->thread.joinable()) thread_->thread.join();
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  if (thread_->error) std::rethrow_exception(thread_->error);
  return RunResult(thread_->record);
}

// ---- Engine ----------------------------------------------------------------------------------

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

RunResult Engine::run(const Workflow& workflow) {
  return RunResult(
      detail::run_workflow(workflow.state(), options_, std::make_shared<lib::CancelSignal>()));
}

RunHandle Engine::start(const Workflow& workflow) {
  auto run = std::make_unique<detail::RunThread>();
  detail::RunThread* shared = run.get();
  const detail::WorkflowState* state = &workflow.state();
  shared->thread = std::thread([shared, state, options = options_] {
    try {
      shared->record = detail::run_workflow(*state, options, shared->cancel);
    } catch (...) {
      shared->error = std::current_exception();
    }
    shared->done.store(true, std::memory_order_release);
  });
  return RunHandle(std::move(run));
}

}  // namespace baton
