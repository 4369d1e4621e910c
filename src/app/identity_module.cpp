#include "app/identity_module.h"

#include <atomic>

#include "api/identity_api.h"
#include "app/workers_module.h"
#include "core/ids.h"
#include "core/log.h"

namespace rt::app {

Result<std::unique_ptr<IdentityModule>> IdentityModule::Create(const Config& config, Platform& platform) {
  auto box = OpenSecretBox(config);
  if (!box.ok()) return box.take_error();
  std::string from = config.smtp_from;
  if (from.empty()) {
    auto host = config.public_url.substr(config.public_url.find("//") + 2);
    host = host.substr(0, host.find_first_of(":/"));
    from = "realtime@" + (host.empty() ? std::string("localhost") : host);
  }
  auto mailer = identity::MakeMailer(config.smtp_url, from);
  if (!mailer.ok()) return mailer.take_error();
  std::unique_ptr<IdentityModule> m(new IdentityModule(std::move(*box), std::move(*mailer)));
  identity::IdentityOptions o;
  o.session_ttl_ms = config.session_ttl_s * 1000;
  o.invite_ttl_ms = config.invite_ttl_s * 1000;
  o.policy.min_chars = config.password_min_length;
  o.public_url = config.public_url;
  o.production = config.production();
  identity::SecretSealer sealer{[b = &m->box_](std::string_view s) { return b->Seal(s); },
                                [b = &m->box_](std::string_view s) { return b->Open(s); }};
  m->service_ = std::make_unique<identity::IdentityService>(*platform.db, *m->mailer_, m->throttle_, std::move(o),
                                                            std::move(sealer));
  if (!m->mailer_->configured())
    log::Info("no SMTP_URL: invite and password-reset mails are not sent",
              {{"development", config.development() ? "links are logged" : "forgot-password answers 503"}});
  return m;
}

void IdentityModule::Attach(net::Router& router, api::AuthGate& gate, api::Dispatcher& dispatcher, DbInit& db_init) {
  identity::IdentityService& id = *service_;
  gate.SetSessionResolver([&id](const std::string& token) -> Result<auth::Principal> {
    auto ctx = id.Authenticate(token);
    if (!ctx.ok()) return ctx.take_error();
    return api::SessionPrincipal(*ctx);
  });
  gate.SetClaimedCheck([&id]() -> Result<bool> {
    auto required = id.SetupRequired();
    if (!required.ok()) return required.take_error();
    return !*required;
  });
  api::RegisterIdentityRoutes(router, id);
  dispatcher.SetAuditor(
      [&id](const net::Route& route, const net::HttpRequest& req, int status) { api::AuditWrite(id, route, req, status); });
  db_init.AddHousekeeping([&id, next = std::make_shared<int64_t>(0)] {
    if (NowMs() < *next) return;
    *next = NowMs() + 10 * 60 * 1000;
    auto pruned = id.PruneExpired();
    if (pruned.ok() && *pruned > 0) log::Info("expired sessions pruned", {{"rows", *pruned}});
  });
}

}  // namespace rt::app
