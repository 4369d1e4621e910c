// Parsing of the sync document write requests (spec/21-api-sync.md) into a WriteRequest.
// Pure and strict: a known field of the wrong type is a ValidationError; unknown fields are
// ignored (so a GET result may be sent back).
//
//   create   {id?, data, expiresAt?}
//   replace  {data, expectedRevision?, expiresAt?}     (PUT)
//   merge    {data, expectedRevision?}                 (PATCH …/merge)
//   mutate   {mutations, expectedRevision?}            (POST …/mutate, see mutation.h)
//   delete   {expectedRevision?} or no body            (DELETE)
// data: a JSON object. id: see IsValidDocumentId (null = generated). expiresAt: an integer
// timestamp in ms after now, or null (no expiry). expectedRevision: an integer >= 0, or null.
// If-Match (the header's value, when sent) is the alternative to expectedRevision: a revision
// as `3`, `"3"` or `W/"3"`, or `*` (no condition). Both given and different -> ValidationError.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "sync/mutation.h"

namespace rt::sync {

struct WriteRequest {
  std::optional<std::string> id;                  // create
  boost::json::object data;                       // create, replace, merge
  std::vector<Mutation> mutations;                // mutate
  std::optional<int64_t> expected_revision;       // every write but create
  bool set_expiry = false;                        // create, replace: expiresAt was given
  std::optional<int64_t> expires_at;              // its value (nullopt = no expiry)
};

Result<WriteRequest> ParseCreate(const boost::json::object& body, int64_t now_ms);
Result<WriteRequest> ParseReplace(const boost::json::object& body, const std::string* if_match, int64_t now_ms);
Result<WriteRequest> ParseMerge(const boost::json::object& body, const std::string* if_match);
Result<WriteRequest> ParseMutate(const boost::json::object& body, const std::string* if_match);
Result<WriteRequest> ParseDelete(const boost::json::object& body, const std::string* if_match);

// The If-Match header alone: nullopt for `*`.
Result<std::optional<int64_t>> ParseIfMatch(const std::string& value);

}  // namespace rt::sync
