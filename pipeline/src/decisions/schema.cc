#include "schema.h"

#include <array>

#include "pipeline/decision_log.h"
#include "sqlite.h"

namespace rh::pipeline::detail {
namespace {

// Times are RFC 3339 UTC text with milliseconds, so text order is time order and the file reads
// well in the sqlite3 shell. The (column, decided_at) indexes serve a filter and the ordering
// at once; rowid (id) follows decided_at in each index entry, which gives the tie order for free.
constexpr std::array kMigrations = {
    Migration{1, "create the decisions table",
              "CREATE TABLE decisions ("
              "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
              "  ticket_id INTEGER NOT NULL,"
              "  kind TEXT NOT NULL,"
              "  intent TEXT NOT NULL DEFAULT '',"
              "  confidence REAL,"
              "  route TEXT NOT NULL DEFAULT '',"
              "  rule TEXT NOT NULL DEFAULT '',"
              "  rationale TEXT NOT NULL DEFAULT '',"
              "  draft TEXT NOT NULL DEFAULT '',"
              "  final_text TEXT NOT NULL DEFAULT '',"
              "  sender TEXT NOT NULL DEFAULT '',"
              "  override_reason TEXT NOT NULL DEFAULT '',"
              "  value_bucket TEXT NOT NULL DEFAULT '',"
              "  outcome TEXT NOT NULL DEFAULT '',"
              "  decided_at TEXT NOT NULL,"
              "  sent_at TEXT,"
              "  resolved_at TEXT"
              ");"
              "CREATE INDEX decisions_by_ticket ON decisions (ticket_id, decided_at);"
              "CREATE INDEX decisions_by_time ON decisions (decided_at);"},
    // v2: free-form extras without a schema change each time, and indexes for the two most
    // used filters after ticket and time. Kind has none: every index costs each append a page
    // write, and a kind filter usually comes with a ticket or a time range.
    Migration{2, "add the details column and the intent and route indexes",
              "ALTER TABLE decisions ADD COLUMN details TEXT NOT NULL DEFAULT '{}';"
              "CREATE INDEX decisions_by_intent ON decisions (intent, decided_at);"
              "CREATE INDEX decisions_by_route ON decisions (route, decided_at);"},
    // v3: the pipeline's durable work (docs/HARDENING.md, "Durability"). `inbox` holds every
    // accepted webhook until its work is done; its unique key is the deduplication key, so
    // recording an event and remembering its key are one insert. `resource_versions` keeps the
    // newest timestamp seen per resource (nanoseconds since the epoch, exact), against which a
    // stale event is recognised. `pipeline_memory` is what the workflow must remember between
    // events (a customer's issues and settle timers, a ticket's pending draft), as JSON.
    Migration{3, "add the inbox, resource versions and the pipeline's memory",
              "CREATE TABLE inbox ("
              "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
              "  dedupe_key TEXT NOT NULL UNIQUE,"
              "  source TEXT NOT NULL,"
              "  event TEXT NOT NULL,"
              "  accepted_at TEXT NOT NULL,"
              "  finished_at TEXT"
              ");"
              "CREATE INDEX inbox_unfinished ON inbox (finished_at, id);"
              "CREATE TABLE resource_versions ("
              "  resource TEXT PRIMARY KEY,"
              "  version_ns INTEGER NOT NULL"
              ");"
              "CREATE TABLE pipeline_memory ("
              "  scope TEXT NOT NULL,"
              "  key TEXT NOT NULL,"
              "  value TEXT NOT NULL,"
              "  PRIMARY KEY (scope, key)"
              ");"},
};
constexpr bool VersionsAreOneTwoThree() {
  for (std::size_t i = 0; i < kMigrations.size(); ++i) {
    if (kMigrations[i].version != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(VersionsAreOneTwoThree(), "migration versions run 1, 2, 3, ... with no gaps");
static_assert(kMigrations.back().version == DecisionLog::kSchemaVersion, "kSchemaVersion is the last migration");

}  // namespace

std::string NewerSchemaMessage(std::int64_t version) {
  return "its schema version " + std::to_string(version) + " is newer than this build's (" +
         std::to_string(DecisionLog::kSchemaVersion) + "); use a newer build (a decision log is never downgraded)";
}

sim::Expected<int, std::string> Migrate(sqlite3* db) {
  // IMMEDIATE: take the write lock before reading the version, so the version read is the one
  // the migrations apply to.
  if (auto begun = Exec(db, "BEGIN IMMEDIATE"); !begun) {
    return sim::MakeUnexpected("cannot start the schema migration: " + begun.error());
  }
  auto fail = [db](std::string message) -> sim::Expected<int, std::string> {
    Exec(db, "ROLLBACK");  // best effort: the error that brought us here is the one to report
    return sim::MakeUnexpected(std::move(message));
  };
  const auto found = QueryInt(db, "PRAGMA user_version");
  if (!found) return fail("cannot read the schema version: " + found.error());
  if (*found > DecisionLog::kSchemaVersion) return fail(NewerSchemaMessage(*found));
  if (*found < 0) return fail("its schema version " + std::to_string(*found) + " is not valid");
  for (const Migration& m : kMigrations) {
    if (m.version <= *found) continue;
    if (auto done = Exec(db, m.sql); !done) {
      return fail("migration to schema version " + std::to_string(m.version) + " (" + std::string(m.why) +
                  ") failed: " + done.error());
    }
  }
  if (*found < DecisionLog::kSchemaVersion) {
    // A pragma takes no bound parameters; the value is our own constant.
    const std::string set_version = "PRAGMA user_version = " + std::to_string(DecisionLog::kSchemaVersion);
    if (auto done = Exec(db, set_version.c_str()); !done) return fail("cannot record the schema version: " + done.error());
  }
  if (auto done = Exec(db, "COMMIT"); !done) return fail("cannot commit the schema migration: " + done.error());
  return DecisionLog::kSchemaVersion;
}

}  // namespace rh::pipeline::detail
