#include "core/json.h"

#include <charconv>
#include <cmath>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

namespace rt::json {
namespace {

// boost::json::parse's own handler (boost/json/detail/impl/handler.ipp) with two changes, both
// found by fuzzing (docs/fuzzing.md): Boost.JSON 1.81 does not round every decimal correctly
// (-9.223223372036855e+55 came back several ulps off, so numbers drifted each time a value was
// printed and read again), and it reads 1e400 as inf and 0e400 as NaN, which print as null.
// Here the number's text is read again with std::from_chars (correctly rounded); a number
// beyond the double range is refused (JSON has no infinity) and an underflow is the zero it is.
struct Handler {
  static constexpr size_t max_object_size = boost::json::object::max_size();
  static constexpr size_t max_array_size = boost::json::array::max_size();
  static constexpr size_t max_key_size = boost::json::string::max_size();
  static constexpr size_t max_string_size = boost::json::string::max_size();

  Handler(unsigned char* temp, size_t size) : st(boost::json::storage_ptr(), temp, size) {}

  boost::json::value_stack st;
  std::string number;  // the parts of a number split across input buffers
  bool out_of_range = false;

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) { return true; }
  bool on_object_end(size_t n, boost::json::error_code&) { return st.push_object(n), true; }
  bool on_array_begin(boost::json::error_code&) { return true; }
  bool on_array_end(size_t n, boost::json::error_code&) { return st.push_array(n), true; }
  bool on_key_part(boost::json::string_view s, size_t, boost::json::error_code&) { return st.push_chars(s), true; }
  bool on_key(boost::json::string_view s, size_t, boost::json::error_code&) { return st.push_key(s), true; }
  bool on_string_part(boost::json::string_view s, size_t, boost::json::error_code&) { return st.push_chars(s), true; }
  bool on_string(boost::json::string_view s, size_t, boost::json::error_code&) { return st.push_string(s), true; }
  bool on_number_part(boost::json::string_view s, boost::json::error_code&) { return number.append(s), true; }
  bool on_int64(int64_t i, boost::json::string_view, boost::json::error_code&) {
    number.clear();
    return st.push_int64(i), true;
  }
  bool on_uint64(uint64_t u, boost::json::string_view, boost::json::error_code&) {
    number.clear();
    return st.push_uint64(u), true;
  }
  bool on_double(double d, boost::json::string_view s, boost::json::error_code& ec) {
    number.append(s.data(), s.size());
    double exact = 0;
    auto [end, err] = std::from_chars(number.data(), number.data() + number.size(), exact);
    bool whole = end == number.data() + number.size();
    number.clear();
    if (err == std::errc() && whole) {
      d = exact;
    } else if (std::isinf(d)) {  // too large for a double
      out_of_range = true;
      ec = boost::json::error::exponent_overflow;
      return false;
    } else if (!std::isfinite(d) || err == std::errc::result_out_of_range) {  // 0e400, 1e-400
      d = std::signbit(d) ? -0.0 : 0.0;
    }
    return st.push_double(d), true;
  }
  bool on_bool(bool b, boost::json::error_code&) { return st.push_bool(b), true; }
  bool on_null(boost::json::error_code&) { return st.push_null(), true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

}  // namespace

Result<boost::json::value> Parse(std::string_view text) {
  boost::json::parse_options opts;
  opts.max_depth = 64;
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  boost::json::basic_parser<Handler> p(opts, temp, sizeof temp);
  p.handler().st.reset(boost::json::storage_ptr());
  boost::system::error_code ec;
  size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = boost::json::error::extra_data;
  if (p.handler().out_of_range) return Error::Validation("Invalid JSON: a number is out of range");
  if (ec) return Error::Validation("Invalid JSON: " + ec.message());
  return p.handler().st.release();
}

Result<boost::json::object> ParseObject(std::string_view text) {
  auto v = Parse(text);
  if (!v.ok()) return v.take_error();
  if (!v->is_object()) return Error::Validation("Request body must be a JSON object");
  return std::move(v->as_object());
}

void AppendQuoted(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  size_t plain = 0;  // start of the run of characters copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

void AppendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";  // as JSON.stringify does
    return;
  }
  if (d == 0) d = 0.0;  // -0 prints as 0, as in JavaScript (and "-0" would read back as integer 0)
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

std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;  // s[n] continues a sequence
  return s.substr(0, n);
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
