#include "pipeline/decision_log.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "connection.h"
#include "schema.h"
#include "sqlite.h"

namespace rh::pipeline {
namespace {

namespace chrono = std::chrono;

// How long a statement waits for another connection's lock (the command line reading, a WAL
// checkpoint, a second process) before giving up with SQLITE_BUSY. Only real files ever wait.
constexpr int kBusyTimeoutMs = 5000;

// Every stored time lies in [kEarliest, kLatest): far inside WallTime's range (1677..2262), so
// rounding to milliseconds never overflows, and anything outside is a caller's bug.
constexpr sim::WallTime kEarliest{chrono::sys_days{chrono::year{1900} / 1 / 1}};
constexpr sim::WallTime kLatest{chrono::sys_days{chrono::year{2200} / 1 / 1}};

bool Storable(sim::WallTime t) { return t >= kEarliest && t < kLatest; }

// Stored form: milliseconds, truncated toward the past, so text order is time order.
std::string StoredTime(sim::WallTime t) { return sim::FormatRfc3339Utc(chrono::floor<chrono::milliseconds>(t)); }

// A filter bound in stored form. Stored times are whole milliseconds, so "stored >= t" and
// "stored < t" hold exactly when they hold against t rounded up to the millisecond.
std::string BoundTime(sim::WallTime t) {
  return sim::FormatRfc3339Utc(chrono::ceil<chrono::milliseconds>(std::clamp(t, kEarliest, kLatest)));
}

std::optional<std::string> OptionalStoredTime(const std::optional<sim::WallTime>& t) {
  if (!t) return std::nullopt;
  return StoredTime(*t);
}

// The columns every query reads, in this order.
enum Column : int {
  kColId,
  kColTicketId,
  kColKind,
  kColIntent,
  kColConfidence,
  kColRoute,
  kColRule,
  kColRationale,
  kColDraft,
  kColFinalText,
  kColSender,
  kColOverrideReason,
  kColValueBucket,
  kColOutcome,
  kColDecidedAt,
  kColSentAt,
  kColResolvedAt,
  kColDetails,
};

// A v1 file opened read-only has no details column; it reads as the v2 default.
std::string SelectColumns(int schema_version) {
  return std::string(
             "SELECT id, ticket_id, kind, intent, confidence, route, rule, rationale, draft, final_text, sender, "
             "override_reason, value_bucket, outcome, decided_at, sent_at, resolved_at, ") +
         (schema_version >= 2 ? "details" : "'{}'") + " FROM decisions";
}

constexpr const char* kInsertSql =
    "INSERT INTO decisions (ticket_id, kind, intent, confidence, route, rule, rationale, draft, final_text, "
    "sender, override_reason, value_bucket, outcome, decided_at, sent_at, resolved_at, details) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

// An unset time keeps the stored one.
constexpr const char* kSetOutcomeSql =
    "UPDATE decisions SET outcome = ?1, sent_at = COALESCE(?2, sent_at), resolved_at = COALESCE(?3, resolved_at) "
    "WHERE id = ?4";

// A filter's shape is which of its fields are set; each shape gets its own cached statement, so
// the SQL text never depends on a value and SQLite can use the index that fits.
constexpr std::array<const char*, 6> kFilterConditions = {
    "ticket_id = ?", "intent = ?", "route = ?", "kind = ?", "decided_at >= ?", "decided_at < ?",
};
constexpr std::size_t kFilterShapes = std::size_t{1} << kFilterConditions.size();

// A filter's values in bindable form; lives until the statement has been stepped.
struct BoundFilter {
  unsigned shape = 0;
  std::array<std::string, kFilterConditions.size()> text;  // ticket_id slot unused
  std::int64_t ticket_id = 0;
};

BoundFilter Bindable(const DecisionFilter& f) {
  BoundFilter b;
  auto set = [&b](std::size_t i, std::string value) {
    b.shape |= 1u << i;
    b.text[i] = std::move(value);
  };
  if (f.ticket_id) {
    b.shape |= 1u;
    b.ticket_id = static_cast<std::int64_t>(*f.ticket_id);
  }
  if (f.intent) set(1, *f.intent);
  if (f.route) set(2, *f.route);
  if (f.kind) set(3, *f.kind);
  if (f.from) set(4, BoundTime(*f.from));
  if (f.to) set(5, BoundTime(*f.to));
  return b;
}

std::string WhereClause(unsigned shape) {
  std::string out;
  for (std::size_t i = 0; i < kFilterConditions.size(); ++i) {
    if ((shape & (1u << i)) == 0) continue;
    out += out.empty() ? " WHERE " : " AND ";
    out += kFilterConditions[i];
  }
  return out;
}

// Binds the filter's values in condition order; returns the next free parameter index, or 0.
int BindFilter(sqlite3_stmt* stmt, const BoundFilter& b) {
  int index = 1;
  for (std::size_t i = 0; i < kFilterConditions.size(); ++i) {
    if ((b.shape & (1u << i)) == 0) continue;
    const int rc = i == 0 ? detail::BindInt64(stmt, index, b.ticket_id) : detail::BindText(stmt, index, b.text[i]);
    if (rc != SQLITE_OK) return 0;
    ++index;
  }
  return index;
}

sim::Expected<std::optional<sim::WallTime>, std::string> ReadTime(sqlite3_stmt* stmt, int column, const char* name) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::optional<sim::WallTime>{};
  const std::string text = detail::ColumnText(stmt, column);
  sim::WallTime t;
  if (!sim::ParseRfc3339(text, t)) {
    return sim::MakeUnexpected("decision " + std::to_string(sqlite3_column_int64(stmt, kColId)) + ": " + name + " '" +
                               text + "' is not an RFC 3339 time");
  }
  return std::optional<sim::WallTime>(t);
}

sim::Expected<DecisionRow, std::string> ReadRow(sqlite3_stmt* stmt) {
  DecisionRow row;
  row.id = sqlite3_column_int64(stmt, kColId);
  row.ticket_id = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, kColTicketId));
  row.kind = detail::ColumnText(stmt, kColKind);
  row.intent = detail::ColumnText(stmt, kColIntent);
  if (sqlite3_column_type(stmt, kColConfidence) != SQLITE_NULL) row.confidence = sqlite3_column_double(stmt, kColConfidence);
  row.route = detail::ColumnText(stmt, kColRoute);
  row.rule = detail::ColumnText(stmt, kColRule);
  row.rationale = detail::ColumnText(stmt, kColRationale);
  row.draft = detail::ColumnText(stmt, kColDraft);
  row.final_text = detail::ColumnText(stmt, kColFinalText);
  row.sender = detail::ColumnText(stmt, kColSender);
  row.override_reason = detail::ColumnText(stmt, kColOverrideReason);
  row.value_bucket = detail::ColumnText(stmt, kColValueBucket);
  row.outcome = detail::ColumnText(stmt, kColOutcome);
  auto decided = ReadTime(stmt, kColDecidedAt, "decided_at");
  if (!decided) return sim::MakeUnexpected(decided.error());
  if (!*decided) {
    return sim::MakeUnexpected("decision " + std::to_string(row.id) + ": decided_at is missing");
  }
  row.decided_at = **decided;
  auto sent = ReadTime(stmt, kColSentAt, "sent_at");
  if (!sent) return sim::MakeUnexpected(sent.error());
  row.sent_at = *sent;
  auto resolved = ReadTime(stmt, kColResolvedAt, "resolved_at");
  if (!resolved) return sim::MakeUnexpected(resolved.error());
  row.resolved_at = *resolved;
  row.details = detail::ColumnText(stmt, kColDetails);
  return row;
}

