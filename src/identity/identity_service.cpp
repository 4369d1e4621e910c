// IdentityService: setup, login, MFA verification, sessions and password reset.
#include "identity/identity_service.h"

#include <boost/json/object.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "identity/tokens.h"
#include "identity/totp.h"

namespace rt::identity {
namespace {

constexpr const char* kBadLogin = "Invalid email or password";
constexpr const char* kBadSession = "Invalid or expired session";
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxEmailBytes = 254;

}  // namespace

Status ValidateEmail(const std::string& email) {
  if (email.size() > kMaxEmailBytes || MailAddress(email) != email || email.find('<') != std::string::npos) {
    return Error::Validation("email must be a mail address");
  }
  return Ok();
}

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes || name.find_first_not_of(" \t") == std::string::npos) {
    return Error::Validation("name must be 1-200 characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) return Error::Validation("name must not contain control characters");
  }
  return Ok();
}

IdentityService::IdentityService(store::Db& db, Mailer& mailer, LoginThrottle& throttle, IdentityOptions options,
                                 SecretSealer sealer, Clock clock)
    : repo_(db),
      mailer_(mailer),
      throttle_(throttle),
      options_(std::move(options)),
      sealer_(std::move(sealer)),
      clock_(std::move(clock)),
      reset_throttle_(ThrottleOptions{3, 10, 60'000, 3600'000, 3600'000, 10000}, clock_) {}

int64_t IdentityService::Now() const { return clock_ ? clock_() : NowMs(); }

Result<std::string> IdentityService::Seal(std::string_view secret) const {
  if (sealer_.seal) return sealer_.seal(secret);
  return std::string(secret);
}

Result<std::string> IdentityService::Open(std::string_view sealed) const {
  if (sealer_.open) return sealer_.open(sealed);
  return std::string(sealed);
}

void IdentityService::RecordAs(const std::string& actor, const std::string& kind, const std::string& ip,
                               const std::string& action, const std::string& resource, const std::string& resource_id,
                               const std::string& detail) {
  Status st = repo_.InsertAudit({NewId("aud"), Now(), actor, kind, action, resource, resource_id, ip, detail});
  if (!st.ok()) log::Warn("audit entry not recorded", {{"action", action}, {"error", st.error().message}});
}

void IdentityService::Record(const Actor& actor, const std::string& action, const std::string& resource,
                             const std::string& resource_id, const std::string& detail_json) {
  RecordAs(actor.id, actor.kind, actor.ip, action, resource, resource_id, detail_json);
}

Result<bool> IdentityService::SetupRequired() {
  auto n = repo_.CountUsers();
  if (!n.ok()) return n.take_error();
  return *n == 0;
}

Result<LoginResult> IdentityService::StartSession(const store::UserRow& user, const ClientInfo& client) {
  int64_t now = Now();
  LoginResult out;
  out.session_token = NewToken(kSessionPrefix);
  out.expires_at = now + options_.session_ttl_ms;
  store::SessionRow s{NewId("ses"), TokenHash(out.session_token), user.id, "session", now, out.expires_at, now,
                      client.ip, client.user_agent};
  RT_TRY(repo_.InsertSession(s));
  RT_TRY(repo_.SetLastLogin(user.id, now));
  store::UserRow copy = user;
  copy.last_login_at = now;
  auto view = View(std::move(copy));
  if (!view.ok()) return view.take_error();
  out.user = std::move(*view);
  RecordAs(user.id, "user", client.ip, "login", "sessions", s.id);
  return out;
}

Status IdentityService::CheckNewUser(const std::string& name, const std::string& email,
                                     const std::string& password) const {
  RT_TRY(ValidateName(name));
  RT_TRY(ValidateEmail(email));
  return options_.policy.Check(password, email);
}

Result<store::UserRow> IdentityService::NewUserRow(const std::string& name, const std::string& email,
                                                   const std::string& password, std::vector<std::string> role_ids) {
  auto hash = HashPassword(password, options_.bcrypt_cost);
  if (!hash.ok()) return hash.take_error();
  store::UserRow u;
  u.id = NewId("usr");
  u.name = name;
  u.email = email;
  u.password_hash = std::move(*hash);
  u.created_at = u.updated_at = Now();
  u.role_ids = std::move(role_ids);
  return u;
}

Result<LoginResult> IdentityService::Setup(const std::string& name, const std::string& email,
                                           const std::string& password, const ClientInfo& client) {
  RT_TRY(CheckNewUser(name, email, password));
  auto required = SetupRequired();  // cheap early answer; InsertFirstUser decides under races
  if (!required.ok()) return required.take_error();
  if (!*required) return Error::Conflict("Setup has already been completed");
  auto user = NewUserRow(name, email, password, {FindBuiltInRole(kSuperAdmin)->id});
  if (!user.ok()) return user.take_error();
  const store::UserRow& u = *user;
  RT_TRY(repo_.InsertFirstUser(u));
  RecordAs(u.id, "user", client.ip, "setup", "users", u.id);
  return StartSession(u, client);
}

Result<LoginResult> IdentityService::Login(const std::string& email, const std::string& password,
                                           const ClientInfo& client) {
  std::string key = store::EmailKey(email);
  auto decision = throttle_.Check(key, client.ip);
  if (!decision.allowed) return TooManyAttempts(decision);
  auto found = repo_.FindUserByEmail(email);
  if (!found.ok()) return found.take_error();
  bool good = false;
  if (found->has_value()) {
    good = VerifyPassword(password, (*found)->password_hash) && !(*found)->disabled;
  } else {
    VerifyAgainstDummy(password, options_.bcrypt_cost);
  }
  if (!good) {
    throttle_.RecordFailure(key, client.ip);
    RecordAs(found->has_value() ? (*found)->id : "", "anonymous", client.ip, "login_failed", "sessions", "");
    return Error::Unauthorized(kBadLogin);
  }
  const store::UserRow& user = **found;
  if (!user.mfa_enabled) {
    throttle_.RecordSuccess(key);
    return StartSession(user, client);
  }
  int64_t now = Now();
  LoginResult out;
  out.mfa_required = true;
  out.mfa_token = NewToken(kMfaPrefix);
  out.expires_at = now + options_.mfa_token_ttl_ms;
  RT_TRY(repo_.InsertSession({NewId("ses"), TokenHash(out.mfa_token), user.id, "mfa", now, out.expires_at, now,
                              client.ip, client.user_agent}));
  return out;
}

Result<LoginResult> IdentityService::VerifyMfa(const std::string& mfa_token, const std::string& code,
                                               const ClientInfo& client) {
  if (!HasTokenShape(mfa_token, kMfaPrefix)) return Error::Unauthorized("Invalid or expired MFA token");
  int64_t now = Now();
  auto pending = repo_.FindSession(TokenHash(mfa_token), "mfa", now);
  if (!pending.ok()) return pending.take_error();
  if (!pending->has_value()) return Error::Unauthorized("Invalid or expired MFA token");
  auto found = repo_.GetUser((*pending)->user_id);
  if (!found.ok()) return found.take_error();
  if (!found->has_value() || (*found)->disabled || !(*found)->mfa_enabled) {
    return Error::Unauthorized("Invalid or expired MFA token");
  }
  const store::UserRow& user = **found;
  std::string key = store::EmailKey(user.email);
  auto decision = throttle_.Check(key, client.ip);
  if (!decision.allowed) return TooManyAttempts(decision);

  bool ok = false;
  auto secret = Open(user.totp_secret);
  if (!secret.ok()) return secret.take_error();
  if (auto step = VerifyTotp(*secret, code, now / 1000, user.totp_last_step)) {
    auto advanced = repo_.AdvanceTotpStep(user.id, *step);  // loses to a concurrent use of the same code
    if (!advanced.ok()) return advanced.take_error();
    ok = *advanced;
  } else if (NormalizeRecoveryCode(code).size() == 16) {
    auto used = repo_.UseRecoveryCode(user.id, HashRecoveryCode(code), now);
    if (!used.ok()) return used.take_error();
    ok = *used;
    if (ok) RecordAs(user.id, "user", client.ip, "recovery_code_used", "users", user.id);
  }
  if (!ok) {
    throttle_.RecordFailure(key, client.ip);
    RecordAs(user.id, "user", client.ip, "mfa_failed", "sessions", "");
    return Error::Unauthorized("Invalid MFA code");
  }
  throttle_.RecordSuccess(key);
  (void)repo_.DeleteSession((*pending)->id);
  return StartSession(user, client);
}

Result<SessionContext> IdentityService::Authenticate(const std::string& session_token) {
  if (!HasTokenShape(session_token, kSessionPrefix)) return Error::Unauthorized(kBadSession);
  int64_t now = Now();
  auto s = repo_.FindSession(TokenHash(session_token), "session", now);
  if (!s.ok()) return s.take_error();
  if (!s->has_value()) return Error::Unauthorized(kBadSession);
  auto u = repo_.GetUser((*s)->user_id);
  if (!u.ok()) return u.take_error();
  if (!u->has_value() || (*u)->disabled) return Error::Unauthorized(kBadSession);
  SessionContext ctx;
  ctx.session = std::move(**s);
  if (now - ctx.session.last_seen_at >= options_.touch_interval_ms) {
    ctx.session.last_seen_at = now;
    ctx.session.expires_at = now + options_.session_ttl_ms;
    RT_TRY(repo_.TouchSession(ctx.session.id, ctx.session.last_seen_at, ctx.session.expires_at));
  }
  auto view = View(std::move(**u));
  if (!view.ok()) return view.take_error();
  ctx.user = std::move(*view);
  return ctx;
}

Status IdentityService::Logout(const std::string& session_token) {
  if (!HasTokenShape(session_token, kSessionPrefix)) return Ok();
  auto s = repo_.FindSession(TokenHash(session_token), "session", Now());
  if (!s.ok()) return s.take_error();
  if (!s->has_value()) return Ok();
  auto deleted = repo_.DeleteSession((*s)->id);
  if (!deleted.ok()) return deleted.take_error();
  RecordAs((*s)->user_id, "user", "", "logout", "sessions", (*s)->id);
  return Ok();
}

Status IdentityService::ForgotPassword(const std::string& email, const ClientInfo& client) {
  if (!mailer_.configured() && options_.production) return Error::Unavailable("Mail is not configured (SMTP_URL)");
  const std::string key = store::EmailKey(email);
  if (auto d = reset_throttle_.Check(key, client.ip); !d.allowed) return TooManyAttempts(d);
  reset_throttle_.RecordFailure(key, client.ip);  // every request counts, whoever the email is
  auto found = repo_.FindUserByEmail(email);
  if (!found.ok()) return found.take_error();
  if (!found->has_value() || (*found)->disabled) return Ok();
  const store::UserRow& user = **found;
  int64_t now = Now();
  std::string token = NewToken(kResetPrefix);
  RT_TRY(repo_.InsertReset(TokenHash(token), user.id, now, now + options_.reset_ttl_ms));
  RecordAs(user.id, "anonymous", client.ip, "password_reset_requested", "users", user.id);
  std::string link = options_.public_url + "/reset-password?token=" + token;
  if (!mailer_.configured()) {
    log::Warn("mail not configured: password reset link (development only)", {{"email", user.email}, {"link", link}});
    return Ok();
  }
  Status sent = mailer_.Send(user.email, "Reset your password",
                             "Hello " + user.name + ",\n\nSomeone asked to reset the password of this account. "
                             "To choose a new password, open this link within an hour:\n\n" + link +
                             "\n\nIf it was not you, ignore this mail; your password stays as it is.\n");
  // The caller hears Ok either way: a failure only for existing accounts would reveal them.
  if (!sent.ok()) log::Error("password reset mail not sent", {{"error", sent.error().message}});
  return Ok();
}

Status IdentityService::ResetPassword(const std::string& token, const std::string& password, const ClientInfo& client) {
  if (!HasTokenShape(token, kResetPrefix)) return Error::Validation("Reset token is invalid or expired");
  RT_TRY(options_.policy.Check(password));
  auto hash = HashPassword(password, options_.bcrypt_cost);
  if (!hash.ok()) return hash.take_error();
  auto uid = repo_.ConsumeReset(TokenHash(token), *hash, Now());
  if (!uid.ok()) {
    if (uid.error().code == ErrorCode::kNotFound) return Error::Validation("Reset token is invalid or expired");
    return uid.take_error();
  }
  RecordAs(*uid, "user", client.ip, "password_reset", "users", *uid);
  return Ok();
}

}  // namespace rt::identity
