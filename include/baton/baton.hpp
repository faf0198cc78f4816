// baton as a C++ library (SPEC 7): build a workflow in code, run it on an engine, read the
// result and the report. docs/library.md is the tour.
#pragma once

#include "baton/context.hpp"
#include "baton/diagnostic.hpp"
#include "baton/engine.hpp"
#include "baton/policy.hpp"
#include "baton/result.hpp"
#include "baton/value.hpp"
#include "baton/version.hpp"
#include "baton/workflow.hpp"
