#include "events/hub.h"

#include <chrono>

#include <algorithm>

#include "core/ids.h"
#include "core/log.h"

namespace rt::events {
namespace {

// Per-topic metrics leave out the platform's own reserved topics (every connection has a
// direct: topic; presence: mirrors a channel): they would fill the bounded topic table.
bool CountsPerTopic(std::string_view topic) { return !IsReservedTopic(topic); }

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kMaxSamples = 64;  // latency samples kept per shard between flushes

}  // namespace

struct SubscriptionHub::Shard {
  struct Entry {
    Subscriber* sub;
    std::string id;
    ReturnMode mode;
  };
  // Subscriptions with the same filter share one evaluation per event.
  struct Group {
    Filter filter;  // the first subscriber's; its source() is the JSON the debugger shows
    std::vector<Entry> entries;
  };
  struct TopicSubs {
    std::vector<Group> groups;
    std::unordered_map<std::string, size_t> group_of;  // filter signature -> index in groups
    size_t count = 0;
    bool may_repeat = false;  // some subscriber has more than one entry here
  };

  std::mutex inbox_mu;
  std::vector<std::shared_ptr<const RoutedEvent>> inbox;  // guarded by inbox_mu
  bool scheduled = false;                                 // guarded by inbox_mu
  size_t inbox_bytes = 0;                                 // guarded by inbox_mu
  bool overflowing = false;                               // guarded by inbox_mu (logged this episode)

  // Shard-thread state.
  std::unordered_map<std::string, TopicSubs> topics;
  // Where a subscription is: its topic key, its group and its place in the group's entries (kept
  // current as entries and groups are swap-removed), so (un)subscribing is O(1) however big the topic.
  struct Place {
    std::string key;
    size_t group;
    size_t pos;
  };
  std::unordered_map<std::string, Place> topic_of;                      // subscription id -> place
  std::unordered_map<Subscriber*, std::vector<std::string>> ids_of;     // subscriber -> subscription ids
  std::vector<std::shared_ptr<const RoutedEvent>> batch;
  // Subscribers with frames queued since the last flush. A busy shard (more events already
  // waiting when a drain ends) keeps them for the next drain, for at most coalesce_ns_: one
  // write per connection then carries several drains' frames.
  std::vector<Subscriber*> dirty;
  uint64_t flush_seq = 1;           // hub_drain_mark == flush_seq: the subscriber is in `dirty`
  int64_t unflushed_since_ns = 0;   // first deferred drain (0: nothing deferred)
  // Latency samples of delivered events, observed when their frames are handed to the sockets.
  struct Sample {
    int64_t accepted_ns;
    std::string topic;
  };
  std::vector<Sample> samples;
  std::vector<RoutingDecision> decisions;  // a traced event's part (DecisionLog::kPerVerdict of each)
  uint64_t event_seq = 0;
};

SubscriptionHub::SubscriptionHub(ShardExecutor& executor, size_t max_inbox_bytes)
    : executor_(executor), max_inbox_bytes_(max_inbox_bytes), interest_(executor.shard_count()) {
  for (size_t i = 0; i < executor.shard_count(); ++i) shards_.push_back(std::make_unique<Shard>());
}

SubscriptionHub::~SubscriptionHub() = default;

void SubscriptionHub::Publish(std::shared_ptr<const RoutedEvent> event) {
  stats_.published.fetch_add(1, std::memory_order_relaxed);
  uint64_t wanted = interest_.Shards(event->key());
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (i < TopicInterest::kMaxShards && !(wanted & (uint64_t{1} << i))) continue;  // no subscriber there
    Shard& s = *shards_[i];
    bool schedule = false, log_drop = false;
    size_t weight = event->envelope_json().size() + sizeof(*event);
    {
      std::lock_guard lock(s.inbox_mu);
      if (s.inbox_bytes + weight > max_inbox_bytes_ && !s.inbox.empty()) {
        stats_.dropped.fetch_add(1, std::memory_order_relaxed);
        log_drop = !s.overflowing;
        s.overflowing = true;
      } else {
        s.inbox.push_back(event);
        s.inbox_bytes += weight;
        if (!s.scheduled) schedule = s.scheduled = true;
      }
    }
    if (log_drop)
      log::Warn("event hub inbox full: dropping events for this I/O thread until it catches up",
                {{"shard", static_cast<int64_t>(i)}, {"max_inbox_bytes", static_cast<int64_t>(max_inbox_bytes_)}});
    if (schedule) executor_.PostToShard(i, [this, i] { Drain(i); });
  }
}

