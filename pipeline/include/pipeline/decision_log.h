// The pipeline's durable decision log (DESIGN.md, "The reference pipeline", step 6; invariant I4):
// every decision the pipeline or a person makes about a Gorgias ticket is one row in a SQLite
// table, kept across restarts and queryable from `rehearse decisions`.
//
// It must not read a clock or draw randomness: every time is passed in and ids count up from 1,
// so a simulation that appends the same rows reads back the same rows and ids (deterministic).
// It knows nothing of the mocks or the harness; the SQLite API stays inside
// pipeline/src/decisions/.
//
// The file: a table `decisions`, its schema versioned with `PRAGMA user_version` and brought up
// to date by ordered migrations when opened read-write (one transaction for all of them). A file
// written by a newer build is refused, never downgraded. Times are stored as RFC 3339 UTC text
// with milliseconds ("2026-11-27T09:30:00.123Z"), which sorts as time does; finer parts of a
// WallTime are dropped (truncated toward the past). A file is opened in WAL mode with
// synchronous=NORMAL: a reader (the command line) never blocks the writer, and a crash of the
// process loses nothing committed (a power loss may lose the last few commits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/expected.h"
#include "sim/time.h"

namespace rh::pipeline {

class DecisionLog;
namespace detail {
struct LogConnection;
LogConnection ConnectionOf(DecisionLog& log);
}  // namespace detail

// What was decided (DecisionRow::kind). Free text, so an experiment can log a new kind without a
// schema change, but the reference pipeline writes only these.
namespace decision_kind {
inline constexpr std::string_view kTriage = "triage";                // intent classified (rules or LLM)
inline constexpr std::string_view kDraft = "draft";                  // a reply drafted, posted as an internal note
inline constexpr std::string_view kRoute = "route";                  // the policy chose auto_send or human
inline constexpr std::string_view kAutoSend = "auto_send";           // the pipeline sent the reply itself
inline constexpr std::string_view kHumanConfirm = "human_confirm";   // an agent sent the draft unchanged
inline constexpr std::string_view kHumanEdit = "human_edit";         // an agent edited the draft, then sent it
inline constexpr std::string_view kHumanOverride = "human_override"; // an agent replaced the decision; reason kept
inline constexpr std::string_view kSuppress = "suppress";            // Klaviyo promotions suppressed (live issue)
inline constexpr std::string_view kRecover = "recover";              // issue resolved: suppression ended, recovery fired
inline constexpr std::string_view kError = "error";                  // a step failed (LLM, API); the ticket went to a person
}  // namespace decision_kind

// DecisionRow::route: the only values Append accepts.
namespace decision_route {
inline constexpr std::string_view kAutoSend = "auto_send";
inline constexpr std::string_view kHuman = "human";
inline constexpr std::string_view kNone = "";  // the decision routes nothing (triage, suppress, ...)
}  // namespace decision_route

// DecisionRow::outcome: what became of the decision. Free text; the pipeline writes these.
namespace decision_outcome {
inline constexpr std::string_view kNone = "";                     // nothing to report (yet)
inline constexpr std::string_view kSent = "sent";                 // the reply went out automatically
inline constexpr std::string_view kPendingHuman = "pending_human"; // waiting for an agent
inline constexpr std::string_view kConfirmed = "confirmed";       // an agent sent the draft unchanged
inline constexpr std::string_view kEdited = "edited";             // an agent sent an edited draft
inline constexpr std::string_view kOverridden = "overridden";     // an agent decided otherwise
inline constexpr std::string_view kSuppressed = "suppressed";     // the profile is suppressed
inline constexpr std::string_view kRecovered = "recovered";       // the recovery event fired
inline constexpr std::string_view kFailed = "failed";             // the action did not happen
}  // namespace decision_outcome

// DecisionRow::sender: "pipeline", or "agent:<Gorgias user id>" for a person.
inline constexpr std::string_view kSenderPipeline = "pipeline";
std::string AgentSender(std::uint64_t gorgias_user_id);

// One decision. Empty strings mean "not applicable"; only `confidence` and the optional times
// are stored as NULL when absent.
struct DecisionRow {
  std::int64_t id = 0;         // assigned by Append (ignored on input); increases with each append
  std::uint64_t ticket_id = 0; // the Gorgias ticket id; 0 when no ticket is involved (a
                               // suppression started by a Shopify event)
  std::string kind;            // see decision_kind; must not be empty
  std::string intent;          // IntentName() label, "" before triage
  std::optional<double> confidence;  // the classifier's, in [0, 1]; none for rule matches
  std::string route;           // see decision_route
  std::string rule;            // stable id of the policy rule that decided ("safe_zone.wismo_healthy")
  std::string rationale;       // why, for a person reading the log (I4)
  std::string draft;           // the drafted reply
  std::string final_text;      // what was sent, after any edit
  std::string sender;          // see kSenderPipeline / AgentSender
  std::string override_reason; // the agent's reason, for human_override
  std::string value_bucket;    // the customer's value bucket ("vip", "high", "standard", "new")
  std::string outcome;         // see decision_outcome
  sim::WallTime decided_at{};  // years 1900..2199, like every time here
  std::optional<sim::WallTime> sent_at;
  std::optional<sim::WallTime> resolved_at;
  // Extras as JSON text (an object by convention). Append refuses text that is not JSON and
  // stores "" as "{}".
  std::string details = "{}";

