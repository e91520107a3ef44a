#include "sqlite.h"

#include <limits>

namespace rh::pipeline::detail {

std::string LastError(sqlite3* db) {
  return std::string(sqlite3_errmsg(db)) + " (code " + std::to_string(sqlite3_extended_errcode(db)) + ")";
}

sim::Expected<StmtPtr, std::string> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  // Persistent: these statements are cached for the connection's lifetime.
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return sim::MakeUnexpected(LastError(db));
  return stmt;
}

Status Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return sim::MakeUnexpected(LastError(db));
  return std::monostate{};
}

sim::Expected<std::int64_t, std::string> QueryInt(sqlite3* db, const char* sql, int* code) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  const StmtPtr stmt(raw);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_ROW) return sqlite3_column_int64(stmt.get(), 0);
  }
  if (code != nullptr) *code = rc & 0xff;
  return sim::MakeUnexpected(LastError(db));
}

int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  // An empty view may have a null data(), which SQLite would bind as NULL, not as "".
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return SQLITE_TOOBIG;
  return sqlite3_bind_text(stmt, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                           SQLITE_STATIC);
}

int BindInt64(sqlite3_stmt* stmt, int index, std::int64_t value) { return sqlite3_bind_int64(stmt, index, value); }

int BindOptionalDouble(sqlite3_stmt* stmt, int index, std::optional<double> value) {
  return value ? sqlite3_bind_double(stmt, index, *value) : sqlite3_bind_null(stmt, index);
}

int BindOptionalText(sqlite3_stmt* stmt, int index, const std::optional<std::string>& text) {
  return text ? BindText(stmt, index, *text) : sqlite3_bind_null(stmt, index);
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  if (text == nullptr) return {};
  // Bytes after column_text: the length of the text just converted, embedded NULs included.
  const int bytes = sqlite3_column_bytes(stmt, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

}  // namespace rh::pipeline::detail
