// Internals of the Gorgias mock (not installed): the Core holding state, limits, logs and the
// handlers, shared by the .cc files of mocks/src/gorgias/. Every member function except the
// constructor and destructor expects `mu` to be held by its caller (GorgiasMock's methods and
// the executor callbacks lock it). Deterministic given the calls, their `now` values and the Rng.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/common/ids.h"
#include "mocks/common/json_http.h"
#include "mocks/common/leaky_bucket.h"
#include "mocks/common/path_match.h"
#include "mocks/common/request_log.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/gorgias/state.h"

namespace rh::mocks::gorgias::detail {

// Marshmallow's messages, which Gorgias's API answers with (its 400s say "Missing data for
// required field.").
inline constexpr std::string_view kMissing = "Missing data for required field.";
inline constexpr std::string_view kNotString = "Not a valid string.";
inline constexpr std::string_view kNotInteger = "Not a valid integer.";
inline constexpr std::string_view kNotBoolean = "Not a valid boolean.";
inline constexpr std::string_view kNotList = "Not a valid list.";
inline constexpr std::string_view kNotObject = "Invalid input type.";
inline constexpr std::string_view kNotDatetime = "Not a valid datetime.";
inline constexpr std::string_view kUnknownField = "Unknown field.";

// Field errors of one request, nested as Gorgias nests them:
// {"messages": {"0": {"channel": ["Missing data for required field."]}}}.
class FieldErrors {
 public:
  void Add(const std::vector<std::string>& path, std::string_view message);
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  const OrderedJson& data() const { return data_; }

 private:
  OrderedJson data_;
  std::size_t count_ = 0;
};

// A path under construction: FieldPath{"messages", "0"} / "channel".
using FieldPath = std::vector<std::string>;
FieldPath operator/(FieldPath path, std::string_view key);

// Readers of optional fields of a JSON object that add a field error on the wrong type.
// Absent and (where allowed) null leave `out` untouched and return false.
bool ReadString(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
                std::optional<std::string>& out, bool nullable = true);
bool ReadBool(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
              std::optional<bool>& out);
bool ReadUint(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
              std::optional<std::uint64_t>& out);
bool ReadDatetime(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
                  std::optional<sim::WallTime>& out);
// `value` when it is a non-negative integer (JSON number).
std::optional<std::uint64_t> AsUint(const OrderedJson& value);
const OrderedJson* Find(const OrderedJson& obj, std::string_view key);

// Microseconds since the Unix epoch: the sort key of datetime orders.
std::int64_t Micros(sim::WallTime t);
// A non-negative decimal integer of a query parameter, or nullopt.
std::optional<std::uint64_t> ParseUintText(std::string_view text);
// "First Last", or whichever is not empty.
std::string FullName(const std::string& first, const std::string& last);
// The empty request of changes that no request made (sends, seeds, customers writing in).
const sim::Request& NoRequest();

// "2026-11-23T09:00:00.201204+00:00".
std::string Datetime(sim::WallTime t);
OrderedJson Datetime(const std::optional<sim::WallTime>& t);
OrderedJson OptString(const std::optional<std::string>& s);
OrderedJson OptId(const std::optional<std::uint64_t>& id);

// A Gorgias API error before rendering: the status, the message and the field errors (null
// when there are none), rendered once as {"error": {"msg": ..., "data": ...}} by ErrorResponse.
struct ApiError {
  int status = 400;
  std::string msg;
  OrderedJson data;
};

// What a handler answers: the response, or the error the route table renders.
using Reply = sim::Expected<sim::Response, ApiError>;

// The error envelope {"error": {"msg": ..., "data": ...}}; `data` omitted when null.
sim::Response ErrorResponse(const ApiError& error);
ApiError NotFound();
ApiError ValidationError(std::string_view msg, const FieldErrors& errors);
sim::Response EmptyResponse(int status);

// One request as the handlers see it.
struct Ctx {
  const sim::Request& request;
  sim::Moment now;
  std::optional<std::uint64_t> user_id;  // the acting user; none for customers and the system
  PathParams params;
  OrderedJson body;            // the parsed JSON body, null when there is none
  std::string change_context;  // the UUID shared by this change's events, drawn on first use
  bool quiet = false;          // seeding: write no events
};

// The authenticated caller.
enum class AuthKind { kApiKey, kOAuth };
struct Caller {
  AuthKind kind = AuthKind::kApiKey;
  std::uint64_t user_id = 0;
  const OAuthToken* token = nullptr;  // for kOAuth
};

// What a route needs from the caller: a scope family and whether it writes.
struct Access {
  std::string_view scope;  // "tickets", "customers", "users", "tags", "macros", "events",
                           // "integrations", "account"
  bool write = false;
  bool admin_only = false;
};

struct Core;
using Handler = Reply (Core::*)(Ctx&);
struct Route {
  sim::Method method;
  std::string_view pattern;
  Handler handler;
  Access access;
};

// A list query: order, limit and cursor (reference section 2).
struct SortKey {
  std::int64_t number = 0;  // a datetime in microseconds, or an id
  std::string text;         // for name orders
  std::uint64_t id = 0;     // the tie-breaker
};
struct ListQuery {
  std::string field = "created_datetime";
  bool descending = true;
  bool text_key = false;  // the field sorts as text
  std::size_t limit = 30;
  std::optional<std::string> cursor_direction;  // "next" or "prev"
  SortKey cursor;
};

// A customer reference as a request gives it: {"id": N} or {"email": ..., more fields}.
struct CustomerRef {
  std::optional<std::uint64_t> id;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> firstname;
  std::optional<std::string> lastname;
};

// A validated message of a request, applied only once the whole request is valid.
struct MessageDraft {
  std::string channel;
  std::string via;
  bool from_agent = false;
  bool is_public = true;
  std::optional<std::uint64_t> sender_user;  // for agents
  std::optional<CustomerRef> sender_customer;
  std::optional<CustomerRef> receiver;
  OrderedJson source;
  std::optional<std::string> subject, body_text, body_html, external_id, message_id;
  std::optional<std::uint64_t> integration_id;
  OrderedJson attachments = OrderedJson::array();
  OrderedJson meta, headers, actions;
  OrderedJson macros = OrderedJson::array();
  OrderedJson mention_ids = OrderedJson::array();
  std::optional<sim::WallTime> created;
  std::optional<sim::WallTime> sent;
};

// A tag reference in a ticket's "tags": by id or by name (created when unknown).
struct TagRef {
  std::optional<std::uint64_t> id;
  std::string name;
};

// One pending send, in the order queued.
struct PendingSend {
  std::uint64_t message_id = 0;
  sim::Instant due{};
  std::optional<sim::TimerId> timer;
};

struct Core {
  Core(Config config, sim::Rng rng, sim::Executor* executor, WebhookEmitter* webhooks);
  ~Core();

