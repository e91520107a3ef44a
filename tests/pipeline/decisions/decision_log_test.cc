// Goal: the decision log keeps every field of every decision (I4) across restarts, answers its
// filters with the documented boundaries in a stable order, migrates old files without losing
// rows, and refuses what it must not touch: a newer schema, a file that is not a database, a
// missing file opened for reading.
#include "pipeline/decision_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace rh::pipeline {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// 2026-11-27 (Black Friday) 00:00:00 UTC.
const sim::WallTime kFriday{std::chrono::sys_days{std::chrono::year{2026} / 11 / 27}};

sim::WallTime At(std::int64_t minutes) { return kFriday + sim::Minutes(minutes); }

DecisionRow Row(std::uint64_t ticket, std::string_view kind, sim::WallTime decided_at) {
  DecisionRow row;
  row.ticket_id = ticket;
  row.kind = std::string(kind);
  row.decided_at = decided_at;
  return row;
}

DecisionRow FullRow() {
  DecisionRow row;
  row.ticket_id = 48213907;
  row.kind = std::string(decision_kind::kHumanOverride);
  row.intent = "refund_status";
  row.confidence = 0.8125;
  row.route = std::string(decision_route::kHuman);
  row.rule = "money.refund_needs_human";
  row.rationale = "Touches money (I2): refunds always wait for a person.";
  row.draft = "Hi Ana,\nyour refund of $42.00 was issued on 2026-11-25.\n";
  row.final_text = "Hi Ana — your refund of €42,00 is on its way (5–7 days). 📦";
  row.sender = AgentSender(7001);
  row.override_reason = "customer asked for store credit instead";
  row.value_bucket = "vip";
  row.outcome = std::string(decision_outcome::kOverridden);
  row.decided_at = kFriday + sim::Hours(9) + sim::Ms(30'123);
  row.sent_at = row.decided_at + sim::Sec(95);
  row.resolved_at = row.decided_at + sim::Hours(26);
  row.details = R"({"order":"#1042","amount":"42.00","tags":["vip","refund"]})";
  return row;
}

// A fresh path per test and process, removed (with its WAL files) when the test ends.
class TempFile {
 public:
  explicit TempFile(std::string_view stem) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "rh_decisions_" + info->name() + "_" + std::string(stem) + "_" +
            std::to_string(::getpid()) + ".db";
    Remove();
  }
  ~TempFile() { Remove(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path_ + suffix, ec);
  }
  std::string path_;
};

// Raw SQLite access, to build files by hand and to look at what the log wrote.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (error ? error : "?");
      sqlite3_free(error);
    }
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text ? reinterpret_cast<const char*>(text) : "";
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The v1 schema exactly as version 1 of the code created it, written out by hand on purpose:
// if someone edits the shipped v1 migration, this file no longer matches it and the test says so.
void MakeV1Database(const std::string& path) {
  RawDb raw(path);
  raw.Exec(
      "CREATE TABLE decisions ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, kind TEXT NOT NULL,"
      "  intent TEXT NOT NULL DEFAULT '', confidence REAL, route TEXT NOT NULL DEFAULT '',"
      "  rule TEXT NOT NULL DEFAULT '', rationale TEXT NOT NULL DEFAULT '', draft TEXT NOT NULL DEFAULT '',"
      "  final_text TEXT NOT NULL DEFAULT '', sender TEXT NOT NULL DEFAULT '',"
      "  override_reason TEXT NOT NULL DEFAULT '', value_bucket TEXT NOT NULL DEFAULT '',"
      "  outcome TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL, sent_at TEXT, resolved_at TEXT);"
      "CREATE INDEX decisions_by_ticket ON decisions (ticket_id, decided_at);"
      "CREATE INDEX decisions_by_time ON decisions (decided_at);"
      "INSERT INTO decisions (ticket_id, kind, intent, confidence, route, rule, rationale, sender, outcome,"
      "  decided_at, sent_at) VALUES (501, 'auto_send', 'wismo', 0.97, 'auto_send', 'safe_zone.wismo_healthy',"
      "  'tracking healthy', 'pipeline', 'sent', '2026-11-27T09:00:00.000Z', '2026-11-27T09:00:01.500Z');"
      "INSERT INTO decisions (ticket_id, kind, intent, route, decided_at) VALUES"
      "  (502, 'route', 'damaged_item', 'human', '2026-11-27T10:00:00.000Z');"
      "PRAGMA user_version = 1;");
}

