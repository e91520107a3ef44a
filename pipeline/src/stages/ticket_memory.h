// What the pipeline remembers about a ticket between events: the customer messages already
// triaged, and after a handover the draft waiting for a person, the route row their reply will
// complete, and the reason an agent gave in a note. Thread-safe (its own mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

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

  // True the first time `message_id` is seen (a new ticket can announce its first message both
  // as ticket-created and as ticket-message-created). An empty id is always new.
  bool FirstTime(const std::string& message_id) {
    std::lock_guard lock(mu_);
    return message_id.empty() || handled_messages_.insert(message_id).second;
  }

  // A handover: `draft` waits for a person, who completes `route_row`.
  void AwaitPerson(std::string draft, std::int64_t route_row, std::string intent, std::string value_bucket) {
    std::lock_guard lock(mu_);
    pending_draft_ = std::move(draft);
    route_row_ = route_row;
    intent_ = std::move(intent);
    value_bucket_ = std::move(value_bucket);
  }

  // "Reason: ..." in an agent's note is the reason of their next override.
  void NoteReason(std::string reason) {
    std::lock_guard lock(mu_);
    override_reason_ = std::move(reason);
  }

  Pending TakePending() {
    std::lock_guard lock(mu_);
    return {std::exchange(pending_draft_, std::nullopt), route_row_, std::exchange(override_reason_, {}), intent_,
            value_bucket_};
  }

 private:
  std::mutex mu_;
  std::optional<std::string> pending_draft_;
  std::int64_t route_row_ = 0;
  std::string intent_;
  std::string value_bucket_;
  std::string override_reason_;
  std::set<std::string> handled_messages_;
};

}  // namespace rh::pipeline::stages
