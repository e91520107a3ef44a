#include "pipeline/inbox.h"

#include <chrono>
#include <map>

#include "connection.h"
#include "sqlite.h"

namespace rh::pipeline {
namespace {

using Status = sim::Expected<std::monostate, std::string>;

std::string StoredTime(sim::WallTime t) {
  return sim::FormatRfc3339Utc(std::chrono::floor<std::chrono::milliseconds>(t));
}

std::int64_t Nanoseconds(sim::WallTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string Failure(const detail::LogConnection& c, std::string_view what) {
  return "decision log '" + c.path + "': " + std::string(what) + ": " + detail::LastError(c.db);
}

// Prepared statements by their SQL text (string literals, so the pointer is the key), prepared on
// first use: preparing costs more than running, and the inbox runs several per webhook.
class StatementCache {
 public:
  // The caller holds the log's mutex. Null when SQLite refuses the SQL.
  sqlite3_stmt* Get(sqlite3* db, const char* sql) {
    detail::StmtPtr& slot = statements_[sql];
    if (!slot) {
      auto prepared = detail::Prepare(db, sql);
      if (!prepared) return nullptr;
      slot = std::move(*prepared);
    }
    return slot.get();
  }

 private:
  std::map<const char*, detail::StmtPtr> statements_;
};

using Value = std::variant<std::string_view, std::int64_t>;

bool Bind(sqlite3_stmt* stmt, std::initializer_list<Value> values) {
  int index = 1;
  for (const Value& v : values) {
    const int rc = std::holds_alternative<std::int64_t>(v) ? detail::BindInt64(stmt, index, std::get<std::int64_t>(v))
                                                           : detail::BindText(stmt, index, std::get<std::string_view>(v));
    if (rc != SQLITE_OK) return false;
    ++index;
  }
  return true;
}

// Runs a cached statement that returns no rows, binding text and integers in order.
bool Run(StatementCache& cache, sqlite3* db, const char* sql, std::initializer_list<Value> values) {
  sqlite3_stmt* stmt = cache.Get(db, sql);
  if (stmt == nullptr) return false;
  const detail::StmtUse use(stmt);
  return Bind(stmt, values) && sqlite3_step(stmt) == SQLITE_DONE;
}

sim::Expected<std::monostate, std::string> Exec(StatementCache& cache, sqlite3* db, const char* sql) {
  if (!Run(cache, db, sql, {})) return sim::MakeUnexpected(detail::LastError(db));
  return std::monostate{};
}

// The newest version on record for `resource`, if any; false on an error.
bool RecordedVersion(StatementCache& cache, sqlite3* db, const std::string& resource, std::optional<std::int64_t>& out) {
  sqlite3_stmt* stmt = cache.Get(db, "SELECT version_ns FROM resource_versions WHERE resource = ?1");
  if (stmt == nullptr) return false;
  const detail::StmtUse use(stmt);
  if (!Bind(stmt, {resource})) return false;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) out = sqlite3_column_int64(stmt, 0);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

}  // namespace

struct Inbox::Statements : StatementCache {};
struct DurableMemory::Statements : StatementCache {};

Inbox::Inbox(DecisionLog& log) : log_(log), statements_(std::make_shared<Statements>()) {}
DurableMemory::DurableMemory(DecisionLog& log) : log_(log), statements_(std::make_shared<Statements>()) {}

std::string_view AdmissionName(Admission a) {
  switch (a) {
    case Admission::kAccepted: return "accepted";
    case Admission::kDuplicate: return "duplicate";
    case Admission::kStale: return "stale";
  }
  return "?";
}

sim::Expected<Admitted, std::string> Inbox::Admit(const InboxDelivery& delivery) {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  if (c.read_only) return sim::MakeUnexpected("decision log '" + c.path + "': the inbox needs it read-write");
  const std::string accepted_at = StoredTime(delivery.accepted_at);
  const std::lock_guard lock(c.mu);
  if (auto begun = Exec(*statements_, c.db, "BEGIN IMMEDIATE"); !begun) {
    return sim::MakeUnexpected("decision log '" + c.path + "': cannot record a webhook: " + begun.error());
  }
  auto fail = [this, &c](std::string_view what) -> sim::Expected<Admitted, std::string> {
    std::string message = Failure(c, what);
    Exec(*statements_, c.db, "ROLLBACK");  // best effort: the first error is the one to report
    return sim::MakeUnexpected(std::move(message));
  };
  auto settle = [this, &c](Admission admission, std::int64_t id) -> sim::Expected<Admitted, std::string> {
    if (auto done = Exec(*statements_, c.db, "COMMIT"); !done) {
      Exec(*statements_, c.db, "ROLLBACK");
      return sim::MakeUnexpected("decision log '" + c.path + "': cannot commit a webhook: " + done.error());
    }
    return Admitted{admission, id};
  };
  // The key first: a retry of a delivery accepted before is a duplicate, however old.
  if (!Run(*statements_, c.db, "INSERT OR IGNORE INTO inbox (dedupe_key, source, event, accepted_at) VALUES (?1, ?2, ?3, ?4)",
           {delivery.dedupe_key, delivery.source, delivery.event, accepted_at})) {
    return fail("cannot record a webhook");
  }
  if (sqlite3_changes(c.db) == 0) return settle(Admission::kDuplicate, 0);
  const std::int64_t id = sqlite3_last_insert_rowid(c.db);
  if (delivery.version) {
    std::optional<std::int64_t> recorded;
    if (!RecordedVersion(*statements_, c.db, delivery.version->first, recorded)) return fail("cannot read a resource's version");
    const std::int64_t version = Nanoseconds(delivery.version->second);
    if (recorded && version <= *recorded) {
      // No newer than what was already acted on (the same version again under another key is a
      // replay): the row just inserted goes with the rollback.
      Exec(*statements_, c.db, "ROLLBACK");
      return Admitted{Admission::kStale, 0};
    }
    if (!Run(*statements_, c.db, "INSERT OR REPLACE INTO resource_versions (resource, version_ns) VALUES (?1, ?2)",
             {delivery.version->first, version})) {
      return fail("cannot record a resource's version");
    }
  }
  return settle(Admission::kAccepted, id);
}

sim::Expected<std::monostate, std::string> Inbox::Finish(std::int64_t id, sim::WallTime at) {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::string finished_at = StoredTime(at);
  const std::lock_guard lock(c.mu);
  if (!Run(*statements_, c.db, "UPDATE inbox SET finished_at = ?1 WHERE id = ?2 AND finished_at IS NULL", {finished_at, id})) {
    return sim::MakeUnexpected(Failure(c, "cannot finish inbox row " + std::to_string(id)));
  }
  return std::monostate{};
}

sim::Expected<std::vector<InboxEntry>, std::string> Inbox::Unfinished() const {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::lock_guard lock(c.mu);
  sqlite3_stmt* stmt = statements_->Get(c.db, "SELECT id, source, event FROM inbox WHERE finished_at IS NULL ORDER BY id");
  if (stmt == nullptr) return sim::MakeUnexpected(Failure(c, "cannot read the inbox"));
  const detail::StmtUse use(stmt);
  std::vector<InboxEntry> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.push_back({sqlite3_column_int64(stmt, 0), detail::ColumnText(stmt, 1), detail::ColumnText(stmt, 2)});
  }
  if (rc != SQLITE_DONE) return sim::MakeUnexpected(Failure(c, "cannot read the inbox"));
  return out;
}

sim::Expected<std::int64_t, std::string> Inbox::ForgetFinishedBefore(sim::WallTime before) {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::string cutoff = StoredTime(before);
  const std::lock_guard lock(c.mu);
  if (!Run(*statements_, c.db, "DELETE FROM inbox WHERE finished_at IS NOT NULL AND accepted_at < ?1", {cutoff})) {
    return sim::MakeUnexpected(Failure(c, "cannot forget finished webhooks"));
  }
  return static_cast<std::int64_t>(sqlite3_changes(c.db));
}

sim::Expected<std::monostate, std::string> DurableMemory::Put(const std::string& scope, const std::string& key,
                                                              const std::string& value) {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::lock_guard lock(c.mu);
  if (!Run(*statements_, c.db, "INSERT OR REPLACE INTO pipeline_memory (scope, key, value) VALUES (?1, ?2, ?3)", {scope, key, value})) {
    return sim::MakeUnexpected(Failure(c, "cannot remember " + scope + " " + key));
  }
  return std::monostate{};
}

sim::Expected<std::monostate, std::string> DurableMemory::Erase(const std::string& scope, const std::string& key) {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::lock_guard lock(c.mu);
  if (!Run(*statements_, c.db, "DELETE FROM pipeline_memory WHERE scope = ?1 AND key = ?2", {scope, key})) {
    return sim::MakeUnexpected(Failure(c, "cannot forget " + scope + " " + key));
  }
  return std::monostate{};
}

sim::Expected<std::optional<std::string>, std::string> DurableMemory::Get(const std::string& scope,
                                                                          const std::string& key) const {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::lock_guard lock(c.mu);
  sqlite3_stmt* stmt = statements_->Get(c.db, "SELECT value FROM pipeline_memory WHERE scope = ?1 AND key = ?2");
  if (stmt == nullptr) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  const detail::StmtUse use(stmt);
  if (!Bind(stmt, {scope, key})) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return std::optional<std::string>(detail::ColumnText(stmt, 0));
  if (rc != SQLITE_DONE) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  return std::optional<std::string>();
}

sim::Expected<std::vector<std::pair<std::string, std::string>>, std::string> DurableMemory::All(
    const std::string& scope) const {
  const detail::LogConnection c = detail::ConnectionOf(log_);
  const std::lock_guard lock(c.mu);
  sqlite3_stmt* stmt = statements_->Get(c.db, "SELECT key, value FROM pipeline_memory WHERE scope = ?1 ORDER BY key");
  if (stmt == nullptr) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  const detail::StmtUse use(stmt);
  if (!Bind(stmt, {scope})) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.emplace_back(detail::ColumnText(stmt, 0), detail::ColumnText(stmt, 1));
  }
  if (rc != SQLITE_DONE) return sim::MakeUnexpected(Failure(c, "cannot read the pipeline's memory"));
  return out;
}

}  // namespace rh::pipeline
