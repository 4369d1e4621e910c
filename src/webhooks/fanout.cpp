#include "webhooks/fanout.h"

#include <boost/json/object.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "webhooks/endpoint.h"

namespace rt::webhooks {
namespace {

thread_local uint64_t t_pending_seq = 0;  // the last item this thread added (AwaitThisThread)

std::string Field(const boost::json::object& o, std::string_view key) {
  const auto* s = json::GetString(o, key);
  return s ? std::string(*s) : std::string();
}

}  // namespace

boost::json::value DeliveryJobToJson(const DeliveryJob& j) {
  return boost::json::object{{"webhookId", j.webhook_id},   {"deliveryId", j.delivery_id},
                             {"event", j.event},            {"eventId", j.event_id},
                             {"topic", j.topic},            {"applicationId", j.scope.application_id},
                             {"environment", j.scope.environment}, {"body", j.body},
                             {"attemptBase", j.attempt_base}};
}

Result<DeliveryJob> DeliveryJobFromJson(const boost::json::value& v) {
  if (!v.is_object()) return Error::Validation("delivery job payload is not an object");
  const auto& o = v.get_object();
  DeliveryJob j;
  j.webhook_id = Field(o, "webhookId");
  j.delivery_id = Field(o, "deliveryId");
  j.event = Field(o, "event");
  j.event_id = Field(o, "eventId");
  j.topic = Field(o, "topic");
  j.scope = Scope{Field(o, "applicationId"), Field(o, "environment")};
  j.body = Field(o, "body");
  if (const auto* b = o.if_contains("attemptBase"); b && b->is_int64()) j.attempt_base = static_cast<int>(b->get_int64());
  if (j.webhook_id.empty() || j.delivery_id.empty() || j.body.empty())
    return Error::Validation("delivery job payload lacks webhookId, deliveryId or body");
  return j;
}

Fanout::Fanout(jobs::Queue& queue, const EndpointCache& cache, FanoutOptions options)
    : queue_(queue), cache_(cache), options_(options) {}

Fanout::~Fanout() { Stop(); }

void Fanout::Start(std::function<void()> on_enqueued) {
  on_enqueued_ = std::move(on_enqueued);
  flusher_ = std::thread([this] { Run(); });
}

void Fanout::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !flusher_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

void Fanout::OnEvent(const events::RoutedEvent& routed, bool remote) {
  if (remote || !cache_.has_any() || events::SocketsOnly(routed.event())) return;
  Enqueue(routed.scope(), routed.event(), routed.envelope_json());
}

template <typename Fn>
void Fanout::ForEachWanting(const Scope& scope, const events::RealtimeEvent& e, Fn&& fn) const {
  std::string_view type = EventTypeOf(e);
  if (!cache_.has_any() || type.empty()) return;
  auto snap = cache_.snapshot();
  auto it = snap->by_scope.find(scope.Key());
  if (it == snap->by_scope.end()) return;
  for (const auto& ep : it->second)
    if (EndpointWants(ep->events, ep->topics, type, e.topic)) fn(*ep, type);
}

std::vector<std::string> Fanout::Enqueue(const Scope& scope, const events::RealtimeEvent& e,
                                         const std::string& envelope_json) {
  std::vector<std::string> ids;
  std::vector<Pending> items;
  ForEachWanting(scope, e, [&](const Endpoint& ep, std::string_view type) {
    items.push_back(
        Pending{DeliveryJob{ep.id, NewId("log"), std::string(type), e.id, e.topic, scope, envelope_json}, ep.fifo});
    ids.push_back(ep.id);
  });
  if (!items.empty()) Add(std::move(items));
  return ids;
}

std::vector<std::string> Fanout::Matching(const Scope& scope, const events::RealtimeEvent& e) const {
  std::vector<std::string> ids;
  ForEachWanting(scope, e, [&](const Endpoint& ep, std::string_view) { ids.push_back(ep.id); });
  return ids;
}

void Fanout::OnConnection(const Scope& scope, const std::string& socket_id, const std::string& user,
                          bool connected) {
  if (!cache_.has_any()) return;
  auto snap = cache_.snapshot();
  auto it = snap->by_scope.find(scope.Key());
  if (it == snap->by_scope.end()) return;
  const char* type = connected ? "socket.connect" : "socket.disconnect";
  std::string body;
  std::string event_id;
  std::vector<Pending> items;
  for (const auto& ep : it->second) {
    if (!EndpointWants(ep->events, ep->topics, type, type)) continue;
    if (body.empty()) {
      events::RealtimeEvent e;
      e.id = NewId("evt");
      e.topic = type;
      e.source = events::Source::kSocket;
      e.type = type;
      e.payload = boost::json::object{{"socketId", socket_id}, {"userId", user}};
      e.metadata.timestamp = NowMs();
      body = events::SerializeEvent(e);
      event_id = e.id;
    }
    items.push_back(Pending{DeliveryJob{ep->id, NewId("log"), type, event_id, type, scope, body}, ep->fifo});
  }
  if (!items.empty()) Add(std::move(items));
}

void Fanout::Add(std::vector<Pending> items) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    size_t room = buffer_.size() < options_.max_buffered ? options_.max_buffered - buffer_.size() : 0;
    size_t dropped = items.size() > room ? items.size() - room : 0;
    if (dropped > 0) {
      items.resize(room);
      stats_.dropped += dropped;
      auto now = std::chrono::steady_clock::now();
      if (now - last_drop_log_ > std::chrono::seconds(10)) {
        last_drop_log_ = now;
        log::Error("webhook deliveries dropped: the enqueue buffer is full (is the database down?)",
                   {{"buffered", static_cast<int64_t>(buffer_.size())}, {"dropped", static_cast<int64_t>(dropped)}});
      }
    }
    if (items.empty()) return;
    wake = buffer_.empty();
    for (auto& p : items) buffer_.push_back(std::move(p));
    added_seq_ += items.size();
    t_pending_seq = added_seq_;
  }
  if (wake) cv_.notify_one();
}

