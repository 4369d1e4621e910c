#include "sync/document_input.h"

#include <charconv>
#include <limits>

#include "sync/document_json.h"

namespace rt::sync {
namespace {

// A non-negative integer field (null/absent = nullopt).
Result<std::optional<int64_t>> OptionalCount(const boost::json::object& body, const char* key) {
  const boost::json::value* v = body.if_contains(key);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64() && v->get_int64() >= 0) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  return Error::Validation(std::string(key) + " must be a non-negative integer");
}

Status ReadData(const boost::json::object& body, WriteRequest& req) {
  const boost::json::value* v = body.if_contains("data");
  if (!v || !v->is_object()) return Error::Validation("data is required and must be a JSON object");
  req.data = v->get_object();
  return Ok();
}

Status ReadExpected(const boost::json::object& body, const std::string* if_match, WriteRequest& req) {
  auto from_body = OptionalCount(body, "expectedRevision");
  if (!from_body.ok()) return from_body.take_error();
  req.expected_revision = *from_body;
  if (!if_match) return Ok();
  auto from_header = ParseIfMatch(*if_match);
  if (!from_header.ok()) return from_header.take_error();
  if (*from_header && req.expected_revision && **from_header != *req.expected_revision)
    return Error::Validation("If-Match and expectedRevision disagree");
  if (*from_header) req.expected_revision = *from_header;
  return Ok();
}

Status ReadExpiry(const boost::json::object& body, int64_t now_ms, WriteRequest& req) {
  if (!body.contains("expiresAt")) return Ok();
  auto at = OptionalCount(body, "expiresAt");
  if (!at.ok()) return Error::Validation("expiresAt must be a timestamp in milliseconds, or null");
  if (*at && **at <= now_ms) return Error::Validation("expiresAt must be in the future");
  req.set_expiry = true;
  req.expires_at = *at;
  return Ok();
}

}  // namespace

Result<std::optional<int64_t>> ParseIfMatch(const std::string& value) {
  std::string_view v(value);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v == "*") return std::optional<int64_t>();
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t rev = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), rev);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || rev < 0)
    return Error::Validation("If-Match must be a document revision, e.g. If-Match: \"3\"");
  return std::optional<int64_t>(rev);
}

Result<WriteRequest> ParseCreate(const boost::json::object& body, int64_t now_ms) {
  WriteRequest req;
  RT_TRY(ReadData(body, req));
  RT_TRY(ReadExpiry(body, now_ms, req));
  if (const boost::json::value* id = body.if_contains("id"); id && !id->is_null()) {
    if (!id->is_string() || !IsValidDocumentId(std::string_view(id->get_string().data(), id->get_string().size())))
      return Error::Validation("id must be 1-128 characters of letters, digits and _ - . : @");
    req.id = std::string(id->get_string());
  }
  return req;
}

Result<WriteRequest> ParseReplace(const boost::json::object& body, const std::string* if_match, int64_t now_ms) {
  WriteRequest req;
  RT_TRY(ReadData(body, req));
  RT_TRY(ReadExpected(body, if_match, req));
  RT_TRY(ReadExpiry(body, now_ms, req));
  return req;
}

Result<WriteRequest> ParseMerge(const boost::json::object& body, const std::string* if_match) {
  WriteRequest req;
  RT_TRY(ReadData(body, req));
  RT_TRY(ReadExpected(body, if_match, req));
  return req;
}

Result<WriteRequest> ParseMutate(const boost::json::object& body, const std::string* if_match) {
  WriteRequest req;
  const boost::json::value* m = body.if_contains("mutations");
  if (!m) return Error::Validation("mutations is required: an array of {op, path, value} or an object of fields");
  auto parsed = ParseMutations(*m);
  if (!parsed.ok()) return parsed.take_error();
  req.mutations = std::move(*parsed);
  RT_TRY(ReadExpected(body, if_match, req));
  return req;
}

Result<WriteRequest> ParseDelete(const boost::json::object& body, const std::string* if_match) {
  WriteRequest req;
  RT_TRY(ReadExpected(body, if_match, req));
  return req;
}

}  // namespace rt::sync
