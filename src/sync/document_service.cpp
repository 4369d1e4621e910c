#include "sync/document_service.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "core/ids.h"
#include "core/log.h"
#include "registry/service_registry.h"
#include "sync/document_json.h"
#include "sync/json_diff.h"

namespace rt::sync {
namespace {

constexpr int kMaxAttempts = 100;

const char* OpName(int op) {
  static const char* kNames[] = {"create", "replace", "merge", "mutate", "delete"};
  return kNames[op];
}

std::string Name(const DocKey& key) { return key.service + "/" + key.id; }

Error DocumentNotFound(const DocKey& key) { return Error::NotFound("Document not found: " + Name(key)); }

Error WithDetails(Error e, boost::json::object details) {
  e.details = std::make_shared<const boost::json::object>(std::move(details));
  return e;
}

Error RevisionConflict(const DocKey& key, int64_t expected, int64_t current) {
  return WithDetails(Error::Conflict("Revision conflict on " + Name(key) + ": expected revision " +
                                     std::to_string(expected) + ", current revision " + std::to_string(current)),
                     {{"currentRevision", current}, {"expectedRevision", expected}});
}

Status ValidateKey(const DocKey& key) {
  if (!registry::IsValidServiceName(key.service))
    return Error::Validation("Invalid service name '" + key.service.substr(0, 100) +
                             "': must match ^[a-z][a-z0-9_-]*$ (at most 100 characters)");
  if (!IsValidDocumentId(key.id))
    return Error::Validation("Invalid document id: use 1-128 characters of letters, digits and _ - . : @");
  return Ok();
}

void Backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int cap = std::min(20, 1 << std::min(attempt, 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, cap)(rng)));
}

}  // namespace

DocumentService::DocumentService(DocumentStore& store, ServiceCheck check, EventSink sink, DocumentLimits limits)
    : store_(store), check_(std::move(check)), sink_(std::move(sink)), limits_(limits) {}

std::mutex& DocumentService::Stripe(const DocKey& key) {
  size_t h = std::hash<std::string>{}(key.scope.Key() + '\x1f' + key.service + '\x1f' + key.id);
  return stripes_[h % stripes_.size()];
}

Result<SyncDocument> DocumentService::Get(const DocKey& key) {
  RT_TRY(ValidateKey(key));
  auto loaded = store_.Load(key);
  if (!loaded.ok()) return loaded.take_error();
  if (!*loaded || (*loaded)->deleted) return DocumentNotFound(key);
  int64_t now = NowMs();
  if ((*loaded)->ExpiredAt(now)) {
    if (Status st = store_.Purge(key, (*loaded)->revision); !st.ok())
      log::Warn("could not purge an expired sync document", {{"document", Name(key)}, {"error", st.error().message}});
    return DocumentNotFound(key);
  }
  return std::move(**loaded);
}

Result<DocumentPage> DocumentService::List(const Scope& scope, const std::string& service, const std::string& cursor,
                                           size_t limit) {
  RT_TRY(ValidateKey({scope, service, cursor.empty() ? "x" : cursor}));
  if (limit < 1 || limit > kMaxListLimit)
    return Error::Validation("limit must be an integer from 1 to " + std::to_string(kMaxListLimit));
  return store_.List(scope, service, cursor, limit, NowMs());
}

Result<SyncDocument> DocumentService::Create(const Scope& scope, const std::string& service,
                                             const WriteRequest& req) {
  DocKey key{scope, service, req.id ? *req.id : NewId("doc")};
  return Write(key, Op::kCreate, std::nullopt, [&](SyncDocument& next) {
    next.data = req.data;
    next.expires_at = req.expires_at;
    return Ok();
  });
}

Result<SyncDocument> DocumentService::Replace(const DocKey& key, const WriteRequest& req) {
  return Write(key, Op::kReplace, req.expected_revision, [&](SyncDocument& next) {
    next.data = req.data;
    if (req.set_expiry) next.expires_at = req.expires_at;
    return Ok();
  });
}

Result<SyncDocument> DocumentService::Merge(const DocKey& key, const WriteRequest& req) {
  return Write(key, Op::kMerge, req.expected_revision, [&](SyncDocument& next) {
    DeepMerge(next.data, req.data);
    return Ok();
  });
}

