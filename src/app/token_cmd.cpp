#include "app/token_cmd.h"

#include <cstdio>
#include <map>

#include "app/platform.h"

namespace rt::app {
namespace {

constexpr const char* kTokenUsage =
    "usage: realtime token --app ID --permissions a,b [--sub SUBJECT] [--ttl 1h] [--topics p,q] [--env ENV]\n";

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int Usage(const std::string& why) {
  std::fprintf(stderr, "realtime token: %s\n%s", why.c_str(), kTokenUsage);
  return 2;
}

}  // namespace

int RunToken(const Config& config, const std::vector<std::string>& args) {
  std::map<std::string, std::string> opts;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a != "--app" && a != "--permissions" && a != "--sub" && a != "--ttl" && a != "--topics" && a != "--env")
      return Usage("unknown option '" + a + "'");
    if (i + 1 >= args.size()) return Usage("option " + a + " needs a value");
    opts[a] = args[++i];
  }
  if (!opts.count("--app") || !opts.count("--permissions")) return Usage("--app and --permissions are required");

  auth::TokenRequest req;
  req.application_id = opts["--app"];
  req.permissions = SplitList(opts["--permissions"]);
  for (const auto& p : req.permissions) {
    if (!auth::IsKnownPermission(p)) return Usage("unknown permission '" + p + "'");
  }
  req.subject = opts.count("--sub") ? opts["--sub"] : "cli";
  req.topics = SplitList(opts["--topics"]);
  req.ttl_s = 3600;
  if (opts.count("--ttl")) {
    auto ttl = auth::ParseDuration(opts["--ttl"]);
    if (!ttl.ok()) return Usage(ttl.error().message);
    req.ttl_s = *ttl;
  }
  if (opts.count("--env")) {
    const std::string& e = opts["--env"];
    if (e != "development" && e != "staging" && e != "production") return Usage("--env must be development, staging or production");
    req.environment = e;
  }

  auto platform = Platform::Open(config);
  if (!platform.ok()) {
    std::fprintf(stderr, "realtime token: %s\n", platform.error().message.c_str());
    return 1;
  }
  Platform& p = **platform;
  Status st = p.Initialize();
  if (st.ok()) st = p.apps.Resolve(req.application_id);
  if (!st.ok()) {
    std::fprintf(stderr, "realtime token: %s\n", st.error().message.c_str());
    return 1;
  }
  auto issued = p.tokens.Issue(req);
  if (!issued.ok()) {
    std::fprintf(stderr, "realtime token: %s\n", issued.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", issued->token.c_str());
  return 0;
}

}  // namespace rt::app
