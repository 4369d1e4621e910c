// Roles, invites and the audit log (spec/13-api-admin.md; the audit log is beyond the spec).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/identity_api.h"
#include "core/json.h"
#include "identity/identity_json.h"
#include "identity/rbac.h"

namespace rt::api {
namespace {

using identity::IdentityService;

net::Access Manage(const char* resource, const char* action) {
  return net::Access::Need("admin", resource, action, false);
}

net::HttpResponse RoleAnswer(int status, const Result<identity::Role>& r) {
  if (!r.ok()) return ErrorResponse(r.error());
  return JsonResponse(status, json::Serialize(identity::RoleToJson(*r)));
}

void RegisterRoleRoutes(net::Router& router, IdentityService& id) {
  router.Add("GET", "/api/roles", Manage("roles", "read"), [&id](net::HttpRequest&) {
    auto roles = id.ListRoles();
    if (!roles.ok()) return ErrorResponse(roles.error());
    boost::json::array out;
    for (const auto& r : *roles) out.push_back(identity::RoleToJson(r));
    return JsonResponse(200, json::Serialize(out));
  });
  router.Add("GET", "/api/roles/:id", Manage("roles", "read"),
             [&id](net::HttpRequest& req) { return RoleAnswer(200, id.GetRole(req.Param("id"))); });
  router.Add("POST", "/api/roles", Manage("roles", "create"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto name = StringField(b, "name", true), description = StringField(b, "description", false);
      if (!name.ok()) return ErrorResponse(name.error());
      if (!description.ok()) return ErrorResponse(description.error());
      const auto* perms = b.if_contains("permissions");
      if (!perms) return ErrorResponse(Error::Validation("permissions is required: [{\"resource\",\"action\"}…]"));
      auto parsed = identity::ParsePermissions(*perms);
      if (!parsed.ok()) return ErrorResponse(parsed.error());
      return RoleAnswer(201, id.CreateRole(ActorOf(req), *name, *description, *parsed));
    });
  });
  router.Add("PATCH", "/api/roles/:id", Manage("roles", "update"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      identity::RolePatch patch;
      for (const auto& [k, v] : b) {
        if (k == "name" || k == "description") {
          if (!v.is_string()) return ErrorResponse(Error::Validation(std::string(k) + " must be a string"));
          (k == "name" ? patch.name : patch.description) = std::string(v.get_string());
        } else if (k == "permissions") {
          auto parsed = identity::ParsePermissions(v);
          if (!parsed.ok()) return ErrorResponse(parsed.error());
          patch.permissions = std::move(*parsed);
        } else {
          return ErrorResponse(Error::Validation("Unknown field '" + std::string(k) +
                                                 "': a role has name, description and permissions"));
        }
      }
      return RoleAnswer(200, id.UpdateRole(ActorOf(req), req.Param("id"), patch));
    });
  });
  router.Add("DELETE", "/api/roles/:id", Manage("roles", "delete"), [&id](net::HttpRequest& req) {
    if (Status st = id.DeleteRole(ActorOf(req), req.Param("id")); !st.ok()) return ErrorResponse(st.error());
    return NoContent();
  });
}

void RegisterInviteRoutes(net::Router& router, IdentityService& id) {
  router.Add("GET", "/api/invites", Manage("invites", "read"), [&id](net::HttpRequest&) {
    auto invites = id.ListInvites();
    if (!invites.ok()) return ErrorResponse(invites.error());
    boost::json::array out;
    for (const auto& i : *invites) out.push_back(identity::InviteToJson(i));
    return JsonResponse(200, json::Serialize(out));
  });
  router.Add("POST", "/api/invites", Manage("invites", "create"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto email = StringField(b, "email", true), role = StringField(b, "roleId", true);
      if (!email.ok()) return ErrorResponse(email.error());
      if (!role.ok()) return ErrorResponse(role.error());
      auto created = id.CreateInvite(ActorOf(req), *email, *role);
      if (!created.ok()) return ErrorResponse(created.error());
      return JsonResponse(201, json::Serialize(identity::InviteCreatedToJson(*created)));
    });
  });
  // Public: the acceptance page shows whom the invite is for (email and role only).
  router.Add("GET", "/api/invites/by-token/:token", net::Access::Public(), [&id](net::HttpRequest& req) {
    auto info = id.GetInviteByToken(req.Param("token"));
    if (!info.ok()) return ErrorResponse(info.error());
    return JsonResponse(200, json::Serialize(identity::InviteInfoToJson(*info)));
  });
  router.Add("POST", "/api/invites/accept", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto token = StringField(b, "token", true), name = StringField(b, "name", true),
           password = StringField(b, "password", true);
      for (const auto* f : {&token, &name, &password})
        if (!f->ok()) return ErrorResponse(f->error());
      auto r = id.AcceptInvite(*token, *name, *password, ClientOf(req));
      if (!r.ok()) return ErrorResponse(r.error());
      return JsonResponse(201, json::Serialize(identity::LoginResultToJson(*r)));
    });
  });
  router.Add("POST", "/api/invites/:id/revoke", Manage("invites", "update"), [&id](net::HttpRequest& req) {
    if (Status st = id.RevokeInvite(ActorOf(req), req.Param("id")); !st.ok()) return ErrorResponse(st.error());
    auto invites = id.ListInvites();
    if (invites.ok())
      for (const auto& i : *invites)
        if (i.id == req.Param("id")) return JsonResponse(200, json::Serialize(identity::InviteToJson(i)));
    return JsonResponse(200, R"({"success":true})");
  });
  router.Add("DELETE", "/api/invites/:id", Manage("invites", "delete"), [&id](net::HttpRequest& req) {
    if (Status st = id.DeleteInvite(ActorOf(req), req.Param("id")); !st.ok()) return ErrorResponse(st.error());
    return NoContent();
  });
}

void RegisterAuditRoutes(net::Router& router, IdentityService& id) {
  router.Add("GET", "/api/audit", Manage("users", "read"), [&id](net::HttpRequest& req) {
    store::AuditQuery q;
    q.resource = StrQuery(req, "resource");
    q.actor = StrQuery(req, "actor");
    auto page = ReadPageQuery(req);
    if (!page.ok()) return ErrorResponse(page.error());
    q.before = page->before;
    q.limit = page->limit;
    auto entries = id.ListAudit(q);
    if (!entries.ok()) return ErrorResponse(entries.error());
    boost::json::array out;
    for (const auto& e : *entries) out.push_back(identity::AuditEntryToJson(e));
    return JsonResponse(200, json::Serialize(out));
  });
}

}  // namespace

void RegisterIdentityAdminRoutes(net::Router& router, IdentityService& id) {
  RegisterRoleRoutes(router, id);
  RegisterInviteRoutes(router, id);
  RegisterAuditRoutes(router, id);
}

}  // namespace rt::api
