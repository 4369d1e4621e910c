// TokenService: issues and verifies the platform's JWTs with the managed signing keys.
//
// Issue signs with KeyRing::Signer() (kUnavailable if nothing can sign). Verify reads only the
// in-memory ring; a token whose kid is unknown triggers at most one reload per second from the
// database (a key created on another instance), then fails with Unauthorized.
// AuthorizeIssue is the rule for who may mint which token (docs/security.md): a token can never
// grant more than its issuer holds.
//   admin    any token;
//   service  tokens for its own application, its own environment (or, if it has none, any),
//            its own topic patterns or narrower ones, never `admin` or `service`, and never past
//            its own expiry (a default lifetime is shortened to it; an explicit longer one is 403);
//   anonymous only in development from a loopback address, only subscribe/publish, at most 24 h;
//   anyone else 403, anonymous otherwise 401.
//
// Thread safety: all methods may be called from any thread. Verify blocks only on that reload.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "auth/jwt.h"
#include "auth/principal.h"
#include "auth/signing_keys.h"
#include "auth/verified_token_cache.h"

namespace rt::auth {

struct TokenOptions {
  std::string issuer = "realtime";
  int64_t default_ttl_s = 3600;
  int64_t max_ttl_s = 365LL * 86400;
  int64_t leeway_s = 5;
};

struct TokenRequest {
  std::string application_id;
  std::vector<std::string> permissions;
  std::string subject;
  std::vector<std::string> topics;
  int64_t ttl_s = 0;
  bool ttl_explicit = false;  // expiresIn was given (else ttl_s is the default)
  std::optional<std::string> environment;
};

struct IssuedToken {
  std::string token;
  int64_t expires_at_ms = 0;
  JwtClaims claims;
};

// "90", "45s", "30m", "1h", "7d" -> seconds. Validation error otherwise.
Result<int64_t> ParseDuration(std::string_view text);
// Validates the body of POST /auth/token.
Result<TokenRequest> ParseTokenRequest(const boost::json::object& body, const TokenOptions& options);
// Who may mint what (see above). May narrow req.topics to the caller's own patterns.
// anonymous_allowed: development mode and a loopback caller. now_s: for the caller's expiry.
Status AuthorizeIssue(const Principal& caller, TokenRequest& req, bool anonymous_allowed, int64_t now_s);
inline constexpr int64_t kMaxAnonymousTtlSeconds = 86400;

class TokenService {
 public:
  TokenService(SigningKeyService& keys, TokenOptions options) : keys_(keys), options_(std::move(options)) {}

  const TokenOptions& options() const { return options_; }
  Result<IssuedToken> Issue(const TokenRequest& req);
  // allow_reload=false never touches the database (for I/O threads): an unknown kid just fails
  // until the background key poll has picked the key up.
  Result<JwtClaims> Verify(std::string_view token, std::optional<std::string> audience = std::nullopt,
                           bool allow_reload = true);
  // Verifies and turns the claims into a principal. A token verified before (against the same
  // signing keys, still unexpired) is answered from VerifiedTokenCache without re-checking.
  Result<Principal> Authenticate(std::string_view token, bool allow_reload = true);

 private:
  SigningKeyService& keys_;
  const TokenOptions options_;
  std::atomic<int64_t> last_miss_reload_ms_{0};
  VerifiedTokenCache verified_;
};

}  // namespace rt::auth