  bool operator==(const DecisionRow&) const = default;
};

// Which rows Query returns. Every set field must match; unset fields match everything.
struct DecisionFilter {
  // A query never returns an unbounded result: the default keeps a forgotten limit harmless.
  static constexpr std::size_t kDefaultLimit = 1000;

  std::optional<std::uint64_t> ticket_id;
  std::optional<std::string> intent;
  std::optional<std::string> route;  // "" selects rows that route nothing
  std::optional<std::string> kind;
  // A [from, to) range on decided_at, compared at the stored millisecond.
  std::optional<sim::WallTime> from;  // decided_at >= from (inclusive)
  std::optional<sim::WallTime> to;    // decided_at < to (exclusive)
  std::size_t limit = kDefaultLimit;  // rows at most, the first in order; 0 returns none
};

// Times SetOutcome records with the outcome; an unset time keeps the row's stored value.
struct OutcomeTimes {
  std::optional<sim::WallTime> sent_at;
  std::optional<sim::WallTime> resolved_at;
};

// A connection to one decision-log database. Thread-safe: one internal mutex serialises every
// call (in live mode the pipeline appends from several threads). Movable, not copyable; a
// moved-from log may only be destroyed or assigned to. Errors are values carrying SQLite's
// message and the path.
class DecisionLog {
 public:
  using Status = sim::Expected<std::monostate, std::string>;

  // The schema version this build writes; see the migrations in pipeline/src/decisions/.
  static constexpr int kSchemaVersion = 3;

  // Opens or creates the database at `path` (":memory:" for a simulation's private log) and
  // migrates it to kSchemaVersion. Refuses a file that is not a SQLite database, and one whose
  // schema is newer than this build's.
  static sim::Expected<DecisionLog, std::string> Open(const std::string& path);
  // Opens an existing database for reading only: never creates, migrates or writes the file (a
  // missing file is an error). An older schema is read as it is.
  static sim::Expected<DecisionLog, std::string> OpenReadOnly(const std::string& path);

  DecisionLog(DecisionLog&&) noexcept;
  DecisionLog& operator=(DecisionLog&&) noexcept;
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;
  ~DecisionLog();

  // Stores `row` (its id is ignored) and returns the new row's id. Refuses an empty kind, a
  // route outside decision_route, a confidence outside [0, 1], details that are not JSON, and
  // times outside years 1900..2199 (a bug in the caller; the bound also keeps rounding to the
  // millisecond clear of WallTime's limits).
  sim::Expected<std::int64_t, std::string> Append(const DecisionRow& row);

  // Records what became of decision `id`; an error if there is no such row.
  Status SetOutcome(std::int64_t id, std::string_view outcome, const OutcomeTimes& times = {});

  // Rows matching `filter`, ordered by decided_at, then id (append order): stable across calls.
  sim::Expected<std::vector<DecisionRow>, std::string> Query(const DecisionFilter& filter) const;
  // Every row of one ticket, in order.
  sim::Expected<std::vector<DecisionRow>, std::string> ForTicket(std::uint64_t ticket_id) const;
  // Rows matching `filter`, ignoring its limit (all rows by default).
  sim::Expected<std::int64_t, std::string> Count(const DecisionFilter& filter = {}) const;

  const std::string& path() const;
  bool read_only() const;
  // The file's schema version as opened: kSchemaVersion after Open, possibly older after
  // OpenReadOnly.
  int schema_version() const;

 private:
  // The inbox and the pipeline's memory (pipeline/inbox.h) share this connection and its mutex.
  friend detail::LogConnection detail::ConnectionOf(DecisionLog& log);
  struct Impl;
  explicit DecisionLog(std::unique_ptr<Impl> impl);
  static sim::Expected<DecisionLog, std::string> OpenFile(const std::string& path, bool read_only);
  std::unique_ptr<Impl> impl_;
};

// Parses a time given by a person: "YYYY-MM-DD" (midnight UTC) or a full RFC 3339 time with a
// zone ("2026-11-27T09:30:00Z", "...+01:00"). Nothing else (no bare local times).
std::optional<sim::WallTime> ParseDateOrTime(std::string_view text);

}  // namespace rh::pipeline
