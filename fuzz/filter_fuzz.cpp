// Subscription filters (src/events/filter.*) matched against events (src/events/event.*).
// Input: line 1 the filter spec (JSON), the rest an event: a RealtimeEvent envelope as
// instances exchange them, or just a payload object.
// Checks: Compile never throws; equal filters (same terms, other key order, or re-serialized)
// get the same signature; a filter matches the same payloads after they cross the wire
// (Serialize -> Parse); a payload built from the filter's own terms matches it; an envelope
// survives SerializeEvent -> ParseEvent.
#include "core/json.h"
#include "events/event.h"
#include "events/filter.h"
#include "fuzz/fuzz_util.h"

namespace events = rt::events;
namespace json = rt::json;

namespace {

// Builds a payload that satisfies every term of spec (first alternative of each `in`);
// false when the terms cannot all hold (a path through another term's value, an empty `in`,
// the same field twice).
bool BuildWitness(const boost::json::object& spec, boost::json::object& out) {
  for (const auto& kv : spec) {
    const boost::json::value* want = &kv.value();
    if (want->is_object()) {
      const auto& in = want->get_object().at("in").get_array();
      if (in.empty()) return false;
      want = &in[0];
    }
    std::string_view key = kv.key();
    boost::json::object* obj = &out;
    size_t start = 0;
    while (true) {
      size_t dot = key.find('.', start);
      std::string seg(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
      if (dot == std::string_view::npos) {
        if (obj->contains(seg)) return false;
        (*obj)[seg] = *want;
        break;
      }
      boost::json::value* next = obj->if_contains(seg);
      if (!next) next = &((*obj)[seg] = boost::json::object());
      if (!next->is_object()) return false;
      obj = &next->get_object();
      start = dot + 1;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    auto [spec_text, event_text] = fuzz::SplitLine(fuzz::AsText(data, size));
    auto spec = json::Parse(spec_text);
    if (!spec.ok()) return;
    auto filter = events::Filter::Compile(*spec);
    if (!filter.ok()) {
      FUZZ_CHECK(!filter.error().message.empty(), "compile error without message");
      return;
    }
    const events::Filter& f = *filter;
    FUZZ_CHECK(f.empty() == (spec->is_null() || spec->get_object().empty()), "empty() vs spec");

    // Same terms, same signature: key order reversed, and the spec re-serialized.
    if (spec->is_object()) {
      boost::json::object reversed;
      const auto& o = spec->get_object();
      for (auto it = o.end(); it != o.begin();) {
        --it;
        reversed[it->key()] = it->value();
      }
      auto f2 = events::Filter::Compile(reversed);
      FUZZ_CHECK(f2.ok() && f2->signature() == f.signature(), "signature depends on key order");
      std::string spec_text2 = json::Serialize(*spec);
      auto wire = json::Parse(spec_text2);
      FUZZ_CHECK(wire.ok(), "spec does not re-serialize");
      auto f3 = events::Filter::Compile(*wire);
      FUZZ_CHECK(f3.ok() && f3->signature() == f.signature(), "signature changes after Serialize -> Parse");

      boost::json::object witness;
      if (BuildWitness(o, witness)) {
        FUZZ_CHECK(f.Matches(witness), "a payload built from the filter's terms does not match: " + json::Serialize(witness));
      }
    }

    // The event side.
    boost::json::object payload;
    if (auto ev = events::ParseEvent(event_text); ev.ok()) {
      std::string wire = events::SerializeEvent(*ev);
      auto back = events::ParseEvent(wire);
      FUZZ_CHECK(back.ok(), "SerializeEvent output does not parse: " + wire);
      FUZZ_CHECK(back->id == ev->id && back->topic == ev->topic && back->source == ev->source && back->type == ev->type,
                 "envelope fields changed in the round trip");
      FUZZ_CHECK(fuzz::SemanticEqual(ev->payload, back->payload), "payload changed in the round trip");
      FUZZ_CHECK(back->metadata.table == ev->metadata.table && back->metadata.operation == ev->metadata.operation &&
                     back->metadata.revision == ev->metadata.revision && back->metadata.from == ev->metadata.from,
                 "metadata changed in the round trip");
      payload = ev->payload;
    } else if (auto obj = json::ParseObject(event_text); obj.ok()) {
      payload = std::move(*obj);
    } else {
      return;
    }
    bool match = f.Matches(payload);
    std::string wire = json::Serialize(payload);
    auto crossed = json::ParseObject(wire);
    FUZZ_CHECK(crossed.ok(), "payload does not re-serialize");
    FUZZ_CHECK(f.Matches(*crossed) == match, "match result changes after the payload crosses the wire");
  });
  return 0;
}
