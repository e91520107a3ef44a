#include "issues.h"

#include <algorithm>
#include <chrono>

#include "../core/text.h"
#include "facts.h"

// The real collaborator at this stage's seam (seams.h).
namespace rh::pipeline {

sim::Task<clients::CallResult<bool>> RecoveryFirer::Fire(clients::KlaviyoClient& klaviyo,
                                                         clients::KlaviyoEvent event) const {
  auto call = klaviyo.CreateEvent(std::move(event));
  co_return co_await std::move(call);
}

// A Suppressor that keeps no account of issues knows of none elsewhere and waits for no triage.
sim::Task<void> Suppressor::OpenResolved(LiveIssue issue, std::string why) {
  const std::string id = issue.id;
  auto open_call = Open(std::move(issue));
  co_await std::move(open_call);
  auto resolve_call = Resolve(id, std::move(why));
  co_await std::move(resolve_call);
}

std::vector<std::string> Suppressor::LiveTriggers(const std::string&, const std::string&) const { return {}; }

void Suppressor::Triaging(const std::string&, int) {}

bool Suppressor::IsLive(const std::string&) const { return false; }

sim::Task<void> Suppressor::TicketTagged(std::uint64_t, std::vector<std::string>) { co_return; }

bool OfferApproval::NeedsPerson(const RecoveryOffer& offer) const { return OfferTouchesMoney(offer); }

}  // namespace rh::pipeline

namespace rh::pipeline::stages {

// Every awaited call is first a named Task, then `co_await std::move(task)` (docs/ARCHITECTURE.md).

namespace {

constexpr const char* kCustomerScope = "customer";

nlohmann::json IssueJson(const LiveIssue& i) {
  return {{"id", i.id}, {"email", i.email}, {"ticket_id", i.ticket_id}, {"triggers", i.triggers},
          {"value_bucket", i.value_bucket}};
}

LiveIssue IssueFrom(const nlohmann::json& j) {
  LiveIssue i;
  i.id = j.value("id", "");
  i.email = j.value("email", "");
  i.ticket_id = j.value("ticket_id", std::uint64_t{0});
  for (const auto& t : j.value("triggers", nlohmann::json::array())) {
    if (t.is_string()) i.triggers.push_back(t.get<std::string>());
  }
  i.value_bucket = j.value("value_bucket", "");
  return i;
}

std::vector<std::string> Strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& s : j) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The properties of the recovery event: the issue, the episode, and the offer.
nlohmann::json RecoveryProperties(const LiveIssue& issue, const std::string& episode, const RecoveryOffer& offer) {
  nlohmann::json properties = {{"issue_id", issue.id},
                               {"episode", episode},
                               {"ticket_id", issue.ticket_id},
                               {"value_bucket", issue.value_bucket},
                               {"apology", offer.apology},
                               {"feedback_request", offer.feedback_request}};
  if (offer.discount) {
    properties["discount_kind"] = offer.discount->kind == Discount::Kind::kPercent ? "percent" : "amount";
    properties["discount_value"] = offer.discount->value;
  }
  return properties;
}

// What the approval note tells the person: the offer, and the two tags that answer it.
std::string ApprovalNote(const LiveIssue& issue, const RecoveryOffer& offer, const std::string& why) {
  std::string discount = "a discount";
  if (offer.discount) {
    discount = offer.discount->kind == Discount::Kind::kPercent
                   ? std::to_string(offer.discount->value) + "% discount"
                   : "discount of " + std::to_string(offer.discount->value) + " (minor units)";
  }
  return "Recovery offer waiting for approval: the customer's issue is over (" + why + "), and the " +
         issue.value_bucket + " offer carries a " + discount + ", which is money. Add the tag '" +
         std::string(kOfferApprovedTag) + "' to send it, or '" + std::string(kOfferDeclinedTag) +
         "' to send the apology without the discount.";
}

}  // namespace

