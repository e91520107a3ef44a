// The Klaviyo mock's suppression and consent jobs (/api/profile-suppression-bulk-*-jobs,
// /api/profile-subscription-bulk-*-jobs).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>

#include "api_support.h"
#include "core.h"

namespace rh::mocks::klaviyo::detail {

// --- suppression and consent jobs --------------------------------------------------------------

namespace {

// The profiles of a bulk job document: attributes.profiles.data[].attributes. Checked whole.
sim::Expected<std::vector<Json>, ApiError> JobProfiles(const Json& data, std::size_t max, bool required) {
  const Json& a = data["attributes"];
  std::vector<Json> out;
  if (!a.contains("profiles")) {
    if (required) return sim::MakeUnexpected(Invalid("'profiles' is a required field.", "/data/attributes/profiles"));
    return out;
  }
  const Json& p = a["profiles"];
  if (!p.is_object() || !p.contains("data") || !p["data"].is_array()) {
    return sim::MakeUnexpected(Invalid("'profiles' must be {\"data\": [profiles]}.", "/data/attributes/profiles"));
  }
  if (p["data"].size() > max) {
    return sim::MakeUnexpected(
        Invalid("At most " + std::to_string(max) + " profiles per request.", "/data/attributes/profiles/data"));
  }
  for (std::size_t i = 0; i < p["data"].size(); ++i) {
    const Json& item = p["data"][i];
    const std::string at = "/data/attributes/profiles/data/" + std::to_string(i);
    if (!item.is_object() || item.value("type", "") != "profile" || !item.contains("attributes") ||
        !item["attributes"].is_object()) {
      return sim::MakeUnexpected(Invalid("Each profile must be {\"type\": \"profile\", \"attributes\": {...}}.", at));
    }
    out.push_back(item["attributes"]);
  }
  return out;
}

// relationships.<name>.data.id, when present.
sim::Expected<std::optional<std::string>, ApiError> RelationshipId(const Json& data, std::string_view name) {
  if (!data.contains("relationships") || !data["relationships"].is_object() ||
      !data["relationships"].contains(std::string(name))) {
    return std::optional<std::string>();
  }
  const Json& r = data["relationships"][std::string(name)];
  if (!r.is_object() || !r.contains("data") || !r["data"].is_object() || !r["data"].contains("id") ||
      !r["data"]["id"].is_string() || r["data"].value("type", "") != name) {
    return sim::MakeUnexpected(Invalid("'" + std::string(name) + "' must be {\"data\": {\"type\": \"" +
                                           std::string(name) + "\", \"id\": ...}}.",
                                       "/data/relationships/" + std::string(name)));
  }
  return std::optional<std::string>(r["data"]["id"].get<std::string>());
}

bool ValidEmail(const Json& v) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  const auto at = s.find('@');
  return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos;
}

}  // namespace

Reply Core::SuppressionJobReply(const Call& call, const SuppressionJob& job, int status, std::string_view job_status) {
  const std::string base = job.type == "profile-suppression-bulk-create-job" ? "/api/profile-suppression-bulk-create-jobs/"
                                                                             : "/api/profile-suppression-bulk-delete-jobs/";
  const bool complete = job_status == "complete";
  OrderedJson a = {{"status", job_status},
                   {"created_at", KlaviyoTime(job.created)},
                   {"total_count", job.total},
                   {"completed_count", complete ? job.completed : 0},
                   {"skipped_count", complete ? job.skipped : 0},
                   {"completed_at", complete ? OrderedJson(KlaviyoTime(job.created)) : OrderedJson(nullptr)}};
  return Document(status, OrderedJson{{"data",
                                       {{"type", job.type},
                                        {"id", job.id},
                                        {"attributes", a},
                                        {"links", {{"self", call.link_base + base + job.id + "/"}}}}}});
}

namespace {
// Shared by suppress and unsuppress: the emails named, or the members of a list or segment.
struct JobTargets {
  std::vector<std::string> emails;
  std::vector<std::string> profile_ids;
};
}  // namespace

Reply Core::CreateSuppressionJob(Call& call) { return SuppressionJobCommon(call, true); }
Reply Core::DeleteSuppressionJob(Call& call) { return SuppressionJobCommon(call, false); }

