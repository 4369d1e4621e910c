// JSON merge (RFC 7386, src/sync/json_merge.*) and diff (src/sync/json_diff.*).
// Input: line 1 a document (JSON object), the rest a merge patch (JSON object).
// Checks: after DeepMerge every patch key is merged as RFC 7386 says and every other key is
// unchanged; merging the same patch twice changes nothing more (idempotent); JsonDiff of equal
// documents is empty, and (when no key contains a '.', which would make paths ambiguous)
// replaying JsonDiff(before, after) on before rebuilds after; Depth and CheckLimits agree.
#include "core/json.h"
#include "fuzz/fuzz_util.h"
#include "sync/json_diff.h"
#include "sync/json_merge.h"

namespace rs = rt::sync;
namespace json = rt::json;
using boost::json::object;
using boost::json::value;

namespace {

void CheckMerge(const object& before, const object& patch, const object& after) {
  for (const auto& kv : patch) {
    const value* got = after.if_contains(kv.key());
    if (kv.value().is_null()) {
      FUZZ_CHECK(!got, "null did not remove the key");
    } else if (kv.value().is_object()) {
      FUZZ_CHECK(got && got->is_object(), "nested patch did not leave an object");
      const value* old = before.if_contains(kv.key());
      static const object kEmpty;
      CheckMerge(old && old->is_object() ? old->get_object() : kEmpty, kv.value().get_object(), got->get_object());
    } else {
      FUZZ_CHECK(got && *got == kv.value(), "value not replaced");
    }
  }
  for (const auto& kv : before) {
    if (patch.contains(kv.key())) continue;
    const value* got = after.if_contains(kv.key());
    FUZZ_CHECK(got && *got == kv.value(), "a key outside the patch changed");
  }
  for (const auto& kv : after)
    FUZZ_CHECK(before.contains(kv.key()) || patch.contains(kv.key()), "a key appeared from nowhere");
}

bool HasDottedKey(const object& o) {
  for (const auto& kv : o) {
    if (std::string_view(kv.key()).find('.') != std::string_view::npos || kv.key().empty()) return true;
    if (kv.value().is_object() && HasDottedKey(kv.value().get_object())) return true;
  }
  return false;
}

// Sets (or with erase, removes) the value at a dotted path, creating objects on the way.
void SetPath(object& root, std::string_view path, const value* v) {
  object* cur = &root;
  while (true) {
    auto dot = path.find('.');
    std::string seg(path.substr(0, dot));
    if (dot == std::string_view::npos) {
      if (v) (*cur)[seg] = *v;
      else FUZZ_CHECK(cur->erase(seg) == 1, "diff removed a key that is not there");
      return;
    }
    value& next = (*cur)[seg];
    FUZZ_CHECK(next.is_object() || (v && next.is_null()), "diff path through a non-object");
    if (!next.is_object()) next = object();
    cur = &next.get_object();
    path.remove_prefix(dot + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    auto [doc_text, patch_text] = fuzz::SplitLine(fuzz::AsText(data, size));
    auto before = json::ParseObject(doc_text);
    auto patch = json::ParseObject(patch_text);
    if (!before.ok() || !patch.ok()) return;

    object after = *before;
    rs::DeepMerge(after, *patch);
    CheckMerge(*before, *patch, after);
    object twice = after;
    rs::DeepMerge(twice, *patch);
    FUZZ_CHECK(twice == after, "merge is not idempotent");

    object same = rs::JsonDiff(after, after);
    FUZZ_CHECK(same.at("added").get_object().empty() && same.at("removed").get_array().empty() &&
                   same.at("changed").get_object().empty(),
               "diff of equal documents is not empty");

    object diff = rs::JsonDiff(*before, after);
    if (!HasDottedKey(*before) && !HasDottedKey(after)) {
      object rebuilt = *before;
      for (const auto& p : diff.at("removed").get_array()) SetPath(rebuilt, p.get_string(), nullptr);
      for (const auto& kv : diff.at("changed").get_object()) {
        const auto& fromto = kv.value().get_object();
        SetPath(rebuilt, kv.key(), &fromto.at("to"));
      }
      for (const auto& kv : diff.at("added").get_object()) SetPath(rebuilt, kv.key(), &kv.value());
      FUZZ_CHECK(rebuilt == after, "replaying the diff does not rebuild the document: " + json::Serialize(diff));
    }

    size_t depth = rs::Depth(value(after));
    rs::DocumentLimits limits;
    limits.max_depth = depth;
    FUZZ_CHECK(rs::CheckLimits(after, limits, "data").ok() || json::Serialize(after).size() > limits.max_bytes,
               "CheckLimits rejects a document at exactly the depth limit");
    if (depth > 1) {
      limits.max_depth = depth - 1;
      FUZZ_CHECK(!rs::CheckLimits(after, limits, "data").ok(), "CheckLimits accepts a document over the depth limit");
    }
  });
  return 0;
}
