#include "broker/resp_connection.h"

#include <hiredis/hiredis.h>
#include <strings.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <utility>

namespace rt::broker {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

RespReply Convert(const redisReply* r) {
  RespReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RespReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RespReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RespReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RespReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RespReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = RespReply::Type::kNil;
  }
  return out;
}

// A pub/sub push: ["message" | "smessage", channel, payload] or ["pmessage", pattern, channel, payload].
bool IsPush(const RespReply& r) {
  if (r.type != RespReply::Type::kArray || r.elements.size() < 3) return false;
  const auto& kind = r.elements[0].str;
  return ((kind == "message" || kind == "smessage") && r.elements.size() == 3) ||
         (kind == "pmessage" && r.elements.size() == 4);
}

// (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE: answered once per channel named.
bool IsSubscribe(const std::vector<std::string>& args) {
  if (args.empty()) return false;
  for (const char* c : {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"})
    if (strcasecmp(args[0].c_str(), c) == 0) return true;
  return false;
}

struct ReaderFree {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};

}  // namespace

class RespConnection::Impl : public std::enable_shared_from_this<Impl> {
 public:
  explicit Impl(asio::io_context& ioc)
      : ioc_(ioc), socket_(ioc), resolver_(ioc), timer_(ioc), reader_(redisReaderCreate()) {}

  void Connect(const RedisEndpoint& ep, std::chrono::milliseconds timeout, std::function<void(Status)> done) {
    if (state_ != State::kIdle) return;
    state_ = State::kConnecting;
    done_ = std::move(done);
    where_ = ep.Describe();
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || !self->Connecting()) return;
      self->Fail(Error::Unavailable("Redis connect timeout (" + self->where_ + ")"));
    });
    resolver_.async_resolve(ep.host, std::to_string(ep.port),
                            [self = shared_from_this(), ep](error_code ec, tcp::resolver::results_type results) {
                              if (self->state_ != State::kConnecting) return;
                              if (ec)
                                return self->Fail(Error::Unavailable("Redis resolve " + ep.host + ": " + ec.message()));
                              self->ConnectTcp(ep, results);
                            });
  }

  void Command(std::vector<std::string> args, ReplyCallback cb) {
    if (state_ == State::kClosed) {
      if (!user_closed_ && cb) {
        asio::post(ioc_,
                   [cb = std::move(cb), w = where_] { cb(Error::Unavailable("Redis connection lost (" + w + ")")); });
      }
      return;
    }
    int replies = 1;
    bool each = false;
    if (IsSubscribe(args)) {
      pubsub_ = true;
      replies = std::max<int>(1, static_cast<int>(args.size()) - 1);
      each = true;
    }
    AppendCommand(&out_, args);
    pending_.push_back({std::move(cb), replies, false, each});
    MaybeWrite();
  }

  void Close() {
    user_closed_ = true;
    state_ = State::kClosed;
    CloseSocket();
    pending_.clear();
    done_ = nullptr;
  }

  bool connected() const { return state_ == State::kReady; }
  size_t pending() const { return pending_.size(); }

  PushHandler push_handler_;
  CloseHandler close_handler_;

 private:
  enum class State { kIdle, kConnecting, kHandshake, kReady, kClosed };
  struct Pending {
    ReplyCallback cb;
    int replies;  // (un)subscribe commands: one confirmation per channel
    bool answered;
    bool each = false;  // the callback gets every reply (subscribe family), not just the first
  };

  bool Connecting() const { return state_ == State::kConnecting || state_ == State::kHandshake; }

  void ConnectTcp(const RedisEndpoint& ep, const tcp::resolver::results_type& results) {
    asio::async_connect(socket_, results, [self = shared_from_this(), ep](error_code ec, const tcp::endpoint&) {
      if (self->state_ != State::kConnecting) return;
      if (ec) return self->Fail(Error::Unavailable("Redis unreachable (" + self->where_ + "): " + ec.message()));
      error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->socket_.set_option(asio::socket_base::keep_alive(true), ignored);
      self->Handshake(ep);
    });
  }

  // AUTH and SELECT go in front of anything queued before the connection was up; the PING at
  // the end completes Connect.
  void Handshake(const RedisEndpoint& ep) {
    state_ = State::kHandshake;
    std::string head;
    std::deque<Pending> head_pending;
    auto add = [&](std::vector<std::string> args, ReplyCallback cb) {
      AppendCommand(&head, args);
      head_pending.push_back({std::move(cb), 1, false, false});
    };
    auto check = [this, self = shared_from_this()](const char* what) {
      return [this, self, what](Result<RespReply> r) {
        if (r.ok() && r->is_error() && Connecting()) Fail(Error::Unavailable(std::string(what) + ": " + r->str));
      };
    };
    if (!ep.password.empty()) {
      add(ep.user.empty() ? std::vector<std::string>{"AUTH", ep.password}
                          : std::vector<std::string>{"AUTH", ep.user, ep.password},
          check("Redis AUTH failed"));
    }
    if (ep.db != 0) add({"SELECT", std::to_string(ep.db)}, check("Redis SELECT failed"));
    add({"PING"}, [this, self = shared_from_this()](Result<RespReply> r) {
      if (!r.ok() || !Connecting()) return;  // Fail already reported it
      if (r->is_error()) return Fail(Error::Unavailable("Redis PING failed: " + r->str));
      state_ = State::kReady;
      timer_.cancel();
      if (auto done = std::exchange(done_, nullptr)) done(Ok());
    });
    out_.insert(0, head);
    pending_.insert(pending_.begin(), std::make_move_iterator(head_pending.begin()),
                    std::make_move_iterator(head_pending.end()));
    StartRead();
    MaybeWrite();
  }

  void MaybeWrite() {
    if (writing_ || out_.empty() || (state_ != State::kHandshake && state_ != State::kReady)) return;
    writing_ = true;
    wbuf_.swap(out_);
    out_.clear();
    asio::async_write(socket_, asio::buffer(wbuf_), [self = shared_from_this()](error_code ec, size_t) {
      self->writing_ = false;
      self->wbuf_.clear();
      if (self->state_ == State::kClosed) return;
      if (ec) return self->Fail(Error::Unavailable("Redis write failed (" + self->where_ + "): " + ec.message()));
      self->MaybeWrite();
    });
  }

  void StartRead() {
    socket_.async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](error_code ec, size_t n) {
      if (self->state_ == State::kClosed) return;  // includes operation_aborted after Close
      if (ec) {
        std::string why = ec == asio::error::eof ? "closed by server" : ec.message();
        return self->Fail(Error::Unavailable("Redis connection lost (" + self->where_ + "): " + why));
      }
      if (self->OnData(n)) self->StartRead();
    });
  }

  // Parses and dispatches every complete reply; false when the connection is gone.
  bool OnData(size_t n) {
    if (redisReaderFeed(reader_.get(), rbuf_.data(), n) != REDIS_OK) return ProtocolError();
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return ProtocolError();
      if (!raw) return true;
      RespReply reply = Convert(static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      Dispatch(std::move(reply));
      if (state_ == State::kClosed) return false;
    }
  }

  bool ProtocolError() {
    Fail(Error::Unavailable(std::string("Redis protocol error: ") + reader_->errstr));
    return false;
  }

  void Dispatch(RespReply&& reply) {
    if (pubsub_ && IsPush(reply)) {
      if (push_handler_) push_handler_(std::move(reply));
      return;
    }
    if (pending_.empty()) return Fail(Error::Unavailable("Redis sent a reply nobody asked for"));
    Pending& p = pending_.front();
    ReplyCallback cb;
    if (p.each) {
      // One confirmation per channel; an error (e.g. CROSSSLOT) is the command's only reply.
      if (--p.replies == 0 || reply.is_error()) {
        cb = std::move(p.cb);
        pending_.pop_front();
      } else {
        cb = p.cb;
      }
    } else {
      if (!p.answered) {
        cb = std::move(p.cb);
        p.answered = true;
      }
      if (--p.replies == 0) pending_.pop_front();
    }
    if (cb) cb(std::move(reply));
  }

  // Loss of the connection (or of the attempt): fail everything pending, tell the owner once.
  void Fail(const Error& error) {
    if (state_ == State::kClosed) return;
    bool was_ready = state_ == State::kReady;
    state_ = State::kClosed;
    CloseSocket();
    auto pending = std::exchange(pending_, {});
    auto done = std::exchange(done_, nullptr);
    for (auto& p : pending) {
      if (p.cb && !p.answered) p.cb(error);
      if (user_closed_) return;
    }
    if (!was_ready && done) {
      done(error);
    } else if (was_ready && close_handler_) {
      close_handler_(error);
    }
  }

  void CloseSocket() {
    error_code ignored;
    timer_.cancel();
    resolver_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  asio::io_context& ioc_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  State state_ = State::kIdle;
  bool user_closed_ = false;
  bool pubsub_ = false;
  bool writing_ = false;
  std::string where_;
  std::function<void(Status)> done_;
  std::deque<Pending> pending_;
  std::string out_;   // encoded commands not yet handed to the socket
  std::string wbuf_;  // the write in flight
  std::array<char, 16384> rbuf_{};
};

RespConnection::RespConnection(asio::io_context& ioc) : impl_(std::make_shared<Impl>(ioc)) {}
RespConnection::~RespConnection() { impl_->Close(); }

void RespConnection::Connect(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout,
                             std::function<void(Status)> done) {
  impl_->Connect(endpoint, timeout, std::move(done));
}
void RespConnection::Command(std::vector<std::string> args, ReplyCallback cb) {
  impl_->Command(std::move(args), std::move(cb));
}
void RespConnection::SetPushHandler(PushHandler handler) { impl_->push_handler_ = std::move(handler); }
void RespConnection::SetCloseHandler(CloseHandler handler) { impl_->close_handler_ = std::move(handler); }
void RespConnection::Close() { impl_->Close(); }
bool RespConnection::connected() const { return impl_->connected(); }
size_t RespConnection::pending() const { return impl_->pending(); }

}  // namespace rt::broker
