#include "ws_client.h"

#include <netinet/in.h>

#include <array>
#include <cstring>
#include <random>

#include <boost/asio/write.hpp>

namespace loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr size_t kReadChunk = 256 * 1024;
constexpr int kReadsPerWakeup = 8;
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
}  // namespace

WsClient::WsClient(asio::io_context& io, const Target& target, WsListener& listener, uint32_t index)
    : socket_(io), target_(target), listener_(listener), index_(index) {
  static thread_local std::mt19937 rng(std::random_device{}());
  mask_ = rng() | 0x01010101u;  // never a zero byte: keeps masking visible in captures
}

void WsClient::Start() {
  boost::system::error_code ec;
  tcp::endpoint remote(asio::ip::make_address(target_.host, ec), target_.port);
  if (ec) return Fail("bad host " + target_.host);
  socket_.open(tcp::v4(), ec);
  if (ec) return Fail("socket: " + ec.message());
  if (!target_.source_ip.empty()) {
    int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    socket_.bind(tcp::endpoint(asio::ip::make_address(target_.source_ip), 0), ec);
    if (ec) return Fail("bind " + target_.source_ip + ": " + ec.message());
  }
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.async_connect(remote, [self = shared_from_this()](const boost::system::error_code& e) {
    if (e) return self->Fail("connect: " + e.message());
    self->OnConnected();
  });
}

void WsClient::OnConnected() {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  state_ = State::kUpgrading;
  std::string req = "GET " + target_.path + " HTTP/1.1\r\nHost: " + target_.host + ":" + std::to_string(target_.port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (target_.proto == Proto::kWs && !target_.token.empty()) req += "Authorization: Bearer " + target_.token + "\r\n";
  req += "\r\n";
  wbuf_ += req;
  Flush();
  WaitReadable();
}

void WsClient::WaitReadable() {
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (self->state_ == State::kClosed) return;
    if (ec) return self->Fail("wait: " + ec.message());
    self->OnReadable();
  });
}

void WsClient::OnReadable() {
  thread_local std::array<char, kReadChunk> buf;
  for (int i = 0; i < kReadsPerWakeup && state_ != State::kClosed; ++i) {
    boost::system::error_code ec;
    size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) return Fail(ec == asio::error::eof ? "closed by server (EOF)" : "read: " + ec.message());
    Consume(buf.data(), n);
    if (n < buf.size()) break;
  }
  if (state_ != State::kClosed) WaitReadable();
}

void WsClient::Consume(const char* data, size_t n) {
  std::string_view in;
  bool buffered = !rbuf_.empty() || state_ == State::kUpgrading;
  if (buffered) {
    rbuf_.append(data, n);
    in = rbuf_;
  } else {
    in = std::string_view(data, n);
  }
  if (state_ == State::kUpgrading) {
    size_t end = in.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (rbuf_.size() > 16384) Fail("upgrade response too large");
      return;
    }
    std::string_view head = in.substr(0, end);
    if (head.substr(0, 13) != "HTTP/1.1 101 ") {
      size_t eol = head.find("\r\n");
      return Fail("upgrade refused: " + std::string(head.substr(0, eol)));
    }
    in.remove_prefix(end + 4);
    if (target_.proto == Proto::kWs) {
      state_ = State::kReady;
      listener_.OnReady(*this);
    } else {
      state_ = State::kSioOpening;
    }
  }
  if (state_ == State::kClosed || !ParseFrames(in)) return;
  if (buffered) {
    rbuf_.erase(0, rbuf_.size() - in.size());
    if (rbuf_.empty() && rbuf_.capacity() > 65536) std::string().swap(rbuf_);
  } else {
    rbuf_.assign(in);
  }
}

