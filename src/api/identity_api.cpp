#include "api/identity_api.h"

#include <any>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "core/json.h"
#include "identity/identity_json.h"
#include "identity/rbac.h"

namespace rt::api {
namespace {

using identity::IdentityService;

std::string OptionalField(const boost::json::object& body, const char* name) {
  const auto* v = body.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

net::HttpResponse Ok200() { return JsonResponse(200, R"({"success":true})"); }

template <typename T, typename ToJson>
net::HttpResponse AnswerWith(int status, const Result<T>& r, ToJson to_json) {
  if (!r.ok()) return ErrorResponse(r.error());
  return JsonResponse(status, json::Serialize(to_json(*r)));
}

net::HttpResponse UserAnswer(int status, const Result<identity::UserView>& r) {
  return AnswerWith(status, r, [](const identity::UserView& u) { return identity::UserToJson(u); });
}
net::HttpResponse LoginAnswer(int status, const Result<identity::LoginResult>& r) {
  return AnswerWith(status, r, [](const identity::LoginResult& l) { return identity::LoginResultToJson(l); });
}

// The session token of the request (Bearer sess_… or X-Session-Token), "" if none.
std::string SessionToken(const net::HttpRequest& req) {
  if (auto bearer = net::BearerToken(req); bearer && bearer->starts_with("sess_")) return std::string(*bearer);
  if (const std::string* s = req.Header("x-session-token")) return *s;
  return {};
}

// Access of the self-service user routes (password, MFA): any session (the service checks self
// or users:update), or an admin JWT.
net::Access SelfOrAdmin() { return {net::Access::kPermission, "admin", "", "", false, false}; }
net::Access Manage(const char* resource, const char* action) {
  return net::Access::Need("admin", resource, action, false);
}

void RegisterAuthRoutes(net::Router& router, IdentityService& id) {
  router.Add("GET", "/api/auth/setup-status", net::Access::Public(), [&id](net::HttpRequest&) {
    auto required = id.SetupRequired();
    if (!required.ok()) return ErrorResponse(required.error());
    return JsonResponse(200, json::Serialize(boost::json::object{{"setupRequired", *required}}));
  });
  router.Add("POST", "/api/auth/setup", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto name = StringField(b, "name"), email = StringField(b, "email"), password = StringField(b, "password");
      for (const auto* f : {&name, &email, &password})
        if (!f->ok()) return ErrorResponse(f->error());
      return LoginAnswer(201, id.Setup(*name, *email, *password, ClientOf(req)));
    });
  });
  router.Add("POST", "/api/auth/login", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto email = StringField(b, "email"), password = StringField(b, "password");
      if (!email.ok()) return ErrorResponse(email.error());
      if (!password.ok()) return ErrorResponse(password.error());
      return LoginAnswer(200, id.Login(*email, *password, ClientOf(req)));
    });
  });
  router.Add("POST", "/api/auth/mfa/verify", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto token = StringField(b, "mfaToken"), code = StringField(b, "code");
      if (!token.ok()) return ErrorResponse(token.error());
      if (!code.ok()) return ErrorResponse(code.error());
      return LoginAnswer(200, id.VerifyMfa(*token, *code, ClientOf(req)));
    });
  });
  router.Add("POST", "/api/auth/logout", net::Access::Session(), [&id](net::HttpRequest& req) {
    if (Status st = id.Logout(SessionToken(req)); !st.ok()) return ErrorResponse(st.error());
    return NoContent();
  });
  router.Add("GET", "/api/auth/me", net::Access::Session(), [&id](net::HttpRequest& req) {
    auto ctx = id.Authenticate(SessionToken(req));
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    return JsonResponse(200, json::Serialize(identity::MeToJson(ctx->user)));
  });
  router.Add("POST", "/api/auth/forgot-password", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto email = StringField(b, "email");
      if (!email.ok()) return ErrorResponse(email.error());
      if (Status st = id.ForgotPassword(*email, ClientOf(req)); !st.ok()) return ErrorResponse(st.error());
      return JsonResponse(200, R"({"success":true,"message":"If the address belongs to a user, a reset link was sent"})");
    });
  });
  router.Add("POST", "/api/auth/reset-password", net::Access::Public(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto token = StringField(b, "token"), password = StringField(b, "password");
      if (!token.ok()) return ErrorResponse(token.error());
      if (!password.ok()) return ErrorResponse(password.error());
      if (Status st = id.ResetPassword(*token, *password, ClientOf(req)); !st.ok()) return ErrorResponse(st.error());
      return Ok200();
    });
  });
}

