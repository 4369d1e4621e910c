#include "identity/rbac.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"

namespace rt::identity {
namespace {

const Role& R(std::string_view name) { return *FindBuiltInRole(name); }

// spec/10's table, checked cell by cell for its six resources.
TEST(RbacTest, BuiltInRolesFollowTheSpecMatrix) {
  struct Cell {
    const char* role;
    const char* resource;
    const char* actions;  // subset of "CRUD"
  };
  const Cell cells[] = {
      {"super_admin", "topics", "CRUD"}, {"super_admin", "users", "CRUD"}, {"super_admin", "keys", "CRUD"},
      {"admin", "topics", "CRUD"},       {"admin", "schemas", "CRUD"},     {"admin", "mappings", "CRUD"},
      {"admin", "webhooks", "CRUD"},     {"admin", "users", "CRUD"},       {"admin", "keys", "R"},
      {"editor", "topics", "CRUD"},      {"editor", "schemas", "CRUD"},    {"editor", "mappings", "CRUD"},
      {"editor", "webhooks", "CRUD"},    {"editor", "users", "R"},         {"editor", "keys", ""},
      {"viewer", "topics", "R"},         {"viewer", "schemas", "R"},       {"viewer", "mappings", "R"},
      {"viewer", "webhooks", "R"},       {"viewer", "users", ""},          {"viewer", "keys", ""},
  };
  const std::pair<char, const char*> letters[] = {{'C', "create"}, {'R', "read"}, {'U', "update"}, {'D', "delete"}};
  for (const auto& c : cells) {
    for (const auto& [letter, action] : letters) {
      bool want = std::string_view(c.actions).find(letter) != std::string_view::npos;
      EXPECT_EQ(Allows(R(c.role).permissions, c.resource, action), want) << c.role << " " << c.resource << ":" << action;
    }
  }
}

TEST(RbacTest, SuperAdminHoldsEveryPermissionAndRolesNest) {
  EXPECT_EQ(R("super_admin").permissions.size(), kResources.size() * kActions.size());
  EXPECT_TRUE(CoversAll(R("super_admin").permissions, R("admin").permissions));
  EXPECT_TRUE(CoversAll(R("admin").permissions, R("editor").permissions));
  EXPECT_TRUE(CoversAll(R("editor").permissions, R("viewer").permissions));
  EXPECT_FALSE(CoversAll(R("admin").permissions, R("super_admin").permissions));
  for (const auto& p : R("viewer").permissions) EXPECT_NE(p.find(":read"), std::string::npos) << p;
}

TEST(RbacTest, BuiltInsAreFoundByIdOrName) {
  EXPECT_EQ(FindBuiltInRole("role_editor"), FindBuiltInRole("editor"));
  EXPECT_EQ(FindBuiltInRole("role_editor")->name, "editor");
  EXPECT_TRUE(FindBuiltInRole("role_editor")->built_in);
  EXPECT_EQ(FindBuiltInRole("webhook_manager"), nullptr);
  EXPECT_EQ(BuiltInRoles().size(), 4u);
}

TEST(RbacTest, EffectivePermissionsAreTheSortedUnion) {
  Role custom;
  custom.permissions = {"keys:read", "webhooks:create"};
  auto perms = EffectivePermissions({R("viewer"), custom});
  EXPECT_TRUE(std::is_sorted(perms.begin(), perms.end()));
  EXPECT_TRUE(Allows(perms, "keys", "read"));
  EXPECT_TRUE(Allows(perms, "topics", "read"));
  EXPECT_TRUE(Allows(perms, "webhooks", "create"));
  EXPECT_FALSE(Allows(perms, "webhooks", "delete"));
  EXPECT_TRUE(EffectivePermissions({}).empty());
  EXPECT_EQ(EffectivePermissions({R("viewer"), R("viewer")}), R("viewer").permissions);
}

TEST(RbacTest, JwtClaimsMapOntoRbac) {
  EXPECT_EQ(PermissionsForToken({"admin"}), R("super_admin").permissions);
  auto service = PermissionsForToken({"service"});
  EXPECT_TRUE(Allows(service, "topics", "create"));
  EXPECT_TRUE(Allows(service, "webhooks", "delete"));
  EXPECT_TRUE(Allows(service, "documents", "update"));
  EXPECT_FALSE(Allows(service, "users", "read"));
  EXPECT_FALSE(Allows(service, "keys", "read"));
  EXPECT_FALSE(Allows(service, "roles", "read"));
  EXPECT_TRUE(PermissionsForToken({"client"}).empty());
  EXPECT_TRUE(PermissionsForToken({"subscribe", "publish"}).empty());
  EXPECT_EQ(PermissionsForToken({"webhooks:read", "bogus:read", "client"}), std::vector<std::string>{"webhooks:read"});
}

TEST(RbacTest, RoleNameRules) {
  EXPECT_TRUE(ValidateRoleName("webhook_manager").ok());
  EXPECT_TRUE(ValidateRoleName("ops2").ok());
  for (const char* bad : {"", "a", "Webhook", "2fa", "web-hook", "admin", "super_admin", "viewer"}) {
    EXPECT_EQ(ValidateRoleName(bad).error().code, ErrorCode::kValidation) << bad;
  }
  EXPECT_FALSE(ValidateRoleName(std::string(65, 'a')).ok());
}

TEST(RbacTest, ParsesTheSpecsPermissionShape) {
  auto v = boost::json::parse(
      R"([{"resource":"webhooks","action":"read"},{"resource":"webhooks","action":"create"},"topics:read",)"
      R"({"resource":"webhooks","action":"read"}])");
  auto p = ParsePermissions(v);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(*p, (std::vector<std::string>{"topics:read", "webhooks:create", "webhooks:read"}));

  EXPECT_FALSE(ParsePermissions(boost::json::parse(R"([{"resource":"nukes","action":"read"}])")).ok());
  EXPECT_FALSE(ParsePermissions(boost::json::parse(R"([{"resource":"topics","action":"launch"}])")).ok());
  EXPECT_FALSE(ParsePermissions(boost::json::parse(R"([{"resource":"topics"}])")).ok());
  EXPECT_FALSE(ParsePermissions(boost::json::parse(R"("topics:read")")).ok());
  EXPECT_FALSE(ParsePermissions(boost::json::parse(R"([42])")).ok());
}

TEST(RbacTest, RoleJsonUsesTheSpecsFieldNames) {
  Role r = R("viewer");
  auto j = RoleToJson(r);
  EXPECT_EQ(j.at("id").as_string(), "role_viewer");
  EXPECT_EQ(j.at("name").as_string(), "viewer");
  EXPECT_TRUE(j.at("builtIn").as_bool());
  const auto& perms = j.at("permissions").as_array();
  ASSERT_EQ(perms.size(), r.permissions.size());
  EXPECT_EQ(json::Serialize(perms[0]), R"({"resource":"applications","action":"read"})");  // sorted
}

}  // namespace
}  // namespace rt::identity
