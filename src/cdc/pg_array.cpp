#include "cdc/pg_array.h"

#include <boost/json/array.hpp>
#include <string>

#include "cdc/pg_values.h"

namespace rt::cdc {
namespace {

constexpr int kMaxDimensions = 6;  // PostgreSQL's MAXDIM

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool IsNullWord(std::string_view s) {
  return s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 'l';
}

class ArrayParser {
 public:
  ArrayParser(std::string_view text, uint32_t element_oid) : s_(text), element_oid_(element_oid) {}

  std::optional<boost::json::value> Parse() {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '[') {  // "[lower:upper]...=" before the braces
      size_t eq = s_.find('=', pos_);
      if (eq == std::string_view::npos) return std::nullopt;
      pos_ = eq + 1;
      SkipSpace();
    }
    auto v = Array(1);
    SkipSpace();
    if (!v || pos_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  std::optional<boost::json::value> Array(int depth) {
    if (depth > kMaxDimensions || !Eat('{')) return std::nullopt;
    boost::json::array out;
    SkipSpace();
    if (Eat('}')) return boost::json::value(std::move(out));
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) return std::nullopt;
      auto item = s_[pos_] == '{' ? Array(depth + 1) : Element();
      if (!item) return std::nullopt;
      out.push_back(std::move(*item));
      SkipSpace();
      if (Eat(',')) continue;
      if (Eat('}')) return boost::json::value(std::move(out));
      return std::nullopt;
    }
  }

  std::optional<boost::json::value> Element() {
    std::string text;
    if (Eat('"')) {
      while (true) {
        if (pos_ >= s_.size()) return std::nullopt;
        char c = s_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= s_.size()) return std::nullopt;
          c = s_[pos_++];
        }
        text.push_back(c);
      }
      return TextToJson(element_oid_, text);
    }
    bool escaped = false;
    size_t keep = 0;  // trailing unescaped whitespace is not part of the element
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ',' || c == '}' || c == '{' || c == '"') break;
      ++pos_;
      if (c == '\\') {
        if (pos_ >= s_.size()) return std::nullopt;
        text.push_back(s_[pos_++]);
        escaped = true;
        keep = text.size();
        continue;
      }
      text.push_back(c);
      if (!IsSpace(c)) keep = text.size();
    }
    text.resize(keep);
    if (text.empty() && !escaped) return std::nullopt;
    if (!escaped && IsNullWord(text)) return boost::json::value(nullptr);
    return TextToJson(element_oid_, text);
  }

  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  std::string_view s_;
  uint32_t element_oid_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<boost::json::value> ParseArrayLiteral(std::string_view text, uint32_t element_oid) {
  return ArrayParser(text, element_oid).Parse();
}

}  // namespace rt::cdc