// Why `row` cannot be stored, or "" when it can.
std::string Invalid(const DecisionRow& row) {
  if (row.kind.empty()) return "a decision needs a kind";
  if (row.route != decision_route::kNone && row.route != decision_route::kAutoSend &&
      row.route != decision_route::kHuman) {
    return "route '" + row.route + "' is not auto_send, human or empty";
  }
  // NaN would be stored as NULL by SQLite, silently becoming "no confidence".
  if (row.confidence && !(*row.confidence >= 0.0 && *row.confidence <= 1.0)) {
    return "confidence " + std::to_string(*row.confidence) + " is outside [0, 1]";
  }
  if (!Storable(row.decided_at)) return "decided_at is outside years 1900..2199";
  if (row.sent_at && !Storable(*row.sent_at)) return "sent_at is outside years 1900..2199";
  if (row.resolved_at && !Storable(*row.resolved_at)) return "resolved_at is outside years 1900..2199";
  if (!row.details.empty() && !nlohmann::json::accept(row.details)) return "details are not JSON";
  return "";
}

}  // namespace

std::string AgentSender(std::uint64_t gorgias_user_id) { return "agent:" + std::to_string(gorgias_user_id); }

struct DecisionLog::Impl {
  std::string path;
  bool read_only = false;
  int schema_version = 0;

