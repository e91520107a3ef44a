// The pipeline's durable work, kept in the decision log's database so a kill -9 loses nothing
// that was acknowledged (docs/HARDENING.md, "Durability"):
//
// - Inbox: every webhook the pipeline accepts is a row before the sender hears 200. The row's
//   unique key is the delivery's deduplication key, so recording the event and remembering its
//   key are one insert in one transaction; a key seen before is a duplicate, across restarts.
//   A row stays unfinished until its work is done; a pipeline that starts resumes every
//   unfinished row, oldest first. An event may also name its resource and that resource's own
//   timestamp (Shopify `updated_at`, Gorgias `updated_datetime`): an event no newer than the
//   newest one recorded for the resource is stale (older news, or the same version replayed under
//   another key), and refused in the same transaction.
// - DurableMemory: what the workflow must remember between events (a customer's issues and
//   settle timers, a ticket's draft waiting for a person), as JSON text per (scope, key).
//
// Both share the DecisionLog's connection and mutex (thread-safe, like the log) and must not
// outlive it. They read no clock: every time is passed in. Errors are values with SQLite's
// message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "pipeline/decision_log.h"
#include "sim/expected.h"
#include "sim/time.h"

namespace rh::pipeline {

// What the inbox made of a delivery.
enum class Admission {
  kAccepted,   // recorded: its work will be done (now, or after a restart)
  kDuplicate,  // its deduplication key was recorded before
  kStale,      // its resource has this version, or a newer one, on record
};
std::string_view AdmissionName(Admission a);

struct InboxDelivery {
  std::string dedupe_key;  // "shopify:<webhook id>", "gorgias:<trigger>:<ticket>:<...>"
  std::string source;      // "shopify" | "gorgias"
  std::string event;       // the event as JSON text, enough to redo its work
  sim::WallTime accepted_at{};
  // The resource the event is a version of ("shopify:fulfillment:17") and that version's own
  // timestamp; unset when the event carries none that can be compared.
  std::optional<std::pair<std::string, sim::WallTime>> version;
};

struct InboxEntry {
  std::int64_t id = 0;
  std::string source;
  std::string event;
};

struct Admitted {
  Admission admission = Admission::kAccepted;
  std::int64_t id = 0;  // the inbox row, when accepted
};

class Inbox {
 public:
  // `log` must be open read-write and outlive the inbox.
  explicit Inbox(DecisionLog& log);

  // Records `delivery` unless its key is known or its version is no newer than the newest on
  // record (then nothing changes). One transaction: the row, the key, the resource's version.
  sim::Expected<Admitted, std::string> Admit(const InboxDelivery& delivery);
  // The event's work is done (or given up on, with its failure logged).
  sim::Expected<std::monostate, std::string> Finish(std::int64_t id, sim::WallTime at);
  // Every accepted, unfinished event, oldest first.
  sim::Expected<std::vector<InboxEntry>, std::string> Unfinished() const;
  // Forgets finished rows accepted before `before` (their keys too: senders retry within days,
  // so a bounded memory of keys is enough); how many.
  sim::Expected<std::int64_t, std::string> ForgetFinishedBefore(sim::WallTime before);

 private:
  struct Statements;  // prepared once, used under the log's mutex (inbox.cc)
  DecisionLog& log_;
  std::shared_ptr<Statements> statements_;
};

class DurableMemory {
 public:
  // `log` must be open read-write and outlive this.
  explicit DurableMemory(DecisionLog& log);

  sim::Expected<std::monostate, std::string> Put(const std::string& scope, const std::string& key,
                                                 const std::string& value);
  sim::Expected<std::monostate, std::string> Erase(const std::string& scope, const std::string& key);
  // The value of (scope, key); none when nothing is stored.
  sim::Expected<std::optional<std::string>, std::string> Get(const std::string& scope, const std::string& key) const;
  // Every (key, value) of `scope`, in key order.
  sim::Expected<std::vector<std::pair<std::string, std::string>>, std::string> All(const std::string& scope) const;

 private:
  struct Statements;
  DecisionLog& log_;
  std::shared_ptr<Statements> statements_;
};

}  // namespace rh::pipeline
