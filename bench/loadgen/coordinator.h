// The coordinator: runs one scenario by starting worker processes (fork + exec of this binary,
// so each holds fewer than the per-process descriptor limit), driving them over pipes, and
// printing a summary plus one machine-readable line `RESULT {json}`.
#pragma once

#include "common.h"

namespace loadgen {

int RunScenario(const Args& args, const char* self_exe);

}  // namespace loadgen
