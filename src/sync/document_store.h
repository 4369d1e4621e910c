// DocumentStore: the port behind which sync documents live. DocumentService (document_service.h)
// does read -> apply -> compare-and-swap against it and retries when the swap loses.
//
//   DbDocumentStore      (this file) the platform database only: every write is durable before
//                        it returns; concurrent writes share a commit (group_commit.h). The
//                        embedded default, and the fallback without REDIS_URL.
//   HybridDocumentStore  (hybrid_document_store.h) Redis first, the database behind it.
//
// Contract shared by every implementation:
//   - Load returns what is stored, tombstones and expired documents included (the service
//     decides what is live), or nullopt when nothing is stored under the key.
//   - CompareAndSwap(doc, expected) stores doc only if the stored revision is `expected`
//     (0: nothing stored). Exactly one of several concurrent swaps from the same expected
//     revision succeeds, across every instance sharing the backend; the others get swapped=false
//     and nothing is written.
//   - A successful swap is visible to every later Load on every instance.
//
//   - A swap is reported (swapped = true) only once the write stands as the store promises it
//     (database only and write-through: committed to the database), so the caller can publish
//     its event right after: an event never announces a write that did not happen.
//
// Failure: kUnavailable when a backend is down; nothing was written then (see
// HybridDocumentStore for the one case where that cannot be known). Thread safety:
// implementations are safe from any thread and block.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/sync_document_repository.h"
#include "sync/group_commit.h"

namespace rt::sync {

using store::DocKey;
using store::SyncDocument;

// One page of a listing; next_cursor is set when more documents may follow (pass it as `after`).
struct DocumentPage {
  std::vector<SyncDocument> documents;
  std::optional<std::string> next_cursor;
};

struct CasResult {
  bool swapped = false;  // false: the revision moved; nothing was written
};

class DocumentStore {
 public:
  DocumentStore() = default;
  DocumentStore(const DocumentStore&) = delete;
  DocumentStore& operator=(const DocumentStore&) = delete;
  virtual ~DocumentStore() = default;

  virtual Result<std::optional<SyncDocument>> Load(const DocKey& key) = 0;
  virtual Result<CasResult> CompareAndSwap(const SyncDocument& doc, int64_t expected_revision) = 0;
  // CompareAndSwap, then on_swapped once the swap stands (not called when it lost or failed).
  // With OrdersSwapHooks(), the store runs the hooks of one document's swaps in revision order
  // by itself (GroupCommitter), so callers publish from the hook without a per-document lock;
  // otherwise the hook runs inline on the calling thread and the caller orders.
  virtual Result<CasResult> CompareAndSwapThen(const SyncDocument& doc, int64_t expected_revision,
                                               const std::function<void()>& on_swapped) {
    auto r = CompareAndSwap(doc, expected_revision);
    if (r.ok() && r->swapped && on_swapped) on_swapped();
    return r;
  }
  virtual bool OrdersSwapHooks() const { return false; }
  // Live documents of a service with id > after (byte order), at most limit, ordered by id.
  virtual Result<DocumentPage> List(const Scope& scope, const std::string& service, const std::string& after,
                                    size_t limit, int64_t now_ms) = 0;
  // Deletes a document found expired at `revision`, unless a newer revision has been written
  // meanwhile (best-effort clean-up).
  virtual Status Purge(const DocKey& key, int64_t revision) = 0;
  // Periodic housekeeping, called every 5 s by the owner: flush what is still dirty (the sweep),
  // delete expired rows. Blocks.
  virtual Status Maintain(int64_t now_ms) = 0;
  // Makes every acknowledged write durable, spending at most `budget`; an error names what is
  // left. Called on graceful shutdown.
  virtual Status Flush(std::chrono::milliseconds budget) = 0;
  // "database" or "redis+database", for logs and /ready.
  virtual const char* Name() const = 0;
};

// The database-only store. Swaps from concurrent writers are committed together, one
// transaction per batch (group_commit.h); each is answered once its batch is durable.
class DbDocumentStore final : public DocumentStore {
 public:
  explicit DbDocumentStore(store::SyncDocumentRepository& repo) : repo_(repo), committer_(repo.db()) {}

  Result<std::optional<SyncDocument>> Load(const DocKey& key) override { return repo_.Get(key); }
  Result<CasResult> CompareAndSwap(const SyncDocument& doc, int64_t expected_revision) override {
    return CompareAndSwapThen(doc, expected_revision, {});
  }
  Result<CasResult> CompareAndSwapThen(const SyncDocument& doc, int64_t expected_revision,
                                       const std::function<void()>& on_swapped) override;
  bool OrdersSwapHooks() const override { return true; }
  Result<DocumentPage> List(const Scope& scope, const std::string& service, const std::string& after, size_t limit,
                            int64_t now_ms) override;
  Status Purge(const DocKey& key, int64_t revision) override { return repo_.DeleteThrough(key, revision); }
  Status Maintain(int64_t now_ms) override;
  Status Flush(std::chrono::milliseconds) override { return Ok(); }
  const char* Name() const override { return "database"; }

 private:
  store::SyncDocumentRepository& repo_;
  GroupCommitter committer_;
};

// One page from the database: fetches limit + 1 rows to know whether more follow.
Result<DocumentPage> ListPage(store::SyncDocumentRepository& repo, const Scope& scope, const std::string& service,
                              const std::string& after, size_t limit, int64_t now_ms);

}  // namespace rt::sync
