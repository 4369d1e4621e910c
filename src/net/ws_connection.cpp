#include "net/ws_connection_impl.h"

#include <array>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace rt::net {

namespace asio = boost::asio;
namespace ws = protocol::ws;
using tcp = asio::ip::tcp;

namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerWakeup = 4;  // fairness between connections on one thread
constexpr auto kCloseGrace = std::chrono::seconds(2);
}  // namespace

WsConnectionImpl::WsConnectionImpl(tcp::socket socket, size_t shard, uint64_t id, std::string remote_ip,
                                   std::shared_ptr<WsHandler> handler, const WsOptions& options,
                                   WsCounters& counters, std::function<void(Closable*)> on_gone)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      shard_(shard),
      id_(id),
      remote_ip_(std::move(remote_ip)),
      handler_(std::move(handler)),
      options_(options),
      counters_(counters),
      on_gone_(std::move(on_gone)),
      parser_(options.max_message_bytes) {
  counters_.open.fetch_add(1);
  counters_.accepted.fetch_add(1);
}

WsConnectionImpl::~WsConnectionImpl() {
  counters_.open.fetch_sub(1);
  if (on_gone_) on_gone_(this);
}

void WsConnectionImpl::Start(std::string initial) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  last_inbound_ = std::chrono::steady_clock::now();
  handler_->OnOpen(*this);
  if (!initial.empty() && !Consume(initial)) return;
  if (terminated_) return;
  ArmTimer();
  WaitReadable();
}

void WsConnectionImpl::WaitReadable() {
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return self->Terminate(1006, "connection lost");
    self->OnReadable();
  });
}

// Replies to what one wake-up read (a burst of requests) leave in one write: Flush is deferred
// while reading_ and done once at the end.
void WsConnectionImpl::OnReadable() {
  thread_local std::array<char, kReadChunk> buf;
  reading_ = true;
  bool keep_reading = true;
  for (int i = 0; i < kReadsPerWakeup && !terminated_; ++i) {
    boost::system::error_code ec;
    size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      reading_ = false;
      return Terminate(closing_ ? close_code_ : 1006, closing_ ? close_reason_ : "connection lost");
    }
    last_inbound_ = std::chrono::steady_clock::now();
    if (!Consume(std::string_view(buf.data(), n))) {
      keep_reading = false;
      break;
    }
    if (n < buf.size()) break;
  }
  reading_ = false;
  Flush();
  if (keep_reading && !terminated_) WaitReadable();
}

bool WsConnectionImpl::Consume(std::string_view bytes) {
  std::vector<ws::Message> messages;
  ws::ParseError err = parser_.Feed(bytes, messages);
  for (auto& m : messages) {
    if (terminated_) return false;
    switch (m.kind) {
      case ws::Message::kPing:
        if (!closing_) WriteRaw(ws::EncodeFrame(ws::Opcode::kPong, m.data));
        break;
      case ws::Message::kPong: break;
      case ws::Message::kClose: {
        // Echo the close (unless we started it), then end the connection.
        if (close_deadline_ == std::chrono::steady_clock::time_point{}) {
          Close(m.close_code == 1005 ? ws::close_code::kNormal : m.close_code, "");
          close_reason_ = m.data;
        }
        if (close_sent_) {
          Terminate(close_code_, close_reason_);
          return false;
        }
        return true;  // terminate once our close frame is written
      }
      default:
        if (!closing_) handler_->OnMessage(*this, std::move(m));
    }
  }
  if (err.close_code) {
    counters_.protocol_errors.fetch_add(1);
    Close(err.close_code, err.reason);
    return !terminated_;
  }
  parser_.Shrink();
  return true;
}

void WsConnectionImpl::SendText(std::string_view text) {
  if (closing_ || terminated_) return;
  Enqueue(std::make_shared<const std::string>(ws::EncodeFrame(ws::Opcode::kText, text)));
  Flush();
}

