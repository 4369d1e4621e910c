// Mailer: outgoing mail for invites and password resets.
//
// SmtpMailer speaks SMTP through libcurl. SMTP_URL selects the server:
//   smtp://host[:port]                 plain SMTP, upgraded with STARTTLS when the server offers it
//   smtp://user:pass@host:587          the same with AUTH (use only where STARTTLS is offered)
//   smtps://user:pass@host[:465]       implicit TLS, certificate verified
// SMTP_FROM is the envelope and header sender ("Realtime <noreply@example.com>" or a bare
// address). Messages are text/plain UTF-8 with CRLF line ends; a subject with non-ASCII
// characters is RFC 2047 encoded. Recipient, sender and subject must not contain CR or LF
// (header injection): kValidation.
//
// NullMailer is the "not configured" mailer: configured() is false and Send is kUnavailable
// "Mail is not configured (SMTP_URL)"; the identity service then logs links in development and
// answers 503 in production.
//
// Thread safety: Send may be called from many threads at once (one curl handle per call). It
// blocks for the SMTP exchange (timeouts: 10 s connect, 30 s total): call it from the blocking
// pool. Failure: kUnavailable when the server cannot be reached or refuses the message (curl's
// reason, never the password), kValidation for bad addresses.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rt::identity {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // False for the NullMailer.
  virtual bool configured() const = 0;
  // Sends one plain-text message to one recipient.
  virtual Status Send(const std::string& to, const std::string& subject, const std::string& text) = 0;
  // Where mail goes, safe to log (no password): "smtp://host:25" or "not configured".
  virtual std::string Describe() const = 0;
};

class NullMailer final : public Mailer {
 public:
  bool configured() const override { return false; }
  Status Send(const std::string& to, const std::string& subject, const std::string& text) override;
  std::string Describe() const override { return "not configured"; }
};

class SmtpMailer final : public Mailer {
 public:
  // kValidation when url is not smtp:// or smtps:// or from is not an address.
  static Result<std::unique_ptr<SmtpMailer>> Create(std::string url, std::string from);

  bool configured() const override { return true; }
  Status Send(const std::string& to, const std::string& subject, const std::string& text) override;
  std::string Describe() const override;

 private:
  SmtpMailer(std::string url, std::string from, std::string from_address)
      : url_(std::move(url)), from_(std::move(from)), from_address_(std::move(from_address)) {}

  const std::string url_;           // may hold credentials: never logged
  const std::string from_;          // header form
  const std::string from_address_;  // envelope form: <addr>
};

// SmtpMailer when smtp_url is non-empty, else NullMailer. from defaults to
// "realtime@localhost" when empty.
Result<std::unique_ptr<Mailer>> MakeMailer(const std::string& smtp_url, const std::string& from);

// The bare address of "Name <addr>" or "addr"; empty when it has no '@' or holds CR/LF/space.
std::string MailAddress(std::string_view header_value);
// The full RFC 5322 message (headers + CRLF body) Send transmits; exposed for tests.
std::string BuildMessage(const std::string& from, const std::string& to, const std::string& subject,
                         const std::string& text, int64_t now_ms);

}  // namespace rt::identity
