// The CDC decoders (src/cdc/pgoutput.*, src/cdc/pg_values.*): bytes from a replication
// connection are untrusted input too (a compromised or buggy target).
// Input: the first byte selects the entry point, the rest is the buffer.
// Checks: no crash, over-read or exception (ASan/UBSan); a decoded Relation paired with a decoded
// tuple converts without failing; column text converts to JSON for every known type OID.
#include "cdc/pg_values.h"
#include "cdc/pgoutput.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  fuzz::RunGuarded([&] {
    std::string_view bytes = fuzz::AsText(data + 1, size - 1);
    switch (data[0] % 3) {
      case 0: {
        auto m = rt::cdc::DecodeMessage(bytes);
        if (!m.ok()) FUZZ_CHECK(!m.error().message.empty(), "an error without a message");
        break;
      }
      case 1: {
        auto m = rt::cdc::DecodeCopyData(bytes);
        if (m.ok()) {
          if (auto* x = std::get_if<rt::cdc::XLogData>(&*m)) {
            if (auto* ins = std::get_if<rt::cdc::Insert>(&x->message)) {
              rt::cdc::Relation r;
              r.id = ins->relation_id;
              for (size_t i = 0; i < ins->new_tuple.size(); ++i)
                r.columns.push_back({1, "c" + std::to_string(i), static_cast<uint32_t>(16 + i * 97 % 4000), -1});
              (void)rt::cdc::DecodeRow(r, ins->new_tuple);
              (void)rt::cdc::DecodeRow(r, ins->new_tuple, true);
            }
          }
        }
        break;
      }
      default: {
        static constexpr uint32_t kOids[] = {16, 17, 20, 21, 23, 25, 114, 700, 701, 1007, 1009, 1082, 1083, 1114,
                                             1184, 1700, 2950, 3802, 3807, 99999};
        for (uint32_t oid : kOids) (void)rt::cdc::TextToJson(oid, bytes);
        break;
      }
    }
  });
  return 0;
}
