// Internal to the mapping code (mapping_parse.cpp, mapping_eval.cpp): how a string in a mapping
// names a column. "$row.<column>" is a reference; any other string starting with `$` and a letter
// or `_` looks like one (a typo such as "$old.x" or "$rows.x") and is refused; everything else is a
// literal. Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "cdc/mapping.h"
#include "core/json.h"

namespace rt::cdc {

inline constexpr std::string_view kRowPrefix = "$row.";

// A column name as PostgreSQL allows it (quoted identifiers included): 1-63 bytes, no control
// characters.
inline bool IsColumnName(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdentifierBytes) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

inline bool IsReferenceLike(std::string_view s) {
  if (s.size() < 2 || s[0] != '$') return false;
  char c = s[1];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// The column a template string references, "" for a literal, or a ValidationError naming field.
inline Result<std::string> ReferencedColumn(std::string_view s, const std::string& field) {
  if (s.starts_with(kRowPrefix)) {
    std::string_view column = s.substr(kRowPrefix.size());
    if (!IsColumnName(column))
      return Error::Validation(field + ": \"$row.\" must be followed by a column name (1-63 characters)");
    return std::string(column);
  }
  if (IsReferenceLike(s))
    return Error::Validation(field + ": unknown reference \"" + std::string(json::Utf8Prefix(s, 80)) +
                             "\" (only \"$row.<column>\" is supported)");
  return std::string();
}

}  // namespace rt::cdc
