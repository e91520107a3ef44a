// The Klaviyo mock's store, as plain data: profiles with consent and suppressions, lists and
// their members, metrics, events, segments (computed membership), campaigns, flows, and the
// send record the harness reads. No behaviour here: klaviyo_mock.h owns the rules.
// Ordered containers only, so everything printed or iterated is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "sim/time.h"

namespace rh::mocks::klaviyo {

// A suppression of email marketing: HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, UNSUBSCRIBE or
// USER_SUPPRESSED (the reason of bulk suppression jobs).
struct Suppression {
  std::string reason;
  sim::WallTime timestamp{};
};

struct Profile {
  std::string id;  // 26-char ULID
  // Identifiers and attributes; nullopt is JSON null.
  std::optional<std::string> email, phone_number, external_id;
  std::optional<std::string> first_name, last_name, organization, locale, title, image;
  OrderedJson location = nullptr;
  OrderedJson properties = OrderedJson::object();
  // Consent: SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED, per channel.
  std::string email_consent = "NEVER_SUBSCRIBED";
  std::string sms_consent = "NEVER_SUBSCRIBED";
  std::vector<Suppression> suppressions;  // global email suppressions, oldest first
  sim::WallTime created{}, updated{};
  std::optional<sim::WallTime> last_event_date;

  // Klaviyo's can_receive_email_marketing: true iff there is no global suppression.
  bool CanReceiveEmailMarketing() const { return suppressions.empty(); }
};

struct List {
  std::string id;  // 6 chars
  std::string name;
  std::string opt_in_process = "single_opt_in";
  sim::WallTime created{}, updated{};
  std::vector<std::string> members;  // profile ids in the order added
};

struct Metric {
  std::string id;  // 6 chars
  std::string name;
  sim::WallTime created{}, updated{};
};

struct Event {
  std::string id;    // 11 chars
  std::string uuid;  // UUIDv4
  std::string metric_id;
  std::string profile_id;
  sim::WallTime time{};  // truncated to the second
  OrderedJson properties = OrderedJson::object();
  std::optional<double> value;
  std::optional<std::string> value_currency;
  std::string unique_id;
};

// A condition on one profile, shared by segment definitions and flow filters. All conditions
// of a segment or flow must hold (an implicit and).
struct Condition {
  enum class Kind {
    kProfileProperty,  // `field` ("email", "first_name", "properties.vip", ...) `op` `value`
    kListMember,       // member of `list_id` (or not, when `negate`)
    kMetricCount,      // `metric` happened between min_count and max_count times in `within`
  };
  Kind kind = Kind::kProfileProperty;
  // kProfileProperty: op is "equals", "not-equals", "exists", "not-exists", "contains",
  // "greater-than" or "less-than" (numbers, strings or RFC 3339 datetimes).
  std::string field;
  std::string op = "equals";
  OrderedJson value = nullptr;
  // kListMember.
  std::string list_id;
  bool negate = false;
  // kMetricCount: events of metric `metric` (by name) in the last `within` (zero: all time).
  std::string metric;
  sim::Duration within{0};
  std::int64_t min_count = 1;
  std::int64_t max_count = INT64_MAX;
};

struct Segment {
  std::string id;  // 6 chars
  std::string name;
  std::vector<Condition> conditions;
  sim::WallTime created{}, updated{};
};

// What a message is, for the invariants (DESIGN.md I1, I5).
enum class MessageKind { kPromotional, kReviewRequest, kTransactional, kRecovery };
std::string_view MessageKindName(MessageKind kind);  // "promotional", "review_request", ...
std::optional<MessageKind> ParseMessageKind(std::string_view name);

enum class Channel { kEmail, kSms };
std::string_view ChannelName(Channel channel);  // "email", "sms"

struct Campaign {
  std::string id;  // 26-char ULID (as observed)
  std::string name;
  Channel channel = Channel::kEmail;
  MessageKind kind = MessageKind::kPromotional;
  std::string subject;
  // Audience: list or segment ids; excluded wins over included.
  std::vector<std::string> included, excluded;
  bool use_smart_sending = true;
  // "Draft", "Scheduled", "Sending", "Sent", "Cancelled", "Cancelled: No Recipients".
  std::string status = "Draft";
  sim::WallTime created{}, updated{};
  std::optional<sim::WallTime> scheduled_at;  // when the send is due
  std::optional<sim::WallTime> send_time;     // when it actually ran
};

// One step of a flow.
struct FlowAction {
  enum class Type { kDelay, kEmail, kSms };
  Type type = Type::kEmail;
  sim::Duration delay{0};  // kDelay
  // Messages.
  std::string name;  // e.g. "Review request email"
  MessageKind kind = MessageKind::kPromotional;
  // Transactional-approved: still reaches suppressed profiles except for hard bounces,
  // invalid emails and spam complaints; ignores Smart Sending.
  bool transactional = false;
  bool smart_sending = true;
};

struct Flow {
  std::string id;  // 6 chars
  std::string name;
  std::string status = "live";  // draft | manual | live; only live flows trigger
  enum class Trigger { kMetric, kAddedToList };
  Trigger trigger = Trigger::kMetric;
  std::string trigger_metric;   // kMetric: metric name ("Placed Order")
  std::string trigger_list_id;  // kAddedToList
  // Profile filters: checked at entry and again before every message.
  std::vector<Condition> profile_filters;
  std::vector<FlowAction> actions;
  sim::WallTime created{}, updated{};
};

// One message sent, or one the send-time rules skipped.
struct SendRecord {
  std::uint64_t seq = 0;
  sim::WallTime at{};
  MessageKind kind = MessageKind::kPromotional;
  Channel channel = Channel::kEmail;
  std::string profile_id;
  std::string to;           // email address or phone number; "" when there is none
  std::string source_type;  // "campaign" or "flow"
  std::string source_id;
  std::string source_name;
  std::string message;  // the flow action's or campaign's message name
  bool sent = false;
  // When skipped: suppressed, unsubscribed, no_consent, filtered_out, excluded, no_email,
  // no_phone_number, smart_sending.
  std::string reason;
  std::string detail;  // e.g. the suppression reason, or the filter that failed
};

struct State {
  std::map<std::string, Profile> profiles;  // by id
  std::map<std::string, List> lists;
  std::map<std::string, Metric> metrics;
  std::vector<Event> events;  // in ingestion order
  std::map<std::string, Segment> segments;
  std::map<std::string, Campaign> campaigns;
  std::map<std::string, Flow> flows;
  std::vector<SendRecord> sends;
};

}  // namespace rh::mocks::klaviyo
