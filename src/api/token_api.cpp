// POST /auth/token and POST /auth/verify.
#include <boost/json/object.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::api {
void RegisterTokenRoutes(net::Router& router, auth::TokenService& tokens, registry::ApplicationService& apps,
                         const AuthGate& gate) {
  router.Add("POST", "/auth/token", net::Access::Public(), [&tokens, &apps, &gate](net::HttpRequest& req) {
    auto caller = gate.Authenticate(req);
    if (!caller.ok()) return ErrorResponse(caller.error());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.error());
    auto request = auth::ParseTokenRequest(*body, tokens.options());
    if (!request.ok()) return ErrorResponse(request.error());
    if (Status st = auth::AuthorizeIssue(*caller, *request, gate.AnonymousTokensAllowed(req), NowMs() / 1000); !st.ok())
      return ErrorResponse(st.error());
    if (Status st = apps.Resolve(request->application_id); !st.ok()) return ErrorResponse(st.error());
    auto issued = tokens.Issue(*request);
    if (!issued.ok()) return ErrorResponse(issued.error());
    boost::json::object out{{"token", issued->token}, {"expiresAt", issued->expires_at_ms}};
    return JsonResponse(200, json::Serialize(out));
  });

  router.Add("POST", "/auth/verify", net::Access::Public(), [&tokens](net::HttpRequest& req) {
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.error());
    auto* token = json::GetString(*body, "token");
    if (!token || token->empty()) return ErrorResponse(Error::Validation("token is required"));
    auto claims = tokens.Verify(*token);
    if (!claims.ok()) {
      Error e = claims.take_error();
      e.details = std::make_shared<const boost::json::object>(boost::json::object{{"valid", false}});
      return ErrorResponse(e);
    }
    boost::json::object out{{"valid", true}, {"claims", claims->raw}};
    return JsonResponse(200, json::Serialize(out));
  });
}

}  // namespace rt::api
