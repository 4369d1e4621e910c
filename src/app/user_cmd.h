// `realtime user create --email E [--name N] [--role super_admin|admin|editor|viewer|<role id>]`:
// creates an admin user for headless installs; the password is read from standard input (one
// line, or all of it without the final newline), never from the command line. The first user
// of an unclaimed instance may be created this way instead of through POST /api/auth/setup.
// Exit codes: 0 created (the user's id on stdout), 1 refused (policy, duplicate email, database),
// 2 usage.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace rt::app {

int RunUser(const Config& config, const std::vector<std::string>& args);

}  // namespace rt::app
