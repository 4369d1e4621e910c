// TopicPolicy: may this scope publish or subscribe to this topic? Checked on the hot path
// (publish, subscribe) from I/O threads, so implementations answer from memory, never block.
//
// Rules: a topic is 1-200 characters of [A-Za-z0-9._:-@/] (channel-style names such as
// `chat:room1` included); unregistered topics are allowed unless the application's config sets
// `strictTopics: true`, in which case only topics registered in the topic registry for that
// (application, environment) are allowed. The platform's own topics (`sync.*`, `presence:*`,
// `direct:*`) are exempt from strictTopics.
//
// Thread safety: CheckUse may be called from any thread concurrently.
#pragma once

#include <string_view>

#include "core/result.h"
#include "core/scope.h"

namespace rt::registry {

// The pub/sub topic rule above.
bool IsValidTopic(std::string_view topic);
// The registry naming rule (spec/22-api-topics.md): lowercase letters, digits and dots,
// dot-separated non-empty segments, e.g. `session.status`.
bool IsValidRegisteredTopicName(std::string_view name);

class TopicPolicy {
 public:
  virtual ~TopicPolicy() = default;
  // Ok; ValidationError for a malformed topic; NotFoundError when strictTopics refuses an
  // unregistered topic (message names the topic and the rule).
  virtual Status CheckUse(const Scope& scope, std::string_view topic) const = 0;
};

// Allows every well-formed topic (no registry). Used by tests and tools.
class OpenTopicPolicy final : public TopicPolicy {
 public:
  Status CheckUse(const Scope& scope, std::string_view topic) const override;
};

}  // namespace rt::registry
