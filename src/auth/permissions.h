// Permissions carried by tokens and the rules that check them.
//
// Roles (spec/29-sdk-authentication.md): admin ⊃ service ⊃ client.
//   admin    everything: manage topics, schemas, keys, applications, users
//   service  publish events, manage documents, broadcast (+ everything client may do)
//   client   subscribe to topics, read documents
// Fine-grained permissions: subscribe, publish (and later resource:action pairs from RBAC).
//
// The optional `topics` claim is a list of glob patterns ('*' any run of characters, '?' one
// character) limiting which topics the holder may subscribe or publish to; empty = no limit.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rt::auth {

// Every permission name a token may carry.
bool IsKnownPermission(std::string_view p);
// True if `granted` (a token's permissions) includes `required`, directly or through a role.
bool HasPermission(const std::vector<std::string>& granted, std::string_view required);
// True if `granted` includes every permission in `wanted` (used when a caller mints a token).
bool CoversAll(const std::vector<std::string>& granted, const std::vector<std::string>& wanted);

bool GlobMatch(std::string_view pattern, std::string_view text);
bool TopicAllowed(const std::vector<std::string>& patterns, std::string_view topic);
// True if every topic `inner` matches is also matched by `outer` (both glob patterns): `inner` is
// the same or narrower. Sound, not complete: an `outer` '?' never covers an `inner` '*'.
bool PatternCovers(std::string_view outer, std::string_view inner);
// True if each of `inner` is covered by one of `outer` (empty outer = unrestricted).
bool PatternsCover(const std::vector<std::string>& outer, const std::vector<std::string>& inner);

}  // namespace rt::auth