void Issues::Keep(const std::string& email) {
  nlohmann::json issues = nlohmann::json::array();
  for (const std::string& id : issues_of_[email]) {
    const Entry& entry = *issues_.at(id);
    if (entry.opening) continue;
    nlohmann::json j = IssueJson(entry.issue);
    j["resolved"] = entry.resolved;
    issues.push_back(std::move(j));
  }
  nlohmann::json settles = nlohmann::json::array();
  for (auto it = settles_.lower_bound(email + "#"); it != settles_.end() && it->second.issue.email == email; ++it) {
    const Settle& settle = it->second;
    settles.push_back({{"key", it->first}, {"issue", IssueJson(settle.issue)}, {"why", settle.why},
                       {"opened", settle.opened}, {"due", sim::FormatRfc3339(settle.due, std::chrono::minutes(0), 9)},
                       {"episode", settle.episode}, {"unsuppress", settle.unsuppress}});
  }
  nlohmann::json awaiting = nlohmann::json::array();
  for (const auto& [episode, a] : awaiting_) {
    if (a.issue.email != email) continue;
    awaiting.push_back({{"episode", episode}, {"issue", IssueJson(a.issue)}, {"why", a.why},
                        {"unsuppressed", a.unsuppressed}, {"ticket_id", a.ticket_id}, {"asked", a.asked},
                        {"stale_tags", a.stale_tags}});
  }
  const nlohmann::json state = {{"issues", issues},
                                {"suppressed", confirmed_.contains(email)},
                                {"episodes", episodes_[email]},
                                {"opened", opened_[email]},
                                {"settles", settles},
                                {"awaiting", awaiting},
                                {"last_ticket", last_ticket_[email]}};
  if (auto kept = memory_.Put(kCustomerScope, email, state.dump()); !kept) {
    // Kept in this process only: a restart would not know it. Loud, since it weakens I1 and I5.
    ctx_.Record("error", {{"step", "keep_issues"}, {"email", email}, {"error", kept.error()}});
  }
}

std::size_t Issues::Restore() {
  auto stored = memory_.All(kCustomerScope);
  if (!stored) {
    ctx_.Record("error", {{"step", "restore_issues"}, {"error", stored.error()}});
    return 0;
  }
  std::vector<std::pair<std::string, sim::Duration>> timers;
  std::vector<std::string> unasked;
  {
    std::lock_guard lock(mu_);
    for (const auto& [email, text] : *stored) {
      const nlohmann::json state = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!state.is_object()) continue;
      for (const auto& j : state.value("issues", nlohmann::json::array())) {
        auto entry = std::make_shared<Entry>(Entry{IssueFrom(j), j.value("resolved", false), false});
        issues_of_[email].insert(entry->issue.id);
        if (!entry->resolved) live_issues_[email].insert(entry->issue.id);
        issues_[entry->issue.id] = std::move(entry);
      }
      if (state.value("suppressed", false)) {
        suppressed_.insert(email);
        confirmed_.insert(email);
      }
      episodes_[email] = state.value("episodes", 0);
      opened_[email] = state.value("opened", 0);
      for (const auto& j : state.value("settles", nlohmann::json::array())) {
        Settle settle{IssueFrom(j.value("issue", nlohmann::json::object())), j.value("why", ""), j.value("opened", 0),
                      {}, j.value("episode", ""), j.value("unsuppress", false)};
        sim::ParseRfc3339(j.value("due", ""), settle.due);
        const std::string key = j.value("key", "");
        timers.emplace_back(key, std::max(sim::Duration{0}, settle.due - ctx_.WallNow()));
        settles_[key] = std::move(settle);
      }
      last_ticket_[email] = state.value("last_ticket", std::uint64_t{0});
      for (const auto& j : state.value("awaiting", nlohmann::json::array())) {
        Awaiting a{IssueFrom(j.value("issue", nlohmann::json::object())), j.value("why", ""),
                   j.value("unsuppressed", false), j.value("ticket_id", std::uint64_t{0}), j.value("asked", false),
                   Strings(j.value("stale_tags", nlohmann::json::array())), false};
        const std::string episode = j.value("episode", "");
        if (!a.asked) unasked.push_back(episode);
        awaiting_[episode] = std::move(a);
      }
    }
  }
  for (const auto& [key, wait] : timers) StartSettle(key, wait);
  for (const std::string& episode : unasked) Spawn(AskApproval(episode), "ask_approval");
  return timers.size();
}

