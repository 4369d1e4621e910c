#include "core/ids.h"

#include <openssl/rand.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <vector>

namespace rt {
namespace {

void AppendHex(std::string& out, const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
}

}  // namespace

std::string NewId(std::string_view prefix) {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  uint64_t r = gen();
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(r >> (56 - 8 * i));
  std::string out;
  out.reserve(prefix.size() + 17);
  out.append(prefix);
  out += '_';
  AppendHex(out, bytes, 8);
  return out;
}

std::string NewSocketId() {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char buf[15];
  if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out;
  out.reserve(20);
  for (size_t i = 0; i < sizeof buf; i += 3) {
    uint32_t v = (uint32_t{buf[i]} << 16) | (uint32_t{buf[i + 1]} << 8) | buf[i + 2];
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  return out;
}

std::string RandomHex(size_t n_bytes) {
  std::vector<unsigned char> buf(n_bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(n_bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out;
  out.reserve(n_bytes * 2);
  AppendHex(out, buf.data(), n_bytes);
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace rt
