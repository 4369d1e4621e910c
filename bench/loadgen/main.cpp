// loadgen: the load generator of `make bench` (see docs/performance.md).
//
//   loadgen run --scenario fanout|many-topics|filtered|latency|idle|docs --port 3000 --token JWT
//               [--proto ws|sio] [--subs N] [--topics N] [--procs N] [--pubs N] [--rate max|R]
//               [--window W] [--warmup-ms MS] [--duration-ms MS] [--server-pid PID] [--label L]
//               [--sub-ports P1,P2 (subscriber workers round robin over them) --pub-port P (cluster)]
//   loadgen worker --role sub|pub|http ...   (started by `run`; see worker.h)
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include "coordinator.h"
#include "worker.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "worker") {
    loadgen::Args args(argc, argv, 2);
    return args.Str("role") == "http" ? loadgen::RunHttpWorker(args) : loadgen::RunWsWorker(args);
  }
  if (mode == "run") {
    loadgen::Args args(argc, argv, 2);
    return loadgen::RunScenario(args, "/proc/self/exe");
  }
  std::cerr << "usage: loadgen run --scenario NAME --port PORT --token JWT [options]  (see bench/loadgen/main.cpp)\n";
  return 2;
}