std::size_t Issues::ApprovalsPending() const {
  std::lock_guard lock(mu_);
  return awaiting_.size();
}

std::size_t Issues::SettlesPending() const {
  std::lock_guard lock(mu_);
  return settles_.size();
}

sim::Task<void> Issues::Open(LiveIssue issue) {
  const std::string original_email = issue.email;
  issue.email = text::Lower(issue.email);
  const std::string& key = issue.email;
  bool suppress = false;
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto& slot = issues_[issue.id];
    if (slot && !slot->resolved) co_return;  // already live
    suppress = !suppressed_.contains(key);
    slot = std::make_shared<Entry>(Entry{issue, false, suppress});
    entry = slot;
    issues_of_[key].insert(issue.id);
    live_issues_[key].insert(issue.id);
    ++opened_[key];
    if (issue.ticket_id != 0) last_ticket_[key] = issue.ticket_id;
    if (suppress) suppressed_.insert(key);  // claimed now, so a concurrent issue does not repeat it
    if (!suppress) Keep(key);
  }
  std::string joined;
  for (const auto& t : issue.triggers) joined += (joined.empty() ? "" : ", ") + t;
  if (!suppress) {
    ctx_.Record("suppress.kept", {{"issue", issue.id}, {"email", key}});
    co_return;
  }
  std::vector<std::string> emails = {original_email};
  auto done_call = ctx_.clients.klaviyo.SuppressProfiles(std::move(emails));
  auto done = co_await std::move(done_call);
  {
    std::lock_guard lock(mu_);
    entry->opening = false;
    if (done) {
      confirmed_.insert(key);
    } else {
      suppressed_.erase(key);  // unclaimed: the next issue tries again
    }
    Keep(key);
  }
  if (!done) {
    ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kError), .rule = "suppress.failed",
              .rationale = "Klaviyo suppression failed: " + done.error().detail, .sender = std::string(kSenderPipeline),
              .value_bucket = issue.value_bucket, .outcome = std::string(decision_outcome::kFailed)});
    ctx_.Record("error", {{"issue", issue.id}, {"step", "suppress"}, {"error", done.error().detail}});
    co_return;
  }
  ctx_.counters.Add(&PipelineStats::suppressions);
  ctx_.Record("suppress", {{"issue", issue.id}, {"email", key}, {"triggers", joined}});
  ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kSuppress),
            .rule = "suppress." + issue.triggers.front(),
            .rationale = "live issue (" + joined + "): promotions and review requests paused",
            .sender = std::string(kSenderPipeline), .value_bucket = issue.value_bucket,
            .outcome = std::string(decision_outcome::kSuppressed),
            .details = nlohmann::json{{"issue", issue.id}, {"email", key}}.dump()});
}

sim::Task<void> Issues::Resolve(std::string issue_id, std::string why) {
  std::string email;
  std::string settle_key;  // set when the customer's last live issue ended: the episode may end
  {
    std::lock_guard lock(mu_);
    auto it = issues_.find(issue_id);
    if (it == issues_.end() || it->second->resolved) co_return;  // unknown, or already recovered
    it->second->resolved = true;
    const LiveIssue& issue = it->second->issue;
    email = issue.email;
    auto& live = live_issues_[email];
    live.erase(issue_id);
    if (live.empty()) {
      // The customer's issues opened so far: one more later continues the episode.
      const int opened = opened_[email];
      settle_key = email + "#" + std::to_string(opened);
      settles_[settle_key] = Settle{issue, why, opened, ctx_.WallNow() + kRecoverySettle, "", false};
    }
    Keep(email);
  }
  if (settle_key.empty()) {
    // The customer is still suppressed for another issue: the recovery (an apology, perhaps an
    // offer) waits until that one is resolved too, and then fires once for the episode (I5).
    ctx_.Record("recover.deferred", {{"issue", issue_id}, {"email", email}, {"why", why}});
    co_return;
  }
  StartSettle(settle_key, kRecoverySettle);
}

