// JSON helpers shared by every layer: strict parsing of request bodies into objects, and a
// serializer that prints numbers the way JavaScript does (Boost.JSON 1.81 would print 1.5 as
// 1.5E0, which JS clients accept but humans and byte-exact tests do not).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

namespace rt::json {

// Parses text as one JSON value; kValidation with the parser's reason on bad input, or for a
// number beyond the double range (1e400; JSON has no infinity). Decimals are read correctly
// rounded, so Parse(Serialize(v)) == v for every double (Boost.JSON 1.81 alone is not exact).
Result<boost::json::value> Parse(std::string_view text);
// Parses text that must be a JSON object; kValidation otherwise.
Result<boost::json::object> ParseObject(std::string_view text);

// Serializes v compactly; doubles in shortest round-trip form (1.5, 1e+21), integers as integers.
std::string Serialize(const boost::json::value& v);
void AppendValue(std::string& out, const boost::json::value& v);
void AppendQuoted(std::string& out, std::string_view s);
void AppendNumber(std::string& out, double d);

// The longest prefix of s of at most max_bytes that does not cut a UTF-8 sequence short: for
// quoting client input in messages (a cut sequence makes the JSON reply, or a WebSocket text
// frame / close reason carrying it, invalid UTF-8; found by fuzzing).
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

// Field access helpers for validated input. Each returns nullptr when absent or of another type.
const boost::json::string* GetString(const boost::json::object& o, std::string_view key);
const boost::json::object* GetObject(const boost::json::object& o, std::string_view key);

}  // namespace rt::json
