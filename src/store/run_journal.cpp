#include "store/run_journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#include "store/batch_codec.hpp"

namespace baton::store {
namespace {

// A record: its body's size and CRC-32 (4 bytes each, little-endian), then the body: the
// record's number (8 bytes) and the encoded batch. A crash mid-append leaves a record cut
// short, a power cut one with stale bytes: either fails its size or its CRC, and so do all
// after it, which were never acknowledged.
constexpr std::size_t kHeaderBytes = 8;
constexpr std::size_t kNumberBytes = 8;

void put_u32(char* at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32(const char* at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(at[i])} << (8 * i);
  return v;
}

std::uint32_t checksum(const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(
      ::crc32(0, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view doing) {
  throw std::runtime_error(
      fmt::format("cannot {} the journal {}: {}", doing, path.string(), std::strerror(errno)));
}

// Whether `fd` is still the file at `path`: another process may have removed it (an abandoned
// journal, brought into the store) between our open() and our lock.
bool still_at(int fd, const std::filesystem::path& path) {
  struct stat open_file {
  }, named{};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

std::vector<JournalRecord> parse(std::string_view bytes) {
  std::vector<JournalRecord> records;
  while (bytes.size() >= kHeaderBytes) {
    std::uint32_t size = get_u32(bytes.data());
    if (size < kNumberBytes || bytes.size() - kHeaderBytes < size) break;
    const char* body = bytes.data() + kHeaderBytes;
    if (checksum(body, size) != get_u32(bytes.data() + 4)) break;
    std::uint64_t number = 0;
    for (std::size_t i = 0; i < kNumberBytes; ++i) {
      number |= std::uint64_t{static_cast<unsigned char>(body[i])} << (8 * i);
    }
    auto batch = decode(std::string_view(body + kNumberBytes, size - kNumberBytes));
    if (!batch) break;
    records.push_back({static_cast<std::int64_t>(number), std::move(*batch)});
    bytes.remove_prefix(kHeaderBytes + size);
  }
  return records;
}

std::string read_all(int fd, const std::filesystem::path& path) {
  std::string bytes;
  char buffer[1 << 16];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "read");
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

}  // namespace

RunJournal::RunJournal(std::filesystem::path path, std::int64_t first, bool sync_each)
    : path_(std::move(path)), next_(first), sync_each_(sync_each) {
  // A reader bringing in an abandoned journal of this name holds it for a moment, then
  // removes it: wait for the lock a while, and start again if the file went meanwhile.
  const auto give_up = std::chrono::steady_clock::now() + kLockPatience;
  while (true) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(path_, "create");
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      if (still_at(fd_, path_)) break;
    } else if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= give_up) {
      if (errno == EWOULDBLOCK) errno = EBUSY;  // "Device or resource busy": another process.
      ::close(fd_);
      fd_ = -1;
      fail(path_, "lock");
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(fd_);
  }
  if (::ftruncate(fd_, 0) != 0) fail(path_, "create");
  if (sync_each_) {  // The file's name must survive a power cut too.
    int dir = ::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
}

std::int64_t RunJournal::append(const Batch& batch) {
  const std::int64_t number = next_++;
  record_.assign(kHeaderBytes, '\0');
  for (std::size_t i = 0; i < kNumberBytes; ++i) {
    record_.push_back(static_cast<char>((static_cast<std::uint64_t>(number) >> (8 * i)) & 0xff));
  }
  encode(batch, record_);
  const std::size_t body = record_.size() - kHeaderBytes;
  put_u32(record_.data(), static_cast<std::uint32_t>(body));
  put_u32(record_.data() + 4, checksum(record_.data() + kHeaderBytes, body));
  for (std::size_t done = 0; done < record_.size();) {
    ssize_t n = ::write(fd_, record_.data() + done, record_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A record cut short would hide every later one: drop what was written of it.
      (void)::ftruncate(fd_, static_cast<off_t>(size_));
      fail(path_, "write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (sync_each_ && ::fdatasync(fd_) != 0) fail(path_, "sync");
  size_ += record_.size();
  return number;
}

void RunJournal::all_applied() {
  if (!wants_restart()) return;
  if (::ftruncate(fd_, 0) == 0) size_ = 0;
}

void RunJournal::remove() {
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

std::optional<AbandonedJournal> AbandonedJournal::open(const std::filesystem::path& path,
                                                       std::chrono::milliseconds patience) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  AbandonedJournal journal(path, fd);
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= give_up) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!still_at(fd, path)) return std::nullopt;
  journal.records_ = parse(read_all(fd, path));
  return journal;
}

std::vector<JournalRecord> read_journal(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string bytes;
  try {
    bytes = read_all(fd, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return parse(bytes);
}

AbandonedJournal::AbandonedJournal(AbandonedJournal&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      records_(std::move(other.records_)) {}

AbandonedJournal::~AbandonedJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void AbandonedJournal::remove() {
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace baton::store
