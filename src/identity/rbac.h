// RBAC for admin users (spec/10-admin-ui-authentication.md, spec/13-api-admin.md): permissions
// are (resource, action) pairs over 16 resources x read|create|update|delete, written as
// "resource:action" strings ("topics:read"). Four built-in roles live in code (kRoleMatrix in
// rbac.cpp, the one table) and are immutable; custom roles are stored rows validated here.
//
// Escalation: a granter may only create, change or assign a role whose permissions it holds
// itself (CoversAll); the service applies that to role CRUD and role assignment.
//
// Machine JWTs (docs/security.md "JWT mapping"): PermissionsForToken maps a token's
// `permissions` claim onto the same strings, so one check serves sessions and tokens:
//   admin    -> every permission (= super_admin), on any application
//   service  -> the editor permissions on application-scoped resources only (topics, schemas,
//               mappings, webhooks, deployments, debugger, documents, socket), within its own
//               application; nothing on users, roles, invites, keys
//   client, subscribe, publish -> no management permission
//   "resource:action" claims   -> themselves (unknown ones are ignored)
//
// Thread safety: pure functions over immutable tables. Failure: validation returns kValidation
// with a message naming the offending value.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

namespace rt::identity {

// The spec's 12 resources, then the platform's own (docs/security.md): applications, events
// (publishing through REST), workers and metrics (alert rules and alerts).
inline constexpr std::array<std::string_view, 16> kResources = {
    "topics", "schemas", "mappings", "webhooks", "users", "roles", "invites", "keys",
    "deployments", "debugger", "documents", "socket", "applications", "events", "workers", "metrics"};
inline constexpr std::array<std::string_view, 4> kActions = {"read", "create", "update", "delete"};

inline constexpr std::string_view kSuperAdmin = "super_admin";

struct Role {
  std::string id;  // built-ins: "role_" + name (role_super_admin, ...); custom: role_<hex>
  std::string name;
  std::string description;
  bool built_in = false;
  std::vector<std::string> permissions;  // "resource:action", sorted, unique
  int64_t created_at = 0, updated_at = 0;  // ms; 0 for built-ins
};

bool IsKnownResource(std::string_view resource);
bool IsKnownAction(std::string_view action);
// "resource:action" with both known.
bool IsKnownRbacPermission(std::string_view permission);
std::string PermissionString(std::string_view resource, std::string_view action);

// super_admin, admin, editor, viewer, in that order.
const std::vector<Role>& BuiltInRoles();
// A built-in role by id ("role_admin") or name ("admin"); nullptr otherwise.
const Role* FindBuiltInRole(std::string_view id_or_name);

// The union of the roles' permissions, sorted and unique.
std::vector<std::string> EffectivePermissions(const std::vector<Role>& roles);
// True if permissions (as EffectivePermissions returns) include resource:action.
bool Allows(const std::vector<std::string>& permissions, std::string_view resource, std::string_view action);
// True if every permission of wanted is in granted (a granter may hand out only what it holds).
bool CoversAll(const std::vector<std::string>& granted, const std::vector<std::string>& wanted);

// The RBAC permissions a JWT's `permissions` claim carries (mapping in the header comment).
std::vector<std::string> PermissionsForToken(const std::vector<std::string>& token_permissions);

// Role names: 2..64 characters of [a-z0-9_], starting with a letter, not a built-in's name.
Status ValidateRoleName(std::string_view name);
// The body's "permissions": an array of {"resource","action"} objects (the spec's shape) or of
// "resource:action" strings. Sorted and unique; kValidation for anything unknown.
Result<std::vector<std::string>> ParsePermissions(const boost::json::value& permissions);

// [{"resource":"topics","action":"read"}, ...]
boost::json::array PermissionsToJson(const std::vector<std::string>& permissions);
// {"id","name","description","builtIn","permissions":[...],"createdAt","updatedAt"}
boost::json::object RoleToJson(const Role& role);

}  // namespace rt::identity
