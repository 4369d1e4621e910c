// ClusterRpc: request/reply between the instances of a cluster over the Broker (Redis Pub/Sub,
// or a MemoryBus in tests): "ask every instance this, give me their answers within a timeout".
// The debugger's routing dry runs, explain and the socket monitor use it to see the live state
// (subscriptions, connections) held in the memory of every instance.
//
// Wire: control messages travel as BrokerMessages in the scope {kControlScope, kControlScope},
// which no application or environment can have (environments are development, staging or
// production), so they never reach a subscriber. EventRouter::OnRemote hands them to
// OnControl (SetControlHandler). Three kinds, text lines:
//   "hello\n<instance>"                                   membership heartbeat (every 2 s)
//   "req\n<id>\n<from>\n<kind>\n<app>\n<env>\n<body>"     a question to every instance
//   "rep\n<id>\n<from>\n<to>\n<body>"                     one instance's answer to `to`
//
// Membership: every instance announces itself every kHelloEvery and answers a newcomer's hello
// at once; peers not heard from for 3 heartbeats are forgotten. Ask() waits for as many replies
// as there are live peers (or the timeout), so in a healthy cluster it returns as soon as the
// last instance answered, and a single instance answers at once without touching the broker.
//
// Thread safety: Handle() during start-up only; Ask() from any thread (it blocks up to the
// timeout; never call it on an I/O thread); OnControl() on the broker's thread (never blocks:
// questions are answered on this object's own worker thread, one at a time, in arrival order;
// at most kMaxQueued wait, more are dropped — the asker then times out on that instance).
// Lifetime: Start() after the broker started; Stop() (idempotent, also the destructor) before
// the broker stops and before anything the handlers use is destroyed.
// Failure: Ask() never fails; it returns the answers it got and sets `partial` when an instance
// known to be alive did not answer in time (or a handler threw / has no handler for the kind).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"
#include "core/scope.h"

namespace rt::broker {

// kControlScope: broker/broker.h.

// Answers one question: the caller's scope and the request body; returns the reply body.
using RpcHandler = std::function<std::string(const Scope& scope, const std::string& body)>;

struct RpcReply {
  std::string instance;
  std::string body;
  bool local = false;  // this instance's own answer
};

struct RpcResult {
  std::vector<RpcReply> replies;  // this instance's first, then the others in arrival order
  bool partial = false;           // a live peer did not answer within the timeout
};

class ClusterRpc {
 public:
  static constexpr std::chrono::milliseconds kHelloEvery{2000};
  static constexpr size_t kMaxQueued = 256;

  ClusterRpc(Broker& broker, std::string instance_id);
  ~ClusterRpc();
  ClusterRpc(const ClusterRpc&) = delete;
  ClusterRpc& operator=(const ClusterRpc&) = delete;

  // Registers the handler of a kind of question (start-up only, before Start()).
  void Handle(std::string kind, RpcHandler handler);
  // Starts the worker thread and announces this instance.
  void Start();
  void Stop();

  // Asks every instance (this one included, answered on the calling thread).
  RpcResult Ask(const Scope& scope, const std::string& kind, const std::string& body,
                std::chrono::milliseconds timeout);
  // A control message from another instance (EventRouter's control handler).
  void OnControl(BrokerMessage&& message);

  const std::string& instance_id() const { return instance_id_; }
  // Peers heard from recently (not this instance).
  size_t live_peers();
  // Whether `instance` is a peer heard from recently (false for this instance).
  bool IsAlive(const std::string& instance);

 private:
  struct Request {
    std::string id, from, kind;
    Scope scope;
    std::string body;
  };
  struct Pending {
    std::vector<RpcReply> replies;
  };

  void Run();
  void Send(std::string text);
  void SendHello();
  std::string Answer(const std::string& kind, const Scope& scope, const std::string& body, bool* ok);
  size_t LivePeersLocked(std::chrono::steady_clock::time_point now);

  Broker& broker_;
  const std::string instance_id_;
  std::map<std::string, RpcHandler> handlers_;  // fixed after Start()

  std::mutex mu_;
  std::condition_variable cv_;        // the worker: requests, hello, stop
  std::condition_variable replies_;   // askers: replies
  std::deque<Request> queue_;                                              // guarded by mu_
  std::map<std::string, std::chrono::steady_clock::time_point> peers_;    // guarded by mu_
  std::map<std::string, std::shared_ptr<Pending>> pending_;               // guarded by mu_
  bool greet_ = false;                                                    // guarded by mu_
  bool stopping_ = false;                                                 // guarded by mu_
  uint64_t next_id_ = 0;                                                  // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::broker
