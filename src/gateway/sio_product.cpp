#include "gateway/sio_product.h"

#include "core/ids.h"
#include "core/json.h"

namespace rt::gateway {
namespace {

std::string ErrorAck(const OpError& e) {
  std::string out = "[{\"error\":{\"code\":";
  json::AppendQuoted(out, e.code);
  out += ",\"message\":";
  json::AppendQuoted(out, e.message);
  out += "}}]";
  return out;
}

std::string ObjectAck(const boost::json::object& o) { return "[" + json::Serialize(o) + "]"; }

class ProductSocket final : public SioSocket, public events::Subscriber {
 public:
  ProductSocket(SioConnection& conn, GatewayDeps& deps, SioCounters& counters, std::string socket_id,
                const MessageBudgetOptions& budget)
      : conn_(conn),
        ops_(deps, conn.session().shard(), this, socket_id),
        counters_(counters),
        id_(std::move(socket_id)),
        budget_(budget, MessageBudget::Clock::now()) {
    counters_.sockets.fetch_add(1);
    ops_.OnRevoked([this](const char* reason) { Revoke(reason); });
  }
  ~ProductSocket() override { counters_.sockets.fetch_sub(1); }

  ClientOps& ops() { return ops_; }

  // events::Subscriber
  events::Wire wire() const override { return events::Wire::kSocketIo; }
  const std::string& socket_id() const override { return id_; }
  bool Enqueue(const std::shared_ptr<const std::string>& frame) override { return conn_.EmitFrame(frame); }
  void Flush() override { conn_.Flush(); }

  void OnEvent(const std::string& name, boost::json::array& args, std::optional<uint64_t> ack_id,
               std::vector<std::string>& attachments) override {
    // The same per-connection message budget as /ws: over it, the event is dropped with a
    // RATE_LIMITED ack; flooding (too many over-budget or failed events) disconnects.
    auto now = MessageBudget::Clock::now();
    if (!budget_.Take(now)) {
      if (ack_id) conn_.Ack("/", *ack_id, ErrorAck({"RATE_LIMITED", "Too many messages: slow down"}));
      conn_.Flush();
      return Strike(now);  // may destroy this socket: nothing after it
    }
    if (!attachments.empty()) {
      // Events carry JSON: a binary argument has no place in a RealtimeEvent.
      if (ack_id) conn_.Ack("/", *ack_id, ErrorAck({"INVALID_PAYLOAD", "Binary arguments are not supported"}));
      return conn_.Flush();
    }
    if (name == "join") return HandleJoin(args, ack_id);
    if (name == "subscribe") return HandleSubscribe(args, ack_id, now);
    if (name == "auth") return HandleAuth(args, ack_id);
    std::string reply = Handle(name, args);
    if (ack_id && !reply.empty()) conn_.Ack("/", *ack_id, reply);
    conn_.Flush();
    if (reply.starts_with("[{\"error\":")) return Strike(now);  // may destroy this socket
  }

  void OnDisconnect(const std::string& reason) override { ops_.Release(0, reason); }
  void OnUpgraded() override { ops_.TransportChanged("websocket"); }

 private:
  // An over-budget or failed event. Flooding: an `error` event {code: RATE_LIMITED}, then a
  // server-side disconnect (the /ws equivalent is close 4029). Destroys this socket.
  void Strike(MessageBudget::Clock::time_point now) {
    if (!budget_.Strike(now)) return;
    counters_.flood_disconnects.fetch_add(1, std::memory_order_relaxed);
    conn_.Emit("/", R"(["error",{"code":"RATE_LIMITED","message":"flooding: too many invalid or rate-limited messages; disconnecting"}])");
    conn_.ServerDisconnect("/", "flooding");
  }

  // The token expired, or its key / application was deleted: an `error` event, then a
  // server-side disconnect. Destroys this socket.
  void Revoke(const char* reason) {
    std::string args = "[\"error\",{\"code\":\"UNAUTHORIZED\",\"message\":";
    json::AppendQuoted(args, reason);
    args += "}]";
    conn_.Emit("/", args);
    conn_.ServerDisconnect("/", std::string("token revoked: ") + reason);
  }

