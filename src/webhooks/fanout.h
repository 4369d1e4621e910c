// Fanout: turns routed events into webhook delivery jobs. It observes the EventRouter (events
// published on this instance only: every instance enqueues its own, so nothing is enqueued
// twice) and the gateways' connects and disconnects, matches them against the active endpoints
// of the event's scope (EndpointCache) and enqueues one job per (event, endpoint) on the durable
// queue ("webhook-delivery").
//
// The publish path never waits for the database: OnEvent copies the matches into a buffer under
// a mutex and returns; a flusher thread enqueues the buffer in batches (one transaction per 500
// jobs). With no endpoint anywhere OnEvent costs one relaxed atomic load. Delivery is
// at-least-once from the moment a job is enqueued; events still in the buffer when the process
// is killed (at most a few ms of them) are lost, and when the buffer is full (the database down
// for long) new matches are dropped and counted (realtime_webhook_enqueue_dropped_total).
//
// Ownership / lifetime: references the queue and cache, which must outlive it; Stop() (or the
// destructor) flushes what is buffered once more and joins the flusher. Thread safety: OnEvent
// and OnConnection may be called from any thread concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/scope.h"
#include "events/routed_event.h"
#include "jobs/queue.h"
#include "webhooks/endpoint_cache.h"

namespace rt::webhooks {

struct FanoutOptions {
  size_t max_buffered = 100000;  // matches waiting for the database; beyond: dropped, counted
  int max_attempts = 6;          // 1 + REALTIME_WEBHOOK_MAX_RETRIES
  size_t batch_max = 500;        // jobs per enqueue transaction
};

struct FanoutStats {
  std::atomic<uint64_t> enqueued{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> enqueue_failures{0};
};

// The job payload of one delivery (also built by the API's test route).
struct DeliveryJob {
  std::string webhook_id;
  std::string delivery_id;  // log_…: the delivery log row of this (event, endpoint)
  std::string event;        // webhook event type
  std::string event_id;
  std::string topic;
  Scope scope;
  std::string body;  // the RealtimeEvent JSON, exactly as signed and sent
  int attempt_base = 0;  // attempts made before a manual retry (the log's numbering continues)
};
boost::json::value DeliveryJobToJson(const DeliveryJob& job);
Result<DeliveryJob> DeliveryJobFromJson(const boost::json::value& v);

class Fanout {
 public:
  Fanout(jobs::Queue& queue, const EndpointCache& cache, FanoutOptions options = {});
  ~Fanout();
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  // on_enqueued runs on the flusher thread after each batch reached the queue (wakes a local
  // delivery worker).
  void Start(std::function<void()> on_enqueued = {});
  void Stop();

  // EventRouter observer: Enqueue for the events published here, except those meant for sockets
  // only (events::SocketsOnly: a debugger replay in `websocket` mode).
  void OnEvent(const events::RoutedEvent& routed, bool remote);
  // One delivery job per active endpoint of `scope` that wants the event (envelope_json: its
  // SerializeEvent, the body signed and sent), buffered like OnEvent's (AwaitThisThread waits
  // for them). Returns the endpoints' ids. The debugger's `webhook` replay calls it directly.
  std::vector<std::string> Enqueue(const Scope& scope, const events::RealtimeEvent& event,
                                   const std::string& envelope_json);
  // The ids of the active endpoints of `scope` that want the event (nothing enqueued).
  std::vector<std::string> Matching(const Scope& scope, const events::RealtimeEvent& event) const;
  // socket.connect / socket.disconnect for a connection bound to scope.
  void OnConnection(const Scope& scope, const std::string& socket_id, const std::string& user, bool connected);

  // Blocks until everything this thread added (by publishing events) is stored in the queue, or
  // timeout: the REST dispatcher calls it before answering, so a 202 means the deliveries are
  // durable (group commit: requests arriving together share one transaction). Returns at once
  // when this thread added nothing. False on timeout (database down).
  bool AwaitThisThread(std::chrono::milliseconds timeout);

  const FanoutStats& stats() const { return stats_; }

 private:
  struct Pending {
    DeliveryJob job;
    bool fifo = false;
  };
  // fn(endpoint, webhook event type) for each active endpoint of scope that wants the event.
  template <typename Fn>
  void ForEachWanting(const Scope& scope, const events::RealtimeEvent& e, Fn&& fn) const;
  void Add(std::vector<Pending> items);
  void Run();
  bool Flush(std::vector<Pending>& batch);  // false: the database refused; batch kept

  jobs::Queue& queue_;
  const EndpointCache& cache_;
  const FanoutOptions options_;
  std::function<void()> on_enqueued_;
  FanoutStats stats_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending> buffer_;  // guarded by mu_
  uint64_t added_seq_ = 0;       // guarded by mu_: items ever added
  uint64_t stored_seq_ = 0;      // guarded by mu_: items stored (or given up at shutdown)
  std::condition_variable stored_cv_;
  bool stopping_ = false;        // guarded by mu_
  std::chrono::steady_clock::time_point last_drop_log_{};  // guarded by mu_
  std::thread flusher_;
};

}  // namespace rt::webhooks