  std::mutex mu;
  // Declared before the statements, so they are finalised before the connection closes.
  detail::DbPtr db;                                 // guarded by mu
  detail::StmtPtr insert;                           // guarded by mu; null when read-only
  detail::StmtPtr set_outcome;                      // guarded by mu; null when read-only
  std::array<detail::StmtPtr, kFilterShapes> queries;  // guarded by mu; prepared on first use
  std::array<detail::StmtPtr, kFilterShapes> counts;   // guarded by mu; prepared on first use

  std::string Prefix() const { return "decision log '" + path + "': "; }
  std::string Error(std::string_view what) const {
    return Prefix() + std::string(what) + ": " + detail::LastError(db.get());
  }

  // The cached statement for one filter shape (the caller holds mu).
  sim::Expected<sqlite3_stmt*, std::string> FilterStatement(unsigned shape, bool count) {
    detail::StmtPtr& slot = count ? counts[shape] : queries[shape];
    if (!slot) {
      const std::string sql = count ? "SELECT COUNT(*) FROM decisions" + WhereClause(shape)
                                    : SelectColumns(schema_version) + WhereClause(shape) +
                                          " ORDER BY decided_at, id LIMIT ?";
      auto prepared = detail::Prepare(db.get(), sql);
      if (!prepared) return sim::MakeUnexpected(Prefix() + "cannot prepare a query: " + prepared.error());
      slot = std::move(*prepared);
    }
    return slot.get();
  }
};

detail::LogConnection detail::ConnectionOf(DecisionLog& log) {
  DecisionLog::Impl& impl = *log.impl_;
  return {impl.db.get(), impl.mu, impl.path, impl.read_only};
}

DecisionLog::DecisionLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DecisionLog::DecisionLog(DecisionLog&&) noexcept = default;
DecisionLog& DecisionLog::operator=(DecisionLog&&) noexcept = default;
DecisionLog::~DecisionLog() = default;

sim::Expected<DecisionLog, std::string> DecisionLog::Open(const std::string& path) {
  return OpenFile(path, /*read_only=*/false);
}

sim::Expected<DecisionLog, std::string> DecisionLog::OpenReadOnly(const std::string& path) {
  return OpenFile(path, /*read_only=*/true);
}

