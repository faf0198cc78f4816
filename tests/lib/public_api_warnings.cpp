// Compiled, never run: the public headers used as docs/library.md's tour uses them, with a
// consumer's strict warnings (no -Wno-missing-field-initializers), so that designated
// initializers that leave fields to their defaults keep compiling under -Wextra -Werror.
#include "baton/baton.hpp"

int public_api_warnings() {
  baton::Workflow wf("tour");
  wf.breaker({.name = "api"});
  auto fetch = wf.task("fetch", [](baton::Context&) {}).retry({.max_attempts = 3});
  fetch >> wf.task("use", [](baton::Context&) {}).retry({.strategy = baton::RetryStrategy::kFixed});
  return baton::Engine({.concurrency = 4}).run(wf).succeeded() ? 0 : 1;
}
