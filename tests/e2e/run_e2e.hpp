// What the end-to-end tests of `baton run` share: the helpers they use, by their short names,
// and the repository's root.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/baton_run.hpp"
#include "support/run_process.hpp"

namespace baton::run_e2e {

using baton::testing::BackgroundProcess;
using baton::testing::describe;
using baton::testing::has_word;
using baton::testing::line_index;
using baton::testing::ProcessResult;
using baton::testing::read_file;
using baton::testing::report_row;
using baton::testing::run_process;
using baton::testing::Scratch;
using baton::testing::split_lines;
using baton::testing::task_line;
using baton::testing::TempDir;
using baton::testing::timeline_row;
using baton::testing::trim;
using baton::testing::wait_until_gone;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline const std::string kSourceDir = BATON_SOURCE_DIR;

}  // namespace baton::run_e2e
