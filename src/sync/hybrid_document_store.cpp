#include "sync/hybrid_document_store.h"

#include "core/log.h"

namespace rt::sync {
namespace {

constexpr size_t kSweepBatch = 256;
constexpr auto kRetryPause = std::chrono::milliseconds(500);

}  // namespace

HybridDocumentStore::HybridDocumentStore(broker::RedisPool& redis, store::SyncDocumentRepository& repo,
                                         HybridOptions options)
    : cache_(redis, options.ttl_seconds, options.key_prefix), repo_(repo), options_(options) {}

HybridDocumentStore::~HybridDocumentStore() { StopFlusher(); }

void HybridDocumentStore::Start() {
  if (options_.write_through || !options_.async_flush || flusher_.joinable()) return;
  flusher_ = std::thread([this] { FlusherLoop(); });
}

void HybridDocumentStore::StopFlusher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

Result<std::optional<SyncDocument>> HybridDocumentStore::Load(const DocKey& key) {
  auto missed_at = std::chrono::steady_clock::now();
  auto cached = cache_.Read(key);
  if (!cached.ok() || *cached) return cached;
  auto row = repo_.Get(key);
  if (!row.ok() || !*row) return row;
  // Too slow to cache safely: serve the row as read (a swap against it simply loses and retries).
  if (std::chrono::steady_clock::now() - missed_at >= std::chrono::milliseconds(options_.ttl_seconds * 500LL))
    return row;
  auto existing = cache_.Fill(**row);
  if (!existing.ok()) return existing.take_error();
  return *existing ? existing : row;
}

Result<CasResult> HybridDocumentStore::CompareAndSwap(const SyncDocument& doc, int64_t expected_revision) {
  auto swapped = cache_.CompareAndSwap(doc, expected_revision, options_.write_through);
  if (!swapped.ok()) return swapped.take_error();
  if (!*swapped) return CasResult{};
  std::string data_key = cache_.DataKey(doc.key);
  if (options_.write_through) {
    if (Status st = FlushKey(data_key); !st.ok()) return TakeBack(doc, st.take_error());
  } else if (options_.async_flush) {
    Enqueue(std::move(data_key));
  }
  return CasResult{true};
}

// Write-through and the database refused the write: take the swap back so that the write did
// not happen (the caller answers an error and publishes nothing).
Result<CasResult> HybridDocumentStore::TakeBack(const SyncDocument& doc, Error db_error) {
  std::string name = doc.key.service + "/" + doc.key.id + " at revision " + std::to_string(doc.revision);
  auto undone = cache_.Undo(doc.key, doc.revision);
  if (undone.ok() && *undone)
    return Error{db_error.code == ErrorCode::kUnavailable ? ErrorCode::kUnavailable : ErrorCode::kInternal,
                 "Document " + name + " was not written: the database refused it: " + db_error.message, nullptr};
  if (undone.ok()) {
    // A later write (another instance) already built on it: it is part of the history and is
    // flushed with that write (or by the sweep).
    log::Warn("write-through: database write failed but the document moved on; it stands",
              {{"service", doc.key.service}, {"id", doc.key.id}, {"revision", doc.revision},
               {"error", db_error.message}});
    return CasResult{true};
  }
  log::Error("write-through: database write failed and Redis could not take it back",
             {{"service", doc.key.service}, {"id", doc.key.id}, {"revision", doc.revision},
              {"error", db_error.message}, {"undo_error", undone.error().message}});
  return Error::Unavailable("Document " + name + " may not be written: the database failed (" + db_error.message +
                            ") and Redis could not take the write back (" + undone.error().message + ")");
}

Result<DocumentPage> HybridDocumentStore::List(const Scope& scope, const std::string& service,
                                               const std::string& after, size_t limit, int64_t now_ms) {
  auto page = ListPage(repo_, scope, service, after, limit, now_ms);
  if (!page.ok()) return page;
  // The database may lag the cache by a flush: prefer a newer cached revision.
  std::vector<DocKey> keys;
  for (const auto& d : page->documents) keys.push_back(d.key);
  auto cached = cache_.ReadMany(keys);
  if (!cached.ok()) return cached.take_error();
  std::vector<SyncDocument> out;
  for (size_t i = 0; i < page->documents.size(); ++i) {
    auto& hot = (*cached)[i];
    SyncDocument& doc = hot && hot->revision > page->documents[i].revision ? *hot : page->documents[i];
    if (doc.LiveAt(now_ms)) out.push_back(std::move(doc));
  }
  page->documents = std::move(out);
  return page;
}

Status HybridDocumentStore::Purge(const DocKey& key, int64_t revision) {
  RT_TRY(repo_.DeleteThrough(key, revision));
  return cache_.Remove(key, revision);
}

Status HybridDocumentStore::Maintain(int64_t now_ms) {
  Status swept = Sweep(std::chrono::steady_clock::now() + std::chrono::seconds(30));
  auto purged = repo_.PurgeExpired(now_ms);
  if (!swept.ok()) return swept;
  if (!purged.ok()) return purged.take_error();
  return Ok();
}

Status HybridDocumentStore::Flush(std::chrono::milliseconds budget) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  StopFlusher();  // the sweep covers whatever was still queued
  return Sweep(deadline);
}

