#include "cdc/pgoutput.h"

#include <gtest/gtest.h>

namespace rt::cdc {
namespace {

// Hand-built big-endian messages, written field by field as the protocol documentation lists them.
struct Bytes {
  std::string s;
  Bytes& U8(uint8_t v) {
    s.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& U16(uint16_t v) { return U8(v >> 8).U8(v & 0xff); }
  Bytes& U32(uint32_t v) { return U16(v >> 16).U16(v & 0xffff); }
  Bytes& U64(uint64_t v) { return U32(static_cast<uint32_t>(v >> 32)).U32(static_cast<uint32_t>(v)); }
  Bytes& Str(std::string_view v) {
    s.append(v);
    return U8(0);
  }
  Bytes& Raw(std::string_view v) {
    s.append(v);
    return *this;
  }
  Bytes& Text(std::string_view v) {
    U8('t').U32(static_cast<uint32_t>(v.size()));
    return Raw(v);
  }
};

constexpr uint64_t kLsn = 0x0000000100A0B0C0;

std::string BeginMsg() { return Bytes().U8('B').U64(kLsn).U64(764000000123456).U32(4242).s; }
std::string CommitMsg() { return Bytes().U8('C').U8(0).U64(kLsn).U64(kLsn + 0x30).U64(764000000123456).s; }
std::string OriginMsg() { return Bytes().U8('O').U64(77).Str("node_a").s; }
std::string RelationMsg() {
  return Bytes()
      .U8('R')
      .U32(16384)
      .Str("public")
      .Str("items")
      .U8('f')
      .U16(3)
      .U8(1)
      .Str("id")
      .U32(23)
      .U32(0xffffffff)
      .U8(0)
      .Str("title")
      .U32(1043)
      .U32(68)
      .U8(0)
      .Str("doc")
      .U32(3802)
      .U32(0xffffffff)
      .s;
}
std::string TypeMsg() { return Bytes().U8('Y').U32(90001).Str("app").Str("mood").s; }
// id=7, title NULL, doc unchanged TOAST
std::string TupleBytes() { return Bytes().U16(3).Text("7").U8('n').U8('u').s; }
std::string InsertMsg() {
  return Bytes()
      .U8('I')
      .U32(16384)
      .U8('N')
      .U16(3)
      .Text("1")
      .Text("hello \"x\"")
      .Raw(std::string("b\0\0\0\2\x00\xff", 7))
      .s;
}
std::string UpdateFullMsg() {
  return Bytes().U8('U').U32(16384).U8('O').Raw(TupleBytes()).U8('N').U16(3).Text("7").Text("new").U8('u').s;
}
std::string UpdateKeyMsg() {
  return Bytes().U8('U').U32(16384).U8('K').U16(3).Text("7").U8('n').U8('n').U8('N').Raw(TupleBytes()).s;
}
std::string UpdateNewOnlyMsg() { return Bytes().U8('U').U32(16384).U8('N').Raw(TupleBytes()).s; }
std::string DeleteKeyMsg() { return Bytes().U8('D').U32(16384).U8('K').U16(3).Text("7").U8('n').U8('n').s; }
std::string DeleteFullMsg() { return Bytes().U8('D').U32(16384).U8('O').Raw(TupleBytes()).s; }
std::string TruncateMsg() { return Bytes().U8('T').U32(2).U8(3).U32(16384).U32(16390).s; }
std::string LogicalMsg() {
  return Bytes().U8('M').U8(1).U64(kLsn).Str("app").U32(5).Raw(std::string("a\0b\xff!", 5)).s;
}

std::vector<std::string> AllMessages() {
  return {BeginMsg(),      CommitMsg(),     OriginMsg(),    RelationMsg(),      TypeMsg(),
          InsertMsg(),     UpdateFullMsg(), UpdateKeyMsg(), UpdateNewOnlyMsg(), DeleteKeyMsg(),
          DeleteFullMsg(), TruncateMsg(),   LogicalMsg()};
}

template <typename T>
T Decode(const std::string& bytes) {
  auto m = DecodeMessage(bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  if (!m.ok() || !std::holds_alternative<T>(*m)) {
    ADD_FAILURE() << "wrong message type";
    return T{};
  }
  return std::get<T>(std::move(*m));
}

void ExpectTuple7NullToast(const TupleData& t) {
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].kind, TupleValue::Kind::kText);
  EXPECT_EQ(t[0].data, "7");
  EXPECT_EQ(t[1].kind, TupleValue::Kind::kNull);
  EXPECT_EQ(t[2].kind, TupleValue::Kind::kUnchangedToast);
  EXPECT_EQ(t[2].data, "");
}

TEST(PgOutput, DecodesBeginCommitOrigin) {
  auto b = Decode<Begin>(BeginMsg());
  EXPECT_EQ(b.final_lsn, kLsn);
  EXPECT_EQ(b.commit_time, 764000000123456);
  EXPECT_EQ(b.xid, 4242u);
  auto c = Decode<Commit>(CommitMsg());
  EXPECT_EQ(c.flags, 0);
  EXPECT_EQ(c.commit_lsn, kLsn);
  EXPECT_EQ(c.end_lsn, kLsn + 0x30);
  EXPECT_EQ(c.commit_time, 764000000123456);
  EXPECT_EQ(PgMicrosToUnixMicros(c.commit_time), 1710684800123456);  // 2024-03-17T14:13:20.123456Z
  auto o = Decode<Origin>(OriginMsg());
  EXPECT_EQ(o.commit_lsn, 77u);
  EXPECT_EQ(o.name, "node_a");
}

TEST(PgOutput, DecodesRelationAndType) {
  auto r = Decode<Relation>(RelationMsg());
  EXPECT_EQ(r.id, 16384u);
  EXPECT_EQ(r.schema, "public");
  EXPECT_EQ(r.name, "items");
  EXPECT_EQ(r.replica_identity, 'f');
  ASSERT_EQ(r.columns.size(), 3u);
  EXPECT_TRUE(r.columns[0].key());
  EXPECT_EQ(r.columns[0].name, "id");
  EXPECT_EQ(r.columns[0].type_oid, 23u);
  EXPECT_EQ(r.columns[0].type_modifier, -1);
  EXPECT_FALSE(r.columns[1].key());
  EXPECT_EQ(r.columns[1].name, "title");
  EXPECT_EQ(r.columns[1].type_oid, 1043u);
  EXPECT_EQ(r.columns[1].type_modifier, 68);
  EXPECT_EQ(r.columns[2].type_oid, 3802u);
  auto t = Decode<Type>(TypeMsg());
  EXPECT_EQ(t.oid, 90001u);
  EXPECT_EQ(t.schema, "app");
  EXPECT_EQ(t.name, "mood");
}

TEST(PgOutput, DecodesInsertWithEveryColumnKind) {
  auto ins = Decode<Insert>(InsertMsg());
  EXPECT_EQ(ins.relation_id, 16384u);
  ASSERT_EQ(ins.new_tuple.size(), 3u);
  EXPECT_EQ(ins.new_tuple[0].data, "1");
  EXPECT_EQ(ins.new_tuple[1].kind, TupleValue::Kind::kText);
  EXPECT_EQ(ins.new_tuple[1].data, "hello \"x\"");
  EXPECT_EQ(ins.new_tuple[2].kind, TupleValue::Kind::kBinary);
  EXPECT_EQ(ins.new_tuple[2].data, std::string("\x00\xff", 2));
}

TEST(PgOutput, DecodesUpdatesWithAndWithoutOldImage) {
  auto full = Decode<Update>(UpdateFullMsg());
  EXPECT_EQ(full.old_image, OldImage::kFull);
  ExpectTuple7NullToast(full.old_tuple);
  ASSERT_EQ(full.new_tuple.size(), 3u);
  EXPECT_EQ(full.new_tuple[1].data, "new");
  EXPECT_EQ(full.new_tuple[2].kind, TupleValue::Kind::kUnchangedToast);

  auto key = Decode<Update>(UpdateKeyMsg());
  EXPECT_EQ(key.old_image, OldImage::kKey);
  ASSERT_EQ(key.old_tuple.size(), 3u);
  EXPECT_EQ(key.old_tuple[0].data, "7");
  ExpectTuple7NullToast(key.new_tuple);

  auto plain = Decode<Update>(UpdateNewOnlyMsg());
  EXPECT_EQ(plain.old_image, OldImage::kNone);
  EXPECT_TRUE(plain.old_tuple.empty());
  ExpectTuple7NullToast(plain.new_tuple);
}

TEST(PgOutput, DecodesDeleteTruncateAndLogicalMessage) {
  auto dk = Decode<Delete>(DeleteKeyMsg());
  EXPECT_EQ(dk.relation_id, 16384u);
  EXPECT_EQ(dk.old_image, OldImage::kKey);
  EXPECT_EQ(dk.old_tuple.size(), 3u);
  auto df = Decode<Delete>(DeleteFullMsg());
  EXPECT_EQ(df.old_image, OldImage::kFull);
  ExpectTuple7NullToast(df.old_tuple);

  auto t = Decode<Truncate>(TruncateMsg());
  EXPECT_EQ(t.relation_ids, (std::vector<uint32_t>{16384, 16390}));
  EXPECT_TRUE(t.cascade());
  EXPECT_TRUE(t.restart_identity());

  auto m = Decode<LogicalMessage>(LogicalMsg());
  EXPECT_TRUE(m.transactional);
  EXPECT_EQ(m.lsn, kLsn);
  EXPECT_EQ(m.prefix, "app");
  EXPECT_EQ(m.content, std::string("a\0b\xff!", 5));
}

TEST(PgOutput, EveryTruncationAndTrailingByteFails) {
  for (const std::string& msg : AllMessages()) {
    ASSERT_TRUE(DecodeMessage(msg).ok()) << msg[0];
    for (size_t n = 0; n < msg.size(); ++n) {
      auto r = DecodeMessage(std::string_view(msg).substr(0, n));
      ASSERT_FALSE(r.ok()) << msg[0] << " cut at " << n;
      EXPECT_EQ(r.error().code, ErrorCode::kValidation);
    }
    EXPECT_FALSE(DecodeMessage(msg + '\0').ok()) << msg[0];
  }
}

TEST(PgOutput, SurvivesEverySingleByteCorruption) {
  // Not a fuzzer, but every message with each byte replaced by a few values must decode or fail
  // cleanly (run under ASan to catch an over-read).
  for (const std::string& msg : AllMessages()) {
    for (size_t i = 0; i < msg.size(); ++i) {
      for (uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
        std::string bad = msg;
        bad[i] = static_cast<char>(v);
        (void)DecodeMessage(bad);
      }
    }
  }
}

TEST(PgOutput, RejectsMalformedMessages) {
  auto error = [](const std::string& bytes) {
    auto r = DecodeMessage(bytes);
    return r.ok() ? std::string("decoded") : r.error().message;
  };
  EXPECT_NE(error("").find("empty"), std::string::npos);
  EXPECT_NE(error("Z").find("unknown"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('S').U32(1).U8(1).s).find("unknown"), std::string::npos);  // stream start (v2)
  EXPECT_NE(error(Bytes().U8('I').U32(1).U8('N').U16(1).U8('x').s).find("column kind"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('I').U32(1).U8('K').U16(0).s).find("new tuple tag"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('D').U32(1).U8('N').U16(0).s).find("old tuple tag"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('U').U32(1).U8('O').U16(0).U8('O').U16(0).s).find("new tuple tag"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('R').U32(1).Str("s").Str("t").U8('x').U16(0).s).find("replica identity"),
            std::string::npos);
  EXPECT_NE(error(Bytes().U8('Y').U32(1).Raw("unterminated").s).find("unterminated"), std::string::npos);
  // Counts and lengths larger than the message fail before anything is allocated for them.
  EXPECT_NE(error(Bytes().U8('I').U32(1).U8('N').U16(0xffff).U8('n').s).find("count"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('R').U32(1).Str("s").Str("t").U8('d').U16(0xffff).s).find("count"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('T').U32(0xffffffff).U8(0).U32(1).s).find("count"), std::string::npos);
  EXPECT_NE(error(Bytes().U8('I').U32(1).U8('N').U16(1).U8('t').U32(0xffffffff).Raw("abc").s).find("truncated"),
            std::string::npos);
  EXPECT_NE(error(Bytes().U8('M').U8(2).U64(1).Str("p").U32(0).s).find("flags"), std::string::npos);
  EXPECT_NE(error(BeginMsg() + "x").find("Begin message: 1 trailing bytes"), std::string::npos);
}

TEST(PgOutput, DecodesCopyDataFraming) {
  std::string xlog = Bytes().U8('w').U64(0x10).U64(0x20).U64(5).Raw(InsertMsg()).s;
  auto x = DecodeCopyData(xlog);
  ASSERT_TRUE(x.ok()) << x.error().message;
  auto& data = std::get<XLogData>(*x);
  EXPECT_EQ(data.wal_start, 0x10u);
  EXPECT_EQ(data.wal_end, 0x20u);
  EXPECT_EQ(data.server_time, 5);
  EXPECT_EQ(std::get<Insert>(data.message).new_tuple[1].data, "hello \"x\"");

  std::string keepalive = Bytes().U8('k').U64(0xABCDEF).U64(99).U8(1).s;
  auto k = DecodeCopyData(keepalive);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(std::get<PrimaryKeepalive>(*k).wal_end, 0xABCDEFu);
  EXPECT_EQ(std::get<PrimaryKeepalive>(*k).server_time, 99);
  EXPECT_TRUE(std::get<PrimaryKeepalive>(*k).reply_requested);

  for (const std::string& msg : {xlog, keepalive}) {
    for (size_t n = 0; n < msg.size(); ++n) EXPECT_FALSE(DecodeCopyData(msg.substr(0, n)).ok()) << msg[0] << n;
    EXPECT_FALSE(DecodeCopyData(msg + "!").ok());
  }
  EXPECT_FALSE(DecodeCopyData(Bytes().U8('k').U64(1).U64(1).U8(7).s).ok());
  EXPECT_FALSE(DecodeCopyData("r").ok());
  EXPECT_FALSE(DecodeCopyData(Bytes().U8('w').U64(1).U64(1).U64(1).U8('Z').s).ok());  // bad inner message
}

TEST(PgOutput, EncodesStandbyStatusUpdate) {
  std::string got = EncodeStandbyStatus({0x0102030405060708, 0x10, 0x20, -2, true});
  std::string want = Bytes().U8('r').U64(0x0102030405060708).U64(0x10).U64(0x20).U64(0xfffffffffffffffe).U8(1).s;
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.size(), 34u);
  EXPECT_EQ(EncodeStandbyStatus({}).back(), '\0');
}

TEST(PgOutput, FormatsAndParsesLsn) {
  EXPECT_EQ(FormatLsn(0x16B3748), "0/16B3748");
  EXPECT_EQ(FormatLsn(0x00000016B374D848), "16/B374D848");
  EXPECT_EQ(FormatLsn(0), "0/0");
  EXPECT_EQ(FormatLsn(UINT64_MAX), "FFFFFFFF/FFFFFFFF");
  for (uint64_t lsn : {uint64_t{0}, uint64_t{0x16B3748}, kLsn, UINT64_MAX}) EXPECT_EQ(*ParseLsn(FormatLsn(lsn)), lsn);
  EXPECT_EQ(*ParseLsn("16/b374d848"), 0x00000016B374D848u);
  for (const char* bad : {"", "1", "/1", "1/", "123456789/0", "0/123456789", "g/1", "1/2/3", " 1/2", "1/-2", "+1/2"}) {
    EXPECT_FALSE(ParseLsn(bad).ok()) << bad;
  }
}

TEST(PgOutput, RelationCacheKeepsTheLatestDefinition) {
  RelationCache cache;
  EXPECT_EQ(cache.Find(16384), nullptr);
  EXPECT_EQ(cache.Get(16384).error().code, ErrorCode::kNotFound);
  cache.Put(Decode<Relation>(RelationMsg()));
  ASSERT_NE(cache.Find(16384), nullptr);
  EXPECT_EQ(cache.Find(16384)->columns.size(), 3u);
  Relation altered = Decode<Relation>(RelationMsg());
  altered.columns.pop_back();
  cache.Put(altered);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ((*cache.Get(16384))->columns.size(), 2u);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace rt::cdc
