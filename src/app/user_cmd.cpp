#include "app/user_cmd.h"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "app/identity_module.h"
#include "app/platform.h"
#include "identity/rbac.h"

namespace rt::app {
namespace {

constexpr const char* kUsage =
    "realtime: usage: realtime user create --email E [--name N] [--role super_admin|admin|editor|viewer|ID] "
    "(password on stdin)\n";

}  // namespace

int RunUser(const Config& config, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "create") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string email, name, role = "super_admin";
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--email" || a == "--name" || a == "--role") && i + 1 < args.size()) {
      (a == "--email" ? email : a == "--name" ? name : role) = args[++i];
    } else {
      std::fprintf(stderr, "realtime: user create: unexpected argument '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (email.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (name.empty()) name = email.substr(0, email.find('@'));
  std::string password(std::istreambuf_iterator<char>(std::cin), {});
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) {
    std::fputs("realtime: user create: write the password to standard input\n", stderr);
    return 2;
  }
  const identity::Role* built_in = identity::FindBuiltInRole(role);
  std::string role_id = built_in ? built_in->id : role;

  auto platform = Platform::Open(config);
  if (!platform.ok()) {
    std::fprintf(stderr, "realtime: cannot open the platform database: %s\n", platform.error().message.c_str());
    return 1;
  }
  if (Status st = (*platform)->Initialize(); !st.ok()) {
    std::fprintf(stderr, "realtime: %s\n", st.error().message.c_str());
    return 1;
  }
  auto identity = IdentityModule::Create(config, **platform);
  if (!identity.ok()) {
    std::fprintf(stderr, "realtime: %s\n", identity.error().message.c_str());
    return 1;
  }
  identity::Actor system;
  system.id = "cli";
  system.kind = "system";
  system.permissions = identity::FindBuiltInRole(identity::kSuperAdmin)->permissions;
  auto user = (*identity)->service().CreateUser(system, name, email, password, {role_id});
  if (!user.ok()) {
    std::fprintf(stderr, "realtime: user create: %s\n", user.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", user->user.id.c_str());
  return 0;
}

}  // namespace rt::app
