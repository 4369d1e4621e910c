// /api/admin/keys: list (never secrets), create (secret returned once), deactivate, rotate, delete.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "core/json.h"

namespace rt::api {
namespace {

boost::json::object KeyJson(const auth::SigningKey& k, bool with_secret) {
  boost::json::object o{{"keyId", k.key_id},
                        {"algorithm", k.algorithm},
                        {"active", k.active},
                        {"createdAt", k.created_at},
                        {"source", k.from_env ? "env" : "managed"}};
  if (k.deactivated_at) o["deactivatedAt"] = k.deactivated_at;
  if (with_secret) o["secret"] = k.secret;
  return o;
}

template <typename Fn>
net::Handler AdminOnly(const AuthGate& gate, Fn fn) {
  return [&gate, fn = std::move(fn)](net::HttpRequest& req) {
    // The dispatcher's guard checked the route's access (an admin token, or a session whose
    // roles hold keys:<action>); this re-checks that a credential is present.
    auto p = gate.Authenticate(req);
    if (!p.ok()) return ErrorResponse(p.error());
    if (!p->authenticated()) return ErrorResponse(Error::Unauthorized("Authentication required"));
    return fn(req);
  };
}

}  // namespace

void RegisterKeyRoutes(net::Router& router, auth::SigningKeyService& keys, const AuthGate& gate) {
  router.Add("GET", "/api/admin/keys", net::Access::Need("admin", "keys", "read", false), AdminOnly(gate, [&keys](net::HttpRequest&) {
               if (Status st = keys.RefreshIfChanged(); !st.ok()) return ErrorResponse(st.error());
               boost::json::array arr;
               for (const auto& k : keys.List()) arr.push_back(KeyJson(k, false));
               return JsonResponse(200, json::Serialize(arr));
             }));

  router.Add("POST", "/api/admin/keys", net::Access::Need("admin", "keys", "create", false), AdminOnly(gate, [&keys](net::HttpRequest&) {
               auto k = keys.Create();
               if (!k.ok()) return ErrorResponse(k.error());
               return JsonResponse(201, json::Serialize(KeyJson(*k, true)));
             }));

  router.Add("POST", "/api/admin/keys/:id/deactivate", net::Access::Need("admin", "keys", "update", false), AdminOnly(gate, [&keys](net::HttpRequest& req) {
               const std::string& id = req.Param("id");
               if (Status st = keys.Deactivate(id); !st.ok()) return ErrorResponse(st.error());
               for (const auto& k : keys.List()) {
                 if (k.key_id == id) return JsonResponse(200, json::Serialize(KeyJson(k, false)));
               }
               return ErrorResponse(Error::NotFound("Signing key not found: " + id));
             }));

  router.Add("POST", "/api/admin/keys/:id/rotate", net::Access::Need("admin", "keys", "update", false), AdminOnly(gate, [&keys](net::HttpRequest& req) {
               auto k = keys.Rotate(req.Param("id"));
               if (!k.ok()) return ErrorResponse(k.error());
               boost::json::object out = KeyJson(*k, true);
               out["rotatedFrom"] = req.Param("id");
               return JsonResponse(200, json::Serialize(out));
             }));

  router.Add("DELETE", "/api/admin/keys/:id", net::Access::Need("admin", "keys", "delete", false), AdminOnly(gate, [&keys](net::HttpRequest& req) {
               if (Status st = keys.Delete(req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             }));
}

}  // namespace rt::api
