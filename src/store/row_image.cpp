#include "store/row_image.h"


namespace rt::store {
namespace {

// Column names are identifiers the database itself reported; refuse anything else rather than
// quote it (a row image is built by SelectRows or by code, never by a client).
Status CheckColumn(std::string_view name) {
  if (name.empty()) return Error::Internal("row image: empty column name");
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return Error::Internal("row image: bad column name " + std::string(name));
  return Ok();
}

Result<std::string> InsertSql(std::string_view table, const boost::json::object& row, DbParams& params) {
  std::string cols, values;
  for (const auto& [name, value] : row) {
    RT_TRY(CheckColumn(name));
    if (!cols.empty()) {
      cols += ", ";
      values += ", ";
    }
    cols += name;
    params.push_back(ToDbValue(value));
    values += "$" + std::to_string(params.size());
  }
  return "INSERT INTO " + std::string(table) + " (" + cols + ") VALUES (" + values + ")";
}

std::string KeyList(const std::vector<std::string>& key_columns) {
  std::string out;
  for (const auto& k : key_columns) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

DbValue ToDbValue(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::int64: return v.get_int64();
    case boost::json::kind::uint64: return static_cast<int64_t>(v.get_uint64());
    case boost::json::kind::double_: return v.get_double();
    case boost::json::kind::bool_: return int64_t{v.get_bool() ? 1 : 0};
    case boost::json::kind::string: return std::string(v.get_string());
    default: return std::monostate{};
  }
}

boost::json::value FromDbValue(const DbValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  return nullptr;
}

Result<boost::json::array> SelectRows(DbSession& s, std::string_view table, std::string_view where,
                                      const DbParams& params, std::string_view order) {
  auto r = s.Exec("SELECT * FROM " + std::string(table) + " WHERE " + std::string(where) + " ORDER BY " +
                      std::string(order),
                  params);
  if (!r.ok()) return r.take_error();
  boost::json::array rows;
  for (const auto& row : r->rows) {
    boost::json::object o;
    for (size_t i = 0; i < row.size() && i < r->columns.size(); ++i) o[r->columns[i]] = FromDbValue(row[i]);
    rows.push_back(std::move(o));
  }
  return rows;
}

Status UpsertRow(DbSession& s, std::string_view table, const std::vector<std::string>& key_columns,
                 const boost::json::object& row) {
  DbParams params;
  auto sql = InsertSql(table, row, params);
  if (!sql.ok()) return sql.take_error();
  std::string set;
  for (const auto& [name, value] : row) {
    bool is_key = false;
    for (const auto& k : key_columns) is_key = is_key || k == name;
    if (!is_key) set += (set.empty() ? "" : ", ") + std::string(name) + " = excluded." + std::string(name);
  }
  std::string full = *sql + " ON CONFLICT (" + KeyList(key_columns) + ") DO " +
                     (set.empty() ? std::string("NOTHING") : "UPDATE SET " + set);
  auto r = s.Exec(full, params);
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status InsertRowIfAbsent(DbSession& s, std::string_view table, const std::vector<std::string>& key_columns,
                         const boost::json::object& row) {
  DbParams params;
  auto sql = InsertSql(table, row, params);
  if (!sql.ok()) return sql.take_error();
  auto r = s.Exec(*sql + " ON CONFLICT (" + KeyList(key_columns) + ") DO NOTHING", params);
  if (!r.ok()) return r.take_error();
  return Ok();
}

}  // namespace rt::store
