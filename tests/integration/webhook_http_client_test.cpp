// HttpClient (webhooks/http_client.h) against local receivers: statuses, keep-alive reuse and
// stale connections, timeouts, refusals (SSRF, invalid URL), HTTPS verification with a test CA,
// Stop, and a throughput figure.
#include "webhooks/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>

#include "webhook_receiver.h"

namespace rt::webhooks {
namespace {

using rt::testing::TestReceiver;
using namespace std::chrono_literals;

HttpClientOptions Local() {
  HttpClientOptions o;
  o.allow_private = true;  // the receivers are on 127.0.0.1
  o.timeout = 5000ms;
  return o;
}

HttpResult PostAndWait(HttpClient& client, HttpRequestSpec spec) {
  std::promise<HttpResult> promise;
  auto future = promise.get_future();
  client.Post(std::move(spec), [&promise](HttpResult r) { promise.set_value(std::move(r)); });
  if (future.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback within 30 s";
    std::abort();  // the callback would write to a dead promise
  }
  return future.get();
}

HttpResult PostAndWait(HttpClient& client, const std::string& url, std::string body = "{}") {
  return PostAndWait(client, HttpRequestSpec{url, {{"Content-Type", "application/json"}}, std::move(body)});
}

TEST(WebhookHttpClient, OkWithBodyPrefixAndStatusPassedThrough) {
  TestReceiver receiver;
  auto options = Local();
  options.response_prefix_bytes = 10;
  HttpClient client(options);

  auto ok = PostAndWait(client, receiver.Url("/"));
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(ok.success());
  EXPECT_EQ(ok.body_prefix, "hello from");
  EXPECT_FALSE(ok.body_truncated);
  EXPECT_FALSE(ok.permanent);
  EXPECT_EQ(ok.remote_address, "127.0.0.1:" + std::to_string(receiver.port()));

  auto failed = PostAndWait(client, receiver.Url("/status/500"));
  EXPECT_EQ(failed.error, "");
  EXPECT_EQ(failed.status, 500);
  EXPECT_FALSE(failed.success());
  EXPECT_EQ(failed.body_prefix, "status 500");

  auto chunked = PostAndWait(client, receiver.Url("/chunked"));
  EXPECT_EQ(chunked.status, 200);
  EXPECT_EQ(chunked.body_prefix, "cccccccccc");
  EXPECT_FALSE(chunked.body_truncated);
}

TEST(WebhookHttpClient, SendsHostContentLengthAndHeaders) {
  TestReceiver receiver;
  HttpClient client(Local());
  HttpRequestSpec spec{receiver.Url("/echo"), {{"X-Test", "yes"}, {"Host", "evil.example"}, {"Content-Length", "1"}},
                       R"({"a":1})"};
  auto r = PostAndWait(client, spec);
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body_prefix, "host=127.0.0.1:" + std::to_string(receiver.port()) +
                               ";ua=realtime-webhooks/1;len=7;x-test=yes;body={\"a\":1}");

  auto injected = PostAndWait(client, HttpRequestSpec{receiver.Url("/echo"), {{"X-Test", "a\r\nX-Evil: 1"}}, "{}"});
  EXPECT_EQ(injected.status, 0);
  EXPECT_TRUE(injected.permanent);
  EXPECT_EQ(injected.error, "invalid header value: X-Test");
  auto bad_name = PostAndWait(client, HttpRequestSpec{receiver.Url("/echo"), {{"Bad Name", "v"}}, "{}"});
  EXPECT_TRUE(bad_name.permanent);
  EXPECT_EQ(receiver.requests(), 1);
}

TEST(WebhookHttpClient, KeepAliveReusesOneConnection) {
  TestReceiver receiver;
  HttpClient client(Local());
  for (int i = 0; i < 5; ++i) {
    auto r = PostAndWait(client, receiver.Url("/"));
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.reused_connection, i > 0);
  }
  auto s = client.stats();
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.connections_opened, 1u);
  EXPECT_EQ(s.reused, 4u);
  EXPECT_EQ(s.idle, 1u);
  EXPECT_EQ(receiver.connections(), 1);
}