Result<std::vector<std::string>> RoleIds(const boost::json::object& b) {
  std::vector<std::string> out;
  const auto* v = b.if_contains("roleIds");
  if (!v) {
    if (auto role = OptionalField(b, "roleId"); !role.empty()) out.push_back(role);
    return out;
  }
  if (!v->is_array()) return Error::Validation("roleIds must be an array of role ids");
  for (const auto& r : v->get_array()) {
    if (!r.is_string()) return Error::Validation("roleIds must be an array of role ids");
    out.emplace_back(r.get_string());
  }
  return out;
}

void RegisterUserRoutes(net::Router& router, IdentityService& id) {
  router.Add("GET", "/api/users", Manage("users", "read"), [&id](net::HttpRequest&) {
    auto users = id.ListUsers();
    if (!users.ok()) return ErrorResponse(users.error());
    boost::json::array out;
    for (const auto& u : *users) out.push_back(identity::UserToJson(u));
    return JsonResponse(200, json::Serialize(out));
  });
  router.Add("GET", "/api/users/:id", Manage("users", "read"),
             [&id](net::HttpRequest& req) { return UserAnswer(200, id.GetUser(req.Param("id"))); });
  router.Add("POST", "/api/users", Manage("users", "create"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto name = StringField(b, "name"), email = StringField(b, "email"), password = StringField(b, "password");
      for (const auto* f : {&name, &email, &password})
        if (!f->ok()) return ErrorResponse(f->error());
      auto roles = RoleIds(b);
      if (!roles.ok()) return ErrorResponse(roles.error());
      return UserAnswer(201, id.CreateUser(ActorOf(req), *name, *email, *password, *roles));
    });
  });
  router.Add("PATCH", "/api/users/:id", Manage("users", "update"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      identity::UserPatch patch;
      for (const auto& [k, v] : b) {
        if (k == "name" || k == "email") {
          if (!v.is_string()) return ErrorResponse(Error::Validation(std::string(k) + " must be a string"));
          (k == "name" ? patch.name : patch.email) = std::string(v.get_string());
        } else if (k == "disabled") {
          if (!v.is_bool()) return ErrorResponse(Error::Validation("disabled must be true or false"));
          patch.disabled = v.get_bool();
        } else {
          return ErrorResponse(Error::Validation("Unknown field '" + std::string(k) +
                                                 "': a user has name, email and disabled (passwords: change-password)"));
        }
      }
      return UserAnswer(200, id.UpdateUser(ActorOf(req), req.Param("id"), patch));
    });
  });
  router.Add("DELETE", "/api/users/:id", Manage("users", "delete"), [&id](net::HttpRequest& req) {
    if (Status st = id.DeleteUser(ActorOf(req), req.Param("id")); !st.ok()) return ErrorResponse(st.error());
    return NoContent();
  });
  router.Add("POST", "/api/users/:id/change-password", SelfOrAdmin(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto next = StringField(b, "newPassword");
      if (!next.ok()) return ErrorResponse(next.error());
      Status st = id.ChangePassword(ActorOf(req), req.Param("id"), OptionalField(b, "currentPassword"), *next);
      return st.ok() ? Ok200() : ErrorResponse(st.error());
    });
  });
  router.Add("POST", "/api/users/:id/mfa/setup", SelfOrAdmin(), [&id](net::HttpRequest& req) {
    return AnswerWith(200, id.SetupMfa(ActorOf(req), req.Param("id")),
                      [](const identity::MfaSetup& s) { return identity::MfaSetupToJson(s); });
  });
  router.Add("POST", "/api/users/:id/mfa/confirm", SelfOrAdmin(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto code = StringField(b, "code");
      if (!code.ok()) return ErrorResponse(code.error());
      return AnswerWith(200, id.ConfirmMfa(ActorOf(req), req.Param("id"), *code),
                        [](const std::vector<std::string>& codes) { return identity::MfaConfirmedToJson(codes); });
    });
  });
  router.Add("POST", "/api/users/:id/mfa/disable", SelfOrAdmin(), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      Status st = id.DisableMfa(ActorOf(req), req.Param("id"), OptionalField(b, "code"));
      return st.ok() ? JsonResponse(200, R"({"enabled":false})") : ErrorResponse(st.error());
    });
  });
  router.Add("POST", "/api/users/:id/roles", Manage("users", "update"), [&id](net::HttpRequest& req) {
    return WithBody(req, [&](const boost::json::object& b) {
      auto role = StringField(b, "roleId");
      if (!role.ok()) return ErrorResponse(role.error());
      return UserAnswer(200, id.AssignRole(ActorOf(req), req.Param("id"), *role));
    });
  });
  router.Add("DELETE", "/api/users/:id/roles/:roleId", Manage("users", "update"), [&id](net::HttpRequest& req) {
    return UserAnswer(200, id.RemoveRole(ActorOf(req), req.Param("id"), req.Param("roleId")));
  });
}

}  // namespace