void Issues::StartSettle(const std::string& key, sim::Duration wait) {
  // Outside the queue of the ticket or order: the events behind this one must not wait out the
  // settle period.
  Spawn(EndEpisodeAfterSettle(key, wait), "recover");
}

void Issues::Spawn(sim::Task<void> task, std::string step) {
  sim::Detach(std::move(task), [this, step = std::move(step)](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      ctx_.Record("error", {{"step", step}, {"error", error.what()}});
    }
  });
}

sim::Task<void> Issues::EndEpisodeAfterSettle(std::string key, sim::Duration wait) {
  // Let the episode settle: a message the customer is writing about another problem (a webhook
  // on its way, a ticket in triage) must not receive an apology for the one just resolved.
  co_await sim::SleepFor(ctx_.executor, wait);
  Settle settle;
  {
    std::lock_guard lock(mu_);
    Settle& kept = settles_.at(key);
    const std::string email = kept.issue.email;  // a copy: `kept` may be moved from and erased below
    if (kept.episode.empty()) {
      // Calm: nothing live, nothing in triage, and no issue opened since (one that came and went
      // meanwhile continues the episode, and its own settle ends it).
      const bool calm = live_issues_[email].empty() && !in_triage_.contains(email) && opened_[email] == kept.opened;
      if (!calm) {
        settle = std::move(kept);
        settles_.erase(key);
        Keep(email);
      } else {
        kept.unsuppress = suppressed_.erase(email) > 0;
        confirmed_.erase(email);
        kept.episode = email + "#" + std::to_string(++episodes_[email]);
        Keep(email);  // decided: a restart from here on fires this very episode (its unique id)
        settle = kept;
      }
    } else {
      settle = kept;  // decided before a restart
    }
  }
  if (settle.episode.empty()) {
    ctx_.Record("recover.deferred",
                {{"issue", settle.issue.id}, {"email", settle.issue.email}, {"why", settle.why + "; another issue opened"}});
    co_return;
  }
  if (settle.unsuppress) {
    std::vector<std::string> emails = {settle.issue.email};
    auto done_call = ctx_.clients.klaviyo.UnsuppressProfiles(std::move(emails));
    auto done = co_await std::move(done_call);
    if (!done) ctx_.Record("error", {{"issue", settle.issue.id}, {"step", "unsuppress"}, {"error", done.error().detail}});
  }
  const RecoveryOffer offer = OfferFor(ctx_.policy, settle.issue.value_bucket);
  if (offers_.NeedsPerson(offer)) {
    auto await_call = AwaitApproval(key, std::move(settle), offer);
    co_await std::move(await_call);
    co_return;
  }
  auto fire_call = FireRecovery(settle.issue, settle.episode, settle.why, settle.unsuppress, offer,
                                "recover." + settle.issue.value_bucket);
  co_await std::move(fire_call);
  std::lock_guard lock(mu_);
  settles_.erase(key);
  Keep(settle.issue.email);
}

sim::Task<void> Issues::OpenResolved(LiveIssue issue, std::string why) {
  {
    std::lock_guard lock(mu_);
    if (issues_.contains(issue.id)) co_return;  // heard of already: live, or resolved with its delivery
  }
  auto call = Suppressor::OpenResolved(std::move(issue), std::move(why));
  co_await std::move(call);
}

std::vector<std::string> Issues::LiveTriggers(const std::string& email, const std::string& except_id) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto live = live_issues_.find(email);
  if (live == live_issues_.end()) return out;
  for (const std::string& id : live->second) {
    if (id == except_id) continue;
    const auto& triggers = issues_.at(id)->issue.triggers;
    out.insert(out.end(), triggers.begin(), triggers.end());
  }
  return out;
}

bool Issues::IsLive(const std::string& issue_id) const {
  std::lock_guard lock(mu_);
  auto it = issues_.find(issue_id);
  return it != issues_.end() && !it->second->resolved;
}

void Issues::Triaging(const std::string& email, int delta) {
  std::lock_guard lock(mu_);
  if ((in_triage_[email] += delta) <= 0) in_triage_.erase(email);
}