void SubscriptionHub::Drain(size_t shard) {
  Shard& s = *shards_[shard];
  {
    std::lock_guard lock(s.inbox_mu);
    s.batch.swap(s.inbox);
    s.scheduled = false;
    s.inbox_bytes = 0;
    s.overflowing = false;
  }
  const uint64_t drain = s.flush_seq;
  uint64_t delivered = 0, filtered = 0;
  // Traced events only: each subscription's fate, bounded (events/routed_event.h DecisionLog).
  // Per shard, at most kPerVerdict delivered and kPerVerdict filtered or dropped: a trace shows
  // some of each however large the fan-out (the counts are exact anyway).
  // The common case past the bound costs two comparisons per delivery, no call.
  size_t noted_delivered = 0, noted_other = 0;
  auto NoteDecision = [&](const Shard::Entry& en, const Shard::Group& g, RoutingDecision::Verdict v) {
    size_t& noted = v == RoutingDecision::Verdict::kDelivered ? noted_delivered : noted_other;
    if (noted >= DecisionLog::kPerVerdict) return;
    ++noted;
    s.decisions.push_back({en.id, en.sub->socket_id(), v, g.filter.source()});
  };
  auto NoteDecisions = [&](const Shard::Group& g, RoutingDecision::Verdict v) {
    for (const Shard::Entry& en : g.entries) {
      if (noted_other >= DecisionLog::kPerVerdict) break;
      NoteDecision(en, g, v);
    }
  };
  // `considered`: the subscriptions this event reached or was filtered for on this shard.
  auto FlushDecisions = [&](DecisionLog& log, uint32_t considered) {
    uint32_t noted = static_cast<uint32_t>(s.decisions.size());
    log.Append(std::move(s.decisions), considered > noted ? considered - noted : 0);
    s.decisions = {};
    noted_delivered = noted_other = 0;
  };
  for (const auto& ev : s.batch) {
    auto it = s.topics.find(ev->key());
    if (it == s.topics.end()) continue;
    uint64_t seq = ++s.event_seq;
    if (seq % kLatencySampleEvery == 0 && s.samples.size() < kMaxSamples && sample_latency_)
      s.samples.push_back({ev->accepted_ns(), ev->event().topic});
    const RealtimeEvent& e = ev->event();
    const std::string& exclude = ev->exclude_socket();
    Shard::TopicSubs& ts = it->second;
    uint32_t ev_delivered = 0, ev_filtered = 0;  // this event on this shard (its trace's counts)
    DecisionLog* log = ev->decisions();           // a traced event: note each subscription's fate
    if (log) s.decisions.reserve(2 * DecisionLog::kPerVerdict);
    for (Shard::Group& g : ts.groups) {
      if (!g.filter.empty() && !g.filter.Matches(e.payload)) {
        ev_filtered += static_cast<uint32_t>(g.entries.size());
        if (log) NoteDecisions(g, RoutingDecision::Verdict::kFiltered);
        continue;
      }
      for (Shard::Entry& en : g.entries) {
        Subscriber* sub = en.sub;
        if (ts.may_repeat && sub->hub_event_mark == seq) continue;
        if (!exclude.empty() && sub->socket_id() == exclude) continue;
        sub->hub_event_mark = seq;
        bool queued = sub->Enqueue(ev->Frame(sub->wire(), en.mode));
        if (log && (!queued || noted_delivered < DecisionLog::kPerVerdict))
          NoteDecision(en, g, queued ? RoutingDecision::Verdict::kDelivered : RoutingDecision::Verdict::kDropped);
        ++ev_delivered;
        if (sub->hub_drain_mark != drain) {
          sub->hub_drain_mark = drain;
          s.dirty.push_back(sub);
        }
      }
    }
    if (log) FlushDecisions(*log, ev_delivered + ev_filtered);
    RoutingCounts& rc = ev->routing();  // once per (event, shard), never per delivery
    rc.subscribers.fetch_add(static_cast<uint32_t>(ts.count), std::memory_order_relaxed);
    rc.delivered.fetch_add(ev_delivered, std::memory_order_relaxed);
    rc.filtered.fetch_add(ev_filtered, std::memory_order_relaxed);
    delivered += ev_delivered;
    filtered += ev_filtered;
  }
  s.batch.clear();
  stats_.delivered.fetch_add(delivered, std::memory_order_relaxed);
  stats_.filtered.fetch_add(filtered, std::memory_order_relaxed);
  if (s.dirty.empty()) return;
  const int64_t now = NowNs();
  if (coalesce_ns_ > 0) {
    bool busy;
    {
      std::lock_guard lock(s.inbox_mu);
      busy = s.scheduled;  // events arrived meanwhile: the next drain is already queued
    }
    if (busy && (s.unflushed_since_ns == 0 || now - s.unflushed_since_ns < coalesce_ns_)) {
      if (s.unflushed_since_ns == 0) s.unflushed_since_ns = now;
      return;  // the next drain flushes these frames with its own
    }
  }
  FlushDirty(s, now);
}

