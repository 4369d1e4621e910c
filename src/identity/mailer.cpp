#include "identity/mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <mutex>

#include "core/encoding.h"
#include "core/ids.h"

namespace rt::identity {
namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string EncodeSubject(const std::string& subject) {
  if (IsAscii(subject)) return subject;
  return "=?UTF-8?B?" + Base64Encode(subject) + "?=";
}

std::string RfcDate(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// The URL without its userinfo, for logs and errors.
std::string Redact(const std::string& url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  size_t slash = url.find('/', scheme + 3);
  if (slash != std::string::npos && slash < at) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

struct Payload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadPayload(char* buffer, size_t size, size_t nitems, void* user) {
  auto* p = static_cast<Payload*>(user);
  size_t n = std::min(size * nitems, p->data->size() - p->offset);
  std::memcpy(buffer, p->data->data() + p->offset, n);
  p->offset += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string MailAddress(std::string_view v) {
  size_t lt = v.find('<');
  if (lt != std::string_view::npos) {
    size_t gt = v.find('>', lt);
    if (gt == std::string_view::npos) return {};
    v = v.substr(lt + 1, gt - lt - 1);
  }
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty() || v.find('@') == std::string_view::npos || v.find_first_of(" \r\n<>,") != std::string_view::npos) {
    return {};
  }
  return std::string(v);
}

std::string BuildMessage(const std::string& from, const std::string& to, const std::string& subject,
                         const std::string& text, int64_t now_ms) {
  std::string domain = MailAddress(from);
  domain = domain.substr(domain.find('@') + 1);
  std::string msg;
  msg += "Date: " + RfcDate(now_ms) + "\r\n";
  msg += "From: " + from + "\r\n";
  msg += "To: " + to + "\r\n";
  msg += "Subject: " + EncodeSubject(subject) + "\r\n";
  msg += "Message-ID: <" + RandomHex(16) + "@" + domain + ">\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: text/plain; charset=UTF-8\r\n";
  msg += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  // Normalize every line end to CRLF; libcurl dot-stuffs lines starting with '.'.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      msg += "\r\n";
    } else {
      msg += text[i];
    }
  }
  if (msg.size() < 2 || msg.compare(msg.size() - 2, 2, "\r\n") != 0) msg += "\r\n";
  return msg;
}

Status NullMailer::Send(const std::string&, const std::string&, const std::string&) {
  return Error::Unavailable("Mail is not configured (SMTP_URL)");
}

Result<std::unique_ptr<SmtpMailer>> SmtpMailer::Create(std::string url, std::string from) {
  if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0) {
    return Error::Validation("SMTP_URL must start with smtp:// or smtps://");
  }
  if (HasLineBreak(url)) return Error::Validation("SMTP_URL must not contain line breaks");
  std::string address = MailAddress(from);
  if (address.empty() || HasLineBreak(from)) return Error::Validation("SMTP_FROM is not a mail address: " + from);
  return std::unique_ptr<SmtpMailer>(new SmtpMailer(std::move(url), std::move(from), "<" + address + ">"));
}

std::string SmtpMailer::Describe() const { return Redact(url_); }

Status SmtpMailer::Send(const std::string& to, const std::string& subject, const std::string& text) {
  std::string rcpt = MailAddress(to);
  if (rcpt.empty() || HasLineBreak(to)) return Error::Validation("Not a mail address: " + to);
  if (HasLineBreak(subject)) return Error::Validation("Mail subject must not contain line breaks");
  GlobalInit();
  std::string message = BuildMessage(from_, rcpt, subject, text, NowMs());
  Payload payload{&message};
  std::string envelope_to = "<" + rcpt + ">";

  CURL* curl = curl_easy_init();
  if (!curl) return Error::Internal("curl_easy_init failed");
  curl_slist* rcpts = curl_slist_append(nullptr, envelope_to.c_str());
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_address_.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadPayload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &payload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  if (url_.rfind("smtp://", 0) == 0) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return Error::Unavailable("Sending mail via " + Describe() + " failed: " + why);
  }
  return Ok();
}

Result<std::unique_ptr<Mailer>> MakeMailer(const std::string& smtp_url, const std::string& from) {
  if (smtp_url.empty()) return std::unique_ptr<Mailer>(std::make_unique<NullMailer>());
  auto m = SmtpMailer::Create(smtp_url, from.empty() ? "realtime@localhost" : from);
  if (!m.ok()) return m.take_error();
  return std::unique_ptr<Mailer>(std::move(*m));
}

}  // namespace rt::identity
