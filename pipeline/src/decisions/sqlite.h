// Thin RAII and error helpers over the SQLite C API for the decision log. Internal to
// pipeline/src/decisions/: no SQLite type leaves this folder. Values are always bound to
// parameters, never spliced into SQL text.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sim/expected.h"

namespace rh::pipeline::detail {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

using Status = sim::Expected<std::monostate, std::string>;

// SQLite's last message on `db`, with the extended result code ("disk I/O error (code 10)").
std::string LastError(sqlite3* db);

sim::Expected<StmtPtr, std::string> Prepare(sqlite3* db, std::string_view sql);

// Runs SQL that takes no parameters and returns no rows we need (DDL, pragmas, BEGIN/COMMIT).
Status Exec(sqlite3* db, const char* sql);

// The first column of the first row of `sql` as an integer ("PRAGMA user_version"); errors
// carry SQLite's message and the primary result code in `code` when given.
sim::Expected<std::int64_t, std::string> QueryInt(sqlite3* db, const char* sql, int* code = nullptr);

// Resets a cached statement and clears its bindings when the scope ends, so a statement never
// holds a read transaction open between calls (that would stall WAL checkpoints).
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  ~StmtUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

// Binders: 1-based parameter index, SQLite's result code back. Text is bound SQLITE_STATIC (no
// copy): every caller steps the statement while its strings are alive.
int BindText(sqlite3_stmt* stmt, int index, std::string_view text);
int BindInt64(sqlite3_stmt* stmt, int index, std::int64_t value);
int BindOptionalDouble(sqlite3_stmt* stmt, int index, std::optional<double> value);
int BindOptionalText(sqlite3_stmt* stmt, int index, const std::optional<std::string>& text);

// A text column as a string; NULL reads as "".
std::string ColumnText(sqlite3_stmt* stmt, int column);

}  // namespace rh::pipeline::detail
