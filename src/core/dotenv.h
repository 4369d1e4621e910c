// .env support: KEY=VALUE lines (optional `export `, # comments, single or double quotes,
// \n escapes inside double quotes). Variables already in the environment win, as with dotenv.
//
// Failure: a malformed line is reported with its line number; a missing file is not an error.
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace rt {

Result<EnvMap> ParseDotEnv(std::string_view text);

// Reads path (if it exists) and adds its variables to env where env has no value yet.
Status MergeDotEnvFile(const std::string& path, EnvMap& env);

}  // namespace rt
