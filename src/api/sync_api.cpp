// /api/sync/:service/documents: parse -> DocumentService -> serialize.
#include "api/sync_api.h"

#include <boost/json/array.hpp>
#include <charconv>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/ids.h"
#include "core/json.h"
#include "sync/document_json.h"

namespace rt::api {
namespace {

sync::DocKey KeyOf(const net::HttpRequest& req, const Scope& scope) {
  return {scope, req.Param("service"), req.Param("id")};
}

net::HttpResponse DocumentResponse(int status, const Result<sync::SyncDocument>& doc) {
  if (!doc.ok()) return ErrorResponse(doc.error());
  net::HttpResponse res = JsonResponse(status, json::Serialize(sync::DocumentToJson(*doc)));
  res.headers.emplace_back("ETag", "\"" + std::to_string(doc->revision) + "\"");
  if (status == 201)
    res.headers.emplace_back("Location", "/api/sync/" + doc->key.service + "/documents/" + doc->key.id);
  return res;
}

// Parses the body with parse(body, …), then runs write(request).
template <typename Parse, typename Write>
net::HttpResponse ParsedWrite(const net::HttpRequest& req, Parse parse, Write write, int status = 200) {
  return WithBody(req, [&](const boost::json::object& body) {
    auto request = parse(body, req.Header("if-match"));
    if (!request.ok()) return ErrorResponse(request.error());
    return DocumentResponse(status, write(*request));
  });
}

Result<size_t> ListLimit(const net::HttpRequest& req) {
  const std::string* v = req.Query("limit");
  if (!v) return sync::kDefaultListLimit;
  size_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n < 1 || n > sync::kMaxListLimit)
    return Error::Validation("limit must be an integer from 1 to " + std::to_string(sync::kMaxListLimit));
  return n;
}

net::HttpResponse ListResponse(sync::DocumentService& docs, const net::HttpRequest& req, const Scope& s) {
  auto limit = ListLimit(req);
  if (!limit.ok()) return ErrorResponse(limit.error());
  const std::string* cursor = req.Query("cursor");
  auto page = docs.List(s, req.Param("service"), cursor ? *cursor : "", *limit);
  if (!page.ok()) return ErrorResponse(page.error());
  boost::json::array arr;
  arr.reserve(page->documents.size());
  for (const auto& d : page->documents) arr.push_back(sync::DocumentToJson(d));
  boost::json::object out{{"documents", std::move(arr)}, {"nextCursor", nullptr}};
  if (page->next_cursor) out["nextCursor"] = *page->next_cursor;
  return JsonResponse(200, json::Serialize(out));
}

}  // namespace

void RegisterSyncRoutes(net::Router& router, sync::DocumentService& docs, registry::ApplicationService& apps,
                        const AuthGate& gate) {
  const std::string base = "/api/sync/:service/documents";
  router.Add("GET", base, net::Access::Need("client", "documents", "read"), Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ListResponse(docs, req, s);
             }));

  router.Add("POST", base, net::Access::Need("service", "documents", "create"), Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ParsedWrite(
                   req, [](const boost::json::object& b, const std::string*) { return sync::ParseCreate(b, NowMs()); },
                   [&](const sync::WriteRequest& w) { return docs.Create(s, req.Param("service"), w); }, 201);
             }));

  router.Add("GET", base + "/:id", net::Access::Need("client", "documents", "read"), Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return DocumentResponse(200, docs.Get(KeyOf(req, s)));
             }));

  router.Add("PUT", base + "/:id", net::Access::Need("service", "documents", "update"), Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ParsedWrite(
                   req,
                   [](const boost::json::object& b, const std::string* m) { return sync::ParseReplace(b, m, NowMs()); },
                   [&](const sync::WriteRequest& w) { return docs.Replace(KeyOf(req, s), w); });
             }));

  router.Add("PATCH", base + "/:id/merge", net::Access::Need("service", "documents", "update"),
             Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ParsedWrite(req, sync::ParseMerge,
                                  [&](const sync::WriteRequest& w) { return docs.Merge(KeyOf(req, s), w); });
             }));

  router.Add("POST", base + "/:id/mutate", net::Access::Need("service", "documents", "update"),
             Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ParsedWrite(req, sync::ParseMutate,
                                  [&](const sync::WriteRequest& w) { return docs.Mutate(KeyOf(req, s), w); });
             }));

  router.Add("DELETE", base + "/:id", net::Access::Need("service", "documents", "delete"),
             Scoped(apps, gate, [&docs](net::HttpRequest& req, const Scope& s) {
               return ParsedWrite(req, sync::ParseDelete,
                                  [&](const sync::WriteRequest& w) { return docs.Delete(KeyOf(req, s), w); });
             }));
}

}  // namespace rt::api