bool Fanout::Flush(std::vector<Pending>& batch) {
  for (size_t start = 0; start < batch.size(); start += options_.batch_max) {
    size_t end = std::min(batch.size(), start + options_.batch_max);
    std::vector<jobs::NewJob> jobs;
    jobs.reserve(end - start);
    for (size_t i = start; i < end; ++i) {
      jobs::EnqueueOptions o;
      o.max_attempts = options_.max_attempts;
      if (batch[i].fifo) o.group = batch[i].job.webhook_id;
      jobs.push_back({DeliveryJobToJson(batch[i].job), std::move(o)});
    }
    auto ids = queue_.EnqueueBatch(jobs::kWebhookDeliveryQueue, jobs);
    if (!ids.ok()) {
      ++stats_.enqueue_failures;
      log::Warn("webhook deliveries not enqueued yet; retrying", {{"error", ids.error().message},
                                                                  {"jobs", static_cast<int64_t>(batch.size() - start)}});
      batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(start));
      return false;
    }
    stats_.enqueued += ids->size();
  }
  batch.clear();
  return true;
}

bool Fanout::AwaitThisThread(std::chrono::milliseconds timeout) {
  uint64_t seq = t_pending_seq;
  if (seq == 0) return true;
  t_pending_seq = 0;
  std::unique_lock lock(mu_);
  return stored_cv_.wait_for(lock, timeout, [this, seq] { return stored_seq_ >= seq; });
}

void Fanout::Run() {
  std::vector<Pending> batch;
  uint64_t taken = 0;  // the seq of the last item moved into batch
  auto retry_delay = std::chrono::milliseconds(100);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (batch.empty()) cv_.wait(lock, [this] { return stopping_ || !buffer_.empty(); });
      if (batch.empty() && buffer_.empty() && stopping_) return;
      for (auto& p : buffer_) batch.push_back(std::move(p));
      buffer_.clear();
      taken = added_seq_;
    }
    if (Flush(batch)) {
      {
        std::lock_guard lock(mu_);
        stored_seq_ = taken;
      }
      stored_cv_.notify_all();
      retry_delay = std::chrono::milliseconds(100);
      if (on_enqueued_) on_enqueued_();
      continue;
    }
    std::unique_lock lock(mu_);
    if (stopping_) {
      log::Error("webhook deliveries lost at shutdown: the database refused them",
                 {{"jobs", static_cast<int64_t>(batch.size())}});
      stored_seq_ = added_seq_;  // release the waiters
      stored_cv_.notify_all();
      return;
    }
    cv_.wait_for(lock, retry_delay, [this] { return stopping_; });
    retry_delay = std::min(retry_delay * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace rt::webhooks
