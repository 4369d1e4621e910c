#include "events/cluster_interest.h"

namespace rt::events {

void FollowInterest(SubscriptionHub& hub, broker::Broker& broker) {
  hub.interest().SetListener([b = &broker](const std::string& key, bool on) { b->SetInterest(key, on); });
  for (const auto& key : hub.interest().Keys()) broker.SetInterest(key, true);
}

}  // namespace rt::events
