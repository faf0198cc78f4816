// The executor's value types are the engine's (engine/launch.hpp): exec/ implements the
// engine's Executor interface, so the dependency points from exec to engine.
#pragma once

#include "engine/launch.hpp"

namespace baton::exec {

using engine::AttemptExited;
using engine::Clock;
using engine::Event;
using engine::Interrupted;
using engine::LaunchSpec;
using engine::SpawnFailed;
using engine::TimerFired;
using engine::Wakeup;

}  // namespace baton::exec
