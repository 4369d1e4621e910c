// IdentityModule: the admin-identity services of `serve` (docs/security.md "Admin users"): the
// mailer (SMTP_URL/SMTP_FROM, or none), the login throttle, and identity::IdentityService with
// the configuration's session TTL, password policy and public URL; TOTP secrets are sealed with
// the platform's secret box. Attach hooks the AuthGate (session tokens, "claimed" check), the
// routes and the audit of management writes (dispatcher), and expired-session pruning.
//
// Ownership / lifetime: references the platform; must outlive the router, gate and dispatcher
// it is attached to. Thread safety: as IdentityService (any thread, blocking).
#pragma once

#include <memory>

#include "api/auth.h"
#include "api/dispatcher.h"
#include "app/db_init.h"
#include "app/platform.h"
#include "core/config.h"
#include "identity/identity_service.h"
#include "identity/mailer.h"
#include "identity/throttle.h"
#include "net/router.h"
#include "webhooks/secret_box.h"

namespace rt::app {

class IdentityModule {
 public:
  // kValidation for a bad SMTP_URL/SMTP_FROM; the secret box's errors.
  static Result<std::unique_ptr<IdentityModule>> Create(const Config& config, Platform& platform);

  void Attach(net::Router& router, api::AuthGate& gate, api::Dispatcher& dispatcher, DbInit& db_init);
  identity::IdentityService& service() { return *service_; }

 private:
  IdentityModule(webhooks::SecretBox box, std::unique_ptr<identity::Mailer> mailer)
      : box_(std::move(box)), mailer_(std::move(mailer)) {}

  webhooks::SecretBox box_;
  std::unique_ptr<identity::Mailer> mailer_;
  identity::LoginThrottle throttle_;
  std::unique_ptr<identity::IdentityService> service_;
};

}  // namespace rt::app