  // `auth` {token}: a token refresh; the connection keeps its subscriptions (docs/protocol.md).
  void HandleAuth(boost::json::array& args, std::optional<uint64_t> ack_id) {
    boost::json::object* body = !args.empty() ? args[0].if_object() : nullptr;
    std::string token = body ? StringArg(*body, "token") : std::string();
    std::string reply;
    if (token.empty()) {
      reply = ErrorAck({"INVALID_MESSAGE", "auth needs a string 'token'"});
    } else if (auto authed = AuthenticateConnection(ops_.tokens(), token, ops_.scope().environment);
               authed.error) {
      counters_.auth_failures.fetch_add(1);
      reply = ErrorAck({authed.error->code, "Token refresh refused (the current token stays in force): " +
                                                authed.error->message});
    } else if (auto r = ops_.Reauthenticate(std::move(authed.value->first)); r.error) {
      reply = ErrorAck({r.error->code, r.error->message + " (the current token stays in force)"});
    } else {
      for (const Revoked& x : *r.value) {
        boost::json::object notice = x.channel ? boost::json::object{{"channel", x.id}}
                                               : boost::json::object{{"subscriptionId", x.id}, {"topic", x.topic}};
        notice["reason"] = x.reason;
        conn_.Emit("/", "[\"" + std::string(x.channel ? "left" : "unsubscribed") + "\"," + json::Serialize(notice) + "]");
      }
      const auth::Principal& p = ops_.principal();
      reply = ObjectAck({{"ok", true},
                         {"applicationId", ops_.scope().application_id},
                         {"environment", ops_.scope().environment},
                         {"subject", p.subject},
                         {"expiresAt", p.expires_at_s * 1000}});
    }
    if (ack_id) conn_.Ack("/", *ack_id, reply);
    conn_.Flush();
  }

  static std::string StringArg(const boost::json::object& body, std::string_view key) {
    auto* v = body.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  }

  // `subscribe`: acknowledged once events from every instance reach this socket (cluster interest).
  void HandleSubscribe(boost::json::array& args, std::optional<uint64_t> ack_id, MessageBudget::Clock::time_point now) {
    std::string reply, topic;
    auto r = Subscribe(args, &topic, &reply);
    if (r) {
      return ops_.WhenDeliverable(topic, [this, ack_id, id = std::move(*r), topic] {
        if (ack_id) conn_.Ack("/", *ack_id, ObjectAck({{"subscriptionId", id}, {"topic", topic}}));
        conn_.Flush();
      });
    }
    if (ack_id) conn_.Ack("/", *ack_id, reply);
    conn_.Flush();
    return Strike(now);  // a failed subscribe; may destroy this socket
  }

  // Validates and subscribes: the subscription id, or nullopt with the error ack in *reply.
  std::optional<std::string> Subscribe(boost::json::array& args, std::string* topic_out, std::string* reply) {
    boost::json::object* body = !args.empty() ? args[0].if_object() : nullptr;
    if (!body) return *reply = ErrorAck({"INVALID_MESSAGE", "The first argument must be an object"}), std::nullopt;
    auto* topic = body->if_contains("topic");
    if (!topic || !topic->is_string() || topic->get_string().empty())
      return *reply = ErrorAck({"INVALID_MESSAGE", "subscribe needs a string 'topic'"}), std::nullopt;
    std::optional<std::string> mode;
    if (auto* rm = body->if_contains("returnMode"); rm && !rm->is_null()) {
      if (!rm->is_string()) return *reply = ErrorAck({"INVALID_MESSAGE", "returnMode must be full, diff or both"}), std::nullopt;
      mode = std::string(rm->get_string());
    }
    boost::json::value filter = body->contains("filter") ? body->at("filter") : boost::json::value();
    *topic_out = std::string(topic->get_string());
    auto r = ops_.Subscribe(*topic_out, filter, mode);
    if (r.error) return *reply = ErrorAck(*r.error), std::nullopt;
    return std::move(r.value);
  }

  void HandleJoin(boost::json::array& args, std::optional<uint64_t> ack_id) {
    boost::json::object* body = !args.empty() ? args[0].if_object() : nullptr;
    std::string channel = body ? StringArg(*body, "channel") : std::string();
    if (channel.empty()) {
      if (ack_id) conn_.Ack("/", *ack_id, ErrorAck({"INVALID_MESSAGE", "join needs a string 'channel'"}));
      return conn_.Flush();
    }
    ops_.Join(channel, [this, channel, ack_id](OpResult<broker::MemberPage> r) {
      if (!ack_id) return;
      if (r.error) conn_.Ack("/", *ack_id, ErrorAck(*r.error));
      else conn_.Ack("/", *ack_id, "[{\"ok\":true,\"channel\":" + json::Serialize(boost::json::value(channel)) +
                                       "," + JoinReplyMembersJson(*r.value) + "}]");
      conn_.Flush();
    });
  }

