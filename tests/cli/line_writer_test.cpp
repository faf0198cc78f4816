// LineWriter on a real pipe: writing never waits for the reader, what waits is bounded and
// counted when dropped, flush() waits for the reader, and a reader that goes away ends writing.
#include "cli/line_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

namespace baton::cli {
namespace {

using namespace std::chrono_literals;

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  // Everything written until the write end is closed.
  std::string read_all() {
    std::string out;
    char buffer[65536];
    for (ssize_t n; (n = ::read(read_end, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
    return out;
  }
};

TEST(LineWriter, WritesWithoutWaitingForAReaderThatDoesNotRead) {
  Pipe pipe;
  const std::string line(1000, 'x');
  std::string expected;
  auto started = std::chrono::steady_clock::now();
  {
    LineWriter writer(pipe.write_end, 10 << 20);
    // 4 MB: sixty times what the pipe holds, while nobody reads it.
    for (int i = 0; i < 4000; ++i) {
      writer.write(line + "\n");
      expected += line + "\n";
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "a write waited for the reader";
    EXPECT_EQ(writer.dropped(), 0u);
    auto reader = std::async(std::launch::async, [&pipe] { return pipe.read_all(); });
    writer.flush();  // Returns once the reader has taken it all.
    ::close(pipe.write_end);
    pipe.write_end = -1;
    EXPECT_EQ(reader.get(), expected) << "every line, in order";
  }
}

TEST(LineWriter, DropsAndCountsWhatWouldWaitBeyondItsBound) {
  Pipe pipe;
  LineWriter writer(pipe.write_end, 200'000);
  const std::string line(999, 'y');
  for (int i = 0; i < 1000; ++i) writer.write(line + "\n");
  // Nobody reads: what was taken is the pipe's ~64 KB and the batch the writer's thread blocks
  // on (at most a queue's worth, 200 KB), and the queue holds another 200 KB. So between 200
  // and ~464 of the thousand 1000-byte lines were taken, and the rest dropped, counted.
  EXPECT_GE(writer.dropped(), 500u);
  EXPECT_LE(writer.dropped(), 800u);
  auto reader = std::async(std::launch::async, [&pipe] { return pipe.read_all(); });
  writer.flush();
  ::close(pipe.write_end);
  pipe.write_end = -1;
  EXPECT_EQ(reader.get().size(), (1000 - writer.dropped()) * 1000);
}

TEST(LineWriter, StopsWritingOnceTheReaderIsGone) {
  Pipe pipe;
  ::close(pipe.read_end);  // SIGPIPE is ignored by baton (main.cpp), and by this test.
  pipe.read_end = -1;
  auto previous = ::signal(SIGPIPE, SIG_IGN);
  {
    LineWriter writer(pipe.write_end);
    writer.write("lost\n");
    writer.flush();  // Returns: the write failed, nothing waits.
    writer.write("discarded\n");
    writer.flush();
  }
  ::signal(SIGPIPE, previous);
}

}  // namespace
}  // namespace baton::cli
