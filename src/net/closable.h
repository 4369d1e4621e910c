// Internal to src/net: what the server asks of every live connection at shutdown.
#pragma once

namespace rt::net {

class Closable {
 public:
  virtual ~Closable() = default;
  // Called from any thread: close when idle (HTTP) or with 1012 (WebSocket).
  virtual void BeginShutdown() = 0;
};

}  // namespace rt::net