  std::string HandleChannels(const std::string& name, boost::json::object& body) {
    if (name == "leave") {
      std::string channel = StringArg(body, "channel");
      if (channel.empty()) return ErrorAck({"INVALID_MESSAGE", "leave needs a string 'channel'"});
      auto r = ops_.Leave(channel);
      if (r.error) return ErrorAck(*r.error);
      return ObjectAck({{"ok", true}, {"channel", channel}});
    }
    bool direct = name == "direct";
    std::string target = StringArg(body, direct ? "socketId" : "channel");
    std::string event = StringArg(body, "event");
    if (target.empty() || event.empty())
      return ErrorAck({"INVALID_MESSAGE", direct ? "direct needs 'socketId' and 'event'" : "channel:publish needs "
                                                                                          "'channel' and 'event'"});
    boost::json::value data = body.contains("data") ? body.at("data") : boost::json::value();
    auto r = direct ? ops_.Direct(target, event, data) : ops_.ChannelPublish(target, event, data);
    if (r.error) return ErrorAck(*r.error);
    return direct ? ObjectAck({{"ok", true}, {"id", *r.value}}) : ObjectAck({{"id", *r.value}});
  }

  std::string Handle(const std::string& name, boost::json::array& args) {
    boost::json::object* body = !args.empty() ? args[0].if_object() : nullptr;
    bool channel_op = name == "leave" || name == "channel:publish" || name == "direct";
    if (name != "unsubscribe" && name != "publish" && !channel_op)  // subscribe: HandleSubscribe
      return ErrorAck({"UNKNOWN_EVENT", "Unknown event '" + name + "'"});
    if (!body) return ErrorAck({"INVALID_MESSAGE", "The first argument must be an object"});
    if (channel_op) return HandleChannels(name, *body);
    if (name == "unsubscribe") {
      auto* id = body->if_contains("subscriptionId");
      if (!id || !id->is_string()) return ErrorAck({"INVALID_MESSAGE", "unsubscribe needs a 'subscriptionId'"});
      auto r = ops_.Unsubscribe(std::string(id->get_string()));
      if (r.error) return ErrorAck(*r.error);
      return ObjectAck({{"ok", true}});
    }
    auto* topic = body->if_contains("topic");
    if (!topic || !topic->is_string() || topic->get_string().empty())
      return ErrorAck({"INVALID_MESSAGE", "publish needs a string 'topic'"});
    auto* payload = body->if_contains("payload");
    if (!payload || !payload->is_object())
      return ErrorAck({"INVALID_PAYLOAD", "publish needs 'payload' to be a JSON object"});
    std::string type;
    if (auto* t = body->if_contains("type"); t && !t->is_null()) {
      if (!t->is_string() || t->get_string().empty()) return ErrorAck({"INVALID_MESSAGE", "type must be a string"});
      type = std::string(t->get_string());
    }
    auto r = ops_.Publish(std::string(topic->get_string()), std::move(payload->get_object()), std::move(type));
    if (r.error) return ErrorAck(*r.error);
    return ObjectAck({{"id", *r.value}});
  }

  SioConnection& conn_;
  ClientOps ops_;
  SioCounters& counters_;
  const std::string id_;
  MessageBudget budget_;
};

}  // namespace

SioApp::Connected ProductSioApp::Connect(SioConnection& conn, const std::string& nsp,
                                         const boost::json::object& auth) {
  if (nsp != "/") return {nullptr, "", R"({"message":"Invalid namespace"})"};
  std::string token;
  if (auto* t = auth.if_contains("token"); t && t->is_string()) token = std::string(t->get_string());
  if (token.empty() && conn.handshake().query_token) token = *conn.handshake().query_token;
  if (token.empty() && conn.handshake().bearer_token) token = *conn.handshake().bearer_token;
  std::optional<std::string> env = conn.handshake().environment;
  if (auto* e = auth.if_contains("environment"); e && e->is_string()) env = std::string(e->get_string());
  auto authed = AuthenticateConnection(deps_.tokens, token, env);
  if (authed.error) {
    counters_.auth_failures.fetch_add(1);
    std::string err = "{\"message\":";
    json::AppendQuoted(err, "Authentication failed: " + authed.error->message);
    err += ",\"data\":{\"code\":\"AUTH_FAILED\"}}";
    return {nullptr, "", err};
  }
  std::string id = NewSocketId();
  auto socket = std::make_unique<ProductSocket>(conn, deps_, counters_, id, budget_);
  socket->ops().SetClientInfo({"socket.io", conn.session().websocket() ? "websocket" : "polling",
                               conn.handshake().remote_address, conn.handshake().user_agent});
  socket->ops().Bind(std::move(authed.value->first), std::move(authed.value->second));
  return {std::move(socket), id, ""};
}

}  // namespace rt::gateway
