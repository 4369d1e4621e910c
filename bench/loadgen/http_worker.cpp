// Role http: sync document merges (PATCH /api/sync/:service/documents/:id/merge) over HTTP/1.1
// keep-alive connections, each closed-loop (next request when the response arrives), over
// --docs documents (default: one per connection): connection i owns documents i, i+conns, ...
// and merges them in turn, so no two connections write one document. Before GO, each
// connection creates its documents with POST (409: already there, fine); a 404 there means the
// sync API is absent:
// the worker then reports "READY 0 <conns> SKIP ..." and the coordinator skips the scenario.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "histogram.h"
#include "worker.h"

namespace loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct HttpConfig {
  std::string host, token, service, doc_prefix;
  uint16_t port = 3000;
};

class HttpConn : public std::enable_shared_from_this<HttpConn> {
 public:
  using Done = std::function<void(int status, std::string_view body)>;
  HttpConn(asio::io_context& io, const HttpConfig& cfg) : socket_(io), cfg_(cfg) {}

  void Connect(std::function<void(bool)> done) {
    boost::system::error_code ec;
    tcp::endpoint ep(asio::ip::make_address(cfg_.host, ec), cfg_.port);
    socket_.async_connect(ep, [self = shared_from_this(), done](const boost::system::error_code& e) {
      if (!e) self->socket_.set_option(tcp::no_delay(true));
      done(!e);
    });
  }

  void Request(const std::string& method, const std::string& path, const std::string& body, Done done) {
    done_ = std::move(done);
    out_ = method + " " + path + " HTTP/1.1\r\nHost: " + cfg_.host + "\r\nAuthorization: Bearer " + cfg_.token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
      if (ec) return self->Finish(0, "write failed");
      self->ReadHead();
    });
  }

 private:
  void ReadHead() {
    asio::async_read_until(socket_, in_, "\r\n\r\n", [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
      if (ec) return self->Finish(0, "read failed");
      std::string head(asio::buffers_begin(self->in_.data()), asio::buffers_begin(self->in_.data()) + long(n));
      self->in_.consume(n);
      int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
      std::string lower = head;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
      size_t cl = lower.find("content-length:");
      size_t len = cl == std::string::npos ? 0 : size_t(std::atoll(lower.c_str() + cl + 15));
      self->ReadBody(status, len);
    });
  }

  void ReadBody(int status, size_t len) {
    if (in_.size() >= len) {
      std::string body(asio::buffers_begin(in_.data()), asio::buffers_begin(in_.data()) + long(len));
      in_.consume(len);
      return Finish(status, body);
    }
    asio::async_read(socket_, in_, asio::transfer_exactly(len - in_.size()),
                     [self = shared_from_this(), status, len](const boost::system::error_code& ec, size_t) {
                       if (ec) return self->Finish(0, "read failed");
                       self->ReadBody(status, len);
                     });
  }

  void Finish(int status, std::string_view body) {
    auto d = std::move(done_);
    if (d) d(status, body);
  }

  tcp::socket socket_;
  const HttpConfig& cfg_;
  std::string out_;
  asio::streambuf in_;
  Done done_;
};

class HttpWorker {
 public:
  HttpWorker(asio::io_context& io, const Args& a) : io_(io), in_(io, ::dup(STDIN_FILENO)) {
    cfg_.host = a.Str("host", "127.0.0.1");
    cfg_.port = uint16_t(a.Int("port", 3000));
    cfg_.token = a.Str("token");
    cfg_.service = a.Str("service", "bench");
    cfg_.doc_prefix = a.Str("doc-prefix", "doc");
    conns_ = uint32_t(a.Int("conns", 4));
    docs_ = std::max<uint32_t>(conns_, uint32_t(a.Int("docs", conns_)));
    next_.assign(conns_, 0);
  }

  void Run() {
    ReadCommand();
    for (uint32_t i = 0; i < conns_; ++i) {
      auto c = std::make_shared<HttpConn>(io_, cfg_);
      conns_list_.push_back(c);
      c->Connect([this, i](bool ok) {
        if (!ok) return Setup(false, "connect failed");
        Create(i, i);
      });
    }
  }