// The recovery event with `offer`, its trace and its row (`rule`).
sim::Task<bool> Issues::FireRecovery(const LiveIssue& issue, const std::string& episode, std::string why,
                                     bool unsuppressed, const RecoveryOffer& offer, std::string rule) {
  const nlohmann::json properties = RecoveryProperties(issue, episode, offer);
  // unique_id = the episode: Klaviyo drops a second event with it, so even a retried call fires once.
  auto fired_call = recovery_.Fire(ctx_.clients.klaviyo, {.metric = ctx_.policy.recovery.metric, .email = issue.email,
                                                         .properties = properties, .unique_id = episode});
  auto fired_result = co_await std::move(fired_call);
  const std::string fire_error = fired_result ? "" : fired_result.error().detail;
  const bool fired = fire_error.empty();
  ctx_.counters.Add(&PipelineStats::recoveries);
  ctx_.Record("recover", {{"issue", issue.id}, {"email", issue.email}, {"why", why}, {"unsuppressed", unsuppressed},
                          {"event_sent", fired}});
  ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kRecover),
            .rule = std::move(rule),
            .rationale = why + "; " + (unsuppressed ? "suppression ended" : "the customer was not suppressed") +
                         "; recovery event " + (fired ? "fired" : "failed: " + fire_error),
            .sender = std::string(kSenderPipeline), .value_bucket = issue.value_bucket,
            .outcome = std::string(fired ? decision_outcome::kRecovered : decision_outcome::kFailed),
            .resolved_at = ctx_.WallNow(), .details = properties.dump()});
  co_return fired;
}

sim::Task<void> Issues::AwaitApproval(std::string settle_key, Settle settle, RecoveryOffer offer) {
  const std::string email = settle.issue.email;
  std::uint64_t ticket_id = 0;
  {
    std::lock_guard lock(mu_);
    ticket_id = settle.issue.ticket_id != 0 ? settle.issue.ticket_id : last_ticket_[email];
    if (ticket_id != 0) {
      // Kept before asking: a restart asks again (idempotent), never fires it unapproved.
      awaiting_[settle.episode] = Awaiting{settle.issue, settle.why, settle.unsuppress, ticket_id, false, {}, false};
      settles_.erase(settle_key);
      Keep(email);
    }
  }
  if (ticket_id != 0) {
    auto ask_call = AskApproval(settle.episode);
    co_await std::move(ask_call);
    co_return;
  }
  // No ticket of the customer to ask a person on: the apology goes out, the money does not.
  offer.discount.reset();
  auto fire_call = FireRecovery(settle.issue, settle.episode,
                                settle.why + "; no ticket to ask a person to approve the discount on, so none",
                                settle.unsuppress, offer, "recover.discount_withheld");
  co_await std::move(fire_call);
  std::lock_guard lock(mu_);
  settles_.erase(settle_key);
  Keep(email);
}

