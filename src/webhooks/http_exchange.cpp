// HttpClient: one request/response exchange over a pooled or fresh connection.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

#include "webhooks/http_client_impl.h"

namespace rt::webhooks {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using detail::Connection;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using Message = http::request<http::string_body>;

bool TokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Builds the request; an error message for a header that would corrupt the message.
std::string BuildMessage(const WebhookUrl& url, HttpRequestSpec& spec, const HttpClientOptions& options, Message* m) {
  m->method(spec.method == "GET" ? http::verb::get : http::verb::post);
  m->target(url.target);
  m->version(11);
  m->set(http::field::host, url.HostHeader());
  m->set(http::field::user_agent, options.user_agent);
  for (const auto& [name, value] : spec.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), TokenChar)) return "invalid header name";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return "invalid header value: " + name;
    if (IEquals(name, "host") || IEquals(name, "content-length") || IEquals(name, "transfer-encoding") ||
        IEquals(name, "connection")) {
      continue;
    }
    if (IEquals(name, "user-agent")) {
      m->set(http::field::user_agent, value);
    } else {
      m->insert(name, value);
    }
  }
  m->body() = std::move(spec.body);
  m->keep_alive(true);
  m->prepare_payload();  // Content-Length
  return {};
}

// A short reason for a failed write or read.
std::string IoError(const boost::system::error_code& ec, bool got_response_bytes) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    return got_response_bytes ? "connection closed mid-response" : "connection closed before response";
  }
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) return "connection reset";
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return "bad response: " + ec.message();
  }
  return ec.message();
}

struct Outcome {
  boost::system::error_code ec;
  bool got_response_bytes = false;
  bool keep_alive = false;
};

// Writes m and reads the response into result (status, body prefix). keep_alive says whether the
// connection may serve another request.
template <typename Stream>
asio::awaitable<Outcome> Exchange(Stream& stream, Connection& conn, const Message& m, const HttpClientOptions& options,
                                  HttpResult* result) {
  Outcome out;
  auto [wec, written] = co_await http::async_write(stream, m, kTuple);
  (void)written;
  if (wec) {
    out.ec = wec;
    co_return out;
  }
  std::optional<http::response_parser<http::buffer_body>> parser;
  for (;;) {  // skips interim 1xx responses (100 Continue, 103 Early Hints)
    parser.emplace();
    parser->header_limit(16 * 1024);
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // bounded below, without an error
    auto [hec, n] = co_await http::async_read_header(stream, conn.buffer, *parser, kTuple);
    (void)n;
    out.got_response_bytes = out.got_response_bytes || parser->got_some();
    if (hec) {
      out.ec = hec;
      co_return out;
    }
    int status = parser->get().result_int();
    if (status < 100 || status >= 200 || status == 101) break;
  }
  result->status = parser->get().result_int();

  std::array<char, 16 * 1024> chunk;
  size_t total = 0;
  while (!parser->is_done()) {
    if (total >= options.max_response_bytes) {
      result->body_truncated = true;
      co_return out;  // the rest is unread: the connection cannot be reused
    }
    size_t want = std::min(chunk.size(), options.max_response_bytes - total);
    parser->get().body().data = chunk.data();
    parser->get().body().size = want;
    auto [rec, bytes] = co_await http::async_read(stream, conn.buffer, *parser, kTuple);
    (void)bytes;
    size_t got = want - parser->get().body().size;
    if (result->body_prefix.size() < options.response_prefix_bytes) {
      result->body_prefix.append(chunk.data(), std::min(got, options.response_prefix_bytes - result->body_prefix.size()));
    }
    total += got;
    if (rec && rec != http::error::need_buffer) {
      result->body_truncated = true;  // the status stands; the body was cut short
      co_return out;
    }
  }
  out.keep_alive = parser->keep_alive();
  co_return out;
}

}  // namespace

asio::awaitable<HttpResult> HttpClient::Impl::Execute(detail::Request& req, HttpRequestSpec& spec) {
  HttpResult result;
  auto url = ParseWebhookUrl(spec.url);
  if (!url.ok()) {
    result.error = url.error().message;
    result.permanent = true;
    co_return result;
  }
  Message message;
  if (std::string bad = BuildMessage(*url, spec, options, &message); !bad.empty()) {
    result.error = bad;
    result.permanent = true;
    co_return result;
  }
  const std::string origin = url->Origin();

  for (int attempt = 0;; ++attempt) {
    // A pooled connection first; the retry after a stale one always opens a fresh connection.
    std::unique_ptr<Connection> conn = attempt == 0 ? pool.Take(origin) : nullptr;
    const bool pooled = conn != nullptr;
    if (!conn) {
      conn = co_await Connect(req, *url, &result);
      if (!conn) co_return result;
    }
    result.remote_address = conn->remote;
    req.conn = conn.get();
    Outcome out = conn->tls ? co_await Exchange(*conn->tls, *conn, message, options, &result)
                            : co_await Exchange(*conn->plain, *conn, message, options, &result);
    req.conn = nullptr;

    if (result.status != 0) {  // a response arrived (maybe with a truncated body)
      result.reused_connection = pooled;
      if (pooled) reused.fetch_add(1, std::memory_order_relaxed);
      if (out.keep_alive && !stopping.load() && !req.timed_out) {
        pool.Put(std::move(conn));
      } else {
        conn->Close();
      }
      co_return result;
    }
    conn->Close();
    if (req.timed_out) {
      result.error = "timeout";
    } else if (stopping.load()) {
      result.error = "client stopped";
    } else if (pooled && attempt == 0 && !out.got_response_bytes) {
      stale_retries.fetch_add(1, std::memory_order_relaxed);  // the server had closed it: once more, fresh
      continue;
    } else {
      result.error = IoError(out.ec, out.got_response_bytes);
    }
    co_return result;
  }
}

}  // namespace rt::webhooks