DecisionLog OpenOrDie(const std::string& path) {
  auto log = DecisionLog::Open(path);
  if (!log) {
    ADD_FAILURE() << log.error();
    std::abort();
  }
  return std::move(log).value();
}

std::vector<std::int64_t> Ids(const std::vector<DecisionRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const DecisionRow& r : rows) ids.push_back(r.id);
  return ids;
}

// --- round trips ---------------------------------------------------------------------------

TEST(DecisionLog, KeepsEveryFieldOfARow) {
  DecisionLog log = OpenOrDie(":memory:");
  const DecisionRow written = FullRow();
  const auto id = log.Append(written);
  ASSERT_TRUE(id) << id.error();
  DecisionRow expected = written;
  expected.id = *id;
  const auto rows = log.ForTicket(written.ticket_id);
  ASSERT_TRUE(rows) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front(), expected);
}

TEST(DecisionLog, ReadsAbsentOptionalsBackAsAbsentAndEmptyDetailsAsAnObject) {
  DecisionLog log = OpenOrDie(":memory:");
  DecisionRow row = Row(9, decision_kind::kTriage, At(0));
  row.details = "";
  ASSERT_TRUE(log.Append(row));
  const DecisionRow back = log.ForTicket(9)->front();
  EXPECT_FALSE(back.confidence.has_value());
  EXPECT_FALSE(back.sent_at.has_value());
  EXPECT_FALSE(back.resolved_at.has_value());
  EXPECT_EQ(back.details, "{}");
  EXPECT_EQ(back.route, "");
}

TEST(DecisionLog, KeepsTicketIdsAboveTheSignedRangeAndFiltersOnThem) {
  DecisionLog log = OpenOrDie(":memory:");
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() - 5;
  ASSERT_TRUE(log.Append(Row(huge, decision_kind::kTriage, At(0))));
  ASSERT_TRUE(log.Append(Row(1, decision_kind::kTriage, At(0))));
  const auto rows = log.ForTicket(huge);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().ticket_id, huge);
}

