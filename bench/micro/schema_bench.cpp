// The schema gate's per-event cost (issue 12): a 10-field payload checked against the `schema`
// bench scenario's 10-property schema, valid (the publish path's cost) and invalid (the full
// error list, computed only for refused events).
//   build/bin/micro_bench --benchmark_filter=Schema
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>

#include "registry/json_schema.h"

namespace rt::registry {
namespace {

const char* kSchema = R"({"type":"object","properties":{
  "ts":{"type":"integer","minimum":0},"seq":{"type":"integer","minimum":0},"k":{"type":"integer"},
  "pad":{"type":"string","maxLength":100000},"f1":{"type":"number"},"f2":{"type":"string","minLength":1},
  "f3":{"type":"number"},"f4":{"type":"string","minLength":1},"f5":{"type":"number"},
  "f6":{"type":"string","enum":["v2","v4","v6"]}},
  "required":["ts","seq","k","pad","f1","f2","f3","f4","f5","f6"],"additionalProperties":false})";

const char* kValid =
    R"({"ts":1733040000000000,"seq":42,"k":0,"f1":43,"f2":"v2","f3":45,"f4":"v4","f5":47,"f6":"v6","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})";

void BM_SchemaIsValid(benchmark::State& state) {
  auto schema = *JsonSchema::Compile(boost::json::parse(kSchema));
  boost::json::value payload = boost::json::parse(kValid);
  for (auto _ : state) benchmark::DoNotOptimize(schema->IsValid(payload));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchemaIsValid);

void BM_SchemaValidateInvalid(benchmark::State& state) {
  auto schema = *JsonSchema::Compile(boost::json::parse(kSchema));
  boost::json::value payload = boost::json::parse(kValid);
  payload.as_object()["seq"] = "x";
  payload.as_object()["f6"] = "nope";
  for (auto _ : state) benchmark::DoNotOptimize(schema->Validate(payload));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchemaValidateInvalid);

}  // namespace
}  // namespace rt::registry
