// Which attempts wrote a $BATON_OUTPUT file, told by inotify on the run's outputs folder. Most
// tasks write none, and asking the file system for a file that is not there costs a failed
// open(): a path walk and a negative dentry, ~4% of baton's time per `/bin/true` task. An
// event read costs one read() per exit, returning nothing.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>

namespace baton::engine {

class OutputsWatch {
 public:
  /// Watches `folder` (which must exist) for files created or moved into it. If inotify is not
  /// available (no instances left, say), may_exist() is always true: every file is opened.
  explicit OutputsWatch(const std::filesystem::path& folder);
  ~OutputsWatch();
  OutputsWatch(const OutputsWatch&) = delete;
  OutputsWatch& operator=(const OutputsWatch&) = delete;

  /// False only if no file called `name` appeared in the folder since the watch began. A file
  /// created before the last attempts_exited() call (or the watch's start) is always seen: the
  /// kernel queues the event within the creating call, so one made by a task that has exited is
  /// already queued. Each name answers true once.
  bool may_exist(const std::string& name);

  /// Attempts have exited since the last look: the next may_exist() reads the kernel's queue
  /// first. Called once per batch of exits, so that several exits cost one read(), not one each.
  void attempts_exited() { behind_ = true; }

 private:
  void drain();

  int fd_ = -1;
  bool behind_ = true;       ///< Events may be queued that have not been read.
  bool overflowed_ = false;  ///< Events were lost: every name may exist.
  std::unordered_set<std::string> created_;
};

}  // namespace baton::engine
