// The marketing that really sends: audiences and conditions, campaigns fired by executor timers,
// flows (trigger, delays, filters, messages), and the send-time rules of reference §9 that
// decide, per message, whether it reaches the profile. Every decision is recorded.
#include <algorithm>
#include <set>

#include "core.h"

namespace rh::mocks::klaviyo {

std::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kPromotional:
      return "promotional";
    case MessageKind::kReviewRequest:
      return "review_request";
    case MessageKind::kTransactional:
      return "transactional";
    case MessageKind::kRecovery:
      return "recovery";
  }
  return "promotional";
}

std::optional<MessageKind> ParseMessageKind(std::string_view name) {
  for (MessageKind k : {MessageKind::kPromotional, MessageKind::kReviewRequest, MessageKind::kTransactional,
                        MessageKind::kRecovery}) {
    if (MessageKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view ChannelName(Channel channel) { return channel == Channel::kEmail ? "email" : "sms"; }

Flow PostPurchaseFlow(sim::Duration delay) {
  Flow f;
  f.name = "Post-purchase";
  f.trigger = Flow::Trigger::kMetric;
  f.trigger_metric = "Placed Order";
  if (delay > sim::Duration{0}) f.actions.push_back({FlowAction::Type::kDelay, delay, "", MessageKind::kPromotional, false, true});
  f.actions.push_back({FlowAction::Type::kEmail, sim::Duration{0}, "Thank you for your order", MessageKind::kPromotional,
                       false, true});
  return f;
}

Flow ReviewRequestFlow(int delay_days, std::string trigger_metric) {
  Flow f;
  f.name = "Review request";
  f.trigger = Flow::Trigger::kMetric;
  f.trigger_metric = std::move(trigger_metric);
  f.actions.push_back({FlowAction::Type::kDelay, sim::Days(delay_days), "", MessageKind::kReviewRequest, false, true});
  f.actions.push_back({FlowAction::Type::kEmail, sim::Duration{0}, "How did we do? Leave a review",
                       MessageKind::kReviewRequest, false, true});
  return f;
}

Flow RecoveryFlow(std::string trigger_metric) {
  Flow f;
  f.name = "Recovery";
  f.trigger = Flow::Trigger::kMetric;
  f.trigger_metric = std::move(trigger_metric);
  f.actions.push_back({FlowAction::Type::kEmail, sim::Duration{0}, "We are sorry: here is something for you",
                       MessageKind::kRecovery, false, true});
  return f;
}

namespace detail {

namespace {

// A profile's field as JSON: an attribute, or properties.<key>.
OrderedJson FieldValue(const Profile& p, const std::string& field) {
  if (field.starts_with("properties.")) {
    const std::string key = field.substr(11);
    return p.properties.contains(key) ? p.properties[key] : OrderedJson(nullptr);
  }
  const std::pair<std::string_view, const std::optional<std::string>*> strings[] = {
      {"email", &p.email},          {"phone_number", &p.phone_number}, {"external_id", &p.external_id},
      {"first_name", &p.first_name}, {"last_name", &p.last_name},       {"organization", &p.organization},
      {"locale", &p.locale},        {"title", &p.title}};
  for (const auto& [name, value] : strings) {
    if (field == name) return OptString(*value);
  }
  if (field == "email_consent") return p.email_consent;
  if (field == "sms_consent") return p.sms_consent;
  return nullptr;
}

// Orders two JSON scalars: numbers numerically, datetimes in time, other strings as text.
std::optional<int> CompareJson(const OrderedJson& a, const OrderedJson& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x == y ? 0 : 1);
  }
  if (a.is_string() && b.is_string()) {
    sim::WallTime ta, tb;
    const std::string sa = a.get<std::string>(), sb = b.get<std::string>();
    if (sim::ParseRfc3339(sa, ta) && sim::ParseRfc3339(sb, tb)) return ta < tb ? -1 : (ta == tb ? 0 : 1);
    return sa < sb ? -1 : (sa == sb ? 0 : 1);
  }
  return std::nullopt;
}

}  // namespace

namespace {
Profile* Lookup(const std::map<std::string, std::string>& index, std::string_view key, const State& state) {
  const auto it = index.find(std::string(key));
  if (it == index.end()) return nullptr;
  const auto p = state.profiles.find(it->second);
  return p == state.profiles.end() ? nullptr : const_cast<Profile*>(&p->second);
}
}  // namespace

Profile* Core::FindByEmail(std::string_view email) const { return Lookup(by_email, email, state); }
Profile* Core::FindByPhone(std::string_view phone) const { return Lookup(by_phone, phone, state); }
Profile* Core::FindByExternalId(std::string_view external_id) const {
  return Lookup(by_external_id, external_id, state);
}

Profile& Core::PutProfile(Profile p) {
  const auto reindex = [&](std::map<std::string, std::string>& index, const std::optional<std::string>& before,
                           const std::optional<std::string>& after) {
    if (before == after) return;
    if (before) {
      const auto it = index.find(*before);
      if (it != index.end() && it->second == p.id) index.erase(it);
    }
    if (after) index[*after] = p.id;
  };
  const auto existing = state.profiles.find(p.id);
  const Profile none;
  const Profile& old = existing == state.profiles.end() ? none : existing->second;
  reindex(by_email, old.email, p.email);
  reindex(by_phone, old.phone_number, p.phone_number);
  reindex(by_external_id, old.external_id, p.external_id);
  const std::string id = p.id;
  return state.profiles[id] = std::move(p);
}

Metric& Core::MetricNamed(const std::string& name, sim::WallTime now) {
  for (auto& [id, m] : state.metrics) {
    if (m.name == name) return m;
  }
  const std::string id = NewShortId(6, [&](const std::string& x) { return state.metrics.count(x) > 0; });
  return state.metrics[id] = Metric{id, name, now, now};
}

bool Core::InList(const std::string& list_id, const std::string& profile_id) const {
  const auto it = state.lists.find(list_id);
  return it != state.lists.end() &&
         std::find(it->second.members.begin(), it->second.members.end(), profile_id) != it->second.members.end();
}

std::optional<std::string> Core::FailingCondition(const std::vector<Condition>& conditions, const Profile& p,
                                                  sim::WallTime now) const {
  for (const Condition& c : conditions) {
    switch (c.kind) {
      case Condition::Kind::kProfileProperty: {
        const OrderedJson actual = FieldValue(p, c.field);
        bool ok = false;
        if (c.op == "exists") {
          ok = !actual.is_null();
        } else if (c.op == "not-exists") {
          ok = actual.is_null();
        } else if (c.op == "equals") {
          ok = actual == c.value;
        } else if (c.op == "not-equals") {
          ok = actual != c.value;
        } else if (c.op == "contains") {
          if (actual.is_string() && c.value.is_string()) {
            ok = actual.get<std::string>().find(c.value.get<std::string>()) != std::string::npos;
          } else if (actual.is_array()) {
            ok = std::find(actual.begin(), actual.end(), c.value) != actual.end();
          }
        } else {
          const auto cmp = CompareJson(actual, c.value);
          ok = cmp && (c.op == "greater-than" ? *cmp > 0 : *cmp < 0);
        }
        if (!ok) return "profile property " + c.field + " " + c.op + (c.value.is_null() ? "" : " " + c.value.dump(-1, ' ', false, kReplaceInvalidUtf8));
        break;
      }
      case Condition::Kind::kListMember:
        if (InList(c.list_id, p.id) == c.negate) {
          return std::string(c.negate ? "in list " : "not in list ") + c.list_id;
        }
        break;
      case Condition::Kind::kMetricCount: {
        std::int64_t count = 0;
        for (const Event& e : state.events) {
          if (e.profile_id != p.id) continue;
          if (c.within > sim::Duration{0} && e.time < now - c.within) continue;
          const auto m = state.metrics.find(e.metric_id);
          if (m != state.metrics.end() && m->second.name == c.metric) ++count;
        }
        if (count < c.min_count || count > c.max_count) {
          return "metric '" + c.metric + "' happened " + std::to_string(count) + " times";
        }
        break;
      }
    }
  }
  return std::nullopt;
}

bool Core::SegmentHas(const Segment& s, const Profile& p, sim::WallTime now) const {
  return !FailingCondition(s.conditions, p, now).has_value();
}

std::vector<std::string> Core::AudienceMembers(const std::string& id, sim::WallTime now) const {
  if (const auto l = state.lists.find(id); l != state.lists.end()) return l->second.members;
  std::vector<std::string> out;
  if (const auto s = state.segments.find(id); s != state.segments.end()) {
    for (const auto& [pid, p] : state.profiles) {
      if (SegmentHas(s->second, p, now)) out.push_back(pid);
    }
  }
  return out;
}

void Core::AddToList(List& list, const std::string& profile_id, bool trigger_flows, sim::Moment now) {
  if (std::find(list.members.begin(), list.members.end(), profile_id) != list.members.end()) return;
  list.members.push_back(profile_id);
  list.updated = now.wall;
  if (!trigger_flows) return;
  for (const auto& [fid, flow] : state.flows) {
    if (flow.status != "live" || flow.trigger != Flow::Trigger::kAddedToList || flow.trigger_list_id != list.id) continue;
    // List-triggered flows fire at most once per profile (reference §9.4).
    if (!list_flow_entries.insert(fid + "|" + profile_id).second) continue;
    StartFlow(flow, profile_id, now);
  }
}

void Core::OnEvent(const Event& event, const std::string& metric_name, sim::Moment now) {
  for (const auto& [fid, flow] : state.flows) {
    if (flow.status == "live" && flow.trigger == Flow::Trigger::kMetric && flow.trigger_metric == metric_name) {
      StartFlow(flow, event.profile_id, now);
    }
  }
}

void Core::StartFlow(const Flow& flow, const std::string& profile_id, sim::Moment now) {
  const auto p = state.profiles.find(profile_id);
  if (p == state.profiles.end()) return;
  // Profile filters are checked at entry: a profile failing them never enters, and its first
  // message is recorded as skipped so the harness sees why nothing came.
  if (auto failing = FailingCondition(flow.profile_filters, p->second, now.wall)) {
    const auto first = std::find_if(flow.actions.begin(), flow.actions.end(),
                                    [](const FlowAction& a) { return a.type != FlowAction::Type::kDelay; });
    if (first != flow.actions.end()) {
      SendRecord r;
      r.at = now.wall;
      r.kind = first->kind;
      r.channel = first->type == FlowAction::Type::kSms ? Channel::kSms : Channel::kEmail;
      r.profile_id = profile_id;
      r.to = r.channel == Channel::kEmail ? p->second.email.value_or("") : p->second.phone_number.value_or("");
      r.source_type = "flow";
      r.source_id = flow.id;
      r.source_name = flow.name;
      r.message = first->name;
      r.reason = "filtered_out";
      r.detail = "at flow entry: " + *failing;
      Record(std::move(r));
    }
    return;
  }
  const std::uint64_t id = next_run_id++;
  runs[id] = FlowRun{id, flow.id, profile_id, 0, std::nullopt};
  ContinueRun(id, now);
}

void Core::ContinueRun(std::uint64_t run_id, sim::Moment now) {
  for (;;) {
    const auto run_it = runs.find(run_id);
    if (run_it == runs.end()) return;
    FlowRun& run = run_it->second;
    const auto flow_it = state.flows.find(run.flow_id);
    const auto profile_it = state.profiles.find(run.profile_id);
    if (flow_it == state.flows.end() || profile_it == state.profiles.end() ||
        run.next_action >= flow_it->second.actions.size()) {
      runs.erase(run_it);
      return;
    }
    const Flow& flow = flow_it->second;
    const FlowAction& action = flow.actions[run.next_action++];
    if (action.type == FlowAction::Type::kDelay) {
      if (action.delay <= sim::Duration{0}) continue;
      run.timer = executor.ScheduleAt(now.monotonic + action.delay, [this, run_id] {
        std::lock_guard lock(mu);
        if (destroying) return;
        const auto it = runs.find(run_id);
        if (it == runs.end()) return;
        it->second.timer.reset();
        ContinueRun(run_id, executor.clock().MomentNow());
      });
      return;
    }
    const Channel channel = action.type == FlowAction::Type::kSms ? Channel::kSms : Channel::kEmail;
    Deliver(action.kind, channel, action.transactional, action.smart_sending && !action.transactional,
            profile_it->second, "flow", flow.id, flow.name, action.name, &flow.profile_filters, now);
    // A profile failing the flow filters before a message leaves the flow (reference §9.4).
    if (!state.sends.empty() && state.sends.back().reason == "filtered_out") {
      runs.erase(run_id);
      return;
    }
  }
}

void Core::ScheduleCampaignSend(const std::string& campaign_id, sim::Instant when) {
  campaign_timers[campaign_id] = executor.ScheduleAt(when, [this, campaign_id] {
    std::lock_guard lock(mu);
    if (destroying) return;
    campaign_timers.erase(campaign_id);
    SendCampaign(campaign_id, executor.clock().MomentNow());
  });
}

void Core::SendCampaign(const std::string& campaign_id, sim::Moment now) {
  const auto it = state.campaigns.find(campaign_id);
  if (it == state.campaigns.end() || (it->second.status != "Scheduled" && it->second.status != "Draft")) return;
  Campaign& c = it->second;
  c.status = "Sending";
  // The audience is computed now, at send time: who is in the lists and segments today.
  std::set<std::string> excluded;
  for (const std::string& id : c.excluded) {
    for (const std::string& pid : AudienceMembers(id, now.wall)) excluded.insert(pid);
  }
  std::set<std::string> seen;
  std::size_t recipients = 0;
  for (const std::string& id : c.included) {
    for (const std::string& pid : AudienceMembers(id, now.wall)) {
      if (!seen.insert(pid).second) continue;
      const auto p = state.profiles.find(pid);
      if (p == state.profiles.end()) continue;
      ++recipients;
      if (excluded.count(pid)) {
        SendRecord r;
        r.at = now.wall;
        r.kind = c.kind;
        r.channel = c.channel;
        r.profile_id = pid;
        r.to = c.channel == Channel::kEmail ? p->second.email.value_or("") : p->second.phone_number.value_or("");
        r.source_type = "campaign";
        r.source_id = c.id;
        r.source_name = c.name;
        r.message = c.subject;
        r.reason = "excluded";
        r.detail = "in an excluded list or segment";
        Record(std::move(r));
        continue;
      }
      Deliver(c.kind, c.channel, c.kind == MessageKind::kTransactional, c.use_smart_sending, p->second, "campaign",
              c.id, c.name, c.subject, nullptr, now);
    }
  }
  c.status = recipients == 0 ? "Cancelled: No Recipients" : "Sent";
  c.send_time = now.wall;
  c.updated = now.wall;
}

void Core::Deliver(MessageKind kind, Channel channel, bool transactional, bool smart_sending, const Profile& p,
                   std::string source_type, const std::string& source_id, const std::string& source_name,
                   const std::string& message, const std::vector<Condition>* filters, sim::Moment now) {
  SendRecord r;
  r.at = now.wall;
  r.kind = kind;
  r.channel = channel;
  r.profile_id = p.id;
  r.to = channel == Channel::kEmail ? p.email.value_or("") : p.phone_number.value_or("");
  r.source_type = std::move(source_type);
  r.source_id = source_id;
  r.source_name = source_name;
  r.message = message;
  const auto skip = [&](std::string reason, std::string detail) {
    r.reason = std::move(reason);
    r.detail = std::move(detail);
    Record(std::move(r));
  };
  if (filters != nullptr) {
    if (auto failing = FailingCondition(*filters, p, now.wall)) return skip("filtered_out", *failing);
  }
  if (r.to.empty()) return skip(channel == Channel::kEmail ? "no_email" : "no_phone_number", "");
  if (channel == Channel::kEmail) {
    if (transactional) {
      // Transactional emails still reach suppressed profiles, except for these reasons (§9.3).
      for (const Suppression& s : p.suppressions) {
        if (s.reason == "HARD_BOUNCE" || s.reason == "INVALID_EMAIL" || s.reason == "SPAM_COMPLAINT") {
          return skip("suppressed", s.reason);
        }
      }
    } else {
      if (!p.suppressions.empty()) return skip("suppressed", p.suppressions.front().reason);
      if (p.email_consent == "UNSUBSCRIBED") return skip("no_consent", "email consent UNSUBSCRIBED");
    }
  } else {
    // SMS marketing needs explicit consent; transactional SMS only needs no opt-out.
    if (transactional ? p.sms_consent == "UNSUBSCRIBED" : p.sms_consent != "SUBSCRIBED") {
      return skip("no_consent", "sms consent " + p.sms_consent);
    }
  }
  if (smart_sending && !transactional) {
    const auto by_profile = last_sent.find(p.id);
    if (by_profile != last_sent.end()) {
      const auto last = by_profile->second.find(channel);
      const sim::Duration window = channel == Channel::kEmail ? config.smart_sending_email : config.smart_sending_sms;
      if (last != by_profile->second.end() && now.wall - last->second < window) {
        return skip("smart_sending", "last " + std::string(ChannelName(channel)) + " at " + KlaviyoTime(last->second));
      }
    }
  }
  r.sent = true;
  last_sent[p.id][channel] = now.wall;
  Record(std::move(r));
}

void Core::Record(SendRecord record) {
  record.seq = state.sends.size() + 1;
  if (trace != nullptr) {
    std::vector<sim::TraceField> fields = {
        {"seq", record.seq},
        {"message_kind", MessageKindName(record.kind)},
        {"channel", ChannelName(record.channel)},
        {"profile", record.profile_id},
        {"to", record.to},
        {"source", record.source_type + ":" + record.source_id},
        {"message", record.message}};
    if (!record.sent) {
      fields.emplace_back("reason", record.reason);
      fields.emplace_back("detail", record.detail);
    }
    trace->Record(executor.clock().Now(), "mocks.klaviyo", record.sent ? "message.sent" : "message.skipped",
                  std::move(fields));
  }
  if (record.sent) ProduceSendWebhooks(record);
  state.sends.push_back(std::move(record));
}

bool Core::SuppressProfile(Profile& p, const std::string& reason, sim::WallTime now) {
  for (const Suppression& s : p.suppressions) {
    if (s.reason == reason) return false;
  }
  p.suppressions.push_back({reason, now});
  p.updated = now;
  return true;
}

bool Core::UnsuppressProfile(Profile& p, sim::WallTime now) {
  auto& s = p.suppressions;
  const auto before = s.size();
  s.erase(std::remove_if(s.begin(), s.end(), [](const Suppression& x) { return x.reason == "USER_SUPPRESSED"; }), s.end());
  if (s.size() == before) return false;
  p.updated = now;
  return true;
}

}  // namespace detail
}  // namespace rh::mocks::klaviyo