TEST(DecisionLog, StoresTimesToTheMillisecondTruncatedTowardThePast) {
  DecisionLog log = OpenOrDie(":memory:");
  ASSERT_TRUE(log.Append(Row(1, decision_kind::kTriage, kFriday + nanoseconds(123'999'999))));
  // Before the Unix epoch, truncating toward zero would round up; the log rounds down.
  ASSERT_TRUE(log.Append(Row(2, decision_kind::kTriage, sim::WallTime{} - nanoseconds(500'000))));
  EXPECT_EQ(log.ForTicket(1)->front().decided_at, kFriday + milliseconds(123));
  EXPECT_EQ(log.ForTicket(2)->front().decided_at, sim::WallTime{} - milliseconds(1));
}

TEST(DecisionLog, GivesIncreasingIds) {
  DecisionLog log = OpenOrDie(":memory:");
  const auto a = log.Append(Row(1, decision_kind::kTriage, At(5)));
  const auto b = log.Append(Row(1, decision_kind::kRoute, At(1)));
  ASSERT_TRUE(a && b);
  EXPECT_LT(*a, *b);
  EXPECT_EQ(*log.Count(), 2);
}

TEST(DecisionLog, RefusesRowsThatWouldStoreNonsense) {
  DecisionLog log = OpenOrDie(":memory:");
  auto refused = [&log](DecisionRow row, std::string_view why) {
    const auto id = log.Append(row);
    ASSERT_FALSE(id) << why;
    EXPECT_NE(id.error().find(why), std::string::npos) << id.error();
  };
  refused(Row(1, "", At(0)), "needs a kind");
  DecisionRow bad_route = Row(1, decision_kind::kRoute, At(0));
  bad_route.route = "maybe";
  refused(bad_route, "route 'maybe'");
  DecisionRow nan = Row(1, decision_kind::kTriage, At(0));
  nan.confidence = std::nan("");
  refused(nan, "confidence");
  DecisionRow above_one = Row(1, decision_kind::kTriage, At(0));
  above_one.confidence = 1.5;
  refused(above_one, "confidence");
  DecisionRow not_json = Row(1, decision_kind::kTriage, At(0));
  not_json.details = "{order: 1042";
  refused(not_json, "details are not JSON");
  refused(Row(1, decision_kind::kTriage, sim::WallTime{std::chrono::sys_days{std::chrono::year{1850} / 1 / 1}}),
          "decided_at is outside");
  EXPECT_EQ(*log.Count(), 0);
}

TEST(DecisionLog, SetOutcomeRecordsTheOutcomeAndKeepsTimesItIsNotGiven) {
  DecisionLog log = OpenOrDie(":memory:");
  DecisionRow row = Row(77, decision_kind::kRoute, At(0));
  row.outcome = std::string(decision_outcome::kPendingHuman);
  row.sent_at = At(1);
  const auto id = log.Append(row);
  ASSERT_TRUE(id);
  ASSERT_TRUE(log.SetOutcome(*id, decision_outcome::kConfirmed, {.resolved_at = At(90)}));
  DecisionRow back = log.ForTicket(77)->front();
  EXPECT_EQ(back.outcome, "confirmed");
  EXPECT_EQ(back.sent_at, At(1));
  EXPECT_EQ(back.resolved_at, At(90));
  ASSERT_TRUE(log.SetOutcome(*id, decision_outcome::kEdited, {.sent_at = At(2)}));
  back = log.ForTicket(77)->front();
  EXPECT_EQ(back.outcome, "edited");
  EXPECT_EQ(back.sent_at, At(2));
  EXPECT_EQ(back.resolved_at, At(90));
}

TEST(DecisionLog, SetOutcomeOfAnUnknownDecisionIsAnError) {
  DecisionLog log = OpenOrDie(":memory:");
  const auto done = log.SetOutcome(12345, decision_outcome::kSent);
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("decision 12345"), std::string::npos) << done.error();
  EXPECT_NE(done.error().find("no such decision"), std::string::npos) << done.error();
}

// --- filters and order -----------------------------------------------------------------------

class DecisionFilters : public ::testing::Test {
 protected:
  void SetUp() override {
    // Appended out of time order on purpose; two rows share a time to show the id tie-break.
    Add(10, decision_kind::kTriage, "wismo", "", At(30));      // 1
    Add(10, decision_kind::kAutoSend, "wismo", "auto_send", At(31));  // 2
    Add(20, decision_kind::kTriage, "return", "", At(10));     // 3
    Add(20, decision_kind::kRoute, "return", "human", At(60)); // 4
    Add(30, decision_kind::kRoute, "wismo", "human", At(60));  // 5 (same time as 4)
    Add(30, decision_kind::kHumanOverride, "wismo", "human", At(24 * 60));  // 6 (next day)
  }
  void Add(std::uint64_t ticket, std::string_view kind, std::string intent, std::string route, sim::WallTime t) {
    DecisionRow row = Row(ticket, kind, t);
    row.intent = std::move(intent);
    row.route = std::move(route);
    const auto id = log_.Append(row);
    ASSERT_TRUE(id) << id.error();
  }
  std::vector<std::int64_t> Query(const DecisionFilter& filter) {
    const auto rows = log_.Query(filter);
    EXPECT_TRUE(rows) << rows.error();
    return rows ? Ids(*rows) : std::vector<std::int64_t>{};
  }
  DecisionLog log_ = OpenOrDie(":memory:");
};

TEST_F(DecisionFilters, WithNoFilterReturnsEveryRowByTimeThenId) {
  EXPECT_EQ(Query({}), (std::vector<std::int64_t>{3, 1, 2, 4, 5, 6}));
  // Asking again gives the same order.
  EXPECT_EQ(Query({}), (std::vector<std::int64_t>{3, 1, 2, 4, 5, 6}));
}

TEST_F(DecisionFilters, FilterByEachFieldAlone) {
  EXPECT_EQ(Query({.ticket_id = 20}), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(Query({.intent = "wismo"}), (std::vector<std::int64_t>{1, 2, 5, 6}));
  EXPECT_EQ(Query({.route = "human"}), (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_EQ(Query({.route = ""}), (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(Query({.kind = "triage"}), (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(Query({.from = At(31)}), (std::vector<std::int64_t>{2, 4, 5, 6}));
  EXPECT_EQ(Query({.to = At(31)}), (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(Query({.ticket_id = 99}), (std::vector<std::int64_t>{}));
}

TEST_F(DecisionFilters, CombinesFilters) {
  EXPECT_EQ(Query({.intent = "wismo", .route = "human"}), (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(Query({.ticket_id = 30, .kind = "route"}), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(Query({.intent = "wismo", .from = At(0), .to = At(24 * 60)}), (std::vector<std::int64_t>{1, 2, 5}));
  EXPECT_EQ(Query({.ticket_id = 10, .intent = "return"}), (std::vector<std::int64_t>{}));
  EXPECT_EQ(*log_.Count({.intent = "wismo", .route = "human"}), 2);
}

TEST_F(DecisionFilters, FromIsInclusiveAndToIsExclusive) {
  // Both rows at At(60) sit exactly on the bounds.
  EXPECT_EQ(Query({.from = At(60), .to = At(61)}), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(Query({.from = At(31), .to = At(60)}), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Query({.from = At(60), .to = At(60)}), (std::vector<std::int64_t>{}));
  // Bounds finer than a millisecond compare against the stored millisecond exactly.
  EXPECT_EQ(Query({.from = At(60) + nanoseconds(1)}), (std::vector<std::int64_t>{6}));
  EXPECT_EQ(Query({.to = At(60) + nanoseconds(1)}), (std::vector<std::int64_t>{3, 1, 2, 4, 5}));
  // Bounds far outside the storable years still work.
  EXPECT_EQ(Query({.from = sim::WallTime::min(), .to = sim::WallTime::max()}).size(), 6u);
}

TEST_F(DecisionFilters, LimitKeepsTheFirstRowsInOrderAndCountIgnoresIt) {
  EXPECT_EQ(Query({.limit = 2}), (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(Query({.route = "human", .limit = 1}), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(Query({.limit = 0}), (std::vector<std::int64_t>{}));
  EXPECT_EQ(*log_.Count({.limit = 1}), 6);
}

TEST_F(DecisionFilters, ValuesThatLookLikeSqlAreJustValues) {
  EXPECT_EQ(Query({.intent = "wismo' OR '1'='1"}), (std::vector<std::int64_t>{}));
  DecisionRow row = Row(40, decision_kind::kTriage, At(0));
  row.intent = "x'); DROP TABLE decisions; --";
  ASSERT_TRUE(log_.Append(row));
  EXPECT_EQ(Query({.intent = row.intent}), (std::vector<std::int64_t>{7}));
  EXPECT_EQ(*log_.Count(), 7);
}

// --- files, restarts, threads -----------------------------------------------------------------

TEST(DecisionLogFile, SurvivesARestart) {
  const TempFile file("restart");
  const DecisionRow written = FullRow();
  std::int64_t id = 0;
  {
    DecisionLog log = OpenOrDie(file.path());
    id = log.Append(written).value();
    ASSERT_TRUE(log.Append(Row(5, decision_kind::kTriage, At(1))));
  }
  DecisionLog reopened = OpenOrDie(file.path());
  EXPECT_EQ(*reopened.Count(), 2);
  DecisionRow expected = written;
  expected.id = id;
  EXPECT_EQ(reopened.ForTicket(written.ticket_id)->front(), expected);
  // Ids keep increasing across the restart.
  EXPECT_GT(reopened.Append(Row(5, decision_kind::kRoute, At(2))).value(), id);
}

TEST(DecisionLogFile, UsesWalAndRecordsTheSchemaVersion) {
  const TempFile file("wal");
  { DecisionLog log = OpenOrDie(file.path()); }
  RawDb raw(file.path());
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(DecisionLog::kSchemaVersion));
}

TEST(DecisionLogFile, AMovedLogKeepsWorking) {
  const TempFile file("moved");
  DecisionLog first = OpenOrDie(file.path());
  ASSERT_TRUE(first.Append(Row(1, decision_kind::kTriage, At(0))));
  DecisionLog second = std::move(first);
  ASSERT_TRUE(second.Append(Row(1, decision_kind::kRoute, At(1))));
  DecisionLog third = OpenOrDie(":memory:");
  third = std::move(second);
  EXPECT_EQ(*third.Count(), 2);
  EXPECT_EQ(third.path(), file.path());
}

TEST(DecisionLogFile, AppendsFromSeveralThreadsAtOnce) {
  const TempFile file("threads");
  DecisionLog log = OpenOrDie(file.path());
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, &ids, t] {
      for (int i = 0; i < kEach; ++i) {
        const auto id = log.Append(Row(static_cast<std::uint64_t>(t), decision_kind::kTriage, At(i)));
        if (id) ids[static_cast<std::size_t>(t)].push_back(*id);
        // Readers interleave with the writers on the same connection.
        if (i % 10 == 0) (void)log.ForTicket(static_cast<std::uint64_t>(t));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::int64_t> unique;
  for (const auto& list : ids) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*log.Count(), kThreads * kEach);
  EXPECT_EQ(log.ForTicket(2)->size(), static_cast<std::size_t>(kEach));
}

// --- migrations and refusals ---------------------------------------------------------------

TEST(DecisionLogSchema, MigratesAHandMadeV1FileAndKeepsItsRows) {
  const TempFile file("v1");
  MakeV1Database(file.path());
  DecisionLog log = OpenOrDie(file.path());
  EXPECT_EQ(log.schema_version(), DecisionLog::kSchemaVersion);
  const auto rows = log.Query({});
  ASSERT_TRUE(rows) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  const DecisionRow& first = rows->at(0);
  EXPECT_EQ(first.ticket_id, 501u);
  EXPECT_EQ(first.kind, "auto_send");
  EXPECT_EQ(first.intent, "wismo");
  EXPECT_EQ(first.confidence, 0.97);
  EXPECT_EQ(first.route, "auto_send");
  EXPECT_EQ(first.rule, "safe_zone.wismo_healthy");
  EXPECT_EQ(first.sender, "pipeline");
  EXPECT_EQ(first.outcome, "sent");
  EXPECT_EQ(first.decided_at, kFriday + sim::Hours(9));
  EXPECT_EQ(first.sent_at, kFriday + sim::Hours(9) + sim::Ms(1500));
  EXPECT_EQ(first.details, "{}");  // the v2 column's default
  EXPECT_FALSE(rows->at(1).confidence.has_value());

  // v2's column and indexes are there, and new rows use them.
  DecisionRow row = Row(503, decision_kind::kTriage, At(0));
  row.details = R"({"source":"rules"})";
  ASSERT_TRUE(log.Append(row));
  EXPECT_EQ(log.ForTicket(503)->front().details, row.details);
  EXPECT_EQ(log.ForTicket(503)->front().id, 3);
  RawDb raw(file.path());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(DecisionLog::kSchemaVersion));
  EXPECT_EQ(raw.Text("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                     "('decisions_by_intent', 'decisions_by_route')"),
            "2");
}

TEST(DecisionLogSchema, AFailedMigrationChangesNothing) {
  const TempFile file("broken_v1");
  {
    // Claims v1 but has no decisions table: the v2 migration's ALTER TABLE fails.
    RawDb raw(file.path());
    raw.Exec("CREATE TABLE other (x INTEGER); PRAGMA user_version = 1;");
  }
  const auto log = DecisionLog::Open(file.path());
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().find("migration to schema version 2"), std::string::npos) << log.error();
  RawDb raw(file.path());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), "1");
  EXPECT_EQ(raw.Text("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'decisions%'"), "0");
}

TEST(DecisionLogSchema, RefusesANewerSchemaAndLeavesTheFileAlone) {
  const TempFile file("newer");
  {
    RawDb raw(file.path());
    raw.Exec("CREATE TABLE decisions (id INTEGER PRIMARY KEY); PRAGMA user_version = 99;");
  }
  for (const bool read_only : {false, true}) {
    const auto log = read_only ? DecisionLog::OpenReadOnly(file.path()) : DecisionLog::Open(file.path());
    ASSERT_FALSE(log);
    EXPECT_NE(log.error().find(file.path()), std::string::npos) << log.error();
    EXPECT_NE(log.error().find("schema version 99 is newer"), std::string::npos) << log.error();
    EXPECT_NE(log.error().find("never downgraded"), std::string::npos) << log.error();
  }
  RawDb raw(file.path());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), "99");
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "delete");  // not switched to WAL either
}

TEST(DecisionLogSchema, RefusesAFileThatIsNotADatabase) {
  const TempFile file("text");
  const std::string contents = "order,ticket\n1042,48213907\nthis is a CSV export, not a database\n";
  { std::ofstream(file.path(), std::ios::binary) << contents; }
  for (const bool read_only : {false, true}) {
    const auto log = read_only ? DecisionLog::OpenReadOnly(file.path()) : DecisionLog::Open(file.path());
    ASSERT_FALSE(log);
    EXPECT_NE(log.error().find("'" + file.path() + "'"), std::string::npos) << log.error();
    EXPECT_NE(log.error().find("not a SQLite database"), std::string::npos) << log.error();
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::stringstream back;
  back << in.rdbuf();
  EXPECT_EQ(back.str(), contents);
}

TEST(DecisionLogSchema, RefusesAnEmptyPath) {
  const auto log = DecisionLog::Open("");
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().find("no path given"), std::string::npos) << log.error();
}

// --- read-only opens -------------------------------------------------------------------------

TEST(DecisionLogReadOnly, AMissingFileIsAnErrorAndNothingIsCreated) {
  const TempFile file("missing");
  const auto log = DecisionLog::OpenReadOnly(file.path());
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().find(file.path()), std::string::npos) << log.error();
  EXPECT_NE(log.error().find("no such file"), std::string::npos) << log.error();
  EXPECT_FALSE(fs::exists(file.path()));
}

TEST(DecisionLogReadOnly, AnEmptyFileHoldsNoDecisionLog) {
  const TempFile file("empty");
  { std::ofstream touch(file.path()); }
  const auto log = DecisionLog::OpenReadOnly(file.path());
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().find("holds no decision log"), std::string::npos) << log.error();
  EXPECT_EQ(fs::file_size(file.path()), 0u);
}

TEST(DecisionLogReadOnly, RefusesWrites) {
  const TempFile file("refuses_writes");
  std::int64_t id = 0;
  {
    DecisionLog log = OpenOrDie(file.path());
    id = log.Append(Row(1, decision_kind::kTriage, At(0))).value();
  }
  auto reader = DecisionLog::OpenReadOnly(file.path());
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_TRUE(reader->read_only());
  const auto appended = reader->Append(Row(1, decision_kind::kRoute, At(1)));
  ASSERT_FALSE(appended);
  EXPECT_NE(appended.error().find("read-only"), std::string::npos) << appended.error();
  EXPECT_FALSE(reader->SetOutcome(id, decision_outcome::kSent));
  EXPECT_EQ(*reader->Count(), 1);
}

TEST(DecisionLogReadOnly, SeesTheWritersCommitsWhileItIsOpen) {
  const TempFile file("live_reader");
  DecisionLog writer = OpenOrDie(file.path());
  ASSERT_TRUE(writer.Append(Row(1, decision_kind::kTriage, At(0))));
  auto reader = DecisionLog::OpenReadOnly(file.path());
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(*reader->Count(), 1);
  ASSERT_TRUE(writer.Append(Row(1, decision_kind::kRoute, At(1))));
  EXPECT_EQ(*reader->Count(), 2);
  EXPECT_EQ(reader->ForTicket(1)->size(), 2u);
}

TEST(DecisionLogReadOnly, ReadsAV1FileAsItIsWithoutMigratingIt) {
  const TempFile file("v1_read_only");
  MakeV1Database(file.path());
  auto log = DecisionLog::OpenReadOnly(file.path());
  ASSERT_TRUE(log) << log.error();
  EXPECT_EQ(log->schema_version(), 1);
  const auto rows = log->Query({.route = "human"});
  ASSERT_TRUE(rows) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().ticket_id, 502u);
  EXPECT_EQ(rows->front().details, "{}");
  RawDb raw(file.path());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), "1");
}

// --- dates typed by people -------------------------------------------------------------------

TEST(ParseDateOrTime, ReadsADateAsMidnightUtc) {
  EXPECT_EQ(ParseDateOrTime("2026-11-27"), kFriday);
  EXPECT_EQ(ParseDateOrTime("2024-02-29"), sim::WallTime{std::chrono::sys_days{std::chrono::year{2024} / 2 / 29}});
}

TEST(ParseDateOrTime, ReadsAFullTimeWithItsZone) {
  EXPECT_EQ(ParseDateOrTime("2026-11-27T09:30:00Z"), kFriday + sim::Hours(9) + sim::Minutes(30));
  EXPECT_EQ(ParseDateOrTime("2026-11-27T09:30:00.250+01:00"), kFriday + sim::Hours(8) + sim::Minutes(30) + sim::Ms(250));
}

TEST(ParseDateOrTime, RefusesAnythingElse) {
  for (const char* text : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-2-03", "2026/11/27", "20261127",
                           "2026-11-27T09:30:00", "2026-11-27 ", "2026-11-2x", "+026-11-27"}) {
    EXPECT_FALSE(ParseDateOrTime(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace rh::pipeline
