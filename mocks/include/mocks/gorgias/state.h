// The stored state of the Gorgias helpdesk mock: one account with its users, credentials,
// customers (with the data their integrations collected, Shopify orders included), tickets,
// messages, tags, macros, events and integrations. Plain data, ordered containers only, so a
// snapshot prints and compares the same on every run. It must not hold behaviour: the handler
// (gorgias_mock.h) is the only writer, and it is a function of (state, request, now).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "sim/time.h"

namespace rh::mocks::gorgias {

// An agent (or bot) of the account. `role` is one of Gorgias's role names: admin, agent,
// basic-agent, lite-agent, observer-agent, internal-agent, bot. Only observer-agent and admin
// change what the mock allows (read-only, and integration management respectively).
struct User {
  std::uint64_t id = 0;
  std::string email;
  std::string firstname;
  std::string lastname;
  std::string role = "admin";
  // Kept only to show that passwords are refused as Basic credentials since 2022-02-03.
  std::string password;
  bool active = true;
  sim::WallTime created{};
};

// A REST API key: the Basic password of its user's email. An account holds several, possibly of
// different users; every key counts against the account's one API-key bucket.
struct ApiKey {
  std::uint64_t user_id = 0;
  std::string key;
};

// An OAuth2 access token of an installed app, acting as `user_id`. Empty `scopes` grants
// everything; otherwise "tickets:write" style scopes (write implies read) or the legacy
// "write:all". Tokens of every app share the account's one OAuth bucket.
struct OAuthToken {
  std::string access_token;
  std::uint64_t user_id = 0;
  std::vector<std::string> scopes;
  std::optional<sim::Instant> expires_at;  // Gorgias access tokens live 24 h; none: never
};

// A way to reach a customer: type "email", "phone", "chat", "facebook", "instagram",
// "twitter", "whatsapp", ...
struct CustomerChannel {
  std::uint64_t id = 0;
  std::string type;
  std::string address;
  bool preferred = false;
  sim::WallTime created{};
  sim::WallTime updated{};
};

struct Customer {
  std::uint64_t id = 0;
  std::optional<std::string> email;
  std::string firstname;
  std::string lastname;
  std::string name;
  std::optional<std::string> external_id;
  std::optional<std::string> language;
  std::string timezone = "UTC";
  std::optional<std::string> note;
  OrderedJson meta;  // null or an object
  OrderedJson data;  // free JSON shown in the sidebar (PUT /api/customers/{id}/data)
  std::optional<std::string> data_version;  // the "version" that came with `data`
  // Keyed by integration id as a string; each value the raw data that integration collected,
  // with "__integration_type__". Shopify orders live here, never on the ticket.
  OrderedJson integrations = OrderedJson::object();
  std::vector<CustomerChannel> channels;
  bool active = true;
  sim::WallTime created{};
  sim::WallTime updated{};
};

// Who wrote or receives a message: an agent (user) or a customer.
struct Party {
  enum class Kind { kNone, kUser, kCustomer };
  Kind kind = Kind::kNone;
  std::uint64_t id = 0;
};

struct Message {
  std::uint64_t id = 0;
  std::uint64_t ticket_id = 0;
  std::optional<std::string> message_id;  // the provider's id (an email Message-Id)
  std::optional<std::string> external_id;
  std::optional<std::uint64_t> integration_id;
  std::string channel;
  std::string via;
  OrderedJson source;  // {type, from {address, name}, to [], cc [], bcc [], extra} or null
  Party sender;
  Party receiver;
  bool from_agent = false;
  bool is_public = true;  // "public" on the wire
  std::optional<std::string> subject;
  std::optional<std::string> body_text;
  std::optional<std::string> body_html;
  OrderedJson attachments = OrderedJson::array();
  OrderedJson meta;
  OrderedJson headers;
  OrderedJson actions;
  OrderedJson macros = OrderedJson::array();
  OrderedJson mention_ids = OrderedJson::array();
  sim::WallTime created{};
  std::optional<sim::WallTime> sent;
  std::optional<sim::WallTime> opened;
  std::optional<sim::WallTime> failed;
  std::optional<std::string> last_sending_error;
};

struct Ticket {
  std::uint64_t id = 0;
  std::optional<std::string> external_id;
  std::string status = "open";      // open | closed
  std::string priority = "normal";  // critical | high | normal | low
  std::string channel;
  std::string via;
  bool from_agent = false;
  bool spam = false;
  bool is_unread = true;
  std::uint64_t customer_id = 0;
  std::optional<std::uint64_t> assignee_user_id;
  std::optional<std::uint64_t> assignee_team_id;
  std::optional<std::string> language;
  std::optional<std::string> subject;
  OrderedJson meta;
  OrderedJson custom_fields = OrderedJson::array();
  std::vector<std::uint64_t> tag_ids;      // in the order they were added
  std::vector<std::uint64_t> message_ids;  // in creation order
  sim::WallTime created{};
  std::optional<sim::WallTime> opened;
  sim::WallTime updated{};
  std::optional<sim::WallTime> last_message;
  std::optional<sim::WallTime> last_received_message;
  std::optional<sim::WallTime> closed;
  std::optional<sim::WallTime> snooze;
  std::optional<sim::WallTime> trashed;
};

struct Tag {
  std::uint64_t id = 0;
  std::string name;
  std::optional<std::string> description;
  OrderedJson decoration;  // {"color": "#..."} or null
  sim::WallTime created{};
};

struct Macro {
  std::uint64_t id = 0;
  std::string name;
  std::optional<std::string> intent;
  std::optional<std::string> language;
  OrderedJson actions = OrderedJson::array();  // [{name, title, type, arguments}]
  sim::WallTime created{};
  sim::WallTime updated{};
  std::optional<sim::WallTime> archived;
};

// One change, as GET /api/events shows it. Read-only on the API.
struct Event {
  std::uint64_t id = 0;
  std::string context;  // a UUID shared by the events of one change
  sim::WallTime created{};
  OrderedJson data;     // null or type-specific ({"assignee_user_id": 5}, {"tags_added": [..]})
  std::uint64_t object_id = 0;
  std::string object_type;  // Ticket, TicketMessage, Customer, Tag, Macro, Integration, ...
  std::string type;         // ticket-created, ticket-message-created, ...
  std::optional<std::uint64_t> user_id;
};

// An integration: "http" ones are created through the API and fire outbound calls; others
// ("shopify", "email", ...) are seeded by the harness and only give ids to customer data.
struct Integration {
  std::uint64_t id = 0;
  std::string type;
  std::string name;
  std::optional<std::string> description;
  // For "http": url, method, headers, form, request_content_type, response_content_type and
  // triggers (stored with hyphenated keys). Never holds hmac_secret, which is write-only.
  OrderedJson http;
  std::string hmac_secret;
  OrderedJson meta;
  sim::WallTime created{};
  sim::WallTime updated{};
  std::optional<sim::WallTime> deactivated;
};

struct Account {
  std::string domain = "acme";  // {domain}.gorgias.com
  std::string support_email = "support@acme.example";
  std::string support_phone = "+15555550100";
  sim::WallTime created{};
};

// Everything the handler reads and writes. Ordered maps keyed by id, so iteration (lists,
// snapshots) is by id and the same on every run.
struct State {
  Account account;
  std::map<std::uint64_t, User> users;
  std::vector<ApiKey> api_keys;
  std::vector<OAuthToken> oauth_tokens;
  std::map<std::uint64_t, Customer> customers;
  std::map<std::uint64_t, Ticket> tickets;
  std::map<std::uint64_t, Message> messages;
  std::map<std::uint64_t, Tag> tags;
  std::map<std::uint64_t, Macro> macros;
  std::map<std::uint64_t, Event> events;
  std::map<std::uint64_t, Integration> integrations;
};

}  // namespace rh::mocks::gorgias
