#include "worker.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>

#include "histogram.h"
#include "ws_client.h"

namespace loadgen {

namespace asio = boost::asio;

namespace {

constexpr size_t kMaxConnecting = 256;             // handshakes in flight per worker
constexpr size_t kMaxPublisherBacklog = 64u << 20;  // bytes queued on one publisher socket
enum Settle : uint64_t { kPending = 0, kSettled = 1 };

class WsWorker final : public WsListener {
 public:
  WsWorker(asio::io_context& io, const Args& a)
      : io_(io), in_(io, ::dup(STDIN_FILENO)), timer_(io) {
    role_ = a.Str("role", "sub");
    target_.host = a.Str("host", "127.0.0.1");
    target_.port = uint16_t(a.Int("port", 3000));
    target_.proto = a.Str("proto", "ws") == "sio" ? Proto::kSio : Proto::kWs;
    target_.token = a.Str("token");
    target_.source_ip = a.Str("src-ip");
    target_.path = target_.proto == Proto::kSio ? "/socket.io/?EIO=4&transport=websocket" : a.Str("path", "/ws");
    conns_ = uint32_t(a.Int("conns", 1));
    index_base_ = uint32_t(a.Int("index-base", 0));
    topics_ = uint32_t(std::max<long long>(1, a.Int("topics", 1)));
    prefix_ = a.Str("topic-prefix", "bench.t");
    topic_ = a.Str("topic");  // one fixed topic (overrides prefix + index)
    filter_mod_ = uint32_t(a.Int("filter-mod", 0));
    subscribe_ = a.Int("subscribe", 1) != 0;
    pace_ = a.Str("pace", "echo");
    window_ = uint64_t(std::max<long long>(1, a.Int("window", 32)));
    payload_bytes_ = size_t(a.Int("payload-bytes", 100));
    payload_fields_ = uint32_t(std::max<long long>(0, a.Int("payload-fields", 0)));
  }

  void Run() {
    ReadCommand();
    StartMore();
    if (conns_ == 0) Report("READY 0 0 -");
  }

  void OnReady(WsClient& c) override {
    bool sentinel = role_ == "pub" && pace_ == "echo" && c.index() == 0;
    if ((role_ == "sub" && subscribe_) || sentinel) return SendSubscribe(c, sentinel);
    Settled(c, true);
  }

  void OnMessage(WsClient& c, std::string_view text) override {
    bool ws = target_.proto == Proto::kWs;
    if (ws ? text.starts_with("{\"type\":\"event\"") : text.starts_with("2[\"event\"")) return OnEvent(text);
    if (ws ? text.starts_with("{\"type\":\"published\"") : (text.starts_with("3") && c.user_a == kSettled)) {
      if (!ws && text.find("\"error\"") != std::string_view::npos) return Error(text);
      ++acks_;
      return Pump();
    }
    if (ws ? text.starts_with("{\"type\":\"subscribed\"") : text.starts_with("3")) {
      if (!ws && text.find("\"error\"") != std::string_view::npos) {
        Error(text);
        return Settled(c, false);
      }
      return Settled(c, true);
    }
    if (ws && text.starts_with("{\"type\":\"error\"")) {
      Error(text);
      if (c.user_a == kPending) Settled(c, false);
      if (role_ == "pub") Pump();
    }
  }

  void OnClosed(WsClient& c, const std::string& why) override {
    ++closed_;
    if (first_error_.empty()) first_error_ = "conn " + std::to_string(c.index()) + ": " + why;
    if (c.user_a == kPending) Settled(c, false);
  }

 private:
  void OnEvent(std::string_view text) {
    ++received_;
    if (role_ == "pub") {
      ++echoes_;
      return Pump();
    }
    uint64_t ts = FindTimestamp(text);
    if (!ts) return;
    uint64_t now = NowNs();
    hist_.Record(now > ts ? (now - ts) / 1000 : 0);
  }

  void Error(std::string_view text) {
    ++errors_;
    if (first_error_.empty()) first_error_ = std::string(text.substr(0, 200));
  }

  std::string TopicOf(uint64_t i) const { return topic_.empty() ? prefix_ + std::to_string(i % topics_) : topic_; }

  void SendSubscribe(WsClient& c, bool sentinel) {
    uint64_t g = index_base_ + c.index();
    std::string topic = TopicOf(sentinel ? 0 : g);
    std::string filter;
    if (filter_mod_ && !sentinel) filter = ",\"filter\":{\"k\":" + std::to_string(g % filter_mod_) + "}";
    if (target_.proto == Proto::kWs) {
      c.Send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"" + filter + ",\"requestId\":1}");
    } else {
      c.Send("21[\"subscribe\",{\"topic\":\"" + topic + "\"" + filter + "}]");
    }
  }

  void Settled(WsClient& c, bool ok) {
    if (c.user_a == kSettled) return;
    c.user_a = kSettled;
    (ok ? ok_ : failed_)++;
    --connecting_;
    if (ok_ + failed_ == conns_) Report("READY " + std::to_string(ok_) + " " + std::to_string(failed_) + " -");
    StartMore();
  }

  void StartMore() {
    while (started_ < conns_ && connecting_ < kMaxConnecting) {
      auto c = std::make_shared<WsClient>(io_, target_, *this, started_++);
      clients_.push_back(c);
      ++connecting_;
      c->Start();
    }
  }