  std::mutex mu;  // guards everything below

  Config config;
  State state;
  sim::Rng rng;
  sim::Executor* executor;
  WebhookEmitter* webhooks;
  IdSequence user_seq, customer_seq, channel_seq, ticket_seq, message_seq, tag_seq, macro_seq,
      event_seq, integration_seq, call_seq;
  LeakyBucket api_key_bucket;
  LeakyBucket oauth_bucket;
  RequestLog request_log;
  std::vector<CustomerDelivery> deliveries;                // in creation order
  std::map<std::uint64_t, std::size_t> delivery_by_message;  // message id -> index
  std::vector<PendingSend> pending_sends;
  std::deque<IntegrationCall> integration_calls;  // the newest request_log_capacity calls
  int forced_failures = 0;
  std::string forced_failure_error;

  // --- core.cc: transport-facing dispatch ---
  sim::Response Handle(const sim::Request& request, sim::Moment now);
  // The answer to a request whose handling threw: Gorgias's 500 body, and a request-log entry
  // that says why.
  sim::Response FailedRequest(const sim::Request& request, sim::Moment now, std::string_view reason);
  sim::Response HandleApi(const sim::Request& request, sim::Moment now);
  std::optional<Caller> Authenticate(const sim::Request& request, sim::Moment now, std::string& why);
  bool Permits(const Caller& caller, const Access& access) const;
  sim::Response Dispatch(const sim::Request& request, sim::Moment now, const Caller& caller);
  static const std::vector<Route>& Routes();
  void ApplyRateLimits();
  std::uint64_t NextFreeId(IdSequence& seq, const std::function<bool(std::uint64_t)>& taken);
  const std::string& ChangeContext(Ctx& ctx);
  void AddEvent(Ctx& ctx, std::string_view type, std::string_view object_type, std::uint64_t object_id,
                OrderedJson data = nullptr);

  // --- pagination.cc ---
  // Parses limit, order_by and cursor; `orders` lists the accepted fields, the first being
  // the default (descending unless `default_ascending`).
  std::optional<ApiError> ParseListQuery(const Ctx& ctx, const std::vector<std::string_view>& orders,
                                         ListQuery& out, bool default_ascending = false) const;
  // One page of `keys` (any order) as the list envelope, each item rendered by `render`.
  sim::Response ListPage(const Ctx& ctx, std::vector<SortKey> keys, const ListQuery& query,
                         const std::function<OrderedJson(std::uint64_t)>& render) const;

