#include "sync/document_store.h"

namespace rt::sync {

Result<CasResult> DbDocumentStore::CompareAndSwapThen(const SyncDocument& doc, int64_t expected_revision,
                                                      const std::function<void()>& on_swapped) {
  auto swapped = committer_.Swap(doc, expected_revision, on_swapped);
  if (!swapped.ok()) return swapped.take_error();
  return CasResult{*swapped};
}

Result<DocumentPage> ListPage(store::SyncDocumentRepository& repo, const Scope& scope, const std::string& service,
                              const std::string& after, size_t limit, int64_t now_ms) {
  auto rows = repo.List(scope, service, after, limit + 1, now_ms);
  if (!rows.ok()) return rows.take_error();
  DocumentPage page;
  if (rows->size() > limit) {
    rows->resize(limit);
    if (!rows->empty()) page.next_cursor = rows->back().key.id;
  }
  page.documents = std::move(*rows);
  return page;
}

Result<DocumentPage> DbDocumentStore::List(const Scope& scope, const std::string& service, const std::string& after,
                                           size_t limit, int64_t now_ms) {
  return ListPage(repo_, scope, service, after, limit, now_ms);
}

Status DbDocumentStore::Maintain(int64_t now_ms) {
  auto purged = repo_.PurgeExpired(now_ms);
  if (!purged.ok()) return purged.take_error();
  return Ok();
}

}  // namespace rt::sync
