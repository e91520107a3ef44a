// What the pipeline remembers about a ticket between events: the customer messages already
// triaged, and after a handover the draft waiting for a person, the route row their reply will
// complete, and the reason an agent gave in a note. Thread-safe (its own mutex). Kept in the
// pipeline's DurableMemory (scope "ticket") after every change, so a person's reply after a
// restart is still compared with the draft they were handed, and a message triaged before it is
// not triaged again.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "pipeline/inbox.h"

namespace rh::pipeline::stages {

class TicketMemory {
 public:
  // What a person's reply is compared with, taken once (the next reply is an ordinary one).
  struct Pending {
    std::optional<std::string> draft;  // none: nothing of the pipeline's was waiting
    std::int64_t route_row = 0;
    std::string override_reason;
    std::string intent;
    std::string value_bucket;
  };

  // Ticket `id`'s memory as `memory` holds it (empty when it holds none or cannot be read).
  static std::shared_ptr<TicketMemory> Remembered(DurableMemory& memory, std::uint64_t id) {
    auto out = std::make_shared<TicketMemory>(memory, std::to_string(id));
    auto stored = memory.Get(kScope, out->key_);
    if (stored && *stored) out->Load(nlohmann::json::parse(**stored, nullptr, /*allow_exceptions=*/false));
    return out;
  }

  TicketMemory(DurableMemory& memory, std::string key) : memory_(memory), key_(std::move(key)) {}

  // True when `message_id` was handled already (a new ticket can announce its first message both
  // as ticket-created and as ticket-message-created). An empty id never was.
  bool Handled(const std::string& message_id) {
    std::lock_guard lock(mu_);
    return !message_id.empty() && handled_messages_.contains(message_id);
  }
  // The message's handling ended (sent, handed over, or given up on). Only then: a handling cut
  // short by a crash is resumed, not skipped.
  void MarkHandled(const std::string& message_id) {
    std::lock_guard lock(mu_);
    if (!message_id.empty() && handled_messages_.insert(message_id).second) Save();
  }

  // A handover: `draft` waits for a person, who completes `route_row`.
  void AwaitPerson(std::string draft, std::int64_t route_row, std::string intent, std::string value_bucket) {
    std::lock_guard lock(mu_);
    pending_draft_ = std::move(draft);
    route_row_ = route_row;
    intent_ = std::move(intent);
    value_bucket_ = std::move(value_bucket);
    Save();
  }

  // "Reason: ..." in an agent's note is the reason of their next override.
  void NoteReason(std::string reason) {
    std::lock_guard lock(mu_);
    override_reason_ = std::move(reason);
    Save();
  }

  Pending TakePending() {
    std::lock_guard lock(mu_);
    Pending out{std::exchange(pending_draft_, std::nullopt), route_row_, std::exchange(override_reason_, {}), intent_,
                value_bucket_};
    Save();
    return out;
  }

 private:
  static constexpr const char* kScope = "ticket";

  // The caller holds mu_. A write the database refuses leaves the memory in this process only.
  void Save() {
    nlohmann::json j = {{"handled", handled_messages_}, {"route_row", route_row_}, {"intent", intent_},
                        {"value_bucket", value_bucket_}, {"override_reason", override_reason_}};
    if (pending_draft_) j["pending_draft"] = *pending_draft_;
    (void)memory_.Put(kScope, key_, j.dump());
  }

  void Load(const nlohmann::json& j) {
    if (!j.is_object()) return;
    for (const auto& m : j.value("handled", nlohmann::json::array())) {
      if (m.is_string()) handled_messages_.insert(m.get<std::string>());
    }
    if (j.contains("pending_draft") && j["pending_draft"].is_string()) pending_draft_ = j["pending_draft"].get<std::string>();
    route_row_ = j.value("route_row", std::int64_t{0});
    intent_ = j.value("intent", "");
    value_bucket_ = j.value("value_bucket", "");
    override_reason_ = j.value("override_reason", "");
  }

  DurableMemory& memory_;
  const std::string key_;
  std::mutex mu_;
  std::optional<std::string> pending_draft_;
  std::int64_t route_row_ = 0;
  std::string intent_;
  std::string value_bucket_;
  std::string override_reason_;
  std::set<std::string> handled_messages_;
};

// Marks a message handled when the handling's frame ends (returned or thrown).
class MarkHandledOnExit {
 public:
  MarkHandledOnExit(TicketMemory& memory, std::string message_id)
      : memory_(memory), message_id_(std::move(message_id)) {}
  ~MarkHandledOnExit() { memory_.MarkHandled(message_id_); }
  MarkHandledOnExit(const MarkHandledOnExit&) = delete;
  MarkHandledOnExit& operator=(const MarkHandledOnExit&) = delete;

 private:
  TicketMemory& memory_;
  const std::string message_id_;
};

}  // namespace rh::pipeline::stages
