#include "api/deployments_api.h"

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/identity_api.h"
#include "core/json.h"
#include "identity/rbac.h"

namespace rt::api {
namespace {

using boost::json::object;
using boost::json::value;

net::Access Read() { return net::Access::Need("service", "deployments", "read"); }
net::Access Write(const char* action) { return net::Access::Need("admin", "deployments", action); }

deploy::Actor ActorFor(const net::HttpRequest& req) {
  identity::Actor a = ActorOf(req);
  return {a.id, a.kind, a.ip};
}

// A token limited to one environment may touch only that one; writing into production needs
// deployments:update (a session's role; a JWT passed the route's `admin` already).
Status MayTouch(const RequestContext& ctx, const std::string& env, bool writes) {
  if (ctx.principal.environment && *ctx.principal.environment != env)
    return Error::Forbidden("This token is limited to the " + *ctx.principal.environment + " environment");
  if (writes && env == "production" && ctx.principal.kind == auth::Principal::Kind::kSession &&
      !identity::Allows(ctx.principal.permissions, "deployments", "update"))
    return Error::Forbidden("Insufficient permissions: 'deployments:update' is required to change production");
  return Ok();
}

// fn(req, ctx) for the caller's application (Authorize: 401/403/404 as every scoped route).
template <typename Fn>
net::Handler InApp(registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return [&apps, &gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    return fn(req, *ctx);
  };
}

// The deployment's environments must be ones the caller may touch.
Status MayUseDeployment(deploy::DeploymentService& d, const RequestContext& ctx, const std::string& id, bool writes) {
  auto dep = d.Get(ctx.application_id, id);
  if (!dep.ok()) return dep.take_error();
  if (const value* src = dep->if_contains("sourceEnvironment"); src && src->is_string())
    RT_TRY(MayTouch(ctx, std::string(src->get_string()), false));
  return MayTouch(ctx, std::string(dep->at("targetEnvironment").as_string()), writes);
}

Result<std::string> EnvironmentQuery(const net::HttpRequest& req, const RequestContext& ctx) {
  const std::string* env = req.Query("environment");
  if (env == nullptr || env->empty()) return ctx.environment;
  if (!registry::IsValidEnvironment(*env))
    return Error::Validation("environment: one of development, staging, production");
  return *env;
}

Result<bool> BoolQuery(const net::HttpRequest& req, const char* name, bool fallback) {
  const std::string* v = req.Query(name);
  if (v == nullptr || v->empty()) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return Error::Validation(std::string(name) + ": true or false");
}

}  // namespace

void RegisterDeploymentRoutes(net::Router& router, deploy::DeploymentService& d, registry::ApplicationService& apps,
                              const AuthGate& gate) {
  router.Add("GET", "/api/deployments", Read(), InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               store::DeploymentListFilter f;
               auto page = ReadPageQuery(req);
               if (!page.ok()) return ErrorResponse(page.error());
               f.limit = page->limit;
               f.before = page->before;
               f.state = StrQuery(req, "state");
               f.target_environment = StrQuery(req, "targetEnvironment");
               return Answer(d.List(c.application_id, f));
             }));
  router.Add("POST", "/api/deployments", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               return WithJson(req, [&](const value& body) {
                 if (body.is_object())
                   for (const char* f : {"sourceEnvironment", "targetEnvironment"})
                     if (const value* env = body.get_object().if_contains(f); env && env->is_string())
                       if (Status st = MayTouch(c, std::string(env->get_string()), false); !st.ok())
                         return ErrorResponse(st.error());
                 return Answer(201, d.Create(c.application_id, ActorFor(req), body));
               });
             }));
  router.Add("GET", "/api/deployments/:id", Read(), InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               return Answer(200, d.Get(c.application_id, req.Param("id")));
             }));
  router.Add("DELETE", "/api/deployments/:id", Write("delete"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               if (Status st = d.Delete(c.application_id, req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             }));
  router.Add("POST", "/api/deployments/:id/report", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               if (Status st = MayUseDeployment(d, c, req.Param("id"), false); !st.ok()) return ErrorResponse(st.error());
               return Answer(200, d.Report(c.application_id, req.Param("id"), ActorFor(req)));
             }));
  router.Add("POST", "/api/deployments/:id/execute", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               if (Status st = MayUseDeployment(d, c, req.Param("id"), true); !st.ok()) return ErrorResponse(st.error());
               return WithJson(req, [&](const value& body) {
                 return Answer(200, d.Execute(c.application_id, req.Param("id"), ActorFor(req), body));
               });
             }));
  router.Add("POST", "/api/deployments/:id/rollback", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               if (Status st = MayUseDeployment(d, c, req.Param("id"), true); !st.ok()) return ErrorResponse(st.error());
               return Answer(200, d.Rollback(c.application_id, req.Param("id"), ActorFor(req)));
             }));
  router.Add("GET", "/api/deployments/:id/comments", Read(),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               return Answer(d.Comments(c.application_id, req.Param("id")));
             }));
  router.Add("POST", "/api/deployments/:id/comments", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               return WithJson(req, [&](const value& body) {
                 return Answer(201, d.AddComment(c.application_id, req.Param("id"), ActorFor(req), body));
               });
             }));

  router.Add("GET", "/api/environments/grid", Read(),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               std::optional<deploy::EntityType> type;
               if (std::string t = StrQuery(req, "type"); !t.empty()) {
                 type = deploy::ParseType(t);
                 if (!type)
                   return ErrorResponse(Error::Validation("type: one of topic, schema, mapping, webhook (or none: all)"));
               }
               return Answer(200, d.Grid(c.application_id, type));
             }));
  router.Add("POST", "/api/environments/promote", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               return WithJson(req, [&](const value& body) {
                 if (body.is_object()) {
                   const value* to = body.get_object().if_contains("to");
                   const value* from = body.get_object().if_contains("from");
                   if (to && to->is_string())
                     if (Status st = MayTouch(c, std::string(to->get_string()), true); !st.ok())
                       return ErrorResponse(st.error());
                   if (from && from->is_string())
                     if (Status st = MayTouch(c, std::string(from->get_string()), false); !st.ok())
                       return ErrorResponse(st.error());
                 }
                 return Answer(201, d.Promote(c.application_id, ActorFor(req), body));
               });
             }));

  router.Add("GET", "/api/config/export", Read(), InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               auto env = EnvironmentQuery(req, c);
               if (!env.ok()) return ErrorResponse(env.error());
               if (Status st = MayTouch(c, *env, false); !st.ok()) return ErrorResponse(st.error());
               auto doc = d.Export({c.application_id, *env});
               if (!doc.ok()) return ErrorResponse(doc.error());
               return JsonResponse(200, deploy::CanonicalText(*doc));
             }));
  router.Add("POST", "/api/config/import", Write("create"),
             InApp(apps, gate, [&d](net::HttpRequest& req, const RequestContext& c) {
               auto env = EnvironmentQuery(req, c);
               if (!env.ok()) return ErrorResponse(env.error());
               auto dry = BoolQuery(req, "dryRun", false);
               if (!dry.ok()) return ErrorResponse(dry.error());
               auto prune = BoolQuery(req, "prune", true);
               if (!prune.ok()) return ErrorResponse(prune.error());
               if (Status st = MayTouch(c, *env, !*dry); !st.ok()) return ErrorResponse(st.error());
               return WithJson(req, [&](const value& doc) {
                 return Answer(*dry ? 200 : 201, d.Import({c.application_id, *env}, ActorFor(req), doc, {*dry, *prune}));
               });
             }));
}

}  // namespace rt::api
