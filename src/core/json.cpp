#include "core/json.h"

#include <charconv>
#include <cmath>

#include <boost/json/parse.hpp>

namespace rt::json {

Result<boost::json::value> Parse(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  boost::json::value v = boost::json::parse(text, ec, {}, opts);
  if (ec) return Error::Validation("Invalid JSON: " + ec.message());
  return v;
}

Result<boost::json::object> ParseObject(std::string_view text) {
  auto v = Parse(text);
  if (!v.ok()) return v.take_error();
  if (!v->is_object()) return Error::Validation("Request body must be a JSON object");
  return std::move(v->as_object());
}

void AppendQuoted(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void AppendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";  // as JSON.stringify does
    return;
  }
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, p);
}

void AppendValue(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: out += std::to_string(v.get_int64()); break;
    case boost::json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case boost::json::kind::double_: AppendNumber(out, v.get_double()); break;
    case boost::json::kind::string: AppendQuoted(out, v.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, e);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        AppendQuoted(out, kv.key());
        out += ':';
        AppendValue(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

std::string Serialize(const boost::json::value& v) {
  std::string out;
  AppendValue(out, v);
  return out;
}

const boost::json::string* GetString(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

const boost::json::object* GetObject(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

}  // namespace rt::json
