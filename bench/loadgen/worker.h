// Worker processes of the load generator. The coordinator (coordinator.cpp) starts them with
// `loadgen worker --role sub|pub|http ...` and drives them with one-line commands on stdin:
//   GO <rate/s>   start publishing (0 = as fast as the pacing window allows); publishers only
//   RESET         clear the latency histogram (start of the measurement window)
//   SNAP          reply "SNAP <received> <sent> <acks> <errors> <closed> <cpu_ticks> <hist> <first error>"
//   STOP          stop publishing, reply "STOPPED"
//   QUIT          close every connection and exit
// After connecting (and subscribing) every connection, a worker prints "READY <ok> <failed> <note>".
#pragma once

#include "common.h"

namespace loadgen {

int RunWsWorker(const Args& args);    // roles sub and pub (WebSocket or Socket.IO)
int RunHttpWorker(const Args& args);  // role http: sync document merges over HTTP/1.1 keep-alive

}  // namespace loadgen
