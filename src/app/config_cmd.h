// `realtime config export|import`: config as code against a running server (docs/deployments.md
// "Config as code"). Talks to the REST API (GET /api/config/export, POST /api/config/import) so it
// works with any deployment of the server, never with the database directly.
//
//   realtime config export [--env E] [--out FILE]
//   realtime config import FILE [--env E] [--dry-run] [--no-prune]
// Common options: --url URL (default $REALTIME_URL, else http://127.0.0.1:$PORT), --token T
// (default $REALTIME_TOKEN: an admin JWT or a session token), --app ID (X-Application-Id;
// default $REALTIME_APP, else the token's application).
//
// Output: export writes the document (stdout or FILE); import prints the change report's summary
// and blockers to stderr and the server's answer (JSON) to stdout. Exit codes: 0 done, 1 the
// server refused or could not be reached (its error on stderr), 2 bad arguments.
// Thread safety: runs on the main thread; blocks until the server answers (60 s at most).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace rt::app {

int RunConfigCommand(const Config& config, const std::vector<std::string>& args);

}  // namespace rt::app
