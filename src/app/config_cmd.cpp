#include "app/config_cmd.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <future>
#include <sstream>

#include "core/json.h"
#include "webhooks/http_client.h"

namespace rt::app {
namespace {

struct Options {
  std::string action, file, url, token, app, env, out;
  bool dry_run = false, prune = true;
};

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

int Usage(const std::string& message) {
  std::fprintf(stderr,
               "realtime config: %s\n"
               "usage: realtime config export [--env E] [--out FILE] [--url URL] [--token T] [--app ID]\n"
               "       realtime config import FILE [--env E] [--dry-run] [--no-prune] [--url URL] [--token T] "
               "[--app ID]\n",
               message.c_str());
  return 2;
}

bool Parse(const Config& config, const std::vector<std::string>& args, Options& o, std::string& error) {
  if (args.empty() || (args[0] != "export" && args[0] != "import")) {
    error = "the first argument must be export or import";
    return false;
  }
  o.action = args[0];
  o.url = EnvOr("REALTIME_URL", "http://127.0.0.1:" + std::to_string(config.port));
  o.token = EnvOr("REALTIME_TOKEN", "");
  o.app = EnvOr("REALTIME_APP", "");
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "--url" || a == "--token" || a == "--app" || a == "--env" || a == "--out") {
      std::string& into = a == "--url" ? o.url : a == "--token" ? o.token : a == "--app" ? o.app : a == "--env" ? o.env : o.out;
      if (!value(into)) {
        error = a + " needs a value";
        return false;
      }
    } else if (a == "--dry-run" && o.action == "import") {
      o.dry_run = true;
    } else if (a == "--no-prune" && o.action == "import") {
      o.prune = false;
    } else if (o.action == "import" && o.file.empty() && !a.starts_with("--")) {
      o.file = a;
    } else {
      error = "unexpected argument '" + a + "'";
      return false;
    }
  }
  if (o.action == "import" && o.file.empty()) {
    error = "import needs the document's file (- for stdin)";
    return false;
  }
  while (!o.url.empty() && o.url.back() == '/') o.url.pop_back();
  return true;
}

webhooks::HttpResult Send(const Options& o, std::string method, std::string path, std::string body) {
  webhooks::HttpClientOptions http;
  http.allow_private = true;  // the operator's own server, usually on loopback
  http.timeout = std::chrono::milliseconds(60000);
  http.max_response_bytes = http.response_prefix_bytes = 256u << 20;
  http.user_agent = "realtime-cli/1";
  webhooks::HttpClient client(http);
  webhooks::HttpRequestSpec spec;
  spec.method = std::move(method);
  spec.url = o.url + path;
  spec.body = std::move(body);
  if (!o.token.empty()) spec.headers.emplace_back("Authorization", "Bearer " + o.token);
  if (!o.app.empty()) spec.headers.emplace_back("X-Application-Id", o.app);
  if (!spec.body.empty()) spec.headers.emplace_back("Content-Type", "application/json");
  std::promise<webhooks::HttpResult> done;
  auto answer = done.get_future();
  client.Post(std::move(spec), [&done](webhooks::HttpResult r) { done.set_value(std::move(r)); });
  return answer.get();
}

// Prints the server's refusal; 1.
int Refused(const webhooks::HttpResult& r) {
  if (r.status == 0) {
    std::fprintf(stderr, "realtime config: cannot reach the server: %s\n", r.error.c_str());
    return 1;
  }
  auto body = json::Parse(r.body_prefix);
  std::string message = r.body_prefix;
  if (body.ok() && body->is_object())
    if (const auto* m = body->get_object().if_contains("message"); m && m->is_string()) message = m->get_string();
  std::fprintf(stderr, "realtime config: the server answered %d: %s\n", r.status, message.c_str());
  return 1;
}

void PrintReport(const boost::json::value& answer) {
  const auto* o = answer.if_object();
  const auto* report = o ? o->if_contains("report") : nullptr;
  if (report == nullptr || !report->is_object()) return;
  const auto& s = report->get_object().at("summary");
  std::fprintf(stderr, "create %s, update %s, delete %s, unchanged %s\n", json::Serialize(s.at("create")).c_str(),
               json::Serialize(s.at("update")).c_str(), json::Serialize(s.at("delete")).c_str(),
               json::Serialize(s.at("unchanged")).c_str());
  for (const auto& item : report->get_object().at("items").as_array()) {
    const auto& i = item.as_object();
    if (i.at("action") != boost::json::value("unchanged"))
      std::fprintf(stderr, "  %s %s %s\n", json::Serialize(i.at("action")).c_str(), json::Serialize(i.at("type")).c_str(),
                   json::Serialize(i.at("id")).c_str());
    for (const auto& b : i.at("blockers").as_array())
      std::fprintf(stderr, "    blocked: %s\n", json::Serialize(b.at("message")).c_str());
  }
}

}  // namespace

int RunConfigCommand(const Config& config, const std::vector<std::string>& args) {
  Options o;
  std::string error;
  if (!Parse(config, args, o, error)) return Usage(error);
  const std::string env = o.env.empty() ? "" : "environment=" + o.env;
  if (o.action == "export") {
    auto r = Send(o, "GET", "/api/config/export" + (env.empty() ? "" : "?" + env), "");
    if (!r.success()) return Refused(r);
    std::string doc = r.body_prefix + "\n";
    if (o.out.empty()) {
      std::fwrite(doc.data(), 1, doc.size(), stdout);
      return 0;
    }
    std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
    out << doc;
    if (!out) {
      std::fprintf(stderr, "realtime config: cannot write %s\n", o.out.c_str());
      return 1;
    }
    return 0;
  }
  std::stringstream text;
  if (o.file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) return Usage("cannot read " + o.file);
    text << in.rdbuf();
  }
  std::string query = "?dryRun=" + std::string(o.dry_run ? "true" : "false") + "&prune=" + (o.prune ? "true" : "false");
  if (!env.empty()) query += "&" + env;
  auto r = Send(o, "POST", "/api/config/import" + query, text.str());
  if (!r.success()) return Refused(r);
  auto answer = json::Parse(r.body_prefix);
  if (answer.ok()) PrintReport(*answer);
  std::string out = r.body_prefix + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace rt::app
