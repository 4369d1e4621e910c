#include "webhooks/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/ids.h"
#include "core/encoding.h"

namespace rt::webhooks {
namespace {

using Key = std::array<unsigned char, SecretBox::kKeyBytes>;

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxPlaintext = 1 << 20;
constexpr size_t kMinPassphrase = 16;
constexpr size_t kMaxKeyFileBytes = 4096;
constexpr std::string_view kPrefix = "v1:";
constexpr std::string_view kHkdfSalt = "realtime-secret-box";
constexpr std::string_view kHkdfInfo = "v1";

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::optional<Key> ToKey(const std::optional<std::string>& bytes) {
  if (!bytes || bytes->size() != SecretBox::kKeyBytes) return std::nullopt;
  Key k;
  std::memcpy(k.data(), bytes->data(), k.size());
  return k;
}

// Base64 in either alphabet, padding optional.
std::optional<std::string> LenientBase64(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (s.size() % 4 == 1) return std::nullopt;
  s.append((4 - s.size() % 4) % 4, '=');
  return Base64Decode(s);
}

std::optional<Key> Hkdf(std::string_view passphrase) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  Key k;
  size_t len = k.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), Bytes(kHkdfSalt), static_cast<int>(kHkdfSalt.size())) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(passphrase), static_cast<int>(passphrase.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(kHkdfInfo), static_cast<int>(kHkdfInfo.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), k.data(), &len) <= 0 || len != k.size()) {
    return std::nullopt;
  }
  return k;
}

// The key in text, by the rules of the header; nullopt when it is none of them.
std::optional<Key> ParseKey(std::string_view text) {
  text = Trim(text);
  if (text.size() == 2 * SecretBox::kKeyBytes) {
    if (auto k = ToKey(HexDecode(text))) return k;
  }
  if (auto k = ToKey(LenientBase64(text))) return k;
  if (text.size() >= kMinPassphrase) return Hkdf(text);
  return std::nullopt;
}

std::string SysError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// The key file's content; nullopt (errno ENOENT) when it does not exist.
Result<std::optional<std::string>> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Error::Internal(SysError("Cannot open key file", path));
  }
  std::string content(kMaxKeyFileBytes + 1, '\0');
  size_t used = 0;
  while (used < content.size()) {
    ssize_t n = ::read(fd, content.data() + used, content.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Error::Internal(SysError("Cannot read key file", path));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  if (used > kMaxKeyFileBytes) return Error::Validation("Key file " + path + " is too large to be a key");
  content.resize(used);
  return std::optional<std::string>(std::move(content));
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::Internal(std::string("write: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

// Writes content to a private temporary file beside path and links it into place, so readers
// never see a partial file and a concurrent creator's file wins without being overwritten.
// Returns false when path appeared meanwhile.
Result<bool> PublishKeyFile(const std::string& path, std::string_view content) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return Error::Internal("Cannot create directory " + p.parent_path().string() + ": " + ec.message());
  std::string tmp = path + ".tmp-" + RandomHex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Internal(SysError("Cannot create key file", tmp));
  Status st = ::fchmod(fd, 0600) == 0 ? WriteAll(fd, content) : Error::Internal(std::strerror(errno));
  if (st.ok() && ::fsync(fd) != 0) st = Error::Internal(std::string("fsync: ") + std::strerror(errno));
  ::close(fd);
  bool linked = false;
  if (st.ok()) {
    linked = ::link(tmp.c_str(), path.c_str()) == 0;
    if (!linked && errno != EEXIST) st = Error::Internal(SysError("Cannot create key file", path));
  }
  ::unlink(tmp.c_str());
  if (!st.ok()) return Error::Internal("Key file " + path + ": " + st.error().message);
  if (linked) {  // make the new directory entry durable before anything is sealed with the key
    int dir = ::open(p.has_parent_path() ? p.parent_path().c_str() : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  return linked;
}

Error CannotDecrypt(const std::string& key_id) {
  return Error::Internal("Cannot decrypt stored secret (wrong REALTIME_SECRET_KEY? key id " + key_id + ")");
}

}  // namespace

SecretBox::SecretBox(const Key& key) : key_(key) {
  std::string_view raw(reinterpret_cast<const char*>(key_.data()), key_.size());
  key_id_ = LowerHex(Sha256(raw)).substr(0, 8);
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<SecretBox> SecretBox::FromKeyMaterial(std::string_view key) {
  auto k = ParseKey(key);
  if (!k) {
    return Error::Validation(
        "REALTIME_SECRET_KEY must be 32 bytes as 64 hex characters or base64, or a passphrase of at least 16 "
        "characters");
  }
  SecretBox box(*k);
  OPENSSL_cleanse(k->data(), k->size());
  return box;
}

Result<SecretBox> SecretBox::LoadOrCreateKeyFile(const std::string& path) {
  for (int round = 0; round < 2; ++round) {
    auto content = ReadKeyFile(path);
    if (!content.ok()) return content.take_error();
    if (*content) {
      auto k = ParseKey(**content);
      OPENSSL_cleanse((*content)->data(), (*content)->size());
      if (!k) {
        return Error::Validation("Key file " + path +
                                 " does not hold key material (32 bytes in base64 or hex, or a passphrase)");
      }
      SecretBox box(*k);
      OPENSSL_cleanse(k->data(), k->size());
      return box;
    }
    Key k;
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) return Error::Internal("RAND_bytes failed");
    std::string text = Base64Encode(std::string_view(reinterpret_cast<const char*>(k.data()), k.size())) + "\n";
    auto published = PublishKeyFile(path, text);
    OPENSSL_cleanse(text.data(), text.size());
    SecretBox box(k);
    OPENSSL_cleanse(k.data(), k.size());
    if (!published.ok()) return published.take_error();
    if (*published) return box;
    // Another process created the file first: read its key.
  }
  return Error::Internal("Key file " + path + " keeps disappearing");
}

Result<std::string> SecretBox::Seal(std::string_view plaintext) const {
  if (plaintext.size() > kMaxPlaintext) return Error::Validation("Secret is too large to seal (over 1 MiB)");
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  unsigned char* nonce = Bytes(raw);
  unsigned char* cipher = nonce + kNonceBytes;
  if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1) return Error::Internal("RAND_bytes failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0, tail = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &len, Bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &tail) != 1 || static_cast<size_t>(len + tail) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), cipher + plaintext.size()) !=
          1) {
    return Error::Internal("AES-256-GCM encryption failed");
  }
  return std::string(kPrefix) + Base64Encode(raw);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return CannotDecrypt(key_id_);
  auto raw = Base64Decode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return CannotDecrypt(key_id_);
  const size_t n = raw->size() - kNonceBytes - kTagBytes;
  unsigned char* nonce = Bytes(*raw);
  unsigned char* cipher = nonce + kNonceBytes;
  std::string plain(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0, tail = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), Bytes(plain), &len, cipher, static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), cipher + n) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + len, &tail) == 1 && static_cast<size_t>(len + tail) == n;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return CannotDecrypt(key_id_);
  }
  return plain;
}

}  // namespace rt::webhooks
