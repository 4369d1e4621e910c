#include "sync/redis_document_cache.h"

namespace rt::sync {
namespace {

using broker::RedisScript;
using broker::RespReply;

// KEYS: data, dirty. ARGV: ttl. Returns the stored JSON or nil.
const RedisScript kRead(R"lua(
local doc = redis.call('HGET', KEYS[1], 'doc')
if not doc then return false end
if redis.call('HEXISTS', KEYS[2], KEYS[1]) == 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return doc
)lua");

// KEYS: data. ARGV: revision, json, ttl. Returns the existing JSON, or nil after caching.
const RedisScript kFill(R"lua(
local doc = redis.call('HGET', KEYS[1], 'doc')
if doc then return doc end
redis.call('HSET', KEYS[1], 'rev', ARGV[1], 'doc', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return false
)lua");

// KEYS: data, dirty. ARGV: expected revision ('0' = no entry), new revision, json, keep
// ('1': keep the replaced entry as prev_rev/prev_doc for Undo). 1 or 0.
const RedisScript kCas(R"lua(
local cur = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '0' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then
  return 0
end
if ARGV[4] == '1' and cur then
  local was_dirty = redis.call('HEXISTS', KEYS[2], KEYS[1])
  redis.call('HSET', KEYS[1], 'prev_rev', cur, 'prev_doc', redis.call('HGET', KEYS[1], 'doc'), 'prev_dirty', was_dirty)
else
  redis.call('HDEL', KEYS[1], 'prev_rev', 'prev_doc', 'prev_dirty')
end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'doc', ARGV[3])
redis.call('PERSIST', KEYS[1])
redis.call('HSET', KEYS[2], KEYS[1], ARGV[2])
return 1
)lua");

// KEYS: data, dirty. The JSON of a dirty entry, or nil (a dirty mark without data is dropped).
const RedisScript kSnapshot(R"lua(
if not redis.call('HGET', KEYS[2], KEYS[1]) then return false end
local doc = redis.call('HGET', KEYS[1], 'doc')
if not doc then redis.call('HDEL', KEYS[2], KEYS[1]) return false end
return doc
)lua");

// KEYS: data, dirty. ARGV: flushed revision, ttl.
const RedisScript kAck(R"lua(
if redis.call('HGET', KEYS[2], KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[2], KEYS[1])
if redis.call('HGET', KEYS[1], 'rev') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'prev_rev', 'prev_doc', 'prev_dirty')
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1
)lua");

// KEYS: data, dirty. ARGV: revision to take back, ttl. 1 when undone, 0 when the entry moved
// on. The kept entry comes back as it was: dirty (at its revision), or clean with the TTL.
const RedisScript kUndo(R"lua(
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
local prev = redis.call('HMGET', KEYS[1], 'prev_rev', 'prev_doc', 'prev_dirty')
if not prev[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'rev', prev[1], 'doc', prev[2])
redis.call('HDEL', KEYS[1], 'prev_rev', 'prev_doc', 'prev_dirty')
if prev[3] == '1' then
  redis.call('HSET', KEYS[2], KEYS[1], prev[1])
else
  redis.call('HDEL', KEYS[2], KEYS[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1
)lua");

// KEYS: data, dirty. ARGV: revision.
const RedisScript kRemove(R"lua(
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], KEYS[1])
return 1
)lua");

Result<std::optional<SyncDocument>> DecodeReply(const RespReply& r) {
  if (r.type != RespReply::Type::kString) return std::optional<SyncDocument>();
  auto doc = DecodeStored(r.str);
  if (!doc.ok()) return doc.take_error();
  return std::optional<SyncDocument>(std::move(*doc));
}

std::string Scoped(const char* prefix, const DocKey& k) {
  return std::string(prefix) + k.scope.application_id + ":" + k.scope.environment + ":" + k.service + ":" + k.id;
}

}  // namespace

std::string RedisDocumentCache::DataKey(const DocKey& key) const { return prefix_ + Scoped("syncdoc:data:", key); }
std::string PresenceKey(const DocKey& key) { return Scoped("syncdoc:presence:", key); }

Result<std::optional<SyncDocument>> RedisDocumentCache::Read(const DocKey& key) {
  auto r = redis_.Eval(kRead, {DataKey(key), dirty_key_}, {ttl_});
  if (!r.ok()) return r.take_error();
  return DecodeReply(*r);
}

Result<std::optional<SyncDocument>> RedisDocumentCache::Fill(const SyncDocument& doc) {
  auto r = redis_.Eval(kFill, {DataKey(doc.key)}, {std::to_string(doc.revision), EncodeStored(doc), ttl_});
  if (!r.ok()) return r.take_error();
  return DecodeReply(*r);
}

Result<bool> RedisDocumentCache::CompareAndSwap(const SyncDocument& doc, int64_t expected_revision, bool keep_previous) {
  auto r = redis_.Eval(kCas, {DataKey(doc.key), dirty_key_},
                       {std::to_string(expected_revision), std::to_string(doc.revision), EncodeStored(doc),
                        keep_previous ? "1" : "0"});
  if (!r.ok()) return r.take_error();
  return r->integer == 1;
}

Result<bool> RedisDocumentCache::Undo(const DocKey& key, int64_t revision) {
  auto r = redis_.Eval(kUndo, {DataKey(key), dirty_key_}, {std::to_string(revision), ttl_});
  if (!r.ok()) return r.take_error();
  return r->integer == 1;
}

Result<std::optional<std::string>> RedisDocumentCache::DirtySnapshot(const std::string& data_key) {
  auto r = redis_.Eval(kSnapshot, {data_key, dirty_key_}, {});
  if (!r.ok()) return r.take_error();
  if (r->type != RespReply::Type::kString) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r->str));
}

Status RedisDocumentCache::Ack(const std::string& data_key, int64_t revision) {
  auto r = redis_.Eval(kAck, {data_key, dirty_key_}, {std::to_string(revision), ttl_});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status RedisDocumentCache::Remove(const DocKey& key, int64_t revision) {
  auto r = redis_.Eval(kRemove, {DataKey(key), dirty_key_}, {std::to_string(revision)});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::pair<std::vector<std::string>, std::string>> RedisDocumentCache::ScanDirty(const std::string& cursor,
                                                                                       size_t count) {
  auto r = redis_.Command({"HSCAN", dirty_key_, cursor, "COUNT", std::to_string(count)});
  if (!r.ok()) return r.take_error();
  if (r->type != RespReply::Type::kArray || r->elements.size() != 2) return Error::Internal("unexpected HSCAN reply");
  std::vector<std::string> keys;
  const auto& pairs = r->elements[1].elements;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) keys.push_back(pairs[i].str);
  return std::make_pair(std::move(keys), r->elements[0].str);
}

Result<std::vector<std::optional<SyncDocument>>> RedisDocumentCache::ReadMany(const std::vector<DocKey>& keys) {
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(keys.size());
  for (const auto& k : keys) cmds.push_back({"HGET", DataKey(k), "doc"});
  std::vector<std::optional<SyncDocument>> out;
  if (cmds.empty()) return out;
  auto replies = redis_.Pipeline(cmds);
  if (!replies.ok()) return replies.take_error();
  for (const auto& r : *replies) {
    auto doc = DecodeReply(r);
    if (!doc.ok()) return doc.take_error();
    out.push_back(std::move(*doc));
  }
  return out;
}

}  // namespace rt::sync
