// The reference behaviours the public Engine.IO v4 and Socket.IO v5 protocol test suites expect
// (REALTIME_SOCKETIO_CONFORMANCE=1 only; refused in production):
//   /engine.io/  an Engine.IO endpoint that echoes every message (text and binary);
//   /socket.io/  namespaces "/" and "/custom": on connect emit ["auth", <CONNECT payload>];
//                "message" -> emit "message-back" with the same arguments (and attachments);
//                "message-with-ack" -> acknowledge with the same arguments.
// Thread safety: as SioApp / EioHandler (shard thread).
#pragma once

#include <memory>

#include "gateway/eio_session.h"
#include "gateway/sio_connection.h"

namespace rt::gateway {

class ConformanceSioApp final : public SioApp {
 public:
  Connected Connect(SioConnection& conn, const std::string& nsp, const boost::json::object& auth) override;
};

// The /engine.io/ echo handler.
std::unique_ptr<EioHandler> MakeEchoHandler();

}  // namespace rt::gateway
