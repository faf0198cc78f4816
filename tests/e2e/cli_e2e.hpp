// What the end-to-end tests of the command line share (cli_test.cpp and
// workflow_commands_test.cpp): the example workflow they run, a result described in full, and the
// short names they both use.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/baton_run.hpp"
#include "support/run_process.hpp"

namespace baton::cli_e2e {

using baton::testing::describe;
using baton::testing::ProcessResult;
using baton::testing::run_baton;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

inline const std::string kSourceDir = BATON_SOURCE_DIR;
inline const std::string kRelease = kSourceDir + "/examples/release.yaml";

}  // namespace baton::cli_e2e
