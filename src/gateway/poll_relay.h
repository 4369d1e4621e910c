// PollRelay: Engine.IO long-polling without sticky sessions (issue 20, item 5). A polling GET or
// POST that reaches an instance which does not own its session is relayed over the Broker to
// the owner, which runs it against the session and sends the HTTP response back; the client
// gets the owner's answer as if it had reached the owner (docs/protocol.md, "Across instances").
//
// Ownership: every sid ends with "." + the owner's instance id (EioServer appends SidSuffix()),
// so the owner is read off the sid: no lookup, no shared registry, nothing to expire.
//
// Wire: control messages (scope broker::kControlScope, topic kPollRelayTopic; EventRouter hands
// them to OnControl), text lines. Pub/Sub delivers each to every instance; only the one named
// acts on it:
//   "req\n<id>\n<from>\n<G|P>\n<sid>\n<body>"              a GET or POST for the owner of sid
//   "res\n<id>\n<to>\n<status>\n<content type>\n<body>"     the owner's response to `to`
//   "abort\n<id>\n<from>"                                   the client dropped a relayed GET
//
// Asker: Forward() answers 400 {"code":1,"message":"Session ID unknown"} at once when the sid
// names no owner, this instance, or an instance not alive (the `alive` callback: ClusterRpc's
// heartbeats); otherwise it waits for the owner's response (a long-poll GET as long as the owner
// holds it, at most pingInterval) up to options.timeout, then answers the same 400. A client
// that drops a relayed GET has the owner drop it too (the owner then closes the session, as it
// does for a GET dropped on it directly). An answer that comes after the timeout is discarded.
// Owner: OnControl runs the request through the LocalServe callback (EioServer), whose
// responder publishes the response; a responder dropped unanswered (the session closed its
// transport) answers 400 so the asker does not wait for the timeout.
//
// Thread safety: Serve() during start-up only; Forward() from any thread (never blocks);
// OnControl() on the broker's thread (never blocks); responders may run on any thread.
// Lifetime: one worker thread expires requests; Stop() (idempotent, also the destructor)
// answers what is still waiting with 400 and joins it. Must outlive the EioServer using it and
// be stopped before the broker. Failure: nothing throws; losses end as the 400 above.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "broker/broker.h"
#include "gateway/eio_session.h"
#include "net/http_message.h"

namespace rt::gateway {

inline constexpr const char* kPollRelayTopic = "eio";

struct PollRelayOptions {
  // How long a relayed request waits for the owner: at least the owner's longest hold of a GET
  // (pingInterval), plus slack. realtime_core sets pingInterval + pingTimeout.
  std::chrono::milliseconds timeout{45000};
};

struct PollRelayStats {
  uint64_t forwarded = 0;  // requests relayed to another instance
  uint64_t answered = 0;   // of those, answered by the owner
  uint64_t timed_out = 0;  // of those, not answered within the timeout
  uint64_t served = 0;     // requests of other instances run here (this instance owns the sid)
};

class PollRelay {
 public:
  // The owner's side: runs a relayed request against the local session `sid` (a GET when get,
  // else a POST with body) and calls respond at most once, from any thread. abort fires when the
  // asking client goes away.
  using LocalServe = std::function<void(const std::string& sid, bool get, std::string body,
                                        std::shared_ptr<net::AbortSignal> abort, PollResponder respond)>;

  // alive(instance): whether that instance is up (heard from recently).
  PollRelay(broker::Broker& broker, std::string instance_id, std::function<bool(const std::string&)> alive,
            PollRelayOptions options = {});
  ~PollRelay();
  PollRelay(const PollRelay&) = delete;
  PollRelay& operator=(const PollRelay&) = delete;

  void Serve(LocalServe serve);
  void Stop();

  // The owner named by a sid (what follows its last '.'), or "" when it names none.
  static std::string_view OwnerOf(std::string_view sid);
  // What every sid of this instance ends with: "." + instance id.
  std::string SidSuffix() const { return "." + instance_id_; }

  // Relays a polling request (GET when get) for a session this instance does not have; respond
  // is called exactly once unless the client aborts first (then never).
  void Forward(const std::string& sid, bool get, std::string body, const std::shared_ptr<net::AbortSignal>& abort,
               PollResponder respond);
  // A control message of topic kPollRelayTopic from another instance.
  void OnControl(broker::BrokerMessage&& message);

  PollRelayStats stats();

 private:
  using Clock = std::chrono::steady_clock;
  struct Reply;  // the owner's answer to one relayed request (poll_relay.cpp)
  struct Waiting {
    PollResponder respond;
    Clock::time_point deadline;
  };

  void Publish(std::string text);
  void OnRequest(std::string_view rest);
  void OnResponse(std::string_view rest);
  void OnAbort(std::string_view rest);
  // Owner side: sends the response of request `id` of instance `to` (key: its served_gets_ entry).
  void SendResponse(const std::string& to, const std::string& id, const std::string& key,
                    const net::HttpResponse& response);
  // Removes and returns the responder of request id (asker side), or nullptr when already done.
  PollResponder Take(uint64_t id);
  void Run();  // the expiry worker

  broker::Broker& broker_;
  const std::string instance_id_;
  const std::function<bool(const std::string&)> alive_;
  const PollRelayOptions options_;
  LocalServe serve_;  // fixed after start-up

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Waiting> waiting_;                                   // guarded by mu_
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;            // guarded by mu_
  std::map<std::string, std::shared_ptr<net::AbortSignal>> served_gets_;  // guarded by mu_
  uint64_t next_id_ = 0;                                                  // guarded by mu_
  PollRelayStats stats_;                                                  // guarded by mu_
  bool stopping_ = false;                                                 // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::gateway