void SubscriptionHub::FlushDirty(Shard& s, int64_t now) {
  ++s.flush_seq;  // before the calls: a Flush that ends in RemoveAll finds nobody listed
  std::vector<Subscriber*> dirty;
  dirty.swap(s.dirty);
  for (Subscriber* sub : dirty) sub->Flush();
  dirty.clear();
  if (s.dirty.empty()) s.dirty.swap(dirty);  // keep the capacity
  s.unflushed_since_ns = 0;
  for (const auto& sample : s.samples) {  // frames handed to the sockets: one clock read per flush
    int64_t took = now - sample.accepted_ns;
    latency_.Observe(took);
    if (topic_counters_ && CountsPerTopic(sample.topic)) topic_counters_->ObserveLatency(sample.topic, took);
  }
  s.samples.clear();
}

std::string SubscriptionHub::Subscribe(size_t shard, Subscriber* sub, const Scope& scope, const std::string& topic,
                                       Filter filter, ReturnMode mode) {
  Shard& s = *shards_[shard];
  std::string id = NewId("sub");
  std::string key = TopicKey(scope, topic);
  auto [where, first_here] = s.topics.try_emplace(key);
  auto& ts = where->second;
  if (first_here) interest_.Add(shard, key);
  // O(1) in the topic's size (a big room fills in linear time): the connection's own
  // subscriptions say whether it already has one here, the signature finds the filter's group.
  if (!ts.may_repeat) {
    if (auto owned = s.ids_of.find(sub); owned != s.ids_of.end())
      for (const auto& other : owned->second)
        if (s.topic_of.at(other).key == key) {
          ts.may_repeat = true;
          break;
        }
  }
  auto [slot, fresh] = ts.group_of.try_emplace(filter.signature(), ts.groups.size());
  if (fresh) ts.groups.push_back({std::move(filter), {}});
  Shard::Group* group = &ts.groups[slot->second];
  group->entries.push_back({sub, id, mode});
  ++ts.count;
  s.topic_of.emplace(id, Shard::Place{std::move(key), slot->second, group->entries.size() - 1});
  s.ids_of[sub].push_back(id);
  stats_.subscriptions.fetch_add(1, std::memory_order_relaxed);
  if (topic_counters_ && CountsPerTopic(topic)) topic_counters_->AddSubscribers(topic, 1);
  return id;
}

