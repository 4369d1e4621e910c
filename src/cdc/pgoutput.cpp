#include "cdc/pgoutput.h"

#include <algorithm>
#include <cstdio>

namespace rt::cdc {
namespace {

// Big-endian reads over a buffer with a sticky failure: once a read would pass the end (or a
// check fails), every later read returns zero/empty and fault() names the first problem.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool failed() const { return !fault_.empty(); }
  const std::string& fault() const { return fault_; }
  size_t remaining() const { return failed() ? 0 : in_.size() - pos_; }

  void Fail(std::string why) {
    if (!failed()) fault_ = std::move(why);
  }

  uint64_t Uint(size_t n) {
    if (!Need(n)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += n;
    return v;
  }
  uint8_t U8() { return static_cast<uint8_t>(Uint(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Uint(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Uint(4)); }
  uint64_t U64() { return Uint(8); }
  int64_t I64() { return static_cast<int64_t>(U64()); }

  // A NUL-terminated string.
  std::string CString() {
    if (failed()) return {};
    size_t end = in_.find('\0', pos_);
    if (end == std::string_view::npos) {
      Fail("unterminated string at offset " + std::to_string(pos_));
      return {};
    }
    std::string s(in_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  std::string Bytes(size_t n) {
    if (!Need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  // A count of items of at least min_item_bytes each: fails when the rest cannot hold them, so
  // a hostile count never drives a large allocation.
  size_t Count(uint64_t n, size_t min_item_bytes, const char* what) {
    if (!failed() && n > remaining() / min_item_bytes) Fail(std::string(what) + " count exceeds the message");
    return failed() ? 0 : static_cast<size_t>(n);
  }

 private:
  bool Need(size_t n) {
    if (failed()) return false;
    if (in_.size() - pos_ < n) {
      Fail("truncated at offset " + std::to_string(pos_));
      return false;
    }
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string fault_;
};

TupleData ReadTuple(Reader& r) {
  TupleData tuple;
  size_t n = r.Count(r.U16(), 1, "column");
  tuple.reserve(n);
  for (size_t i = 0; i < n && !r.failed(); ++i) {
    TupleValue v;
    char kind = static_cast<char>(r.U8());
    switch (kind) {
      case 'n':
        v.kind = TupleValue::Kind::kNull;
        break;
      case 'u':
        v.kind = TupleValue::Kind::kUnchangedToast;
        break;
      case 't':
      case 'b':
        v.kind = static_cast<TupleValue::Kind>(kind);
        v.data = r.Bytes(r.U32());
        break;
      default:
        if (!r.failed()) r.Fail("bad tuple column kind in column " + std::to_string(i));
    }
    tuple.push_back(std::move(v));
  }
  return tuple;
}

// Reads a submessage tag and checks it is one of `allowed`.
char Tag(Reader& r, std::string_view allowed, const char* what) {
  char tag = static_cast<char>(r.U8());
  if (!r.failed() && allowed.find(tag) == std::string_view::npos) r.Fail(std::string("bad ") + what + " tag");
  return tag;
}

Message ReadBegin(Reader& r) {
  Begin b;
  b.final_lsn = r.U64();
  b.commit_time = r.I64();
  b.xid = r.U32();
  return b;
}

Message ReadCommit(Reader& r) {
  Commit c;
  c.flags = r.U8();
  c.commit_lsn = r.U64();
  c.end_lsn = r.U64();
  c.commit_time = r.I64();
  return c;
}

Message ReadOrigin(Reader& r) {
  Origin o;
  o.commit_lsn = r.U64();
  o.name = r.CString();
  return o;
}

Message ReadRelation(Reader& r) {
  Relation rel;
  rel.id = r.U32();
  rel.schema = r.CString();
  rel.name = r.CString();
  rel.replica_identity = Tag(r, "dnfi", "replica identity");
  size_t n = r.Count(r.U16(), 10, "column");  // flags + name's NUL + type + typmod
  rel.columns.reserve(n);
  for (size_t i = 0; i < n && !r.failed(); ++i) {
    RelationColumn c;
    c.flags = r.U8();
    c.name = r.CString();
    c.type_oid = r.U32();
    c.type_modifier = static_cast<int32_t>(r.U32());
    rel.columns.push_back(std::move(c));
  }
  return rel;
}

Message ReadType(Reader& r) {
  Type t;
  t.oid = r.U32();
  t.schema = r.CString();
  t.name = r.CString();
  return t;
}

Message ReadInsert(Reader& r) {
  Insert ins;
  ins.relation_id = r.U32();
  Tag(r, "N", "new tuple");
  ins.new_tuple = ReadTuple(r);
  return ins;
}

Message ReadUpdate(Reader& r) {
  Update up;
  up.relation_id = r.U32();
  char tag = Tag(r, "KON", "update tuple");
  if (tag == 'K' || tag == 'O') {
    up.old_image = static_cast<OldImage>(tag);
    up.old_tuple = ReadTuple(r);
    Tag(r, "N", "new tuple");
  }
  up.new_tuple = ReadTuple(r);
  return up;
}

Message ReadDelete(Reader& r) {
  Delete del;
  del.relation_id = r.U32();
  char tag = Tag(r, "KO", "old tuple");
  if (!r.failed()) del.old_image = static_cast<OldImage>(tag);
  del.old_tuple = ReadTuple(r);
  return del;
}

Message ReadTruncate(Reader& r) {
  Truncate t;
  uint32_t n = r.U32();
  t.options = r.U8();
  size_t count = r.Count(n, 4, "relation");
  t.relation_ids.reserve(count);
  for (size_t i = 0; i < count && !r.failed(); ++i) t.relation_ids.push_back(r.U32());
  return t;
}

Message ReadLogicalMessage(Reader& r) {
  LogicalMessage m;
  uint8_t flags = r.U8();
  if (flags > 1 && !r.failed()) r.Fail("bad flags");
  m.transactional = flags == 1;
  m.lsn = r.U64();
  m.prefix = r.CString();
  m.content = r.Bytes(r.U32());
  return m;
}

struct Decoder {
  const char* name;
  Message (*read)(Reader&);
};

// The pgoutput message for a tag, or nullptr.
const Decoder* DecoderFor(char tag) {
  static const Decoder kBegin{"Begin", ReadBegin}, kCommit{"Commit", ReadCommit}, kOrigin{"Origin", ReadOrigin},
      kRelation{"Relation", ReadRelation}, kType{"Type", ReadType}, kInsert{"Insert", ReadInsert},
      kUpdate{"Update", ReadUpdate}, kDelete{"Delete", ReadDelete}, kTruncate{"Truncate", ReadTruncate},
      kMessage{"Message", ReadLogicalMessage};
  switch (tag) {
    case 'B':
      return &kBegin;
    case 'C':
      return &kCommit;
    case 'O':
      return &kOrigin;
    case 'R':
      return &kRelation;
    case 'Y':
      return &kType;
    case 'I':
      return &kInsert;
    case 'U':
      return &kUpdate;
    case 'D':
      return &kDelete;
    case 'T':
      return &kTruncate;
    case 'M':
      return &kMessage;
    default:
      return nullptr;
  }
}

Error Malformed(const std::string& what, const Reader& r) {
  return Error::Validation("pgoutput " + what + " message: " + r.fault());
}

// "0x41 ('A')" for error messages.
std::string DescribeTag(char tag) {
  char buf[16];
  auto u = static_cast<unsigned char>(tag);
  if (u >= 0x20 && u < 0x7f)
    std::snprintf(buf, sizeof buf, "0x%02x ('%c')", u, tag);
  else
    std::snprintf(buf, sizeof buf, "0x%02x", u);
  return buf;
}

void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 1-8 hex digits as a 32-bit value, or false.
bool ParseHex32(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 8 || !std::all_of(s.begin(), s.end(), IsHex)) return false;
  out = 0;
  for (char c : s) out = out * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  return true;
}

}  // namespace

std::string FormatLsn(Lsn lsn) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

Result<Lsn> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  uint64_t hi = 0, lo = 0;
  if (slash == std::string_view::npos || !ParseHex32(text.substr(0, slash), hi) ||
      !ParseHex32(text.substr(slash + 1), lo)) {
    return Error::Validation("invalid LSN (expected X/Y in hex): " + std::string(text.substr(0, 40)));
  }
  return (hi << 32) | lo;
}

Result<Message> DecodeMessage(std::string_view bytes) {
  if (bytes.empty()) return Error::Validation("pgoutput: empty message");
  const Decoder* d = DecoderFor(bytes[0]);
  if (!d) return Error::Validation("pgoutput: unknown or unsupported message type " + DescribeTag(bytes[0]));
  Reader r(bytes.substr(1));
  Message m = d->read(r);
  if (!r.failed() && r.remaining() != 0) r.Fail(std::to_string(r.remaining()) + " trailing bytes");
  if (r.failed()) return Malformed(d->name, r);
  return m;
}

Result<ReplicationMessage> DecodeCopyData(std::string_view bytes) {
  if (bytes.empty()) return Error::Validation("replication: empty CopyData");
  Reader r(bytes.substr(1));
  if (bytes[0] == 'k') {
    PrimaryKeepalive k;
    k.wal_end = r.U64();
    k.server_time = r.I64();
    uint8_t reply = r.U8();
    if (reply > 1 && !r.failed()) r.Fail("bad reply flag");
    k.reply_requested = reply == 1;
    if (!r.failed() && r.remaining() != 0) r.Fail(std::to_string(r.remaining()) + " trailing bytes");
    if (r.failed()) return Error::Validation("replication keepalive: " + r.fault());
    return ReplicationMessage(k);
  }
  if (bytes[0] != 'w') return Error::Validation("replication: unknown CopyData message " + DescribeTag(bytes[0]));
  XLogData x;
  x.wal_start = r.U64();
  x.wal_end = r.U64();
  x.server_time = r.I64();
  if (r.failed()) return Error::Validation("replication XLogData: " + r.fault());
  auto m = DecodeMessage(bytes.substr(25));
  if (!m.ok()) return m.take_error();
  x.message = std::move(*m);
  return ReplicationMessage(std::move(x));
}

std::string EncodeStandbyStatus(const StandbyStatus& s) {
  std::string out;
  out.reserve(34);
  out.push_back('r');
  PutU64(out, s.write_lsn);
  PutU64(out, s.flush_lsn);
  PutU64(out, s.apply_lsn);
  PutU64(out, static_cast<uint64_t>(s.client_time));
  out.push_back(s.reply_requested ? 1 : 0);
  return out;
}

void RelationCache::Put(Relation r) {
  uint32_t id = r.id;
  relations_.insert_or_assign(id, std::move(r));
}

const Relation* RelationCache::Find(uint32_t id) const {
  auto it = relations_.find(id);
  return it == relations_.end() ? nullptr : &it->second;
}

Result<const Relation*> RelationCache::Get(uint32_t id) const {
  if (const Relation* r = Find(id)) return r;
  return Error::NotFound("no Relation message seen for relation id " + std::to_string(id));
}

}  // namespace rt::cdc
