// VerifiedTokenCache: principals of JWTs already verified, keyed by the token text, so that a
// client sending the same bearer token on every request (REST keep-alive, the SDK) pays the
// signature check (HMAC, base64, JSON) once, not per request.
//
// An entry is used only while (a) the token has not expired (exp + leeway, checked on every
// hit) and (b) the key ring is the one it was verified against: any change of the signing keys
// (create, rotate, deactivate, delete — on this instance or seen by the key poll) bumps the
// ring's generation and so re-verifies every token. Only successfully verified tokens are
// stored; the cache is bounded (kShards x kPerShard entries; a full shard is emptied).
//
// Thread safety: Find/Put from any thread (sharded mutexes).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.h"

namespace rt::auth {

class VerifiedTokenCache {
 public:
  static constexpr size_t kShards = 16;
  static constexpr size_t kPerShard = 1024;

  // The cached principal of token if it was verified under ring generation `generation` and is
  // not expired at now_s (with leeway_s).
  std::optional<Principal> Find(std::string_view token, uint64_t generation, int64_t now_s, int64_t leeway_s) {
    Shard& s = ShardOf(token);
    std::shared_lock lock(s.mu);  // readers (every request with this token) never wait for each other
    auto it = s.entries.find(token);
    if (it == s.entries.end()) return std::nullopt;
    // A stale entry stays until Put replaces it (or the shard is cleared when full).
    if (it->second.generation != generation ||
        (it->second.principal.expires_at_s && now_s > it->second.principal.expires_at_s + leeway_s))
      return std::nullopt;
    return it->second.principal;
  }

  void Put(std::string_view token, uint64_t generation, const Principal& principal) {
    Shard& s = ShardOf(token);
    std::unique_lock lock(s.mu);
    if (s.entries.size() >= kPerShard) s.entries.clear();
    s.entries.insert_or_assign(std::string(token), Entry{generation, principal});
  }

 private:
  struct Entry {
    uint64_t generation;
    Principal principal;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::shared_mutex mu;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;  // guarded by mu
  };
  Shard& ShardOf(std::string_view token) { return shards_[Hash{}(token) % kShards]; }

  std::array<Shard, kShards> shards_;
};

}  // namespace rt::auth