bool SubscriptionHub::Unsubscribe(size_t shard, Subscriber* sub, const std::string& subscription_id) {
  Shard& s = *shards_[shard];
  auto owned = s.ids_of.find(sub);
  if (owned == s.ids_of.end()) return false;
  auto pos = std::find(owned->second.begin(), owned->second.end(), subscription_id);
  if (pos == owned->second.end()) return false;
  owned->second.erase(pos);
  if (owned->second.empty()) s.ids_of.erase(owned);
  auto t = s.topic_of.find(subscription_id);
  const Shard::Place place = t->second;
  auto ts = s.topics.find(place.key);
  auto& groups = ts->second.groups;
  auto& entries = groups[place.group].entries;
  if (place.pos + 1 != entries.size()) {
    entries[place.pos] = std::move(entries.back());
    s.topic_of.at(entries[place.pos].id).pos = place.pos;
  }
  entries.pop_back();
  --ts->second.count;
  if (entries.empty()) {
    auto& group_of = ts->second.group_of;
    group_of.erase(groups[place.group].filter.signature());
    if (place.group + 1 != groups.size()) {
      groups[place.group] = std::move(groups.back());
      group_of[groups[place.group].filter.signature()] = place.group;
      for (const auto& en : groups[place.group].entries) s.topic_of.at(en.id).group = place.group;
    }
    groups.pop_back();
  }
  if (ts->second.count == 0) {
    s.topics.erase(ts);
    interest_.Remove(shard, place.key);
  }
  if (topic_counters_) {  // the key ends with '\x1f' + topic (core/scope.h TopicKey)
    std::string_view topic = std::string_view(place.key).substr(place.key.rfind('\x1f') + 1);
    if (CountsPerTopic(topic)) topic_counters_->AddSubscribers(topic, -1);
  }
  s.topic_of.erase(t);
  stats_.subscriptions.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void SubscriptionHub::RemoveAll(size_t shard, Subscriber* sub) {
  Shard& s = *shards_[shard];
  if (sub->hub_drain_mark == s.flush_seq) {  // frames deferred to the next drain: forget the pointer
    s.dirty.erase(std::remove(s.dirty.begin(), s.dirty.end(), sub), s.dirty.end());
    sub->hub_drain_mark = 0;
  }
  auto owned = s.ids_of.find(sub);
  if (owned == s.ids_of.end()) return;
  std::vector<std::string> ids = owned->second;
  for (const auto& id : ids) Unsubscribe(shard, sub, id);
}

void SubscriptionHub::CollectSubscriptions(const Scope& scope, const std::string& topic,
                                           SubscriptionsCallback on_shard) {
  auto key = std::make_shared<const std::string>(TopicKey(scope, topic));
  auto done = std::make_shared<const SubscriptionsCallback>(std::move(on_shard));
  for (size_t i = 0; i < shards_.size(); ++i) {
    executor_.PostToShard(i, [this, i, key, done] {
      std::vector<SubscriptionInfo> out;
      const Shard& s = *shards_[i];
      if (auto it = s.topics.find(*key); it != s.topics.end()) {
        out.reserve(it->second.count);
        for (const Shard::Group& g : it->second.groups)  // copies only: filters are evaluated by the caller
          for (const Shard::Entry& en : g.entries)
            out.push_back({en.id, en.sub->socket_id(), en.mode, g.filter.source()});
      }
      (*done)(i, std::move(out));
    });
  }
}

size_t SubscriptionHub::CountFor(size_t shard, Subscriber* sub) const {
  const Shard& s = *shards_[shard];
  auto owned = s.ids_of.find(sub);
  return owned == s.ids_of.end() ? 0 : owned->second.size();
}

}  // namespace rt::events
