#include "engine/outputs_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace baton::engine {

OutputsWatch::OutputsWatch(const std::filesystem::path& folder) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  if (::inotify_add_watch(fd_, folder.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

OutputsWatch::~OutputsWatch() {
  if (fd_ >= 0) ::close(fd_);
}

bool OutputsWatch::may_exist(const std::string& name) {
  if (fd_ < 0 || overflowed_) return true;
  if (behind_) {
    drain();
    behind_ = false;
    if (overflowed_) return true;
  }
  return created_.erase(name) > 0;
}

void OutputsWatch::drain() {
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: nothing more for now.
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->mask & IN_Q_OVERFLOW) overflowed_ = true;
      if (event->len > 0) created_.emplace(event->name);  // NUL-padded.
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

}  // namespace baton::engine
