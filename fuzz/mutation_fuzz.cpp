// Sync document mutations (src/sync/mutation.*, src/sync/document_input.*).
// Input: line 1 the document data (a JSON object), the rest the mutations (array or object
// form) or a whole mutate request body {"mutations": …, "expectedRevision": …}.
// Checks: no exception escapes; the input document is never changed; a request that succeeds
// equals its prefix applied first and then its last mutation (all-or-nothing, in order), and
// the last mutation's postcondition holds where its pointer points (set: the value is there;
// remove: the key is gone; increment: old + value; append: the value is the last element;
// merge: each patch key merged); the whole-document forms likewise; error messages (which
// quote the input) stay valid UTF-8.
#include <cmath>

#include "core/json.h"
#include "fuzz/fuzz_util.h"
#include "protocol/ws_frame.h"
#include "sync/document_input.h"
#include "sync/json_merge.h"
#include "sync/mutation.h"

namespace rs = rt::sync;
namespace json = rt::json;
using boost::json::value;

namespace {

// The value a decoded pointer names, or nullptr.
const value* Resolve(const value& root, const std::vector<std::string>& segs) {
  const value* cur = &root;
  for (const auto& seg : segs) {
    if (cur->is_object()) {
      cur = cur->get_object().if_contains(seg);
      if (!cur) return nullptr;
    } else if (cur->is_array()) {
      const auto& arr = cur->get_array();
      if (seg.empty() || seg.size() > 9 || (seg.size() > 1 && seg[0] == '0')) return nullptr;
      for (char c : seg)
        if (c < '0' || c > '9') return nullptr;
      size_t i = std::stoul(seg);
      if (i >= arr.size()) return nullptr;
      cur = &arr[i];
    } else {
      return nullptr;
    }
  }
  return cur;
}

void CheckMerged(const value& target, const boost::json::object& patch) {
  FUZZ_CHECK(target.is_object(), "merge target is not an object");
  const auto& o = target.get_object();
  for (const auto& kv : patch) {
    const value* got = o.if_contains(kv.key());
    if (kv.value().is_null()) FUZZ_CHECK(!got, "merge: null did not remove the key");
    else if (kv.value().is_object()) CheckMerged(got ? *got : value(), kv.value().get_object());
    else FUZZ_CHECK(got && *got == kv.value(), "merge: value not replaced");
  }
}

void CheckLast(const value& before, const value& after, const rs::Mutation& m) {
  using rs::MutationOp;
  if (m.segments.empty()) {
    if (m.op == MutationOp::kSet) FUZZ_CHECK(after == m.value, "set '' did not replace the document");
    if (m.op == MutationOp::kMerge) CheckMerged(after, m.value.get_object());
    return;
  }
  std::vector<std::string> parent_segs(m.segments.begin(), m.segments.end() - 1);
  const value* parent = Resolve(after, parent_segs);
  FUZZ_CHECK(parent && (parent->is_object() || parent->is_array()), "the parent of a mutated path is missing");
  const std::string& last = m.segments.back();
  const value* old = Resolve(before, m.segments);
  const value* now = Resolve(after, m.segments);
  bool appended = parent->is_array() && (last == "-" || (old == nullptr && m.op == MutationOp::kSet));
  if (appended) {
    FUZZ_CHECK(!parent->get_array().empty() && parent->get_array().back() == m.value, "set at the array end");
    return;
  }
  switch (m.op) {
    case MutationOp::kSet: FUZZ_CHECK(now && *now == m.value, "set: the value is not at the path"); break;
    case MutationOp::kRemove:
      FUZZ_CHECK(old, "remove succeeded on a missing target");
      if (parent->is_object()) FUZZ_CHECK(!now, "remove: the key is still there");
      break;
    case MutationOp::kIncrement: {
      FUZZ_CHECK(now && now->is_number(), "increment: no number at the path");
      if (!old) {
        FUZZ_CHECK(*now == m.value, "increment of a missing target: not the value");
        break;
      }
      auto as_int = [](const value& v, int64_t& out) {
        if (v.is_int64()) return out = v.get_int64(), true;
        if (v.is_uint64() && v.get_uint64() <= uint64_t{INT64_MAX}) return out = static_cast<int64_t>(v.get_uint64()), true;
        return false;
      };
      int64_t x = 0, y = 0, sum = 0;
      if (as_int(*old, x) && as_int(m.value, y) && !__builtin_add_overflow(x, y, &sum)) {
        FUZZ_CHECK(now->is_int64() && now->get_int64() == sum, "increment: wrong integer sum");
      } else {
        double want = old->to_number<double>() + m.value.to_number<double>();
        FUZZ_CHECK(std::isfinite(want) && now->is_double() && now->get_double() == want, "increment: wrong sum");
      }
      break;
    }
    case MutationOp::kAppend:
      FUZZ_CHECK(now && now->is_array() && !now->get_array().empty() && now->get_array().back() == m.value,
                 "append: the value is not the last element");
      FUZZ_CHECK(now->get_array().size() == (old ? old->get_array().size() + 1 : 1), "append: size");
      break;
    case MutationOp::kMerge:
      FUZZ_CHECK(now, "merge: no object at the path");
      CheckMerged(*now, m.value.get_object());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    auto [doc_text, mut_text] = fuzz::SplitLine(fuzz::AsText(data, size));
    auto doc = json::ParseObject(doc_text);
    if (!doc.ok()) return;
    auto input = json::Parse(mut_text);
    if (!input.ok()) return;

    std::vector<rs::Mutation> muts;
    if (input->is_object() && input->get_object().contains("mutations")) {
      std::string if_match = std::string(doc_text.substr(0, 8));
      auto req = rs::ParseMutate(input->get_object(), size % 2 ? &if_match : nullptr);
      if (!req.ok()) return;
      FUZZ_CHECK(!req->mutations.empty(), "mutate request without mutations");
      muts = std::move(req->mutations);
    } else {
      auto parsed = rs::ParseMutations(*input);
      if (!parsed.ok()) {
        FUZZ_CHECK(!parsed.error().message.empty(), "error without message");
        // The message goes into a JSON error body: it must stay UTF-8 (no sequence cut short).
        FUZZ_CHECK(rt::protocol::ws::IsValidUtf8(parsed.error().message), "error message is not UTF-8");
        return;
      }
      muts = std::move(*parsed);
    }
    FUZZ_CHECK(!muts.empty() && muts.size() <= rs::kMaxMutations, "mutation count");
    for (const auto& m : muts) FUZZ_CHECK(m.segments.size() <= rs::kMaxPointerSegments, "too many segments");

    const boost::json::object original = *doc;
    auto result = rs::ApplyMutations(*doc, muts);
    FUZZ_CHECK(*doc == original, "ApplyMutations changed its input");
    if (!result.ok()) {
      FUZZ_CHECK(rt::protocol::ws::IsValidUtf8(result.error().message), "error message is not UTF-8");
      return;
    }

    std::vector<rs::Mutation> prefix(muts.begin(), muts.end() - 1);
    boost::json::object mid = original;
    if (!prefix.empty()) {
      auto r = rs::ApplyMutations(original, prefix);
      FUZZ_CHECK(r.ok(), "a prefix of a successful request fails");
      mid = std::move(*r);
    }
    auto last = rs::ApplyMutations(mid, {muts.back()});
    FUZZ_CHECK(last.ok() && *last == *result, "prefix then last != the whole request");
    CheckLast(value(mid), value(*result), muts.back());

    (void)rs::CheckLimits(*result, rs::DocumentLimits{}, "document data");
  });
  return 0;
}
