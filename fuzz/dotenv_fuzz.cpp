// .env parsing (src/core/dotenv.*).
// Input: the text of a .env file.
// Checks: no exception escapes; a failure names its line; every parsed name is a valid
// variable name; the parsed variables written back as KEY="escaped value" lines (the format the
// header documents) parse to the same map, and so does the file with CRLF line ends.
#include "core/dotenv.h"
#include "fuzz/fuzz_util.h"

namespace {

bool ValidName(const std::string& k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k)
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string Quote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '\n') out += "\\n";
    else if (c == '\\' || c == '"') out += '\\', out += c;
    else out += c;
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    std::string_view text = fuzz::AsText(data, size);
    auto parsed = rt::ParseDotEnv(text);
    if (!parsed.ok()) {
      FUZZ_CHECK(parsed.error().message.starts_with(".env line "), "error does not name the line");
      return;
    }
    std::string written;
    for (const auto& [k, v] : *parsed) {
      FUZZ_CHECK(ValidName(k), "invalid variable name accepted: " + k);
      written += k + "=" + Quote(v) + "\n";
    }
    auto back = rt::ParseDotEnv(written);
    FUZZ_CHECK(back.ok(), "written .env does not parse: " + written);
    FUZZ_CHECK(*back == *parsed, "written .env parses to other values: " + written);

    std::string crlf;
    for (char c : std::string(text)) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    auto windows = rt::ParseDotEnv(crlf);
    FUZZ_CHECK(windows.ok() && *windows == *parsed, "CRLF line ends change the result");
  });
  return 0;
}
