// JSON shapes of a sync document.
//   API (spec/21-api-sync.md): {"service","id","revision","data","createdAt","updatedAt"}, plus
//     "expiresAt" when set and "deleted": true for a soft-deleted document.
//   Stored (the Redis hot cache, internal): the API shape plus "applicationId" and "environment",
//     so that a cached entry alone is enough to flush it to the database.
// Document ids: 1-128 characters of letters, digits and _ - . : @ (generated ids: doc_ + 16 hex).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "store/sync_document_repository.h"

namespace rt::sync {

using store::DocKey;
using store::SyncDocument;

bool IsValidDocumentId(std::string_view id);

boost::json::object DocumentToJson(const SyncDocument& doc);

std::string EncodeStored(const SyncDocument& doc);
// kInternal when text is not a stored document (a corrupt cache entry).
Result<SyncDocument> DecodeStored(std::string_view text);

}  // namespace rt::sync
