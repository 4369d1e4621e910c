#include "webhooks/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "core/encoding.h"

namespace rt::webhooks {
namespace {

namespace fs = std::filesystem;

const std::string kHexKey(64, 'a');  // 32 bytes of 0xaa

SecretBox Box(std::string_view material) {
  auto box = SecretBox::FromKeyMaterial(material);
  EXPECT_TRUE(box.ok()) << box.error().message;
  return std::move(*box);
}

class TempDir {
 public:
  TempDir() : path_(fs::path(::testing::TempDir()) / NewId("secret_box")) {}
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(SecretBox, RoundTripWithAFreshNonceEachTime) {
  SecretBox box = Box(kHexKey);
  for (std::string plain :
       {std::string(), std::string("whsec_abc"), std::string(5000, 'x'), std::string("\x00\xff binary", 9)}) {
    auto a = box.Seal(plain);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->rfind("v1:", 0), 0u);
    if (plain.size() > 3) {
      EXPECT_EQ(a->find(plain), std::string::npos);  // not stored in clear
    }
    auto b = box.Seal(plain);
    ASSERT_TRUE(b.ok());
    EXPECT_NE(*a, *b);  // random nonce
    auto opened = box.Open(*a);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, plain);
    EXPECT_EQ(*box.Open(*b), plain);
  }
}

// The stored format and the key derivation must never drift (that would strand every stored
// secret): values computed independently with Node's crypto (createCipheriv('aes-256-gcm'),
// hkdfSync('sha256', passphrase, 'realtime-secret-box', 'v1', 32)).
TEST(SecretBox, FormatAndDerivationAreStable) {
  SecretBox box = Box(kHexKey);
  EXPECT_EQ(box.key_id(), "e0e77a50");
  auto opened = box.Open("v1:AAECAwQFBgcICQoL7bCjkZfTl4/PI2JiL8ROtyRCuzVAAn3bFsG+");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "whsec_fixed");
  EXPECT_EQ(Box("correct horse battery staple").key_id(), "ce12f927");
}

TEST(SecretBox, TamperingIsDetected) {
  SecretBox box = Box(kHexKey);
  const std::string sealed = *box.Seal("whsec_secret_value");
  auto raw = *Base64Decode(sealed.substr(3));
  std::vector<std::string> bad = {"",
                                  "v1:",
                                  "v2:" + sealed.substr(3),
                                  sealed.substr(3),
                                  "v1:!!!!",
                                  "v1:" + Base64Encode(raw.substr(0, 27)),
                                  sealed.substr(0, sealed.size() - 4)};
  for (size_t i = 0; i < raw.size(); i += 5) {  // flip a bit in the nonce, the ciphertext and the tag
    std::string t = raw;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    bad.push_back("v1:" + Base64Encode(t));
  }
  for (const auto& text : bad) {
    auto r = box.Open(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    EXPECT_NE(r.error().message.find("wrong REALTIME_SECRET_KEY"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(*box.Open(sealed), "whsec_secret_value");
}

TEST(SecretBox, WrongKeyFails) {
  SecretBox a = Box(kHexKey);
  SecretBox b = Box(std::string(64, 'b'));
  EXPECT_NE(a.key_id(), b.key_id());
  auto r = b.Open(*a.Seal("whsec_x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_NE(r.error().message.find("wrong REALTIME_SECRET_KEY? key id " + b.key_id()), std::string::npos)
      << r.error().message;
}

TEST(SecretBox, KeyMaterialFormats) {
  const std::string bytes(32, '\xaa');
  SecretBox hex = Box(kHexKey);
  EXPECT_EQ(hex.key_id(), LowerHex(Sha256(bytes)).substr(0, 8));
  EXPECT_EQ(hex.key_id().size(), 8u);
  // The same 32 bytes in base64, padded or not, URL-safe or not, with surrounding whitespace.
  std::string b64 = Base64Encode(bytes);
  std::string url = b64;
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  for (const std::string& m : {b64, b64.substr(0, 43), url, "  " + b64 + "\n", std::string(64, 'A')}) {
    EXPECT_EQ(Box(m).key_id(), hex.key_id()) << m;  // (64 'A's is hex, not base64)
  }
  // A passphrase is stretched (HKDF): deterministic, and unlike its neighbours.
  SecretBox p1 = Box("correct horse battery staple");
  EXPECT_EQ(p1.key_id(), Box("correct horse battery staple").key_id());
  EXPECT_NE(p1.key_id(), Box("correct horse battery stapler").key_id());
  EXPECT_EQ(*Box("correct horse battery staple").Open(*p1.Seal("s")), "s");
  EXPECT_TRUE(SecretBox::FromKeyMaterial("0123456789abcdef").ok());  // 16 characters: the minimum
}

TEST(SecretBox, BadKeyMaterialIsRejected) {
  for (std::string bad : {"", "   \n", "short", "0123456789abcde", "   0123456789abcde   "}) {
    auto r = SecretBox::FromKeyMaterial(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation);
    EXPECT_NE(r.error().message.find("REALTIME_SECRET_KEY"), std::string::npos);
  }
}

TEST(SecretBox, KeyFileIsCreatedPrivateAndReloaded) {
  TempDir dir;
  const std::string path = (dir.path() / "nested" / "dirs" / "secret.key").string();
  auto first = SecretBox::LoadOrCreateKeyFile(path);
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(Base64Decode(content)->size(), 32u);
  EXPECT_EQ(Box(content).key_id(), first->key_id());
  const std::string sealed = *first->Seal("whsec_persisted");

  auto again = SecretBox::LoadOrCreateKeyFile(path);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->key_id(), first->key_id());
  EXPECT_EQ(*again->Open(sealed), "whsec_persisted");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "nested" / "dirs"), fs::directory_iterator()), 1)
      << "no temporary file left behind";
}

TEST(SecretBox, ConcurrentCreatorsAgreeOnOneKey) {
  TempDir dir;
  const std::string path = (dir.path() / "secret.key").string();
  std::vector<std::string> ids(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      auto box = SecretBox::LoadOrCreateKeyFile(path);
      ids[i] = box.ok() ? box->key_id() : "error: " + box.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(ids[0].size(), 8u) << ids[0];
}

TEST(SecretBox, BadKeyFiles) {
  TempDir dir;
  fs::create_directories(dir.path());
  const std::string garbage = (dir.path() / "garbage.key").string();
  std::ofstream(garbage) << "nope\n";
  auto r = SecretBox::LoadOrCreateKeyFile(garbage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidation);
  EXPECT_NE(r.error().message.find(garbage), std::string::npos);
  // A directory where the file should be cannot be read as a key.
  const std::string is_dir = (dir.path() / "dir.key").string();
  fs::create_directories(is_dir);
  auto d = SecretBox::LoadOrCreateKeyFile(is_dir);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kInternal);
}

TEST(SecretBox, ConstMethodsAreSafeAcrossThreads) {
  const SecretBox box = Box(kHexKey);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string plain = "secret-" + std::to_string(t) + "-" + std::to_string(i);
        auto sealed = box.Seal(plain);
        auto opened = sealed.ok() ? box.Open(*sealed) : Result<std::string>(sealed.error());
        if (!opened.ok() || *opened != plain) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace rt::webhooks