  // --- publishing ---
  void SendPublish(uint64_t ts) {
    if (clients_.empty()) return;
    uint64_t seq = sent_;
    WsClient* c = nullptr;
    for (size_t tries = 0; tries < clients_.size() && !c; ++tries) {
      WsClient* cand = clients_[(seq + tries) % clients_.size()].get();
      if (cand->ready() && cand->pending_write_bytes() < kMaxPublisherBacklog) c = cand;
    }
    ++sent_;
    if (!c) {
      ++dropped_;
      return;
    }
    std::string payload = "{\"ts\":" + std::to_string(ts) + ",\"seq\":" + std::to_string(seq) +
                          ",\"k\":" + std::to_string(filter_mod_ ? seq % filter_mod_ : 0);
    // Extra fields (the `schema` scenario's ~10-field payload): f1 number, f2 string, f3 number, ...
    for (uint32_t f = 1; f <= payload_fields_; ++f)
      payload += ",\"f" + std::to_string(f) + "\":" + (f % 2 ? std::to_string(seq + f) : "\"v" + std::to_string(f) + "\"");
    payload += ",\"pad\":\"";
    size_t pad = payload_bytes_ > payload.size() + 2 ? payload_bytes_ - payload.size() - 2 : 0;
    payload.append(pad, 'x');
    payload += "\"}";
    std::string topic = TopicOf(seq);
    if (target_.proto == Proto::kWs) {
      c->Send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"payload\":" + payload + "}");
    } else {
      c->Send("2" + std::to_string(seq + 1) + "[\"publish\",{\"topic\":\"" + topic + "\",\"payload\":" + payload + "}]");
    }
  }

  // Publishes not yet answered (ack pacing) or not yet seen back (echo pacing).
  int64_t Outstanding() const {
    auto done = int64_t(pace_ == "ack" ? acks_ + errors_ : echoes_);
    return int64_t(sent_) - done - done_base_;
  }

  void Pump() {
    if (!running_ || rate_ > 0) return;
    uint64_t before = sent_;
    while (Outstanding() < int64_t(window_)) SendPublish(NowNs());
    if (sent_ != before) last_progress_ = NowNs();
  }

  void Tick() {
    if (!running_) return;
    uint64_t now = NowNs();
    auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    if (rate_ > 0) {
      // Open loop: message i is due at t0 + i/rate and carries that intended time, so a stall
      // (here or in the server) shows up as latency instead of silently lowering the rate.
      auto due = uint64_t(double(now - t0_) * rate_ / 1e9) + 1;
      while (sent_ - go_sent_ < due) SendPublish(t0_ + uint64_t(double(sent_ - go_sent_) * 1e9 / rate_));
      // Wake exactly when the next message is due (CLOCK_MONOTONIC is steady_clock's clock).
      next = std::chrono::steady_clock::time_point(
          std::chrono::nanoseconds(t0_ + uint64_t(double(sent_ - go_sent_) * 1e9 / rate_)));
    } else {
      if (now - last_progress_ > 2'000'000'000ull) {  // pacing replies lost: count and resync
        ++errors_;
        if (first_error_.empty()) first_error_ = "publish pacing stalled for 2 s";
        done_base_ += Outstanding();
        last_progress_ = now;
      }
      Pump();
    }
    timer_.expires_at(next);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Tick();
    });
  }

  // --- commands ---
  void ReadCommand() {
    asio::async_read_until(in_, inbuf_, '\n', [this](const boost::system::error_code& ec, size_t) {
      if (ec) return Quit();
      std::istream is(&inbuf_);
      std::string line;
      std::getline(is, line);
      Handle(line);
      ReadCommand();
    });
  }

  void Handle(const std::string& line) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "GO") {
      in >> rate_;
      running_ = true;
      t0_ = last_progress_ = NowNs();
      go_sent_ = sent_;
      done_base_ += Outstanding();  // replies still owed from an earlier run do not count
      Tick();
      Pump();
    } else if (cmd == "STOP") {
      running_ = false;
      timer_.cancel();
      Report("STOPPED");
    } else if (cmd == "RESET") {
      hist_.Reset();
      Report("OK");
    } else if (cmd == "SNAP") {
      std::string err = first_error_;
      for (char& ch : err)
        if (ch == '\n' || ch == '\r') ch = ' ';
      Report("SNAP " + std::to_string(received_) + " " + std::to_string(sent_ - dropped_) + " " +
             std::to_string(acks_) + " " + std::to_string(errors_ + dropped_) + " " + std::to_string(closed_) + " " +
             std::to_string(CpuTicks("self")) + " " + hist_.Serialize() + " " + (err.empty() ? "-" : err));
    } else if (cmd == "QUIT") {
      Quit();
    }
  }

  void Quit() {
    for (auto& c : clients_) c->Close();
    io_.stop();
  }

  static void Report(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
  }

  asio::io_context& io_;
  asio::posix::stream_descriptor in_;
  asio::streambuf inbuf_;
  asio::steady_timer timer_;
  std::string role_, prefix_, topic_, pace_;
  Target target_;
  uint32_t conns_ = 0, index_base_ = 0, topics_ = 1, filter_mod_ = 0;
  bool subscribe_ = true;
  uint64_t window_ = 32;
  size_t payload_bytes_ = 100;
  uint32_t payload_fields_ = 0;
  std::vector<std::shared_ptr<WsClient>> clients_;
  uint32_t started_ = 0, connecting_ = 0, ok_ = 0, failed_ = 0;
  uint64_t received_ = 0, echoes_ = 0, sent_ = 0, dropped_ = 0, acks_ = 0, errors_ = 0, closed_ = 0;
  int64_t done_base_ = 0;
  uint64_t go_sent_ = 0, t0_ = 0, last_progress_ = 0;
  double rate_ = 0;
  bool running_ = false;
  std::string first_error_;
  Histogram hist_;
};

}  // namespace

int RunWsWorker(const Args& args) {
  asio::io_context io(1);
  WsWorker worker(io, args);
  worker.Run();
  io.run();
  return 0;
}

}  // namespace loadgen
