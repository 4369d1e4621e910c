// Row images: rows of any platform table captured as JSON ({column: value}) and written back
// exactly. Deployments (deploy/) record the target's rows before they change them and restore
// them on rollback with these, whatever the table (topics, schemas, mappings, webhooks).
//
// A value keeps its type: integers as JSON integers, reals as doubles, text as strings, NULL as
// null. Column names come from the database (they are never taken from user input).
//
// Failure: the database's errors (store/db.h). Thread safety: free functions over a DbSession
// (only inside its transaction, on its thread).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rt::store {

// SELECT * FROM table WHERE <where> (with params) ORDER BY <order>, as an array of row objects.
Result<boost::json::array> SelectRows(DbSession& s, std::string_view table, std::string_view where,
                                      const DbParams& params, std::string_view order);

// INSERT the row; when its key (key_columns) exists, UPDATE every other column instead.
Status UpsertRow(DbSession& s, std::string_view table, const std::vector<std::string>& key_columns,
                 const boost::json::object& row);

// INSERT the row unless its key exists (then nothing changes).
Status InsertRowIfAbsent(DbSession& s, std::string_view table, const std::vector<std::string>& key_columns,
                         const boost::json::object& row);

// One cell as a bound parameter / a database value as JSON.
DbValue ToDbValue(const boost::json::value& v);
boost::json::value FromDbValue(const DbValue& v);

}  // namespace rt::store
