// GET /api/debugger/explain and the connection lookups it asks every instance (see debugger_explain.h).
#include <boost/json/array.hpp>


#include "api/access.h"
#include "api/body.h"
#include "api/debugger_explain.h"
#include "api/debugger_traces_api.h"
#include "api/errors.h"
#include "auth/principal.h"
#include "core/json.h"

namespace rt::api {
namespace {

constexpr const char* kConnectionQuestion = "explain.connections";
using registry::kEnvironments;

std::string Str(const boost::json::object& o, const char* key) {
  const auto* v = json::GetString(o, key);
  return v ? std::string(*v) : std::string();
}
int64_t Int(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return v && v->is_int64() ? v->as_int64() : 0;
}

// The trace of an event in the caller's application: the request's environment first, then the
// others the principal may use (an explanation may be "wrong environment").
std::vector<store::TraceRow> FindTrace(const ExplainDeps& deps, const RequestContext& ctx, const std::string& event_id,
                                       Status* error) {
  const std::string trace_id = store::TraceIdFor(event_id);
  std::vector<std::string> envs{ctx.environment};
  const auto& only = ctx.principal.environment;
  for (const char* env : kEnvironments)
    if (env != ctx.environment && (!only || *only == env)) envs.emplace_back(env);
  for (const auto& env : envs) {
    auto rows = TraceRows(deps.traces, deps.recent, {ctx.application_id, env}, trace_id);
    if (!rows.ok()) {
      *error = rows.take_error();
      return {};
    }
    if (!rows->empty()) return std::move(*rows);
  }
  return {};
}

// The connections of an application this instance's journal remembers: one socket id, or every
// connection of a subject in any environment.
std::vector<monitor::ConnectionRecord> KnownConnections(const monitor::SocketJournal& journal,
                                                        const std::string& application_id,
                                                        const std::string& socket_id, const std::string& subject) {
  std::vector<monitor::ConnectionRecord> found;
  if (!socket_id.empty()) {
    if (auto c = journal.Find(socket_id)) found.push_back(std::move(*c));
  } else if (!subject.empty()) {
    for (const char* env : kEnvironments)
      for (auto& c : journal.BySubject({application_id, env}, subject)) found.push_back(std::move(c));
  }
  std::erase_if(found, [&](const monitor::ConnectionRecord& c) { return c.scope.application_id != application_id; });
  return found;
}

// The connections (socket id, or subject in an application) every instance remembers.
std::vector<monitor::ConnectionRecord> FindConnections(const ExplainDeps& deps, const std::string& application_id,
                                                       const std::string& socket_id, const std::string& subject) {
  boost::json::object question{{"socketId", socket_id}, {"subject", subject}};
  std::vector<monitor::ConnectionRecord> out;
  auto keep = [&](const std::string& body) {
    auto v = json::Parse(body);
    if (!v.ok() || !v->is_array()) return;
    for (const auto& one : v->get_array())
      if (auto c = ConnectionFromWire(one); c && c->scope.application_id == application_id) out.push_back(std::move(*c));
  };
  const Scope scope{application_id, kEnvironments[0]};  // the question's scope: the application
  if (!deps.cluster) return KnownConnections(deps.journal, application_id, socket_id, subject);
  auto answers = deps.cluster->Ask(scope, kConnectionQuestion, json::Serialize(question), deps.cluster_timeout);
  for (const auto& a : answers.replies) keep(a.body);
  return out;
}

}  // namespace

boost::json::object ConnectionToWire(const monitor::ConnectionRecord& c) {
  boost::json::array subs, channels;
  for (const auto& s : c.subscriptions)
    subs.push_back({{"id", s.subscription_id}, {"topic", s.topic}, {"filter", s.filter_json}, {"mode", s.return_mode},
                    {"from", s.subscribed_at}, {"to", s.unsubscribed_at}, {"end", s.end_reason}});
  for (const auto& ch : c.channels) channels.push_back({{"channel", ch.channel}, {"at", ch.joined_at}});
  return {{"socketId", c.socket_id},     {"app", c.scope.application_id}, {"env", c.scope.environment},
          {"transport", c.transport},    {"engine", c.engine_transport},  {"address", c.remote_address},
          {"agent", c.user_agent},       {"subject", c.subject},          {"instance", c.instance},
          {"connectedAt", c.connected_at}, {"closedAt", c.closed_at},      {"code", int64_t{c.close_code}},
          {"reason", c.close_reason},    {"detail", c.close_detail},      {"subscriptions", std::move(subs)},
          {"channels", std::move(channels)}};
}

std::optional<monitor::ConnectionRecord> ConnectionFromWire(const boost::json::value& v) {
  const auto* o = v.if_object();
  if (!o || Str(*o, "socketId").empty()) return std::nullopt;
  monitor::ConnectionRecord c;
  c.socket_id = Str(*o, "socketId");
  c.scope = {Str(*o, "app"), Str(*o, "env")};
  c.transport = Str(*o, "transport");
  c.engine_transport = Str(*o, "engine");
  c.remote_address = Str(*o, "address");
  c.user_agent = Str(*o, "agent");
  c.subject = Str(*o, "subject");
  c.instance = Str(*o, "instance");
  c.connected_at = Int(*o, "connectedAt");
  c.closed_at = Int(*o, "closedAt");
  c.close_code = static_cast<uint16_t>(Int(*o, "code"));
  c.close_reason = Str(*o, "reason");
  c.close_detail = Str(*o, "detail");
  if (const auto* subs = o->if_contains("subscriptions"); subs && subs->is_array()) {
    for (const auto& one : subs->get_array()) {
      const auto* s = one.if_object();
      if (!s) continue;
      c.subscriptions.push_back({Str(*s, "id"), Str(*s, "topic"), Str(*s, "filter"), Str(*s, "mode"), Int(*s, "from"),
                                 Int(*s, "to"), Str(*s, "end")});
    }
  }
  if (const auto* chans = o->if_contains("channels"); chans && chans->is_array())
    for (const auto& one : chans->get_array())
      if (const auto* ch = one.if_object()) c.channels.push_back({Str(*ch, "channel"), Int(*ch, "at")});
  return c;
}

void ServeConnectionQuestions(broker::ClusterRpc& cluster, monitor::SocketJournal& journal) {
  cluster.Handle(kConnectionQuestion, [&journal](const Scope& scope, const std::string& body) {
    auto q = json::Parse(body);
    boost::json::array out;
    if (!q.ok() || !q->is_object()) return json::Serialize(out);
    for (const auto& c : KnownConnections(journal, scope.application_id, Str(q->get_object(), "socketId"),
                                          Str(q->get_object(), "subject")))
      out.push_back(ConnectionToWire(c));
    return json::Serialize(out);
  });
}

void RegisterExplainRoute(net::Router& router, ExplainDeps deps, registry::ApplicationService& apps,
                          const AuthGate& gate) {
  router.Add("GET", "/api/debugger/explain", net::Access::Need("admin", "debugger", "read"),
             [deps, &apps, &gate](net::HttpRequest& req) {
               auto ctx = Authorize(req, apps, gate);
               if (!ctx.ok()) return ErrorResponse(ctx.error());
               const std::string event_id = StrQuery(req, "eventId");
               const std::string socket_id = StrQuery(req, "socketId"), subject = StrQuery(req, "subject");
               if (event_id.empty()) return ErrorResponse(Error::Validation("eventId is required"));
               if (socket_id.empty() == subject.empty())
                 return ErrorResponse(Error::Validation("give exactly one of socketId and subject"));
               Status error = Ok();
               auto trace = FindTrace(deps, *ctx, event_id, &error);
               if (!error.ok()) return ErrorResponse(error.error());
               if (trace.empty())
                 return ErrorResponse(Error::NotFound("No trace of event " + event_id +
                                                      ": not sampled (REALTIME_TRACE_SAMPLE), pruned, or refused "
                                                      "before routing (e.g. by the schema gate)"));
               auto connections = FindConnections(deps, ctx->application_id, socket_id, subject);
               if (connections.empty())
                 return ErrorResponse(Error::NotFound(
                     socket_id.empty() ? "No connection of subject " + subject + " is known to any instance"
                                       : "Socket not found: " + socket_id +
                                             " (never connected here, or closed too long ago to be remembered)"));
               if (!socket_id.empty())
                 return JsonResponse(200, json::Serialize(ExplainDelivery(trace, connections.front())));
               boost::json::array each;
               bool delivered = false;
               for (const auto& c : connections) {
                 auto e = ExplainDelivery(trace, c);
                 delivered = delivered || e["delivered"].as_bool();
                 each.push_back(std::move(e));
               }
               return JsonResponse(200, json::Serialize(boost::json::object{
                                            {"eventId", event_id}, {"subject", subject}, {"delivered", delivered},
                                            {"connections", std::move(each)}}));
             });
}

}  // namespace rt::api
