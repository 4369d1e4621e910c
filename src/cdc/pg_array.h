// PostgreSQL array literals (array_out's text form) as JSON arrays: "{1,2,NULL}",
// "{{\"a \\\"b\\\"\",c},{NULL,\"NULL\"}}", "[0:1]={1,2}" (dimension decoration skipped).
// Quoted elements may hold any character with backslash escapes; an unquoted NULL (any case) is
// SQL NULL, a quoted "NULL" is the string. Each non-null element goes through TextToJson with
// the element type.
//
// Thread safety: pure. Failure: std::nullopt for anything malformed (unbalanced braces, an
// unterminated quote, an empty unquoted element, text after the closing brace, nesting deeper
// than PostgreSQL's 6 dimensions); the caller then keeps the text. Never reads outside text;
// recursion is bounded by the nesting limit.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rt::cdc {

std::optional<boost::json::value> ParseArrayLiteral(std::string_view text, uint32_t element_oid);

}  // namespace rt::cdc
