// The fast path of SPEC 2.1: which `run` strings may skip /bin/sh, and how they are split.
#include "engine/command_line.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace baton::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::Optional;

TEST(FastPath, PlainCommandIsSplitOnBlanks) {
  EXPECT_THAT(split_simple_command("make  -j4\tall"), Optional(ElementsAre("make", "-j4", "all")));
  EXPECT_THAT(split_simple_command("/bin/true"), Optional(ElementsAre("/bin/true")));
}

TEST(FastPath, AnyMetacharacterNeedsTheShell) {
  for (const char* command :
       {"echo $HOME", "a | b",      "a && b", "a; b",  "ls *.c",  "cat < in", "x > out",
        "echo 'q'",   "echo \"q\"", "a `b`",  "a\\ b", "~/bin/x", "a # note", "(a)",
        "{ a; }",     "A=1 b",      "a%b",    "!a",    "a\nb",    "x?",       "[a]"}) {
    EXPECT_EQ(split_simple_command(command), std::nullopt) << command;
  }
}

TEST(FastPath, ShellKeywordsAndBuiltinsNeedTheShell) {
  for (const char* command : {"cd /tmp", "echo hi", "exit 3", "true", "false", "test -f x",
                              "[ -f x ]", "export A", "printf x", "kill 1", "wait", "if x"}) {
    EXPECT_EQ(split_simple_command(command), std::nullopt) << command;
  }
}

// Not in SPEC's list, but built into dash (Debian's /bin/sh) or bash: exec'd directly they would
// not be found, where `sh -c` runs them.
TEST(FastPath, BuiltinsOfDashAndBashNeedTheShell) {
  for (const char* command : {"chdir sub", "local x", "source env.sh", "declare -x A", "let x"}) {
    EXPECT_EQ(split_simple_command(command), std::nullopt) << command;
  }
  EXPECT_THAT(split_simple_command("localize x"), Optional(ElementsAre("localize", "x")));
}

TEST(FastPath, BlankCommandNeedsTheShell) { EXPECT_EQ(split_simple_command("   "), std::nullopt); }

TEST(ShellArgv, FallsBackToBinShDashC) {
  EXPECT_THAT(shell_argv("echo hi && exit 3"), ElementsAre("/bin/sh", "-c", "echo hi && exit 3"));
  EXPECT_THAT(shell_argv("sleep 1"), ElementsAre("sleep", "1"));
}

}  // namespace
}  // namespace baton::engine
