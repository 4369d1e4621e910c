#include "identity/rbac.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace rt::identity {
namespace {

// THE role matrix (spec/10's table, extended to all 16 resources). Letters: C create, R read,
// U update, D delete. Rationale for the extension: admin manages everything but keys (read
// only); editor manages the application's entities (and deployments, debugger, documents,
// socket) and may read users and invites; viewer reads the application's entities only.
struct MatrixRow {
  std::string_view resource;
  std::string_view super_admin, admin, editor, viewer;
};
constexpr MatrixRow kRoleMatrix[] = {
    // resource       super_admin  admin   editor  viewer
    {"topics",        "CRUD",      "CRUD", "CRUD", "R"},
    {"schemas",       "CRUD",      "CRUD", "CRUD", "R"},
    {"mappings",      "CRUD",      "CRUD", "CRUD", "R"},
    {"webhooks",      "CRUD",      "CRUD", "CRUD", "R"},
    {"users",         "CRUD",      "CRUD", "R",    ""},
    {"roles",         "CRUD",      "CRUD", "R",    ""},
    {"invites",       "CRUD",      "CRUD", "R",    ""},
    {"keys",          "CRUD",      "R",    "",     ""},
    {"deployments",   "CRUD",      "CRUD", "CRUD", "R"},
    {"debugger",      "CRUD",      "CRUD", "CRUD", "R"},
    {"documents",     "CRUD",      "CRUD", "CRUD", "R"},
    {"socket",        "CRUD",      "CRUD", "CRUD", "R"},
    {"applications",  "CRUD",      "CRUD", "R",    "R"},
    {"events",        "CRUD",      "CR",   "CR",   "R"},
    {"workers",       "CRUD",      "R",    "R",    "R"},
    {"metrics",       "CRUD",      "CRUD", "R",    "R"},
};
static_assert(std::size(kRoleMatrix) == kResources.size());

// Resources a `service` token may act on (its application's entities).
constexpr std::string_view kApplicationScoped[] = {"topics",    "schemas",   "mappings", "webhooks", "deployments",
                                                   "debugger",  "documents", "socket",   "events"};

std::vector<std::string> Expand(std::string_view MatrixRow::*column) {
  std::vector<std::string> out;
  for (const auto& row : kRoleMatrix) {
    for (char letter : row.*column) {
      switch (letter) {
        case 'C': out.push_back(PermissionString(row.resource, "create")); break;
        case 'R': out.push_back(PermissionString(row.resource, "read")); break;
        case 'U': out.push_back(PermissionString(row.resource, "update")); break;
        case 'D': out.push_back(PermissionString(row.resource, "delete")); break;
        default: break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Role BuiltIn(std::string_view name, std::string description, std::string_view MatrixRow::*column) {
  Role r;
  r.id = "role_" + std::string(name);
  r.name = std::string(name);
  r.description = std::move(description);
  r.built_in = true;
  r.permissions = Expand(column);
  return r;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

bool IsKnownResource(std::string_view r) {
  return std::find(kResources.begin(), kResources.end(), r) != kResources.end();
}
bool IsKnownAction(std::string_view a) { return std::find(kActions.begin(), kActions.end(), a) != kActions.end(); }

bool IsKnownRbacPermission(std::string_view p) {
  size_t colon = p.find(':');
  return colon != std::string_view::npos && IsKnownResource(p.substr(0, colon)) && IsKnownAction(p.substr(colon + 1));
}

std::string PermissionString(std::string_view resource, std::string_view action) {
  return std::string(resource) + ":" + std::string(action);
}

const std::vector<Role>& BuiltInRoles() {
  static const std::vector<Role> kRoles = {
      BuiltIn("super_admin", "Full system access", &MatrixRow::super_admin),
      BuiltIn("admin", "Manage topics, schemas, mappings, users", &MatrixRow::admin),
      BuiltIn("editor", "Create and modify topics, schemas, mappings", &MatrixRow::editor),
      BuiltIn("viewer", "Read-only access", &MatrixRow::viewer),
  };
  return kRoles;
}

const Role* FindBuiltInRole(std::string_view id_or_name) {
  for (const auto& r : BuiltInRoles()) {
    if (r.id == id_or_name || r.name == id_or_name) return &r;
  }
  return nullptr;
}

std::vector<std::string> EffectivePermissions(const std::vector<Role>& roles) {
  std::vector<std::string> out;
  for (const auto& r : roles) out.insert(out.end(), r.permissions.begin(), r.permissions.end());
  SortUnique(out);
  return out;
}

bool Allows(const std::vector<std::string>& permissions, std::string_view resource, std::string_view action) {
  std::string wanted = PermissionString(resource, action);
  return std::find(permissions.begin(), permissions.end(), wanted) != permissions.end();
}

bool CoversAll(const std::vector<std::string>& granted, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& p) {
    return std::find(granted.begin(), granted.end(), p) != granted.end();
  });
}

std::vector<std::string> PermissionsForToken(const std::vector<std::string>& token_permissions) {
  std::vector<std::string> out;
  for (const auto& p : token_permissions) {
    if (p == "admin") {
      const auto& all = FindBuiltInRole(kSuperAdmin)->permissions;
      out.insert(out.end(), all.begin(), all.end());
    } else if (p == "service") {
      for (const auto& e : FindBuiltInRole("editor")->permissions) {
        std::string_view resource = std::string_view(e).substr(0, e.find(':'));
        if (std::find(std::begin(kApplicationScoped), std::end(kApplicationScoped), resource) !=
            std::end(kApplicationScoped)) {
          out.push_back(e);
        }
      }
    } else if (IsKnownRbacPermission(p)) {
      out.push_back(p);
    }
  }
  SortUnique(out);
  return out;
}

Status ValidateRoleName(std::string_view name) {
  bool shape = name.size() >= 2 && name.size() <= 64 && std::islower(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      shape = false;
    }
  }
  if (!shape) {
    return Error::Validation("Role name must be 2-64 characters of a-z, 0-9 and _, starting with a letter");
  }
  if (FindBuiltInRole(name)) return Error::Validation("Role name is reserved for a built-in role: " + std::string(name));
  return Ok();
}

Result<std::vector<std::string>> ParsePermissions(const boost::json::value& permissions) {
  const auto* arr = permissions.if_array();
  if (!arr) return Error::Validation("permissions must be an array");
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    std::string p;
    if (const auto* s = item.if_string()) {
      p = std::string(*s);
    } else if (const auto* o = item.if_object()) {
      const auto* r = o->if_contains("resource");
      const auto* a = o->if_contains("action");
      if (!r || !a || !r->is_string() || !a->is_string()) {
        return Error::Validation("Each permission needs string fields resource and action");
      }
      p = PermissionString(r->get_string(), a->get_string());
    } else {
      return Error::Validation("Each permission must be an object {resource, action}");
    }
    if (!IsKnownRbacPermission(p)) return Error::Validation("Unknown permission: " + p);
    out.push_back(std::move(p));
  }
  SortUnique(out);
  return out;
}

boost::json::array PermissionsToJson(const std::vector<std::string>& permissions) {
  boost::json::array out;
  for (const auto& p : permissions) {
    size_t colon = p.find(':');
    out.push_back(boost::json::object{{"resource", p.substr(0, colon)}, {"action", p.substr(colon + 1)}});
  }
  return out;
}

boost::json::object RoleToJson(const Role& role) {
  return {{"id", role.id},
          {"name", role.name},
          {"description", role.description},
          {"builtIn", role.built_in},
          {"permissions", PermissionsToJson(role.permissions)},
          {"createdAt", role.created_at},
          {"updatedAt", role.updated_at}};
}

}  // namespace rt::identity