 private:
  // Creates connection i's documents doc, doc + conns, ... one after another, then reports.
  void Create(uint32_t i, uint32_t doc) {
    if (doc >= docs_) return Setup(true, "");
    std::string create = "{\"id\":\"" + DocId(doc) + "\",\"data\":{\"n\":0,\"ts\":0}}";
    conns_list_[i]->Request("POST", "/api/sync/" + cfg_.service + "/documents", create,
                            [this, i, doc](int status, std::string_view body) {
                              std::string text = "HTTP " + std::to_string(status) + " " + std::string(body.substr(0, 120));
                              if (status == 404)
                                return Setup(false, "SKIP sync API absent: POST /api/sync/.../documents answered " + text);
                              if (!((status >= 200 && status < 300) || status == 409))
                                return Setup(false, "create document: " + text);
                              Create(i, doc + conns_);
                            });
  }

  std::string DocId(uint32_t i) const { return cfg_.doc_prefix + std::to_string(i); }
  std::string DocPath(uint32_t i) const { return "/api/sync/" + cfg_.service + "/documents/" + DocId(i); }

  void Setup(bool ok, const std::string& why) {
    (ok ? ok_ : failed_)++;
    if (!ok && note_.empty()) note_ = why;
    if (ok_ + failed_ == conns_) Report("READY " + std::to_string(ok_) + " " + std::to_string(failed_) + " " + (note_.empty() ? "-" : note_));
  }

  void Loop(uint32_t i) {
    if (!running_) return;
    uint64_t seq = sent_++;
    uint64_t start = NowNs();
    std::string body = "{\"data\":{\"ts\":" + std::to_string(start) + ",\"n\":" + std::to_string(seq) + "}}";
    uint32_t doc = i + conns_ * next_[i];
    next_[i] = i + conns_ * (next_[i] + 1) < docs_ ? next_[i] + 1 : 0;
    conns_list_[i]->Request("PATCH", DocPath(doc) + "/merge", body, [this, i, start](int status, std::string_view text) {
      if (status >= 200 && status < 300) {
        ++acks_;
        hist_.Record((NowNs() - start) / 1000);  // request latency (the coordinator reports it separately)
      } else {
        ++errors_;
        if (first_error_.empty()) first_error_ = "HTTP " + std::to_string(status) + " " + std::string(text.substr(0, 120));
        if (status == 0) return;  // connection gone
      }
      Loop(i);
    });
  }

  void ReadCommand() {
    asio::async_read_until(in_, inbuf_, '\n', [this](const boost::system::error_code& ec, size_t) {
      if (ec) return io_.stop();
      std::istream is(&inbuf_);
      std::string line, cmd;
      std::getline(is, line);
      std::istringstream in(line);
      in >> cmd;
      if (cmd == "GO") {
        running_ = true;
        for (uint32_t i = 0; i < conns_list_.size(); ++i) Loop(i);
      } else if (cmd == "STOP") {
        running_ = false;
        Report("STOPPED");
      } else if (cmd == "RESET") {
        hist_.Reset();
        Report("OK");
      } else if (cmd == "SNAP") {
        std::string err = first_error_;
        std::replace(err.begin(), err.end(), '\n', ' ');
        Report("SNAP 0 " + std::to_string(acks_) + " " + std::to_string(acks_) + " " + std::to_string(errors_) + " 0 " +
               std::to_string(CpuTicks("self")) + " " + hist_.Serialize() + " " + (err.empty() ? "-" : err));
      } else if (cmd == "QUIT") {
        return io_.stop();
      }
      ReadCommand();
    });
  }

  static void Report(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
  }

  asio::io_context& io_;
  asio::posix::stream_descriptor in_;
  asio::streambuf inbuf_;
  HttpConfig cfg_;
  uint32_t conns_ = 4, docs_ = 4, ok_ = 0, failed_ = 0;
  std::vector<uint32_t> next_;  // per connection: which of its documents is merged next
  std::vector<std::shared_ptr<HttpConn>> conns_list_;
  uint64_t sent_ = 0, acks_ = 0, errors_ = 0;
  bool running_ = false;
  std::string note_, first_error_;
  Histogram hist_;
};

}  // namespace

int RunHttpWorker(const Args& args) {
  asio::io_context io(1);
  HttpWorker worker(io, args);
  worker.Run();
  io.run();
  return 0;
}

}  // namespace loadgen
