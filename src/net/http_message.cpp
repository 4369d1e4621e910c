#include "net/http_message.h"

namespace rt::net {
namespace {

const std::string* Lookup(const HeaderList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view lower_name) const { return Lookup(headers, lower_name); }

const std::string* HttpRequest::Query(std::string_view name) const { return Lookup(query, name); }

const std::string& HttpRequest::Param(std::string_view name) const {
  static const std::string kEmpty;
  const std::string* v = Lookup(params, name);
  return v ? *v : kEmpty;
}

}  // namespace rt::net