  // --- json.cc: the API shapes ---
  OrderedJson UserJson(const User& user) const;
  OrderedJson UserSummaryJson(const User& user) const;
  OrderedJson PartyJson(const Party& party) const;
  OrderedJson ChannelJson(const CustomerChannel& channel) const;
  // `with_integrations`: the customer resource has data and integrations; a ticket's embedded
  // customer does not (Shopify data is one more lookup away, as with the real API).
  OrderedJson CustomerJsonOf(const Customer& customer, bool with_integrations) const;
  OrderedJson MessageJson(const Message& message) const;
  enum class TicketView { kFull, kListItem, kWebhook };
  OrderedJson TicketJsonOf(const Ticket& ticket, TicketView view) const;
  OrderedJson TagJson(const Tag& tag) const;
  OrderedJson MacroJson(const Macro& macro) const;
  OrderedJson EventJson(const Event& event) const;
  OrderedJson IntegrationJson(const Integration& integration) const;
  OrderedJson AccountJson() const;
  OrderedJson ReplyOptionsJson(const Ticket& ticket) const;

  // --- ticket_text.cc: the same documents written straight to text ---
  // Byte for byte DumpJson of the *JsonOf tree above, without building the tree: a ticket is
  // rendered into every integration call and API answer, so this is the mock's hot path.
  // json.cc stays the readable definition of the shapes; tests compare the two.
  std::string TicketText(const Ticket& ticket, TicketView view) const;
  std::string MessageText(const Message& message) const;
  std::string CustomerText(const Customer& customer) const;  // the customer resource (with integrations)
  void AppendTicketText(std::string& out, const Ticket& ticket, TicketView view) const;
  void AppendMessageText(std::string& out, const Message& message) const;
  void AppendCustomerText(std::string& out, const Customer& customer, bool with_integrations) const;
  void AppendUserSummaryText(std::string& out, const User& user) const;
  void AppendPartyText(std::string& out, const Party& party) const;
  // The body of an integration call whose form is "{{context}}": {"ticket": ..., "message": ...}.
  std::string WebhookContextText(const Ticket& ticket, const Message* message) const;

  // --- customers.cc ---
  // Validates a customer reference ({"id"} or {"email", names}) at `at`.
  std::optional<CustomerRef> ParseCustomerRef(const OrderedJson& value, const FieldPath& at,
                                              FieldErrors& errors) const;
  // The customer a valid reference names, created when it names an unknown email.
  std::uint64_t ResolveCustomer(Ctx& ctx, const CustomerRef& ref);
  const Customer* FindCustomerByEmail(std::string_view email) const;
  // Validates customer fields for create (`existing` null) or update; fills `out`.
  void ParseCustomerFields(const OrderedJson& body, FieldErrors& errors, Customer& out,
                           const Customer* existing, bool& channels_given) const;
  std::uint64_t InsertCustomer(Customer customer, sim::WallTime now);
  void DeleteCustomerAndTickets(Ctx& ctx, std::uint64_t id);
  Reply ListCustomers(Ctx& ctx);
  Reply CreateCustomer(Ctx& ctx);
  Reply GetCustomer(Ctx& ctx);
  Reply UpdateCustomer(Ctx& ctx);
  Reply DeleteCustomer(Ctx& ctx);
  Reply PutCustomerData(Ctx& ctx);

  // --- messages.cc ---
  // Validates one message at `at`; `on_ticket` is the ticket it is added to (null on create).
  std::optional<MessageDraft> ParseMessage(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                                           const Ctx& ctx, const Ticket* on_ticket) const;
  // Stores a validated message on `ticket`; queues it for sending when it is an agent's
  // message without sent_datetime and `import` is false.
  std::uint64_t InsertMessage(Ctx& ctx, Ticket& ticket, const MessageDraft& draft, bool import);
  void RemoveMessage(std::uint64_t message_id, std::string_view why_not_sent, sim::WallTime now);
  Reply ListTicketMessages(Ctx& ctx);
  Reply CreateTicketMessage(Ctx& ctx);
  Reply GetTicketMessage(Ctx& ctx);
  Reply UpdateTicketMessage(Ctx& ctx);
  Reply DeleteTicketMessage(Ctx& ctx);
  Reply ListMessages(Ctx& ctx);

  // --- sending.cc ---
  // The channels the ticket can be answered on, in table order, internal-note last.
  std::vector<std::string> ReplyOptionChannels(const Ticket& ticket) const;
  // Why an agent's message cannot reach the customer, or nullopt when it can; `to` gets the
  // address it goes to.
  std::optional<std::string> WhyUndeliverable(const Message& message, const Ticket& ticket, std::string& to) const;
  void QueueSend(Ctx& ctx, const Message& message);
  void RunSend(std::uint64_t message_id, sim::Moment now);
  void RunDueSendsLocked(sim::Moment now);
  void RecordIgnoredReplies(const Ticket& ticket, const OrderedJson& messages, sim::WallTime now);

