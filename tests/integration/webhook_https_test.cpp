// HttpClient over HTTPS against a local TLS receiver whose certificates come from a test CA made
// here with the `openssl` command: verification with and without the CA file, host-name and
// IP mismatches, keep-alive over TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include "webhook_receiver.h"
#include "webhooks/http_client.h"

namespace rt::webhooks {
namespace {

using rt::testing::TestReceiver;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A throwaway CA and two leaf certificates it signed: "localhost" (DNS name only) and
// "elsewhere.test". Removed with the fixture.
class TestPki {
 public:
  TestPki() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("rt-webhook-pki-" + std::to_string(rd()));
    fs::create_directories(dir_);
    ok_ = Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
              " -subj /CN=rt-test-ca -keyout ca.key -out ca.pem"
              " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign") &&
          Leaf("localhost") && Leaf("elsewhere.test");
  }
  ~TestPki() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  bool Leaf(const std::string& name) {
    std::ofstream(dir_ / (name + ".ext")) << "subjectAltName=DNS:" << name
                                          << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
    return Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + name +
               " -keyout " + name + ".key -out " + name + ".csr") &&
           Run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out " +
               name + ".pem -extfile " + name + ".ext");
  }
  bool Run(const std::string& command) {
    std::string full = "cd '" + dir_.string() + "' && " + command + " >/dev/null 2>&1";
    return std::system(full.c_str()) == 0;
  }

  fs::path dir_;
  bool ok_ = false;
};

HttpResult PostAndWait(HttpClient& client, const std::string& url) {
  std::promise<HttpResult> promise;
  auto future = promise.get_future();
  client.Post(HttpRequestSpec{url, {}, "{}"}, [&promise](HttpResult r) { promise.set_value(std::move(r)); });
  if (future.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback within 30 s";
    std::abort();
  }
  return future.get();
}

class WebhookHttps : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl command not found";
    ASSERT_TRUE(pki_.ok()) << "could not create the test certificates";
  }

  HttpClientOptions Options(bool with_ca) {
    HttpClientOptions o;
    o.allow_private = true;
    o.timeout = 5000ms;
    if (with_ca) o.ca_file = pki_.Path("ca.pem");
    return o;
  }

  TestReceiver::Options Server(const std::string& name) {
    return {pki_.Path(name + ".pem"), pki_.Path(name + ".key")};
  }

  TestPki pki_;
};

TEST_F(WebhookHttps, VerifiedWithTheCaFileAndReused) {
  TestReceiver receiver(Server("localhost"));
  HttpClient client(Options(true));
  auto first = PostAndWait(client, receiver.Url("/status/201", "localhost"));
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(first.body_prefix, "status 201");
  auto second = PostAndWait(client, receiver.Url("/", "localhost"));
  EXPECT_EQ(second.status, 200) << second.error;
  EXPECT_TRUE(second.reused_connection);
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST_F(WebhookHttps, UnknownCaIsRefused) {
  TestReceiver receiver(Server("localhost"));
  HttpClient client(Options(false));  // system trust store only
  auto r = PostAndWait(client, receiver.Url("/", "localhost"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: certificate verify failed", 0), 0u) << r.error;
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(receiver.requests(), 0);
}

TEST_F(WebhookHttps, HostNameMismatchIsRefused) {
  TestReceiver receiver(Server("elsewhere.test"));  // valid chain, wrong name
  HttpClient client(Options(true));
  auto r = PostAndWait(client, receiver.Url("/", "localhost"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "tls: certificate verify failed: hostname mismatch");
  EXPECT_EQ(receiver.requests(), 0);
}

TEST_F(WebhookHttps, IpLiteralMustBeInTheCertificate) {
  TestReceiver receiver(Server("localhost"));  // no IP SAN
  HttpClient client(Options(true));
  auto r = PostAndWait(client, receiver.Url("/"));  // https://127.0.0.1:port/
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "tls: certificate verify failed: IP address mismatch");
}

TEST_F(WebhookHttps, PlainHttpServerOnAnHttpsUrlFails) {
  TestReceiver plain;
  HttpClient client(Options(true));
  auto r = PostAndWait(client, "https://localhost:" + std::to_string(plain.port()) + "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
}

TEST_F(WebhookHttps, MissingCaFileFailsAtConstruction) {
  auto options = Options(false);
  options.ca_file = pki_.Path("does-not-exist.pem");
  EXPECT_THROW(HttpClient client(options), std::runtime_error);
}

}  // namespace
}  // namespace rt::webhooks
