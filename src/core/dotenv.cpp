#include "core/dotenv.h"

#include <fstream>
#include <sstream>

namespace rt {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ValidKey(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

Result<EnvMap> ParseDotEnv(std::string_view text) {
  EnvMap out;
  int line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("export ")) line = Trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string_view::npos)
      return Error::Validation(".env line " + std::to_string(line_no) + ": expected KEY=VALUE");
    std::string_view key = Trim(line.substr(0, eq));
    if (!ValidKey(key)) return Error::Validation(".env line " + std::to_string(line_no) + ": invalid variable name");
    std::string_view raw = Trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) {
      char q = raw[0];
      // The closing quote; inside double quotes a backslash escapes the next character, so
      // \" does not close (it did before; found by fuzz/dotenv_fuzz.cpp).
      size_t end = 1;
      while (end < raw.size() && raw[end] != q) end += (q == '"' && raw[end] == '\\') ? 2 : 1;
      if (end >= raw.size())
        return Error::Validation(".env line " + std::to_string(line_no) + ": unterminated quote");
      std::string_view inner = raw.substr(1, end - 1);
      for (size_t i = 0; i < inner.size(); ++i) {
        if (q == '"' && inner[i] == '\\' && i + 1 < inner.size()) {
          char n = inner[++i];
          value += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
          value += inner[i];
        }
      }
    } else {
      auto hash = raw.find(" #");
      value = std::string(Trim(raw.substr(0, hash)));
    }
    out[std::string(key)] = std::move(value);
  }
  return out;
}

Status MergeDotEnvFile(const std::string& path, EnvMap& env) {
  std::ifstream in(path);
  if (!in) return Ok();
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseDotEnv(ss.str());
  if (!parsed.ok()) return Error::Validation(path + ": " + parsed.error().message);
  for (auto& [k, v] : *parsed) env.emplace(k, v);  // existing environment wins
  return Ok();
}

}  // namespace rt
