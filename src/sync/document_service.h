// DocumentService: the sync documents of spec/21-api-sync.md — create, get, replace, merge,
// mutate, soft delete, list — with revisions, optimistic concurrency and change events.
//
// Every write runs: load -> check (exists / expectedRevision) -> apply -> limits -> compare-and-
// swap on the store (document_store.h) -> publish. The revision grows by exactly one per applied
// write. With expectedRevision, a moved revision is a ConflictError (409) whose body carries
// "currentRevision" (and "expectedRevision"). Without it, a lost swap is retried from a fresh
// load, so concurrent writes are each applied exactly once, in some order, with contiguous
// revisions. Events of a document are published in revision order: the database store runs
// the publish of each swap in commit order itself (group commit, group_commit.h), so a write
// holds no lock across its I/O — unless it lost a swap (a hot document), after which its
// retries queue on a striped lock so that contending writers take turns; with any other store,
// writes to the same document on one instance are serialized by the striped lock throughout.
// Across instances the store's atomic swap decides.
//
// Documents: a soft-deleted document (deleted: true) and one past its expiresAt read as 404 and
// take no writes but create; an expired one is also purged on read (and by the store's periodic
// Maintain). Creating an id that is deleted or expired starts a new document whose revision
// continues the old one's, so revisions never go backwards for caches and subscribers.
//
// Events (through the EventSink, i.e. the EventRouter): topic sync.{service}.created|updated|
// deleted, source "sync", type "sync.created"|"sync.updated"|"sync.deleted", payload {service,
// documentId, revision, data, diff} (diff: json_diff.h; for a delete, data is the last data and
// diff removes every key), metadata.revision and metadata.operation (create | replace | merge |
// mutate | delete). Each subscriber's returnMode then strips data or diff (events/routed_event.h).
// A payload over the event size limit is replaced by {service, documentId, revision,
// truncated: true}; a publish failure is logged and never fails the write (it is stored).
//
// Seam for document presence (syncdoc:presence:…, redis_document_cache.h): presence is kept by
// the gateways, not here.
//
// Order of a write: the store's swap (which, in write-through and database-only modes, commits
// to the database) comes first, the event after; a write the store refuses is an error and
// publishes nothing (docs/sync.md, "Order of a write").
//
// Failure: ValidationError (bad service name, id, input, mutation), PayloadTooLarge (data over
// the size limit), NotFoundError, ConflictError, ServiceUnavailableError (a backend is down;
// nothing was written).
// Thread safety: every method may be called from any thread; they block (run them on the
// blocking pool). Lifetime: the store and the callbacks' targets must outlive the service.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string>

#include "events/event.h"
#include "sync/document_input.h"
#include "sync/document_store.h"
#include "sync/json_merge.h"

namespace rt::sync {

// Publishes an event; the EventRouter's Publish in production.
using EventSink = std::function<Result<std::string>(const Scope&, events::RawEventInput)>;
// Ok when documents of the service may be written in the application (strictServices).
using ServiceCheck = std::function<Status(const std::string& application_id, const std::string& service)>;

inline constexpr size_t kDefaultListLimit = 50;
inline constexpr size_t kMaxListLimit = 200;

class DocumentService {
 public:
  DocumentService(DocumentStore& store, ServiceCheck check, EventSink sink, DocumentLimits limits);

  Result<SyncDocument> Get(const DocKey& key);
  // Live documents by id; cursor: "" or the previous page's next_cursor; limit 1..kMaxListLimit.
  Result<DocumentPage> List(const Scope& scope, const std::string& service, const std::string& cursor, size_t limit);

  // A new id (doc_…) when request.id is unset. 201 in the API.
  Result<SyncDocument> Create(const Scope& scope, const std::string& service, const WriteRequest& request);
  Result<SyncDocument> Replace(const DocKey& key, const WriteRequest& request);
  Result<SyncDocument> Merge(const DocKey& key, const WriteRequest& request);
  Result<SyncDocument> Mutate(const DocKey& key, const WriteRequest& request);
  Result<SyncDocument> Delete(const DocKey& key, const WriteRequest& request);

  DocumentStore& store() { return store_; }

 private:
  enum class Op { kCreate, kReplace, kMerge, kMutate, kDelete };
  // Turns the next version (a copy of the live document, or a fresh one) into the new document.
  using Apply = std::function<Status(SyncDocument& next)>;

  Result<SyncDocument> Write(const DocKey& key, Op op, std::optional<int64_t> expected, const Apply& apply);
  Result<SyncDocument> Attempt(const DocKey& key, Op op, std::optional<int64_t> expected, const Apply& apply,
                               bool* lost);
  void Publish(Op op, const SyncDocument* before, const SyncDocument& after);
  std::mutex& Stripe(const DocKey& key);

  DocumentStore& store_;
  ServiceCheck check_;
  EventSink sink_;
  const DocumentLimits limits_;
  std::array<std::mutex, 64> stripes_;
};

}  // namespace rt::sync
