// The pgoutput decoder (cdc/pgoutput.h) and the value conversion (cdc/pg_values.h) against the
// real PostgreSQL: a scratch schema with two tables (one REPLICA IDENTITY FULL with many column
// types, one with the default identity and an out-of-line TOASTed column), a publication and a
// temporary pgoutput slot; inserts, updates (with old rows, with an unchanged TOAST value, with a
// key change), deletes, a truncate and a logical message in five transactions; then every raw
// message of pg_logical_slot_get_binary_changes is decoded and checked. Runs only on PostgreSQL
// (REALTIME_TEST_PG_URL; REALTIME_REQUIRE_PG=1 turns a missing URL into a failure). The slot,
// publication and schema are dropped in TearDown, which runs even when the test fails; the slot is
// also temporary, so PostgreSQL drops it if the process dies first.
#include "cdc/pgoutput.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "cdc/pg_values.h"
#include "core/json.h"

namespace rt::testing {
namespace {

using namespace rt::cdc;  // NOLINT

// bytea's text output "\x0a1b..." as bytes.
std::string FromHex(const std::string& text) {
  EXPECT_EQ(text.rfind("\\x", 0), 0u) << text.substr(0, 20);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (size_t i = 2; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<char>(nibble(text[i]) * 16 + nibble(text[i + 1])));
  return out;
}

const std::string kBlob(10000, 'x');  // keyed.blob: stored out of line

// The row as JSON, with kBlob shortened so that a failure stays readable.
std::string RowJson(const Relation& rel, const TupleData& tuple, bool key_only = false) {
  auto row = DecodeRow(rel, tuple, key_only);
  EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message);
  std::string out = row.ok() ? json::Serialize(row->values) : "";
  if (size_t at = out.find(kBlob); at != std::string::npos) out.replace(at, kBlob.size(), "x*10000");
  return out;
}

std::string ImageTag(OldImage image) {
  return image == OldImage::kNone ? "-" : std::string(1, static_cast<char>(image));
}

std::vector<std::string> Toast(const Relation& rel, const TupleData& tuple) {
  auto row = DecodeRow(rel, tuple);
  return row.ok() ? row->unchanged_toast : std::vector<std::string>{"<error>"};
}

class PgOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(Backend::kPostgres);
    // One connection: the temporary slot belongs to the session that created it.
    db_ = std::make_unique<store::PgDb>(store::PgOptions{PgUrl(), 1, 1});
    auto level = db_->Exec("SHOW wal_level");
    ASSERT_TRUE(level.ok()) << level.error().message;
    ASSERT_EQ(store::AsString(level->rows[0][0]), "logical") << "the test PostgreSQL needs wal_level=logical";
    std::string id = RandomHex(6);
    schema_ = "cdc_" + id;
    pub_ = "rt_pub_" + id;
    slot_ = "rt_slot_" + id;
    Exec("CREATE SCHEMA " + schema_);
    Exec("CREATE TABLE " + schema_ +
         ".items (id int PRIMARY KEY, big bigint, small_num numeric, big_num numeric, flag bool, title text, "
         "doc jsonb, at timestamptz, uid uuid, nums int[], tags text[], price float8)");
    Exec("ALTER TABLE " + schema_ + ".items REPLICA IDENTITY FULL");
    Exec("CREATE TABLE " + schema_ + ".keyed (id int PRIMARY KEY, note text, blob text)");
    Exec("ALTER TABLE " + schema_ + ".keyed ALTER COLUMN blob SET STORAGE EXTERNAL");  // out of line, uncompressed
    Exec("CREATE PUBLICATION " + pub_ + " FOR TABLE " + schema_ + ".items, " + schema_ + ".keyed");
    auto slot = db_->Exec("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput', true)", {slot_});
    ASSERT_TRUE(slot.ok()) << slot.error().message;
    slot_created_ = true;
    auto lsn = ParseLsn(store::AsString(slot->rows[0][0]));
    ASSERT_TRUE(lsn.ok()) << lsn.error().message;
    EXPECT_EQ(FormatLsn(*lsn), store::AsString(slot->rows[0][0]));
  }

  void TearDown() override {
    if (!db_) return;
    if (slot_created_) {
      auto r = db_->Exec("SELECT pg_drop_replication_slot($1)", {slot_});
      EXPECT_TRUE(r.ok()) << r.error().message;
    }
    if (!pub_.empty()) (void)db_->Exec("DROP PUBLICATION IF EXISTS " + pub_);
    if (!schema_.empty()) (void)db_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  void Exec(const std::string& sql) {
    auto r = db_->Exec(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
  }

  void InTransaction(const std::vector<std::string>& statements) {
    Status s = db_->Transaction([&](store::DbSession& session) -> Status {
      for (const auto& sql : statements) {
        auto r = session.Exec(sql);
        if (!r.ok()) return r.take_error();
      }
      return Ok();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  // Consumes the slot's changes, read in a session whose TimeZone is not UTC (timestamptz values
  // must still come out in UTC).
  std::vector<std::string> FetchRawMessages() {
    std::vector<std::string> out;
    Status s = db_->Transaction([&](store::DbSession& session) -> Status {
      RT_TRY(session.Exec("SET LOCAL TimeZone = 'Asia/Kolkata'"));
      RT_TRY(session.Exec("SET LOCAL DateStyle = 'ISO, MDY'"));
      auto r = session.Exec(
          "SELECT data FROM pg_logical_slot_get_binary_changes($1, NULL, NULL, 'proto_version', '1', "
          "'publication_names', $2, 'messages', 'true')",
          {slot_, pub_});
      if (!r.ok()) return r.take_error();
      for (const auto& row : r->rows) out.push_back(FromHex(store::AsString(row[0])));
      return Ok();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return out;
  }

  std::unique_ptr<store::PgDb> db_;
  std::string schema_, pub_, slot_;
  bool slot_created_ = false;
};

TEST_F(PgOutputTest, DecodesEveryChangeOfRealTransactions) {
  const std::string items = schema_ + ".items", keyed = schema_ + ".keyed";
  InTransaction({"INSERT INTO " + items +
                     " VALUES (1, 9007199254740993, 12.5, 123456789012345678901234567890.123, true, 'say \"hi\"', "
                     "'{\"c\": \"x\", \"a\": [1, 2.5, {\"b\": null}]}', '2024-01-02 03:04:05.123456+02', "
                     "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', "
                     "ARRAY['a\"b', NULL, 'c,d', 'NULL', '', 'back\\slash', '{x}'], 1.25)",
                 "INSERT INTO " + keyed + " VALUES (1, 'n', repeat('x', 10000))",
                 "SELECT pg_logical_emit_message(true, 'rt', 'hello')"});
  InTransaction({"UPDATE " + items + " SET title = 'changed', flag = false, doc = doc || '{\"d\": 1}' WHERE id = 1",
                 "UPDATE " + keyed + " SET note = 'm' WHERE id = 1"});
  InTransaction({"UPDATE " + keyed + " SET id = 2 WHERE id = 1"});
  InTransaction({"DELETE FROM " + items + " WHERE id = 1", "DELETE FROM " + keyed + " WHERE id = 2"});
  InTransaction({"TRUNCATE " + items + " RESTART IDENTITY"});
  auto oids = db_->Exec("SELECT '" + items + "'::regclass::oid::bigint, '" + keyed + "'::regclass::oid::bigint");
  ASSERT_TRUE(oids.ok()) << oids.error().message;
  const auto items_id = static_cast<uint32_t>(store::AsInt(oids->rows[0][0]));
  const auto keyed_id = static_cast<uint32_t>(store::AsInt(oids->rows[0][1]));

  const std::string row1 =
      R"({"id":1,"big":9007199254740993,"small_num":12.5,"big_num":"123456789012345678901234567890.123",)"
      R"("flag":true,"title":"say \"hi\"","doc":{"a":[1,2.5,{"b":null}],"c":"x"},)"
      R"("at":"2024-01-02T01:04:05.123456Z","uid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","nums":[1,null,3],)"
      R"("tags":["a\"b",null,"c,d","NULL","","back\\slash","{x}"],"price":1.25})";
  const std::string row1_updated =
      R"({"id":1,"big":9007199254740993,"small_num":12.5,"big_num":"123456789012345678901234567890.123",)"
      R"("flag":false,"title":"changed","doc":{"a":[1,2.5,{"b":null}],"c":"x","d":1},)"
      R"("at":"2024-01-02T01:04:05.123456Z","uid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","nums":[1,null,3],)"
      R"("tags":["a\"b",null,"c,d","NULL","","back\\slash","{x}"],"price":1.25})";

  RelationCache cache;
  std::vector<std::string> transcript;  // every message but Relation/Type, in order
  std::optional<Begin> open;
  for (const std::string& raw : FetchRawMessages()) {
    auto decoded = DecodeMessage(raw);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    Message& m = *decoded;
    if (auto* rel = std::get_if<Relation>(&m)) {
      cache.Put(std::move(*rel));
      continue;
    }
    if (auto* b = std::get_if<Begin>(&m)) {
      EXPECT_FALSE(open.has_value());
      EXPECT_NEAR(static_cast<double>(PgMicrosToUnixMicros(b->commit_time)) / 1000.0, static_cast<double>(NowMs()),
                  60000.0);
      open = *b;
      transcript.push_back("begin");
    } else if (auto* c = std::get_if<Commit>(&m)) {
      ASSERT_TRUE(open.has_value());
      EXPECT_EQ(c->commit_lsn, open->final_lsn);
      EXPECT_EQ(c->commit_time, open->commit_time);
      EXPECT_GT(c->end_lsn, c->commit_lsn);
      open.reset();
      transcript.push_back("commit");
    } else if (auto* lm = std::get_if<LogicalMessage>(&m)) {
      EXPECT_TRUE(lm->transactional);
      transcript.push_back("message " + lm->prefix + " " + lm->content);
    } else if (auto* t = std::get_if<Truncate>(&m)) {
      EXPECT_EQ(t->relation_ids, std::vector<uint32_t>{items_id});
      EXPECT_TRUE(t->restart_identity());
      EXPECT_FALSE(t->cascade());
      transcript.push_back("truncate");
    } else if (auto* ins = std::get_if<Insert>(&m)) {
      auto rel = cache.Get(ins->relation_id);
      ASSERT_TRUE(rel.ok()) << rel.error().message;
      transcript.push_back("insert " + (*rel)->name + " " + RowJson(**rel, ins->new_tuple));
      if ((*rel)->name == "items") {  // the session's zone reached the text; the JSON above is UTC anyway
        EXPECT_EQ(ins->new_tuple.at(7).data, "2024-01-02 06:34:05.123456+05:30");
      }
    } else if (auto* up = std::get_if<Update>(&m)) {
      auto rel = cache.Get(up->relation_id);
      ASSERT_TRUE(rel.ok()) << rel.error().message;
      bool key_only = up->old_image == OldImage::kKey;
      std::string old = up->old_image == OldImage::kNone ? "-" : RowJson(**rel, up->old_tuple, key_only);
      std::string toast;
      for (const auto& col : Toast(**rel, up->new_tuple)) toast += " toast:" + col;
      transcript.push_back("update " + (*rel)->name + " " + ImageTag(up->old_image) + " " + old + " -> " +
                           RowJson(**rel, up->new_tuple) + toast);
    } else if (auto* del = std::get_if<Delete>(&m)) {
      auto rel = cache.Get(del->relation_id);
      ASSERT_TRUE(rel.ok()) << rel.error().message;
      transcript.push_back("delete " + (*rel)->name + " " + ImageTag(del->old_image) + " " +
                           RowJson(**rel, del->old_tuple, del->old_image == OldImage::kKey));
    } else {
      ADD_FAILURE() << "unexpected message kind " << m.index();
    }
  }
  EXPECT_FALSE(open.has_value()) << "a transaction without its Commit";

  const std::vector<std::string> want = {
      "begin",
      "insert items " + row1,
      R"(insert keyed {"id":1,"note":"n","blob":"x*10000"})",
      "message rt hello",
      "commit",
      "begin",
      "update items O " + row1 + " -> " + row1_updated,
      R"(update keyed - - -> {"id":1,"note":"m"} toast:blob)",
      "commit",
      "begin",
      R"(update keyed K {"id":1} -> {"id":2,"note":"m"} toast:blob)",
      "commit",
      "begin",
      "delete items O " + row1_updated,
      R"(delete keyed K {"id":2})",
      "commit",
      "begin",
      "truncate",
      "commit",
  };
  EXPECT_EQ(transcript, want);

  // The relations as PostgreSQL described them.
  const Relation* it = cache.Find(items_id);
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(it->schema, schema_);
  EXPECT_EQ(it->replica_identity, 'f');
  std::vector<std::pair<std::string, uint32_t>> cols;
  for (const auto& c : it->columns) {
    cols.emplace_back(c.name, c.type_oid);
    EXPECT_TRUE(c.key()) << c.name;  // REPLICA IDENTITY FULL: every column is in the identity
  }
  EXPECT_EQ(cols, (std::vector<std::pair<std::string, uint32_t>>{{"id", 23},
                                                                 {"big", 20},
                                                                 {"small_num", 1700},
                                                                 {"big_num", 1700},
                                                                 {"flag", 16},
                                                                 {"title", 25},
                                                                 {"doc", 3802},
                                                                 {"at", 1184},
                                                                 {"uid", 2950},
                                                                 {"nums", 1007},
                                                                 {"tags", 1009},
                                                                 {"price", 701}}));
  EXPECT_EQ(cache.size(), 2u);
  const Relation* k = cache.Find(keyed_id);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->name, "keyed");
  EXPECT_EQ(k->replica_identity, 'd');
  ASSERT_EQ(k->columns.size(), 3u);
  EXPECT_TRUE(k->columns[0].key());  // the primary key is the default identity
  EXPECT_FALSE(k->columns[1].key());
  EXPECT_FALSE(k->columns[2].key());
}

TEST_F(PgOutputTest, LsnTextRoundTrips) {
  auto r = db_->Exec("SELECT pg_current_wal_lsn()::text, (pg_current_wal_lsn() - '0/0')::text");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto lsn = ParseLsn(store::AsString(r->rows[0][0]));
  ASSERT_TRUE(lsn.ok()) << lsn.error().message;
  EXPECT_EQ(FormatLsn(*lsn), store::AsString(r->rows[0][0]));
  EXPECT_EQ(std::to_string(*lsn), store::AsString(r->rows[0][1]));
}

}  // namespace
}  // namespace rt::testing
