// FollowInterest: makes a broker carry to this instance exactly the topics its hub has local
// subscribers for (issue 20 item 4, broker/broker.h "Interest").
//
// The hub's TopicInterest reports a topic key's first subscribing shard and its last leaving;
// each transition becomes Broker::SetInterest(key, on), in order per key. Keys already held
// when it is called are declared at once (normally none: call it before the first subscribe).
// Thread safety: the listener runs on I/O threads under a TopicInterest stripe lock and the
// broker only records the change there. Lifetime: the broker must outlive the hub's use.
#pragma once

#include "broker/broker.h"
#include "events/hub.h"

namespace rt::events {

void FollowInterest(SubscriptionHub& hub, broker::Broker& broker);

}  // namespace rt::events
