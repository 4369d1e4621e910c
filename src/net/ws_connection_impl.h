// Internal to src/net: the Asio implementation of WsConnection. Do not include elsewhere.
#pragma once

#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/closable.h"
#include "net/ws_connection.h"

namespace rt::net {

class WsConnectionImpl final : public WsConnection, public Closable,
                               public std::enable_shared_from_this<WsConnectionImpl> {
 public:
  WsConnectionImpl(boost::asio::ip::tcp::socket socket, size_t shard, uint64_t id, std::string remote_ip,
                   std::shared_ptr<WsHandler> handler, const WsOptions& options, WsCounters& counters,
                   std::function<void(Closable*)> on_gone);
  ~WsConnectionImpl() override;

  // Starts reading; `initial` holds bytes read past the HTTP upgrade request.
  void Start(std::string initial);

  uint64_t id() const override { return id_; }
  size_t shard() const override { return shard_; }
  const std::string& remote_ip() const override { return remote_ip_; }
  void SendText(std::string_view text) override;
  bool Enqueue(const std::shared_ptr<const std::string>& frame) override;
  void Flush() override;
  void Close(uint16_t code, std::string_view reason) override;
  bool closing() const override { return closing_; }
  size_t queued_bytes() const override { return queued_bytes_; }
  void Post(std::function<void()> fn) override;
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void BeginShutdown() override;

 private:
  void WaitReadable();
  void OnReadable();
  bool Consume(std::string_view bytes);  // false when the connection must stop reading
  void WriteRaw(std::string frame);
  void OnWritten(const boost::system::error_code& ec);
  void ArmTimer();
  void OnTimer();
  void Terminate(uint16_t code, const std::string& reason);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::unique_ptr<boost::asio::steady_timer> aux_timer_;  // only while a RunAfter is pending
  const size_t shard_;
  const uint64_t id_;
  const std::string remote_ip_;
  std::shared_ptr<WsHandler> handler_;
  const WsOptions& options_;
  WsCounters& counters_;
  std::function<void(Closable*)> on_gone_;
  protocol::ws::FrameParser parser_;

  std::vector<std::shared_ptr<const std::string>> queue_;     // waiting
  std::vector<std::shared_ptr<const std::string>> inflight_;  // being written
  std::vector<boost::asio::const_buffer> buffers_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool reading_ = false;      // inside OnReadable: Flush waits for the end of the burst
  bool closing_ = false;      // close frame queued: nothing else is sent
  bool close_sent_ = false;   // close frame written
  bool terminated_ = false;
  uint16_t close_code_ = 1006;
  std::string close_reason_;
  std::chrono::steady_clock::time_point last_inbound_;
  std::chrono::steady_clock::time_point close_deadline_{};
};

}  // namespace rt::net