Reply Core::SuppressionJobCommon(Call& call, bool suppress) {
  const std::string type = suppress ? "profile-suppression-bulk-create-job" : "profile-suppression-bulk-delete-job";
  auto data = ParseDocument(call.request, type, {"profiles"}, false);
  if (!data) return sim::MakeUnexpected(data.error());
  auto profiles = JobProfiles(*data, 100, false);
  if (!profiles) return sim::MakeUnexpected(profiles.error());
  auto list_id = RelationshipId(*data, "list");
  if (!list_id) return sim::MakeUnexpected(list_id.error());
  auto segment_id = RelationshipId(*data, "segment");
  if (!segment_id) return sim::MakeUnexpected(segment_id.error());
  JobTargets targets;
  for (std::size_t i = 0; i < profiles->size(); ++i) {
    const Json& attrs = (*profiles)[i];
    if (!attrs.contains("email") || !ValidEmail(attrs["email"])) {
      return sim::MakeUnexpected(
          Invalid("'email' must be a valid email address.", "/data/attributes/profiles/data/" + std::to_string(i) + "/attributes/email"));
    }
    targets.emails.push_back(attrs["email"].get<std::string>());
  }
  if (*list_id) {
    const auto it = state.lists.find(**list_id);
    if (it == state.lists.end()) {
      ApiError e = NotFound("list", **list_id);
      e.pointer = "/data/relationships/list";
      return sim::MakeUnexpected(e);
    }
    targets.profile_ids = it->second.members;
  }
  if (*segment_id) {
    if (!state.segments.count(**segment_id)) {
      ApiError e = NotFound("segment", **segment_id);
      e.pointer = "/data/relationships/segment";
      return sim::MakeUnexpected(e);
    }
    for (const std::string& id : AudienceMembers(**segment_id, call.now.wall)) targets.profile_ids.push_back(id);
  }
  if (targets.emails.empty() && !*list_id && !*segment_id) {
    return sim::MakeUnexpected(Invalid("Name profiles, a list or a segment.", "/data/attributes/profiles"));
  }
  SuppressionJob job;
  job.id = NewUlid(call.now.wall);
  job.type = type;
  job.created = call.now.wall;
  const auto apply = [&](Profile& p) {
    ++job.total;
    const bool changed = suppress ? SuppressProfile(p, "USER_SUPPRESSED", call.now.wall) : UnsuppressProfile(p, call.now.wall);
    ++(changed ? job.completed : job.skipped);
  };
  for (const std::string& email : targets.emails) {
    Profile* p = FindByEmail(email);
    if (p == nullptr) {
      if (!suppress) {
        ++job.total;
        ++job.skipped;
        continue;
      }
      // Choice: suppressing an unknown email creates its profile, suppressed (Klaviyo keeps
      // suppressions for addresses it has not seen yet).
      Profile fresh;
      fresh.id = NewUlid(call.now.wall);
      fresh.email = email;
      fresh.created = fresh.updated = call.now.wall;
      p = &PutProfile(std::move(fresh));
    }
    apply(*p);
  }
  for (const std::string& id : targets.profile_ids) {
    const auto it = state.profiles.find(id);
    if (it != state.profiles.end()) apply(it->second);
  }
  jobs[job.id] = job;
  // Choice: the work is done at once; the 202 says "queued" as Klaviyo's does, GET says "complete".
  return SuppressionJobReply(call, job, 202, "queued");
}

Reply Core::GetSuppressionCreateJob(Call& call) {
  const auto it = jobs.find(std::string(call.params.Get("id")));
  if (it == jobs.end() || it->second.type != "profile-suppression-bulk-create-job") {
    return sim::MakeUnexpected(NotFound("profile-suppression-bulk-create-job", call.params.Get("id")));
  }
  return SuppressionJobReply(call, it->second, 200, "complete");
}

Reply Core::GetSuppressionDeleteJob(Call& call) {
  const auto it = jobs.find(std::string(call.params.Get("id")));
  if (it == jobs.end() || it->second.type != "profile-suppression-bulk-delete-job") {
    return sim::MakeUnexpected(NotFound("profile-suppression-bulk-delete-job", call.params.Get("id")));
  }
  return SuppressionJobReply(call, it->second, 200, "complete");
}

namespace {
// subscriptions.<channel>.marketing.consent of a job profile, if given.
std::optional<std::string> ConsentOf(const Json& attrs, std::string_view channel) {
  if (!attrs.contains("subscriptions") || !attrs["subscriptions"].is_object()) return std::nullopt;
  const Json& s = attrs["subscriptions"];
  if (!s.contains(std::string(channel)) || !s[std::string(channel)].is_object()) return std::nullopt;
  const Json& c = s[std::string(channel)];
  if (!c.contains("marketing") || !c["marketing"].is_object()) return std::nullopt;
  if (!c["marketing"].contains("consent") || !c["marketing"]["consent"].is_string()) return std::nullopt;
  return c["marketing"]["consent"].get<std::string>();
}
}  // namespace