void RegisterIdentityAdminRoutes(net::Router& router, IdentityService& id);  // identity_admin_api.cpp

void RegisterIdentityRoutes(net::Router& router, IdentityService& id) {
  RegisterAuthRoutes(router, id);
  RegisterUserRoutes(router, id);
  RegisterIdentityAdminRoutes(router, id);
}

auth::Principal SessionPrincipal(const identity::SessionContext& s) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kSession;
  p.subject = s.user.user.id;
  p.session_id = s.session.id;
  p.expires_at_s = s.session.expires_at / 1000;
  p.permissions = s.user.permissions;
  const auto& all = identity::FindBuiltInRole(identity::kSuperAdmin)->permissions;
  if (identity::CoversAll(p.permissions, all)) p.permissions.emplace_back("admin");
  if (identity::Allows(p.permissions, "events", "create")) p.permissions.emplace_back("publish");
  p.permissions.emplace_back("subscribe");
  return p;
}

identity::ClientInfo ClientOf(const net::HttpRequest& req) {
  const std::string* ua = req.Header("user-agent");
  return {req.remote_ip, ua ? *ua : std::string()};
}

identity::Actor ActorOf(const net::HttpRequest& req) {
  identity::Actor a;
  a.ip = req.remote_ip;
  const auto* p = std::any_cast<auth::Principal>(&req.auth);
  if (!p || !p->authenticated()) {
    a.id = "anonymous";
    a.kind = "anonymous";
    return a;
  }
  a.id = p->subject;
  if (p->kind == auth::Principal::Kind::kSession) {
    a.kind = "user";
    a.session_id = p->session_id;
    a.permissions = p->permissions;
  } else {
    a.kind = "token";
    a.permissions = identity::PermissionsForToken(p->permissions);
  }
  return a;
}

void AuditWrite(IdentityService& id, const net::Route& route, const net::HttpRequest& req, int status) {
  if (req.method == "GET" || req.method == "HEAD" || status < 200 || status >= 300) return;
  if (route.access.kind == net::Access::kPublic) return;
  // Data, not management: publishing events, document writes and socket broadcasts are the
  // realtime path itself (an audit row each would put a database write on every publish).
  const std::string_view resource_of(route.access.resource);
  if (resource_of == "events" || resource_of == "documents" || resource_of == "socket") return;
  for (const char* own : {"/api/users", "/api/roles", "/api/invites", "/api/auth/", "/api/audit"})
    if (route.pattern.starts_with(own)) return;  // the identity service records these itself
  std::string resource_id;
  for (const auto& [key, value] : req.params) {
    if (key == "id" || key == "name" || key == "service" || key == "channel" || key == "topic") {
      resource_id = value;
      break;
    }
  }
  boost::json::object detail{{"method", req.method}, {"path", req.path}, {"status", status}};
  if (const std::string* app = req.Header("x-application-id")) detail["applicationId"] = *app;
  std::string action = *route.access.action ? route.access.action : req.method;
  std::string resource = *route.access.resource ? route.access.resource : route.pattern;
  id.Record(ActorOf(req), action, resource, resource_id, json::Serialize(detail));
}

}  // namespace rt::api