Result<SyncDocument> DocumentService::Mutate(const DocKey& key, const WriteRequest& req) {
  return Write(key, Op::kMutate, req.expected_revision, [&](SyncDocument& next) -> Status {
    auto data = ApplyMutations(next.data, req.mutations);
    if (!data.ok()) return data.take_error();
    next.data = std::move(*data);
    return Ok();
  });
}

Result<SyncDocument> DocumentService::Delete(const DocKey& key, const WriteRequest& req) {
  return Write(key, Op::kDelete, req.expected_revision, [](SyncDocument& next) {
    next.deleted = true;
    return Ok();
  });
}

Result<SyncDocument> DocumentService::Write(const DocKey& key, Op op, std::optional<int64_t> expected,
                                            const Apply& apply) {
  RT_TRY(ValidateKey(key));
  RT_TRY(check_(key.scope.application_id, key.service));
  // A store that orders its swap hooks (the database store's group commit) publishes in
  // revision order by itself: the first attempt then holds no lock at all. A writer that loses
  // a swap has met a hot document: its retries queue on the document's stripe, so contending
  // writers on this instance take turns instead of re-reading and losing over and over.
  std::unique_lock<std::mutex> lock;
  if (!store_.OrdersSwapHooks()) lock = std::unique_lock(Stripe(key));
  for (int attempt = 0;; ++attempt) {
    bool lost = false;
    auto written = Attempt(key, op, expected, apply, &lost);
    if (!lost) return written;
    if (attempt + 1 >= kMaxAttempts)
      return Error::Conflict("Document " + Name(key) + " is being written by too many writers at once; retry");
    if (!lock.owns_lock()) {
      lock = std::unique_lock(Stripe(key));
      continue;  // our turn: retry at once
    }
    Backoff(attempt);
  }
}

Result<SyncDocument> DocumentService::Attempt(const DocKey& key, Op op, std::optional<int64_t> expected,
                                              const Apply& apply, bool* lost) {
  int64_t now = NowMs();
  auto loaded = store_.Load(key);
  if (!loaded.ok()) return loaded.take_error();
  const SyncDocument* stored = *loaded ? &**loaded : nullptr;
  const SyncDocument* live = stored && stored->LiveAt(now) ? stored : nullptr;
  if (op == Op::kCreate && live)
    return WithDetails(Error::Conflict("Document already exists: " + Name(key)), {{"currentRevision", live->revision}});
  if (op != Op::kCreate && !live) return DocumentNotFound(key);
  if (op != Op::kCreate && expected && *expected != live->revision)
    return RevisionConflict(key, *expected, live->revision);

  SyncDocument next;
  if (live) {
    next = *live;
  } else {
    next.key = key;
    next.created_at = now;
  }
  next.revision = (stored ? stored->revision : 0) + 1;
  next.updated_at = std::max(now, stored ? stored->updated_at : now);
  RT_TRY(apply(next));
  RT_TRY(CheckLimits(next.data, limits_, "Document data"));

  // The hook runs once the store has made the write stand (committed, in write-through and
  // database-only modes): the event only announces writes that happened.
  auto cas = store_.CompareAndSwapThen(next, stored ? stored->revision : 0, [&] { Publish(op, live, next); });
  if (!cas.ok()) return cas.take_error();
  if (!cas->swapped) {
    *lost = true;
    return Error::Conflict("lost the race");  // retried by Write
  }
  return next;
}

void DocumentService::Publish(Op op, const SyncDocument* before, const SyncDocument& after) {
  static const boost::json::object kEmpty;
  const char* suffix = op == Op::kCreate ? "created" : op == Op::kDelete ? "deleted" : "updated";
  events::RawEventInput in;
  in.topic = "sync." + after.key.service + "." + suffix;
  in.source = events::Source::kSync;
  in.type = std::string("sync.") + suffix;
  in.operation = OpName(static_cast<int>(op));
  in.revision = after.revision;
  in.payload = {{"service", after.key.service}, {"documentId", after.key.id}, {"revision", after.revision}};
  events::RawEventInput small = in;
  small.payload["truncated"] = true;
  in.payload["data"] = after.data;
  in.payload["diff"] = JsonDiff(before ? before->data : kEmpty, op == Op::kDelete ? kEmpty : after.data);
  auto published = sink_(after.key.scope, std::move(in));
  if (!published.ok() && published.error().code == ErrorCode::kPayloadTooLarge)
    published = sink_(after.key.scope, std::move(small));
  if (!published.ok())
    log::Warn("sync event not published", {{"document", Name(after.key)}, {"error", published.error().message}});
}

}  // namespace rt::sync