sim::Task<void> Issues::AskApproval(std::string episode) {
  Awaiting a;
  {
    std::lock_guard lock(mu_);
    auto it = awaiting_.find(episode);
    if (it == awaiting_.end() || it->second.asked) co_return;
    a = it->second;
  }
  const RecoveryOffer offer = OfferFor(ctx_.policy, a.issue.value_bucket);
  auto ticket_call = ctx_.clients.gorgias.GetTicket(a.ticket_id);
  auto ticket = co_await std::move(ticket_call);
  if (!ticket) {
    ctx_.Record("error", {{"issue", a.issue.id}, {"step", "ask_approval"}, {"error", ticket.error().detail}});
    co_return;  // asked again at the next restart
  }
  std::vector<std::string> stale;
  for (const std::string_view tag : {kOfferApprovedTag, kOfferDeclinedTag}) {
    if (Contains(ticket->tags, tag)) stale.emplace_back(tag);
  }
  const std::string note_id = "offer-approval-" + episode;
  if (PostedAlready(*ticket, note_id) == nullptr) {
    auto own_id_call = ctx_.own_user.Id(ctx_.clients.gorgias);
    const std::uint64_t own_id = co_await std::move(own_id_call);
    auto note_call = ctx_.clients.gorgias.PostInternalNote(
        a.ticket_id, {.sender_user_id = own_id, .body_text = ApprovalNote(a.issue, offer, a.why), .external_id = note_id});
    co_await std::move(note_call);
  }
  std::vector<std::string> tag = {std::string(kOfferApprovalNeededTag)};
  auto tag_call = ctx_.clients.gorgias.AddTags(a.ticket_id, std::move(tag));
  auto tagged = co_await std::move(tag_call);
  if (!tagged) {
    ctx_.Record("error", {{"issue", a.issue.id}, {"step", "ask_approval"}, {"error", tagged.error().detail}});
    co_return;
  }
  {
    std::lock_guard lock(mu_);
    auto it = awaiting_.find(episode);
    if (it == awaiting_.end()) co_return;
    it->second.asked = true;
    it->second.stale_tags = stale;
    Keep(a.issue.email);
  }
  const nlohmann::json properties = RecoveryProperties(a.issue, episode, offer);
  ctx_.Record("recover.awaiting_approval", {{"issue", a.issue.id}, {"email", a.issue.email}, {"ticket", a.ticket_id}});
  ctx_.Log({.ticket_id = a.ticket_id, .kind = std::string(decision_kind::kRecover), .rule = "recover.awaiting_approval",
            .rationale = a.why + "; the " + a.issue.value_bucket +
                         " offer carries a discount, which is money: a person approves it first",
            .sender = std::string(kSenderPipeline), .value_bucket = a.issue.value_bucket,
            .outcome = std::string(decision_outcome::kPendingHuman), .details = properties.dump()});
}

sim::Task<void> Issues::TicketTagged(std::uint64_t ticket_id, std::vector<std::string> tags) {
  struct Decided {
    std::string episode;
    Awaiting awaiting;
    bool approved = false;
  };
  std::vector<Decided> decided;
  {
    std::lock_guard lock(mu_);
    for (auto& [episode, a] : awaiting_) {
      if (a.ticket_id != ticket_id || !a.asked || a.deciding) continue;
      const auto answers = [&](std::string_view tag) { return Contains(tags, tag) && !Contains(a.stale_tags, tag); };
      const bool approved = answers(kOfferApprovedTag);
      const bool declined = answers(kOfferDeclinedTag);
      if (!approved && !declined) continue;
      a.deciding = true;
      decided.push_back({episode, a, approved && !declined});  // both: the cautious answer
    }
  }
  for (Decided& d : decided) {
    RecoveryOffer offer = OfferFor(ctx_.policy, d.awaiting.issue.value_bucket);
    if (!d.approved) offer.discount.reset();
    const std::string why = d.awaiting.why + (d.approved ? "; a person approved the discount (tag offer-approved)"
                                                         : "; a person declined the discount (tag offer-declined)");
    // Fired, then forgotten: a restart in between fires again, and Klaviyo drops the repeat
    // (unique_id = the episode).
    auto fire_call = FireRecovery(d.awaiting.issue, d.episode, why, d.awaiting.unsuppressed, offer,
                                  d.approved ? "recover.approved" : "recover.declined");
    co_await std::move(fire_call);
    std::lock_guard lock(mu_);
    awaiting_.erase(d.episode);
    Keep(d.awaiting.issue.email);
  }
}

std::optional<LiveIssue> IssueOfTheCase(const Triage& triage, const Decision& decision) {
  if (decision.suppression_triggers.empty() || triage.email.empty()) return std::nullopt;
  return LiveIssue{.id = "ticket-" + std::to_string(triage.ticket_id), .email = triage.email,
                   .ticket_id = triage.ticket_id, .triggers = decision.suppression_triggers,
                   .value_bucket = decision.value_bucket};
}

namespace {

// The order may not be readable yet (webhooks arrive in any order): retry, never drop.
sim::Task<std::optional<clients::ShopifyOrder>> ReadOrderPatiently(const Context& ctx, std::uint64_t order_id) {
  for (int attempt = 0; attempt < 6; ++attempt) {
    auto got_call = ctx.clients.shopify.GetOrder(order_id);
    auto got = co_await std::move(got_call);
    if (got) co_return std::move(*got);
    ctx.Record("order.unknown", {{"order", order_id}, {"attempt", attempt}, {"error", got.error().detail}});
    co_await sim::SleepFor(ctx.executor, sim::Sec(30) * (1 << attempt));
  }
  co_return std::nullopt;
}

}  // namespace