  // --- tickets.cc ---
  bool ParseTagRefs(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                    std::vector<TagRef>& out) const;
  std::vector<std::uint64_t> ResolveTags(Ctx& ctx, const std::vector<TagRef>& refs);
  // Validates an assignee_user value: {"id": N}, {"id": null}, {"id": 0} or null. Sets
  // `assignee` to the user id, or to nullopt for "unassign".
  bool ParseAssignee(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                     std::optional<std::uint64_t>& assignee) const;
  // Creates a ticket from a validated request body; `import` seeds without events or sends.
  sim::Expected<std::uint64_t, ApiError> CreateTicketFrom(Ctx& ctx, const OrderedJson& body, bool import);
  void SetTicketTags(Ctx& ctx, Ticket& ticket, std::vector<std::uint64_t> tag_ids, bool fire);
  void DeleteTicketLocked(Ctx& ctx, std::uint64_t id, bool write_event);
  Reply ListTickets(Ctx& ctx);
  Reply CreateTicket(Ctx& ctx);
  Reply GetTicket(Ctx& ctx);
  Reply UpdateTicket(Ctx& ctx);
  Reply DeleteTicket(Ctx& ctx);
  Reply ListTicketTags(Ctx& ctx);
  Reply AddTicketTags(Ctx& ctx);
  Reply ReplaceTicketTags(Ctx& ctx);
  Reply RemoveTicketTags(Ctx& ctx);
  Ticket* FindTicket(Ctx& ctx);

  // --- resources.cc: users, tags, macros, events, account ---
  Reply ListUsers(Ctx& ctx);
  Reply GetUser(Ctx& ctx);
  Reply ListTags(Ctx& ctx);
  Reply CreateTag(Ctx& ctx);
  Reply GetTag(Ctx& ctx);
  Reply UpdateTag(Ctx& ctx);
  Reply DeleteTag(Ctx& ctx);
  Reply ListMacros(Ctx& ctx);
  Reply CreateMacro(Ctx& ctx);
  Reply GetMacro(Ctx& ctx);
  Reply UpdateMacro(Ctx& ctx);
  Reply DeleteMacro(Ctx& ctx);
  Reply ListEvents(Ctx& ctx);
  Reply GetEvent(Ctx& ctx);
  Reply GetAccount(Ctx& ctx);
  const Tag* FindTagByName(std::string_view name) const;
  std::uint64_t InsertTag(std::string name, sim::WallTime now);

  // --- integrations.cc ---
  // Validates an integration body for create or update into `out`.
  void ParseIntegration(const OrderedJson& body, FieldErrors& errors, Integration& out, bool create) const;
  // Fires every active HTTP integration listening to `trigger` for `ticket` (and `message`).
  void Fire(std::string_view trigger, const Ticket& ticket, const Message* message, sim::WallTime now);
  OrderedJson WebhookContext(const Ticket& ticket, const Message* message) const;
  // Signs nothing: hands a finished call to the emitter (or records why it was not sent) and
  // keeps it in the bounded log of integration calls.
  void EmitIntegrationCall(const Integration& integration, IntegrationCall call, bool url_ok,
                           const std::string& target);
  Reply ListIntegrations(Ctx& ctx);
  Reply CreateIntegration(Ctx& ctx);
  Reply GetIntegration(Ctx& ctx);
  Reply UpdateIntegration(Ctx& ctx);
  Reply DeleteIntegration(Ctx& ctx);
  std::vector<IntegrationCall> IntegrationCallsWithStatus() const;

  // --- inspection.cc ---
  sim::Response HandleInspection(const sim::Request& request, sim::Moment now);
  sim::Response InspectionRoute(const sim::Request& request, sim::Moment now);
  std::uint64_t AddUserLocked(User user, sim::WallTime now);
  sim::Expected<std::uint64_t, std::string> SeedIntegrationLocked(const OrderedJson& body, sim::WallTime now);
  sim::Expected<std::uint64_t, std::string> SeedCustomerLocked(const OrderedJson& body, sim::Moment now);
  sim::Expected<std::uint64_t, std::string> SeedTicketLocked(const OrderedJson& body, sim::Moment now);
  sim::Expected<CustomerMessageResult, std::string> CustomerWritesLocked(const CustomerMessage& message,
                                                                         sim::Moment now);
};

// An error as one line, for seed errors ("400 Failed to create ticket: {...}").
std::string DescribeErrors(const ApiError& error);

}  // namespace rh::mocks::gorgias::detail