TEST(WebhookHttpClient, ConnectionCloseAndTruncatedBodiesAreNotReused) {
  TestReceiver receiver;
  auto options = Local();
  options.max_response_bytes = 1000;
  HttpClient client(options);
  EXPECT_EQ(PostAndWait(client, receiver.Url("/close")).status, 200);
  EXPECT_EQ(PostAndWait(client, receiver.Url("/close")).status, 200);
  EXPECT_EQ(client.stats().connections_opened, 2u);

  auto big = PostAndWait(client, receiver.Url("/big"));
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.error, "");
  EXPECT_TRUE(big.body_truncated);
  EXPECT_EQ(big.body_prefix, std::string(1000, 'x'));  // prefix 1024 capped by the 1000-byte read limit
  EXPECT_EQ(PostAndWait(client, receiver.Url("/")).status, 200);
  EXPECT_EQ(client.stats().connections_opened, 4u);
  EXPECT_EQ(client.stats().reused, 0u);
}

TEST(WebhookHttpClient, IdleConnectionClosedByServerIsReplaced) {
  TestReceiver receiver;
  HttpClient client(Local());
  ASSERT_EQ(PostAndWait(client, receiver.Url("/")).status, 200);
  receiver.CloseIdleConnections();
  auto r = PostAndWait(client, receiver.Url("/"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(receiver.connections(), 2);
}

TEST(WebhookHttpClient, ReusedConnectionDroppedMidRequestIsRetriedOnce) {
  TestReceiver receiver;
  receiver.DropSecondRequest(true);
  HttpClient client(Local());
  ASSERT_EQ(PostAndWait(client, receiver.Url("/")).status, 200);
  auto r = PostAndWait(client, receiver.Url("/"));  // conn 1 drops it; sent again on conn 2
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_FALSE(r.reused_connection);
  auto s = client.stats();
  EXPECT_EQ(s.stale_retries, 1u);
  EXPECT_EQ(s.connections_opened, 2u);
  EXPECT_EQ(receiver.requests(), 3);
}

TEST(WebhookHttpClient, TimeoutWhenTheServerNeverAnswers) {
  TestReceiver receiver;
  auto options = Local();
  options.timeout = 300ms;
  HttpClient client(options);
  auto r = PostAndWait(client, receiver.Url("/hang"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timeout");
  EXPECT_FALSE(r.permanent);
  EXPECT_GE(r.duration_ms, 280);
  EXPECT_LT(r.duration_ms, 3000);
  EXPECT_EQ(client.stats().idle, 0u);
}

TEST(WebhookHttpClient, ConnectionRefused) {
  uint16_t port;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  HttpClient client(Local());
  auto r = PostAndWait(client, "http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "connection refused");
  EXPECT_FALSE(r.permanent);
}

TEST(WebhookHttpClient, SsrfRefusals) {
  TestReceiver receiver;
  HttpClient strict(HttpClientOptions{});  // allow_private = false
  auto literal = PostAndWait(strict, receiver.Url("/"));
  EXPECT_EQ(literal.status, 0);
  EXPECT_EQ(literal.error, "address refused: loopback 127.0.0.1");
  EXPECT_TRUE(literal.permanent);

  auto by_name = PostAndWait(strict, receiver.Url("/", "localhost"));  // checked after resolution
  EXPECT_EQ(by_name.error.rfind("address refused: loopback ", 0), 0u) << by_name.error;
  EXPECT_TRUE(by_name.permanent);

  auto mapped = PostAndWait(strict, "http://[::ffff:127.0.0.1]:" + std::to_string(receiver.port()) + "/");
  EXPECT_EQ(mapped.error, "address refused: loopback ::ffff:127.0.0.1");
  EXPECT_EQ(receiver.connections(), 0);
  EXPECT_EQ(strict.stats().connections_opened, 0u);

  HttpClient relaxed(Local());
  EXPECT_EQ(PostAndWait(relaxed, receiver.Url("/")).status, 200);
  EXPECT_EQ(PostAndWait(relaxed, receiver.Url("/", "localhost")).status, 200);
  auto metadata = PostAndWait(relaxed, "http://169.254.169.254/latest/meta-data/");
  EXPECT_EQ(metadata.error, "address refused: metadata 169.254.169.254");
  EXPECT_TRUE(metadata.permanent);
}

TEST(WebhookHttpClient, InvalidUrlIsPermanent) {
  HttpClient client(Local());
  for (const char* url : {"ftp://example.com/", "not a url", "https://user:pw@example.com/", "https://h/#x"}) {
    auto r = PostAndWait(client, url);
    EXPECT_EQ(r.status, 0) << url;
    EXPECT_TRUE(r.permanent) << url;
    EXPECT_EQ(r.error.rfind("invalid webhook URL: ", 0), 0u) << r.error;
  }
}

TEST(WebhookHttpClient, StopCancelsInFlightAndRefusesNewRequests) {
  TestReceiver receiver;
  auto options = Local();
  options.timeout = 60s;
  auto client = std::make_unique<HttpClient>(options);
  std::promise<HttpResult> promise;
  client->Post(HttpRequestSpec{receiver.Url("/hang"), {}, "{}"}, [&](HttpResult r) { promise.set_value(std::move(r)); });
  ASSERT_TRUE(receiver.WaitForRequests(1, 10s));
  auto started = std::chrono::steady_clock::now();
  client->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  auto future = promise.get_future();
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);  // called before Stop returned
  EXPECT_EQ(future.get().error, "client stopped");

  HttpResult late;
  client->Post(HttpRequestSpec{receiver.Url("/"), {}, "{}"}, [&](HttpResult r) { late = std::move(r); });
  EXPECT_EQ(late.error, "client stopped");  // at once, on this thread
  client->Stop();                             // idempotent
  client.reset();
}

TEST(WebhookHttpClient, SeveralThreadsManyConcurrentRequests) {
  TestReceiver receiver;
  HttpClient client(Local(), 3);
  constexpr int kRequests = 300;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, ok = 0;
  for (int i = 0; i < kRequests; ++i) {
    client.Post(HttpRequestSpec{receiver.Url("/"), {}, "{}"}, [&](HttpResult r) {
      std::lock_guard lock(mu);
      ++done;
      ok += r.status == 200;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return done == kRequests; }));
  EXPECT_EQ(ok, kRequests);
  EXPECT_LE(client.stats().idle, 32u);
}

// Fires `total` requests keeping `concurrency` in flight; prints requests/s. No timing assertion.
TEST(WebhookHttpClient, Throughput) {
  TestReceiver receiver;
  HttpClient client(Local());
  constexpr int kTotal = 20000, kConcurrency = 64;
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<int> issued{0}, failures{0};
  int done = 0;
  const std::string url = receiver.Url("/");
  const std::string body(300, 'b');
  std::function<void()> issue = [&] {
    if (issued.fetch_add(1) >= kTotal) return;
    client.Post(HttpRequestSpec{url, {{"Content-Type", "application/json"}}, body}, [&](HttpResult r) {
      if (r.status != 200) failures.fetch_add(1);
      issue();
      std::lock_guard lock(mu);
      if (++done == kTotal) cv.notify_all();
    });
  };
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kConcurrency; ++i) issue();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 120s, [&] { return done == kTotal; }));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  auto s = client.stats();
  EXPECT_LE(s.connections_opened, static_cast<uint64_t>(kConcurrency));
  std::printf("[ throughput ] %d POSTs, %d in flight, 1 client thread: %.0f requests/s (%llu connections)\n", kTotal,
              kConcurrency, kTotal / secs, static_cast<unsigned long long>(s.connections_opened));
}

}  // namespace
}  // namespace rt::webhooks