Status HybridDocumentStore::FlushKey(const std::string& data_key) {
  auto snapshot = cache_.DirtySnapshot(data_key);
  if (!snapshot.ok()) return snapshot.take_error();
  if (!*snapshot) return Ok();
  auto doc = DecodeStored(**snapshot);
  if (!doc.ok()) {
    log::Error("sync flush: unreadable dirty document kept in Redis", {{"key", data_key}, {"error", doc.error().message}});
    return doc.take_error();
  }
  if (Status st = repo_.UpsertIfNewer(*doc); !st.ok()) {
    const DocKey& k = doc->key;
    if (!ApplicationDeleted(k, st.error())) {
      // Kept dirty (no Ack): the flusher and every sweep retry it until the database takes it.
      log::Error("sync flush: database write failed; the document stays dirty and is retried",
                 {{"application", k.scope.application_id}, {"environment", k.scope.environment},
                  {"service", k.service}, {"id", k.id}, {"revision", doc->revision}, {"error", st.error().message}});
      return st;
    }
    // Its application was deleted meanwhile (foreign key; the delete took its documents along).
    log::Error("sync flush: dropped a dirty document of a deleted application",
               {{"application", k.scope.application_id}, {"service", k.service}, {"id", k.id},
                {"revision", doc->revision}, {"error", st.error().message}});
  }
  RT_TRY(cache_.Ack(data_key, doc->revision));
  flushed_.fetch_add(1, std::memory_order_relaxed);
  return Ok();
}

bool HybridDocumentStore::ApplicationDeleted(const DocKey& key, const Error& error) {
  if (error.code != ErrorCode::kValidation) return false;
  auto exists = repo_.ApplicationExists(key.scope.application_id);
  return exists.ok() && !*exists;
}

Status HybridDocumentStore::Sweep(std::chrono::steady_clock::time_point deadline) {
  std::string cursor = "0";
  Status first_error;
  size_t failed = 0;
  do {
    if (std::chrono::steady_clock::now() > deadline)
      return Error::Unavailable("sync flush: out of time with dirty documents left");
    auto page = cache_.ScanDirty(cursor, kSweepBatch);
    if (!page.ok()) return page.take_error();
    for (const auto& key : page->first) {
      Status st = FlushKey(key);
      if (!st.ok() && failed++ == 0) first_error = std::move(st);
    }
    cursor = page->second;
  } while (cursor != "0");
  if (failed == 0) return Ok();
  return Error{first_error.error().code,
               "sync flush: " + std::to_string(failed) + " document(s) not flushed: " + first_error.error().message,
               nullptr};
}

void HybridDocumentStore::Enqueue(std::string data_key) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queue || !queued_.insert(data_key).second) return;
    queue_.emplace_back(std::chrono::steady_clock::now() + options_.flush_delay, std::move(data_key));
  }
  cv_.notify_one();
}

void HybridDocumentStore::FlusherLoop() {
  for (;;) {
    std::string key;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      // FIFO with one delay for all: the front is always the first due.
      if (cv_.wait_until(lock, queue_.front().first, [&] { return stopping_; })) return;
      key = std::move(queue_.front().second);
      queue_.pop_front();
      queued_.erase(key);
    }
    if (Status st = FlushKey(key); !st.ok()) {
      log::Warn("sync flush failed; the sweep will retry", {{"key", key}, {"error", st.error().message}});
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kRetryPause, [&] { return stopping_; });
    }
  }
}

}  // namespace rt::sync