Reply Core::Subscribe(Call& call) { return SubscriptionJobCommon(call, true); }
Reply Core::Unsubscribe(Call& call) { return SubscriptionJobCommon(call, false); }

Reply Core::SubscriptionJobCommon(Call& call, bool subscribe) {
  const std::string type = subscribe ? "profile-subscription-bulk-create-job" : "profile-subscription-bulk-delete-job";
  auto data = ParseDocument(call.request, type, {"profiles", "custom_source", "historical_import"}, false);
  if (!data) return sim::MakeUnexpected(data.error());
  auto profiles = JobProfiles(*data, subscribe ? 1000 : 100, true);
  if (!profiles) return sim::MakeUnexpected(profiles.error());
  auto list_id = RelationshipId(*data, "list");
  if (!list_id) return sim::MakeUnexpected(list_id.error());
  if (*list_id && !state.lists.count(**list_id)) {
    ApiError e = NotFound("list", **list_id);
    e.pointer = "/data/relationships/list";
    return sim::MakeUnexpected(e);
  }
  const std::string wanted = subscribe ? "SUBSCRIBED" : "UNSUBSCRIBED";
  for (std::size_t i = 0; i < profiles->size(); ++i) {
    const Json& attrs = (*profiles)[i];
    const std::string at = "/data/attributes/profiles/data/" + std::to_string(i) + "/attributes";
    const bool has_email = attrs.contains("email");
    const bool has_phone = attrs.contains("phone_number");
    if (!has_email && !has_phone) return sim::MakeUnexpected(Invalid("'email' or 'phone_number' is required.", at));
    if (has_email && !ValidEmail(attrs["email"])) return sim::MakeUnexpected(Invalid("Invalid email address.", at + "/email"));
    if (has_phone && !attrs["phone_number"].is_string()) return sim::MakeUnexpected(Invalid("Invalid phone number.", at + "/phone_number"));
    for (const char* channel : {"email", "sms"}) {
      const auto consent = ConsentOf(attrs, channel);
      if (consent && *consent != wanted) {
        return sim::MakeUnexpected(Invalid("'consent' must be '" + wanted + "'.",
                                           at + "/subscriptions/" + channel + "/marketing/consent"));
      }
    }
  }
  const bool historical = (*data)["attributes"].value("historical_import", false);
  for (const Json& attrs : *profiles) {
    Profile* p = attrs.contains("email") ? FindByEmail(attrs["email"].get<std::string>()) : nullptr;
    if (p == nullptr && attrs.contains("phone_number")) p = FindByPhone(attrs["phone_number"].get<std::string>());
    if (p == nullptr) {
      Profile fresh;
      fresh.id = NewUlid(call.now.wall);
      if (attrs.contains("email")) fresh.email = attrs["email"].get<std::string>();
      if (attrs.contains("phone_number")) fresh.phone_number = attrs["phone_number"].get<std::string>();
      fresh.created = fresh.updated = call.now.wall;
      p = &PutProfile(std::move(fresh));
    }
    const bool email = ConsentOf(attrs, "email").has_value() || (!ConsentOf(attrs, "sms") && attrs.contains("email"));
    const bool sms = ConsentOf(attrs, "sms").has_value();
    p->updated = call.now.wall;
    if (subscribe) {
      if (email) {
        p->email_consent = "SUBSCRIBED";
        auto& s = p->suppressions;
        s.erase(std::remove_if(s.begin(), s.end(),
                               [](const Suppression& x) {
                                 return x.reason == "UNSUBSCRIBE" || x.reason == "USER_SUPPRESSED" ||
                                        x.reason == "SPAM_COMPLAINT";
                               }),
                s.end());
      }
      if (sms) p->sms_consent = "SUBSCRIBED";
      if (*list_id) AddToList(state.lists[**list_id], p->id, !historical, call.now);
    } else {
      // With a list, a member leaves the list; anyone not in it is unsubscribed globally.
      if (*list_id && InList(**list_id, p->id)) {
        auto& members = state.lists[**list_id].members;
        members.erase(std::remove(members.begin(), members.end(), p->id), members.end());
        continue;
      }
      if (email) {
        p->email_consent = "UNSUBSCRIBED";
        SuppressProfile(*p, "UNSUBSCRIBE", call.now.wall);
      }
      if (sms) p->sms_consent = "UNSUBSCRIBED";
    }
  }
  return NoContent(202);
}

}  // namespace rh::mocks::klaviyo::detail
