// Run ids: `20261126-011330-c439`, the UTC start time (so that ids sort by start) and 16 random
// bits (so that runs started in the same second differ).
#pragma once

#include <string>

namespace baton::store {

std::string new_run_id();

}  // namespace baton::store
