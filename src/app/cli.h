// The `realtime` command line: serve (default) | worker | migrate latest|status|rollback |
// version | --help. Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
#pragma once

namespace rt::app {

int Main(int argc, char** argv);

}  // namespace rt::app
