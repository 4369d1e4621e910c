// HttpClient: resolve, SSRF check on every resolved address, connect, TLS handshake.
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "webhooks/http_client_impl.h"

namespace rt::webhooks {
namespace {

namespace asio = boost::asio;
using detail::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string EndpointText(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

// A short reason for a failed resolve or connect.
std::string NetError(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::connection_reset) return "connection reset";
  if (ec == asio::error::timed_out) return "timeout";
  return ec.message();
}

std::string DnsError(const boost::system::error_code& ec) {
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) return "dns: host not found";
  return "dns: " + ec.message();
}

// Why a TLS handshake failed: the certificate verdict when verification failed.
std::string TlsError(const boost::system::error_code& ec, SSL* ssl) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("tls: certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return "tls: connection closed in handshake";
  if (ec.category() == asio::error::get_ssl_category()) {
    // "certificate verify failed (SSL routines)" etc.: keep the reason, drop the library.
    std::string m = ec.message();
    auto paren = m.find(" (");
    return "tls: " + (paren == std::string::npos ? m : m.substr(0, paren));
  }
  return "tls: " + NetError(ec);
}

}  // namespace

asio::awaitable<std::unique_ptr<detail::Connection>> HttpClient::Impl::Connect(detail::Request& req,
                                                                               const WebhookUrl& url,
                                                                               HttpResult* result) {
  auto fail = [&](std::string error, bool permanent = false) {
    result->error = req.timed_out ? "timeout" : stopping.load() ? "client stopped" : std::move(error);
    result->permanent = permanent && !req.timed_out && !stopping.load();
    return std::unique_ptr<detail::Connection>();
  };
  if (stopping.load()) co_return fail("client stopped");

  // 1. Candidate endpoints: the literal address, or what the name resolves to (once).
  std::vector<tcp::endpoint> candidates;
  boost::system::error_code ec;
  const auto literal = asio::ip::make_address(url.host, ec);
  const bool is_literal = !ec;
  if (is_literal) {
    candidates.emplace_back(literal, static_cast<uint16_t>(std::stoi(url.port)));  // port checked by the parser
  } else {
    req.resolver.emplace(req.executor);
    auto [rec, results] =
        co_await req.resolver->async_resolve(url.host, url.port, tcp::resolver::numeric_service, kTuple);
    req.resolver.reset();
    if (rec) co_return fail(DnsError(rec));
    for (const auto& entry : results) candidates.push_back(entry.endpoint());
  }

  // 2. The SSRF policy, on every address; only the checked endpoints are connected to.
  std::vector<tcp::endpoint> allowed;
  std::string refused;
  for (const auto& ep : candidates) {
    AddressClass c = Classify(ep.address());
    if (Allowed(c, options.allow_private)) {
      allowed.push_back(ep);
    } else if (refused.empty()) {
      refused = std::string(AddressClassName(c)) + " " + ep.address().to_string();
    }
  }
  if (allowed.empty()) {
    co_return fail(refused.empty() ? "dns: no address" : "address refused: " + refused, !refused.empty());
  }
  if (stopping.load() || req.timed_out) co_return fail("client stopped");

  // 3. TCP connect, trying the allowed endpoints in order.
  auto conn = std::make_unique<detail::Connection>();
  conn->origin = url.Origin();
  if (url.tls()) {
    conn->tls.emplace(ioc.get_executor(), tls_ctx);
  } else {
    conn->plain.emplace(ioc.get_executor());
  }
  req.conn = conn.get();
  auto [cec, ep] = co_await asio::async_connect(conn->socket(), allowed, kTuple);
  if (cec) {
    req.conn = nullptr;
    co_return fail(NetError(cec));
  }
  connections_opened.fetch_add(1, std::memory_order_relaxed);
  conn->remote = EndpointText(ep);
  result->remote_address = conn->remote;
  conn->socket().set_option(tcp::no_delay(true), ec);

  // 4. TLS: SNI for names, the name (or IP) checked against the certificate, chain verified.
  if (url.tls()) {
    SSL* ssl = conn->tls->native_handle();
    // OpenSSL's own check (the X509_check_host/X509_check_ip_asc that asio's
    // host_name_verification calls) so that a mismatch reports "hostname mismatch". No SNI for
    // an IP literal (RFC 6066).
    bool set = is_literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str()) == 1
                          : SSL_set_tlsext_host_name(ssl, url.host.c_str()) == 1 && SSL_set1_host(ssl, url.host.c_str()) == 1;
    if (!set) {
      req.conn = nullptr;
      co_return fail("tls: cannot set the expected host name");
    }
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
      req.conn = nullptr;
      co_return fail(TlsError(hec, ssl));
    }
  }
  req.conn = nullptr;
  co_return conn;
}

}  // namespace rt::webhooks
