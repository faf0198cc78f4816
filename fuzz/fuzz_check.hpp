// An invariant a fuzz target checks: when it does not hold, say which and abort, so that
// libFuzzer keeps the input as a crash like any other.
#pragma once

#include <cstdio>
#include <cstdlib>

#define BATON_FUZZ_CHECK(condition, what)                                                  \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                            \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)