sim::Task<void> OnTicketUpdate(const Context& ctx, GorgiasEvent event) {
  std::vector<std::string> tags;
  for (const auto& tag : event.ticket.value("tags", nlohmann::json::array())) {
    if (tag.is_object()) tags.push_back(Str(tag, "name"));
    if (tag.is_string()) tags.push_back(tag.get<std::string>());
  }
  auto tagged_call = ctx.suppressor.TicketTagged(event.ticket_id, std::move(tags));
  co_await std::move(tagged_call);
  if (Str(event.ticket, "status") != "closed") co_return;
  auto resolve_call = ctx.suppressor.Resolve("ticket-" + std::to_string(event.ticket_id), "the ticket was closed");
  co_await std::move(resolve_call);
}

sim::Task<void> OnFulfillmentUpdate(const Context& ctx, ShopifyEvent event) {
  const std::string status = Str(event.payload, "shipment_status");
  const std::uint64_t order_id = Id(event.payload, "order_id");
  const auto& exceptions = ctx.policy.tracking.exception_statuses;
  auto is_exception = [&](const std::string& s) { return std::find(exceptions.begin(), exceptions.end(), s) != exceptions.end(); };
  const std::string issue_id = "order-" + std::to_string(order_id) + "-delivery";
  if (order_id == 0 || status.empty()) co_return;
  // A routine scan (in transit, out for delivery) matters only when it ends a live delay: the
  // exception holds while the order's latest scan is one (POLICY.md, `delivery_exception`).
  const bool resumed = status != "delivered" && !is_exception(status);
  if (resumed && !ctx.suppressor.IsLive(issue_id)) co_return;
  // Webhooks arrive late, twice and out of order: the order as Shopify holds it now says which
  // scan is the latest.
  auto read_call = ReadOrderPatiently(ctx, order_id);
  const std::optional<clients::ShopifyOrder> order = co_await std::move(read_call);
  if (!order || order->email.empty()) {
    ctx.Record("error", {{"order", order_id}, {"step", "fulfillment_update"}, {"error", "order not readable"}});
    co_return;
  }
  const std::string current = ToOrderFacts(*order).shipment_status.value_or("");
  if (status == "delivered" || resumed) {
    if (is_exception(current)) {
      // A later scan reported another exception: this news is stale.
      ctx.Record("fulfillment.stale", {{"order", order_id}, {"status", status}, {"current", current}});
      co_return;
    }
    auto resolve_call = ctx.suppressor.Resolve(
        issue_id, status == "delivered" ? "the carrier delivered the order" : "the carrier resumed: " + current);
    co_await std::move(resolve_call);
    co_return;
  }
  auto lookup_call = ctx.clients.shopify.LookupByEmail(order->email);
  auto lookup = co_await std::move(lookup_call);
  const std::string bucket =
      lookup && lookup->customer ? ValueBucket(ctx.policy, ToCustomerFacts(*lookup)) : std::string(kBucketNew);
  const auto& triggers = ctx.policy.suppression.triggers;
  if (std::find(triggers.begin(), triggers.end(), Issue::kDeliveryException) == triggers.end()) co_return;
  LiveIssue issue{.id = issue_id, .email = order->email, .ticket_id = 0,
                  .triggers = {std::string(IssueName(Issue::kDeliveryException))}, .value_bucket = bucket};
  if (!current.empty() && !is_exception(current)) {
    // The exception was over before the pipeline heard of it: it happened, and it is resolved.
    auto call = ctx.suppressor.OpenResolved(
        std::move(issue), current == "delivered" ? "the carrier had delivered the order by the time the delay was read"
                                                 : "the carrier had resumed (" + current + ") by the time the delay was read");
    co_await std::move(call);
    co_return;
  }
  auto open_call = ctx.suppressor.Open(std::move(issue));
  co_await std::move(open_call);
}

}  // namespace rh::pipeline::stages
