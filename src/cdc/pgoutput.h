// Decoder for PostgreSQL's logical replication protocol as the built-in "pgoutput" plugin
// speaks it (proto_version 1), and the replication stream's CopyData framing around it.
//
// Pure codec: bytes in, plain structs out; no sockets, no libpq. Two entry points:
//   DecodeMessage   one pgoutput message (the payload of an XLogData, or one `data` row of
//                   pg_logical_slot_get_binary_changes): Begin, Commit, Origin, Relation, Type,
//                   Insert, Update, Delete, Truncate, Message (logical decoding message).
//   DecodeCopyData  one CopyData payload of START_REPLICATION: XLogData ('w', with its pgoutput
//                   message decoded) or Primary keepalive ('k').
// EncodeStandbyStatus builds the client's reply ('r'). All integers are big-endian.
//
// Failure: a truncated, over-long or malformed buffer (unknown tag, missing string terminator,
// length beyond the buffer, bad tuple/column kind, trailing bytes) is a kValidation Error naming
// the message and the fault; nothing is read outside the given buffer and allocations are
// bounded by the buffer's size, whatever the input (the decoder is a fuzz target). Messages of
// later protocol versions (streaming, two-phase) are errors too.
//
// Tuples are decoded as sent (TupleData is self-describing); pairing values with column names
// and types needs the table's Relation message, which RelationCache keeps (cdc/pg_values.h
// turns a tuple into JSON).
//
// Ownership: every decoded struct owns its data (no views into the input). Thread safety: the
// free functions are pure; a RelationCache belongs to one replication stream (not synchronized).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/result.h"

namespace rt::cdc {

// A WAL position (XLogRecPtr).
using Lsn = uint64_t;

// "X/Y": the high and low 32 bits in upper-case hex without padding, as PostgreSQL prints it
// (0x16B3748 -> "0/16B3748").
std::string FormatLsn(Lsn lsn);
// Parses "X/Y" (1-8 hex digits each side, either case); kValidation otherwise.
Result<Lsn> ParseLsn(std::string_view text);

// Replication timestamps are microseconds since 2000-01-01 00:00:00 UTC (the PostgreSQL epoch).
inline constexpr int64_t kPgEpochUnixMicros = 946684800000000;
inline constexpr int64_t PgMicrosToUnixMicros(int64_t pg) { return pg + kPgEpochUnixMicros; }
inline constexpr int64_t UnixMicrosToPgMicros(int64_t unix_us) { return unix_us - kPgEpochUnixMicros; }

// One column of a TupleData.
struct TupleValue {
  enum class Kind : char {
    kNull = 'n',            // SQL NULL
    kUnchangedToast = 'u',  // TOASTed value not sent because the UPDATE did not change it
    kText = 't',            // data holds the type's text output
    kBinary = 'b',          // data holds the type's binary send format (only with the binary option)
  };
  Kind kind = Kind::kNull;
  std::string data;  // empty unless kText/kBinary
};
using TupleData = std::vector<TupleValue>;

struct Begin {
  Lsn final_lsn = 0;        // the LSN of the transaction's commit record
  int64_t commit_time = 0;  // PostgreSQL-epoch microseconds
  uint32_t xid = 0;
};

struct Commit {
  uint8_t flags = 0;  // currently unused by PostgreSQL
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;  // the end of the commit record: confirm this LSN once the transaction is handled
  int64_t commit_time = 0;
};

struct Origin {
  Lsn commit_lsn = 0;  // on the origin server
  std::string name;
};

struct RelationColumn {
  uint8_t flags = 0;  // bit 0: part of the replica identity key
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;
  bool key() const { return (flags & 1) != 0; }
};

struct Relation {
  uint32_t id = 0;     // the table's OID
  std::string schema;  // namespace; empty for pg_catalog
  std::string name;
  char replica_identity = 'd';          // relreplident: 'd' default, 'n' nothing, 'f' full, 'i' index
  std::vector<RelationColumn> columns;  // in tuple order (generated columns are not sent)
};

// Sent before the first use of a non-built-in type (enum, domain, composite...).
struct Type {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
};

// Which old image an Update or Delete carries.
enum class OldImage : char {
  kNone = 0,    // Update only: no old values (replica identity key unchanged)
  kKey = 'K',   // replica identity key columns (other columns arrive as nulls)
  kFull = 'O',  // the whole old row (REPLICA IDENTITY FULL)
};

struct Insert {
  uint32_t relation_id = 0;
  TupleData new_tuple;
};

struct Update {
  uint32_t relation_id = 0;
  OldImage old_image = OldImage::kNone;
  TupleData old_tuple;  // empty when old_image == kNone
  TupleData new_tuple;
};

struct Delete {
  uint32_t relation_id = 0;
  OldImage old_image = OldImage::kKey;  // kKey or kFull
  TupleData old_tuple;
};

struct Truncate {
  uint8_t options = 0;  // bit 0: CASCADE, bit 1: RESTART IDENTITY
  std::vector<uint32_t> relation_ids;
  bool cascade() const { return (options & 1) != 0; }
  bool restart_identity() const { return (options & 2) != 0; }
};

// pg_logical_emit_message(); sent only when the client asked for 'messages' 'true'.
struct LogicalMessage {
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;
};

using Message = std::variant<Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate, LogicalMessage>;

// Decodes exactly one pgoutput message (proto_version 1) filling all of `bytes`.
Result<Message> DecodeMessage(std::string_view bytes);

// XLogData: WAL data from the server, here always one pgoutput message.
struct XLogData {
  Lsn wal_start = 0;        // where the message's data starts in the WAL
  Lsn wal_end = 0;          // the server's current end of WAL
  int64_t server_time = 0;  // PostgreSQL-epoch microseconds at transmission
  Message message;
};

// Primary keepalive: when reply_requested, answer with a standby status update at once.
struct PrimaryKeepalive {
  Lsn wal_end = 0;
  int64_t server_time = 0;
  bool reply_requested = false;
};

using ReplicationMessage = std::variant<XLogData, PrimaryKeepalive>;

// Decodes one CopyData payload received during START_REPLICATION.
Result<ReplicationMessage> DecodeCopyData(std::string_view bytes);

// The client's Standby status update ('r'). PostgreSQL may discard WAL up to flush_lsn.
struct StandbyStatus {
  Lsn write_lsn = 0;        // received and written
  Lsn flush_lsn = 0;        // durably handled (for CDC: routed and recorded)
  Lsn apply_lsn = 0;        // applied
  int64_t client_time = 0;  // PostgreSQL-epoch microseconds
  bool reply_requested = false;
};

// The 34-byte CopyData payload of a standby status update.
std::string EncodeStandbyStatus(const StandbyStatus& status);

// The Relation messages seen on one stream, by relation id. pgoutput sends a Relation before the
// first change of a table in a session and again when its definition changes; a later message
// for the same id replaces the earlier one.
class RelationCache {
 public:
  // Keeps r (replacing any relation with its id).
  void Put(Relation r);
  // The relation with this id, or nullptr. Valid until the next Put of the same id or Clear.
  const Relation* Find(uint32_t id) const;
  // The relation, or kNotFound when no Relation message for id was seen.
  Result<const Relation*> Get(uint32_t id) const;
  void Clear() { relations_.clear(); }
  size_t size() const { return relations_.size(); }

 private:
  std::unordered_map<uint32_t, Relation> relations_;
};

}  // namespace rt::cdc