bool WsConnectionImpl::Enqueue(const std::shared_ptr<const std::string>& frame) {
  if (closing_ || terminated_) return false;
  queued_bytes_ += frame->size();
  queue_.push_back(frame);
  if (queued_bytes_ > options_.max_queue_bytes) {
    counters_.slow_consumers.fetch_add(1);
    queue_.clear();
    queued_bytes_ = 0;
    for (auto& f : inflight_) queued_bytes_ += f->size();
    // Do not re-enter the caller (the hub's fan-out): close on the next turn.
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->Close(ws::close_code::kSlowConsumer, "slow consumer: send queue limit exceeded");
    });
    closing_ = true;  // nothing more is queued; Close() below still sends the close frame
    return false;
  }
  return true;
}

// Control frames (pongs, our pings) count against max_queue_bytes like everything else: a
// client that floods pings and never reads is a slow consumer too (4008).
void WsConnectionImpl::WriteRaw(std::string frame) {
  Enqueue(std::make_shared<const std::string>(std::move(frame)));
  Flush();
}

void WsConnectionImpl::Flush() {
  if (writing_ || reading_ || queue_.empty() || terminated_) return;
  writing_ = true;
  inflight_.swap(queue_);
  buffers_.clear();
  buffers_.reserve(inflight_.size());
  for (const auto& f : inflight_) buffers_.emplace_back(asio::buffer(*f));
  asio::async_write(socket_, buffers_, [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
    self->OnWritten(ec);
  });
}

void WsConnectionImpl::OnWritten(const boost::system::error_code& ec) {
  writing_ = false;
  for (const auto& f : inflight_) queued_bytes_ -= f->size();
  inflight_.clear();
  if (ec) return Terminate(1006, "write failed");
  if (closing_ && !close_sent_ && queue_.empty() && close_deadline_ != std::chrono::steady_clock::time_point{}) {
    close_sent_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    return;  // wait for the peer's close or EOF (or the deadline)
  }
  Flush();
}

void WsConnectionImpl::Close(uint16_t code, std::string_view reason) {
  if (terminated_ || close_deadline_ != std::chrono::steady_clock::time_point{}) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = std::string(reason);
  close_deadline_ = std::chrono::steady_clock::now() + kCloseGrace;
  auto frame = std::make_shared<const std::string>(ws::EncodeClose(code, reason));
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  ArmTimer();
  Flush();  // when a write is in flight, OnWritten flushes the close frame next
}

void WsConnectionImpl::Post(std::function<void()> fn) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), fn = std::move(fn)] {
    if (!self->terminated_) fn();
  });
}

void WsConnectionImpl::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  if (!aux_timer_) aux_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
  aux_timer_->expires_after(delay);
  aux_timer_->async_wait([self = shared_from_this(), fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec && !self->terminated_) fn();
  });
}

void WsConnectionImpl::BeginShutdown() {
  Post([this] { Close(ws::close_code::kServiceRestart, "server restart"); });
}

void WsConnectionImpl::ArmTimer() {
  auto now = std::chrono::steady_clock::now();
  auto next = now + options_.ping_interval;
  if (close_deadline_ != std::chrono::steady_clock::time_point{}) next = close_deadline_;
  timer_.expires_at(next);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->OnTimer();
  });
}

void WsConnectionImpl::OnTimer() {
  if (terminated_) return;
  auto now = std::chrono::steady_clock::now();
  if (close_deadline_ != std::chrono::steady_clock::time_point{}) {
    if (now >= close_deadline_) return Terminate(close_code_, close_reason_);
    return ArmTimer();
  }
  if (now - last_inbound_ > options_.ping_interval + options_.ping_timeout) {
    Close(ws::close_code::kIdleTimeout, "idle timeout");
    return;
  }
  WriteRaw(ws::EncodeFrame(ws::Opcode::kPing, ""));
  ArmTimer();
}

void WsConnectionImpl::Terminate(uint16_t code, const std::string& reason) {
  if (terminated_) return;
  terminated_ = true;
  closing_ = true;
  boost::system::error_code ec;
  timer_.cancel();
  if (aux_timer_) aux_timer_->cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  queue_.clear();
  auto handler = std::move(handler_);
  handler->OnClose(*this, code, reason);
}

}  // namespace rt::net