bool WsClient::ParseFrames(std::string_view& in) {
  while (in.size() >= 2) {
    auto b0 = static_cast<uint8_t>(in[0]), b1 = static_cast<uint8_t>(in[1]);
    size_t hdr = 2;
    uint64_t len = b1 & 0x7f;
    if (len == 126) {
      if (in.size() < 4) break;
      len = (uint64_t(uint8_t(in[2])) << 8) | uint8_t(in[3]);
      hdr = 4;
    } else if (len == 127) {
      if (in.size() < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | uint8_t(in[2 + i]);
      hdr = 10;
    }
    if (b1 & 0x80) {
      Fail("server sent a masked frame");
      return false;
    }
    if (in.size() < hdr + len) break;
    std::string_view payload = in.substr(hdr, len);
    in.remove_prefix(hdr + len);
    uint8_t op = b0 & 0x0f;
    bool fin = b0 & 0x80;
    if (op == 0 || !fin) {  // fragmented message (rare: our server and ws@8 send whole frames)
      if (op != 0) fragment_.assign(1, char(op));
      fragment_.append(payload);
      if (!fin) continue;
      std::string whole = std::move(fragment_);
      fragment_.clear();
      OnFrame(uint8_t(whole[0]), std::string_view(whole).substr(1));
    } else {
      OnFrame(op, payload);
    }
    if (state_ == State::kClosed) return false;
  }
  return true;
}

void WsClient::OnFrame(uint8_t opcode, std::string_view payload) {
  switch (opcode) {
    case 1:
    case 2: return OnText(payload);
    case 8: {
      uint16_t code = payload.size() >= 2 ? uint16_t((uint8_t(payload[0]) << 8) | uint8_t(payload[1])) : 1005;
      std::string reason(payload.size() > 2 ? payload.substr(2) : std::string_view());
      SendFrame(8, payload.substr(0, std::min<size_t>(2, payload.size())));
      return Fail("closed by server: " + std::to_string(code) + " " + reason);
    }
    case 9: return SendFrame(10, payload);
    default: return;
  }
}

void WsClient::OnText(std::string_view text) {
  if (target_.proto == Proto::kWs) return listener_.OnMessage(*this, text);
  if (text.empty()) return;
  switch (text[0]) {
    case '0':  // Engine.IO open: connect the main namespace with the token
      if (state_ == State::kSioOpening) {
        state_ = State::kSioConnecting;
        Send("0{\"token\":\"" + target_.token + "\"}");
      }
      return;
    case '1': return Fail("engine.io close");
    case '2': return SendFrame(1, "3");  // ping -> pong
    case '4': break;
    default: return;
  }
  std::string_view packet = text.substr(1);
  if (state_ == State::kSioConnecting) {
    if (!packet.empty() && packet[0] == '0') {
      state_ = State::kReady;
      return listener_.OnReady(*this);
    }
    if (!packet.empty() && packet[0] == '4') return Fail("socket.io connect error: " + std::string(packet));
  }
  listener_.OnMessage(*this, packet);
}

void WsClient::Send(std::string_view text) {
  if (state_ == State::kClosed) return;
  if (target_.proto == Proto::kSio) {
    // Engine.IO message packet "4" + Socket.IO packet.
    std::string framed;
    framed.reserve(text.size() + 1);
    framed += '4';
    framed += text;
    return SendFrame(1, framed);
  }
  SendFrame(1, text);
}

void WsClient::SendFrame(uint8_t opcode, std::string_view payload) {
  if (state_ == State::kClosed) return;
  size_t start = wbuf_.size();
  wbuf_ += char(0x80 | opcode);
  if (payload.size() < 126) {
    wbuf_ += char(0x80 | payload.size());
  } else if (payload.size() < 65536) {
    wbuf_ += char(0x80 | 126);
    wbuf_ += char(payload.size() >> 8);
    wbuf_ += char(payload.size() & 0xff);
  } else {
    wbuf_ += char(0x80 | 127);
    for (int i = 7; i >= 0; --i) wbuf_ += char((uint64_t(payload.size()) >> (8 * i)) & 0xff);
  }
  char key[4];
  std::memcpy(key, &mask_, 4);
  wbuf_.append(key, 4);
  size_t off = wbuf_.size();
  wbuf_.append(payload);
  for (size_t i = 0; i < payload.size(); ++i) wbuf_[off + i] ^= key[i & 3];
  (void)start;
  Flush();
}

void WsClient::Flush() {
  if (writing_ || wbuf_.empty() || state_ == State::kClosed) return;
  writing_ = true;
  inflight_.swap(wbuf_);
  asio::async_write(socket_, asio::buffer(inflight_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->writing_ = false;
                      self->inflight_.clear();
                      if (ec) return self->Fail("write: " + ec.message());
                      self->Flush();
                    });
}

void WsClient::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ec;
  socket_.close(ec);
}

void WsClient::Fail(const std::string& why) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ec;
  socket_.close(ec);
  listener_.OnClosed(*this, why);
}

}  // namespace loadgen