sim::Expected<DecisionLog, std::string> DecisionLog::OpenFile(const std::string& path, bool read_only) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->read_only = read_only;
  auto fail = [&path](const std::string& why) { return sim::MakeUnexpected("decision log '" + path + "': " + why); };
  if (path.empty()) return fail("no path given");
  if (read_only) {
    // SQLite would say "unable to open database file"; a person deserves the plain reason.
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail("no such file");
  }

  // NOMUTEX: the log's own mutex already serialises every use of the connection.
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK) {
    return fail(std::string("cannot open it: ") + (raw != nullptr ? detail::LastError(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // The first read of the file: this is where a file that is not a database shows.
  int code = SQLITE_OK;
  const auto version = detail::QueryInt(raw, "PRAGMA user_version", &code);
  if (!version) {
    if (code == SQLITE_NOTADB) return fail("not a SQLite database (" + version.error() + ")");
    return fail("cannot read it: " + version.error());
  }
  // Checked before anything below writes to the file (journal mode, migrations).
  if (*version > DecisionLog::kSchemaVersion) return fail(detail::NewerSchemaMessage(*version));

  if (read_only) {
    if (*version < 1) return fail("holds no decision log (schema version " + std::to_string(*version) + ")");
    impl->schema_version = static_cast<int>(*version);
    return DecisionLog(std::move(impl));
  }

  // A file gets WAL (readers never block the writer) and NORMAL sync (no fsync per commit; a
  // process crash loses nothing committed). ":memory:" has no file name and keeps its defaults.
  const char* file = sqlite3_db_filename(raw, "main");
  if (file != nullptr && *file != '\0') {
    if (auto done = detail::Exec(raw, "PRAGMA journal_mode = WAL"); !done) return fail("cannot enable WAL: " + done.error());
    if (auto done = detail::Exec(raw, "PRAGMA synchronous = NORMAL"); !done) return fail(done.error());
  }
  auto migrated = detail::Migrate(raw);
  if (!migrated) return fail(migrated.error());
  impl->schema_version = *migrated;

  auto insert = detail::Prepare(raw, kInsertSql);
  if (!insert) return fail("cannot prepare the insert: " + insert.error());
  impl->insert = std::move(*insert);
  auto set_outcome = detail::Prepare(raw, kSetOutcomeSql);
  if (!set_outcome) return fail("cannot prepare the outcome update: " + set_outcome.error());
  impl->set_outcome = std::move(*set_outcome);
  return DecisionLog(std::move(impl));
}

const std::string& DecisionLog::path() const { return impl_->path; }
bool DecisionLog::read_only() const { return impl_->read_only; }
int DecisionLog::schema_version() const { return impl_->schema_version; }

sim::Expected<std::int64_t, std::string> DecisionLog::Append(const DecisionRow& row) {
  const std::string context = "cannot append a decision for ticket " + std::to_string(row.ticket_id);
  if (impl_->read_only) return sim::MakeUnexpected(impl_->Prefix() + context + ": opened read-only");
  if (const std::string why = Invalid(row); !why.empty()) {
    return sim::MakeUnexpected(impl_->Prefix() + context + ": " + why);
  }
  // Strings bound below must outlive the step.
  const std::string decided_at = StoredTime(row.decided_at);
  const std::optional<std::string> sent_at = OptionalStoredTime(row.sent_at);
  const std::optional<std::string> resolved_at = OptionalStoredTime(row.resolved_at);
  const std::string_view details = row.details.empty() ? std::string_view("{}") : std::string_view(row.details);

  const std::lock_guard lock(impl_->mu);
  sqlite3_stmt* stmt = impl_->insert.get();
  const detail::StmtUse use(stmt);
  const bool bound =
      detail::BindInt64(stmt, 1, static_cast<std::int64_t>(row.ticket_id)) == SQLITE_OK &&
      detail::BindText(stmt, 2, row.kind) == SQLITE_OK && detail::BindText(stmt, 3, row.intent) == SQLITE_OK &&
      detail::BindOptionalDouble(stmt, 4, row.confidence) == SQLITE_OK &&
      detail::BindText(stmt, 5, row.route) == SQLITE_OK && detail::BindText(stmt, 6, row.rule) == SQLITE_OK &&
      detail::BindText(stmt, 7, row.rationale) == SQLITE_OK && detail::BindText(stmt, 8, row.draft) == SQLITE_OK &&
      detail::BindText(stmt, 9, row.final_text) == SQLITE_OK && detail::BindText(stmt, 10, row.sender) == SQLITE_OK &&
      detail::BindText(stmt, 11, row.override_reason) == SQLITE_OK &&
      detail::BindText(stmt, 12, row.value_bucket) == SQLITE_OK &&
      detail::BindText(stmt, 13, row.outcome) == SQLITE_OK && detail::BindText(stmt, 14, decided_at) == SQLITE_OK &&
      detail::BindOptionalText(stmt, 15, sent_at) == SQLITE_OK &&
      detail::BindOptionalText(stmt, 16, resolved_at) == SQLITE_OK &&
      detail::BindText(stmt, 17, details) == SQLITE_OK;
  if (!bound) return sim::MakeUnexpected(impl_->Error(context));
  if (sqlite3_step(stmt) != SQLITE_DONE) return sim::MakeUnexpected(impl_->Error(context));
  return sqlite3_last_insert_rowid(impl_->db.get());
}

DecisionLog::Status DecisionLog::SetOutcome(std::int64_t id, std::string_view outcome, const OutcomeTimes& times) {
  const std::string context = "cannot set the outcome of decision " + std::to_string(id);
  if (impl_->read_only) return sim::MakeUnexpected(impl_->Prefix() + context + ": opened read-only");
  if ((times.sent_at && !Storable(*times.sent_at)) || (times.resolved_at && !Storable(*times.resolved_at))) {
    return sim::MakeUnexpected(impl_->Prefix() + context + ": a time is outside years 1900..2199");
  }
  const std::optional<std::string> sent_at = OptionalStoredTime(times.sent_at);
  const std::optional<std::string> resolved_at = OptionalStoredTime(times.resolved_at);

  const std::lock_guard lock(impl_->mu);
  sqlite3_stmt* stmt = impl_->set_outcome.get();
  const detail::StmtUse use(stmt);
  const bool bound = detail::BindText(stmt, 1, outcome) == SQLITE_OK &&
                     detail::BindOptionalText(stmt, 2, sent_at) == SQLITE_OK &&
                     detail::BindOptionalText(stmt, 3, resolved_at) == SQLITE_OK &&
                     detail::BindInt64(stmt, 4, id) == SQLITE_OK;
  if (!bound || sqlite3_step(stmt) != SQLITE_DONE) return sim::MakeUnexpected(impl_->Error(context));
  if (sqlite3_changes(impl_->db.get()) == 0) return sim::MakeUnexpected(impl_->Prefix() + context + ": no such decision");
  return std::monostate{};
}

sim::Expected<std::vector<DecisionRow>, std::string> DecisionLog::Query(const DecisionFilter& filter) const {
  const BoundFilter values = Bindable(filter);
  const auto limit = static_cast<std::int64_t>(
      std::min<std::size_t>(filter.limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));

  const std::lock_guard lock(impl_->mu);
  auto stmt = impl_->FilterStatement(values.shape, /*count=*/false);
  if (!stmt) return sim::MakeUnexpected(stmt.error());
  const detail::StmtUse use(*stmt);
  const int next = BindFilter(*stmt, values);
  if (next == 0 || detail::BindInt64(*stmt, next, limit) != SQLITE_OK) {
    return sim::MakeUnexpected(impl_->Error("cannot query decisions"));
  }
  std::vector<DecisionRow> rows;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    auto row = ReadRow(*stmt);
    if (!row) return sim::MakeUnexpected(impl_->Prefix() + row.error());
    rows.push_back(std::move(*row));
  }
  if (rc != SQLITE_DONE) return sim::MakeUnexpected(impl_->Error("cannot query decisions"));
  return rows;
}

sim::Expected<std::vector<DecisionRow>, std::string> DecisionLog::ForTicket(std::uint64_t ticket_id) const {
  DecisionFilter filter;
  filter.ticket_id = ticket_id;
  // A ticket gathers tens of decisions; the bound only keeps a runaway loop's ticket finite.
  filter.limit = 100'000;
  return Query(filter);
}

sim::Expected<std::int64_t, std::string> DecisionLog::Count(const DecisionFilter& filter) const {
  const BoundFilter values = Bindable(filter);
  const std::lock_guard lock(impl_->mu);
  auto stmt = impl_->FilterStatement(values.shape, /*count=*/true);
  if (!stmt) return sim::MakeUnexpected(stmt.error());
  const detail::StmtUse use(*stmt);
  if (BindFilter(*stmt, values) == 0 || sqlite3_step(*stmt) != SQLITE_ROW) {
    return sim::MakeUnexpected(impl_->Error("cannot count decisions"));
  }
  return sqlite3_column_int64(*stmt, 0);
}

std::optional<sim::WallTime> ParseDateOrTime(std::string_view text) {
  if (text.size() == 10) {
    // "YYYY-MM-DD": midnight UTC. sim::ParseRfc3339 wants a time of day and a zone.
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    if (text[4] != '-' || text[7] != '-') return std::nullopt;
    for (int p = 0; p < 3; ++p) {
      for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        parts[p] = parts[p] * 10 + (text[i] - '0');
      }
    }
    const chrono::year_month_day ymd{chrono::year{parts[0]}, chrono::month{static_cast<unsigned>(parts[1])},
                                     chrono::day{static_cast<unsigned>(parts[2])}};
    if (!ymd.ok()) return std::nullopt;
    return sim::WallTime{chrono::sys_days{ymd}};
  }
  sim::WallTime t;
  if (!sim::ParseRfc3339(text, t)) return std::nullopt;
  return t;
}

}  // namespace rh::pipeline
