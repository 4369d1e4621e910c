#include "gateway/sio_conformance.h"

#include "core/ids.h"
#include "core/json.h"

namespace rt::gateway {
namespace {

std::string WithName(const char* name, const boost::json::array& args) {
  std::string out = "[";
  json::AppendQuoted(out, name);
  for (const auto& a : args) {
    out += ',';
    json::AppendValue(out, a);
  }
  out += ']';
  return out;
}

class ConformanceSocket final : public SioSocket {
 public:
  ConformanceSocket(SioConnection& conn, std::string nsp, boost::json::object auth)
      : conn_(conn), nsp_(std::move(nsp)), auth_(std::move(auth)) {}

  void OnConnected() override { conn_.Emit(nsp_, "[\"auth\"," + json::Serialize(auth_) + "]"); }

  void OnEvent(const std::string& name, boost::json::array& args, std::optional<uint64_t> ack_id,
               std::vector<std::string>& attachments) override {
    if (name == "message") {
      conn_.Emit(nsp_, WithName("message-back", args), std::move(attachments));
    } else if (name == "message-with-ack" && ack_id) {
      conn_.Ack(nsp_, *ack_id, json::Serialize(args), std::move(attachments));
    }
    conn_.Flush();
  }

  void OnDisconnect(const std::string&) override {}

 private:
  SioConnection& conn_;
  const std::string nsp_;
  const boost::json::object auth_;
};

class EchoHandler final : public EioHandler {
 public:
  void OnOpen(EioSession&) override {}
  void OnMessage(EioSession& s, std::string&& data, bool binary) override {
    if (binary) s.SendBinary(std::move(data));
    else s.SendMessage(std::move(data));
    s.Flush();
  }
  void OnClose(EioSession&, const std::string&) override {}
};

}  // namespace

SioApp::Connected ConformanceSioApp::Connect(SioConnection& conn, const std::string& nsp,
                                             const boost::json::object& auth) {
  if (nsp != "/" && nsp != "/custom") return {nullptr, "", R"({"message":"Invalid namespace"})"};
  return {std::make_unique<ConformanceSocket>(conn, nsp, auth), NewSocketId(), ""};
}

std::unique_ptr<EioHandler> MakeEchoHandler() { return std::make_unique<EchoHandler>(); }

}  // namespace rt::gateway
