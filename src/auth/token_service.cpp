#include "auth/token_service.h"

#include "core/duration.h"

#include <algorithm>
#include <charconv>

#include "core/ids.h"
#include "core/log.h"

namespace rt::auth {
namespace {

Status ReadStrings(const boost::json::object& body, std::string_view key, std::vector<std::string>& out) {
  auto* v = body.if_contains(key);
  if (!v || v->is_null()) return Ok();
  if (!v->is_array()) return Error::Validation(std::string(key) + " must be an array of strings");
  for (const auto& e : v->get_array()) {
    if (!e.is_string() || e.get_string().empty() || e.get_string().size() > 256)
      return Error::Validation(std::string(key) + " must be an array of non-empty strings");
    out.emplace_back(e.get_string());
  }
  return Ok();
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  if (auto seconds = ParseDurationSeconds(text)) return *seconds;
  return Error::Validation("expiresIn must be a positive duration such as 3600, 30m, 1h or 7d");
}

Result<TokenRequest> ParseTokenRequest(const boost::json::object& body, const TokenOptions& options) {
  TokenRequest req;
  auto* app = body.if_contains("applicationId");
  if (!app || !app->is_string() || app->get_string().empty() || app->get_string().size() > 128)
    return Error::Validation("applicationId is required and must be a non-empty string");
  req.application_id = std::string(app->get_string());
  if (!body.contains("permissions")) return Error::Validation("permissions is required (an array of strings)");
  RT_TRY(ReadStrings(body, "permissions", req.permissions));
  for (const auto& p : req.permissions) {
    if (!IsKnownPermission(p))
      return Error::Validation("Unknown permission '" + p + "': expected admin, service, client, subscribe, publish");
  }
  RT_TRY(ReadStrings(body, "topics", req.topics));
  if (auto* s = body.if_contains("subject"); s && !s->is_null()) {
    if (!s->is_string() || s->get_string().size() > 256) return Error::Validation("subject must be a string");
    req.subject = std::string(s->get_string());
  }
  if (auto* e = body.if_contains("environment"); e && !e->is_null()) {
    if (!e->is_string() || (e->get_string() != "development" && e->get_string() != "staging" &&
                            e->get_string() != "production"))
      return Error::Validation("environment must be development, staging or production");
    req.environment = std::string(e->get_string());
  }
  req.ttl_s = options.default_ttl_s;
  if (auto* x = body.if_contains("expiresIn"); x && !x->is_null()) {
    Result<int64_t> ttl = Error::Validation("expiresIn must be a positive number of seconds or a duration string");
    if (x->is_int64() && x->get_int64() > 0) ttl = x->get_int64();
    else if (x->is_string()) ttl = ParseDuration(x->get_string());
    if (!ttl.ok()) return ttl.take_error();
    if (*ttl > options.max_ttl_s)
      return Error::Validation("expiresIn exceeds the maximum of " + std::to_string(options.max_ttl_s) + " seconds");
    req.ttl_s = *ttl;
    req.ttl_explicit = true;
  }
  return req;
}

Status AuthorizeIssue(const Principal& caller, TokenRequest& req, bool anonymous_allowed, int64_t now_s) {
  if (req.subject.empty()) req.subject = caller.authenticated() && !caller.subject.empty() ? caller.subject : "anonymous";
  if (caller.Has("admin")) return Ok();
  if (caller.Has("service")) {
    for (const auto& p : req.permissions) {
      if (p == "admin" || p == "service")
        return Error::Forbidden("A service token cannot issue " + p + " tokens");
    }
    if (caller.application_id != req.application_id)
      return Error::Forbidden("A service token can only issue tokens for its own application");
    if (caller.environment) {
      if (!req.environment) req.environment = caller.environment;
      if (*req.environment != *caller.environment)
        return Error::Forbidden("A service token limited to environment " + *caller.environment +
                                " cannot issue tokens for " + *req.environment);
    }
    if (!caller.topics.empty()) {
      if (req.topics.empty()) req.topics = caller.topics;
      for (const auto& t : req.topics) {
        if (!PatternsCover(caller.topics, {t}))
          return Error::Forbidden("Topic pattern '" + t + "' exceeds the caller's topics");
      }
    }
    if (caller.expires_at_s > 0) {
      int64_t left = caller.expires_at_s - now_s;
      if (left <= 0) return Error::Unauthorized("Token expired");
      if (req.ttl_s > left) {
        if (req.ttl_explicit)
          return Error::Forbidden("expiresIn exceeds the caller's own token, which expires in " +
                                  std::to_string(left) + " s");
        req.ttl_s = left;
      }
    }
    return Ok();
  }
  if (caller.authenticated()) return Error::Forbidden("Issuing tokens requires the admin or service permission");
  if (!anonymous_allowed)
    return Error::Unauthorized("Authentication required: send an admin or service token (anonymous tokens are "
                               "issued only in development to loopback callers)");
  for (const auto& p : req.permissions) {
    if (p != "subscribe" && p != "publish")
      return Error::Forbidden("Anonymous callers may only request subscribe and publish tokens (development mode)");
  }
  if (req.ttl_s > kMaxAnonymousTtlSeconds)
    return Error::Forbidden("Anonymous development tokens last at most 24 h (expiresIn <= 86400)");
  return Ok();
}

Result<IssuedToken> TokenService::Issue(const TokenRequest& req) {
  auto signer = keys_.ring().Signer();
  if (!signer) return Error::Unavailable("No active signing key: create one with POST /api/admin/keys");
  JwtClaims c;
  c.sub = req.subject;
  c.aud = req.application_id;
  c.iss = options_.issuer;
  int64_t now_ms = NowMs();
  c.iat = now_ms / 1000;
  c.exp = c.iat + req.ttl_s;
  c.permissions = req.permissions;
  c.env = req.environment;
  c.topics = req.topics;
  IssuedToken out;
  out.token = SignJwt(c, signer->key_id, signer->secret);
  out.expires_at_ms = c.exp * 1000;
  c.kid = signer->key_id;
  out.claims = std::move(c);
  return out;
}

Result<JwtClaims> TokenService::Verify(std::string_view token, std::optional<std::string> audience,
                                       bool allow_reload) {
  VerifyOptions opt{NowMs() / 1000, options_.leeway_s, std::move(audience), options_.issuer};
  auto lookup = [this](std::string_view kid) { return keys_.ring().SecretFor(kid); };
  JwtFailure why;
  auto claims = VerifyJwt(token, lookup, opt, &why);
  if (claims.ok() || why != JwtFailure::kUnknownKey || !allow_reload) return claims;
  // A key created on another instance: reload once per second at most, then retry.
  int64_t now = NowMs(), last = last_miss_reload_ms_.load();
  if (now - last < 1000 || !last_miss_reload_ms_.compare_exchange_strong(last, now)) return claims;
  if (Status st = keys_.RefreshIfChanged(); !st.ok()) {
    log::Warn("signing key reload failed", {{"error", st.error().message}});
    return claims;
  }
  return VerifyJwt(token, lookup, opt);
}

Result<Principal> TokenService::Authenticate(std::string_view token, bool allow_reload) {
  // The generation is read before verifying: a key change during the check makes the entry
  // stale at once rather than letting it outlive the change.
  uint64_t generation = keys_.ring().generation();
  if (auto hit = verified_.Find(token, generation, NowMs() / 1000, options_.leeway_s)) return std::move(*hit);
  auto claims = Verify(token, std::nullopt, allow_reload);
  if (!claims.ok()) return claims.take_error();
  Principal p;
  p.kind = Principal::Kind::kJwt;
  p.subject = claims->sub;
  p.application_id = claims->aud;
  p.environment = claims->env;
  p.permissions = std::move(claims->permissions);
  p.topics = std::move(claims->topics);
  p.key_id = claims->kid;
  p.expires_at_s = claims->exp;
  verified_.Put(token, generation, p);
  return p;
}

}  // namespace rt::auth
