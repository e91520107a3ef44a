// Customers: list (filters email, external_id, name, language, timezone, channel_type,
// channel_address), create (409 on a duplicate email), get (with data and integrations, where
// Shopify orders live), partial update, delete, and PUT .../data. Customer references in
// tickets and messages ({"id"} or {"email"}) resolve here, creating customers on the fly.
#include <algorithm>

#include "core.h"
#include "mocks/gorgias/channels.h"

namespace rh::mocks::gorgias::detail {

namespace {

ApiError DuplicateEmail() {
  FieldErrors errors;
  errors.Add({"email"}, "A customer with this email already exists.");
  return {409, "The resource already exists.", errors.data()};
}

}  // namespace

const Customer* Core::FindCustomerByEmail(std::string_view email) const {
  for (const auto& [id, c] : state.customers) {
    if (c.email && sim::EqualsIgnoreCase(*c.email, email)) return &c;
  }
  return nullptr;
}

std::optional<CustomerRef> Core::ParseCustomerRef(const OrderedJson& value, const FieldPath& at,
                                                  FieldErrors& errors) const {
  if (!value.is_object()) {
    errors.Add(at, kNotObject);
    return std::nullopt;
  }
  CustomerRef ref;
  const std::size_t before = errors.count();
  ReadUint(value, "id", at, errors, ref.id);
  ReadString(value, "email", at, errors, ref.email);
  ReadString(value, "name", at, errors, ref.name);
  ReadString(value, "firstname", at, errors, ref.firstname);
  ReadString(value, "lastname", at, errors, ref.lastname);
  if (errors.count() != before) return std::nullopt;
  if (ref.id) {
    if (!state.customers.contains(*ref.id)) {
      errors.Add(at / "id", "Customer " + std::to_string(*ref.id) + " does not exist.");
      return std::nullopt;
    }
    return ref;
  }
  if (ref.email) {
    if (!LooksLikeEmail(*ref.email)) {
      errors.Add(at / "email", "Not a valid email address.");
      return std::nullopt;
    }
    return ref;
  }
  errors.Add(at / "id", kMissing);
  return std::nullopt;
}

std::uint64_t Core::ResolveCustomer(Ctx& ctx, const CustomerRef& ref) {
  if (ref.id) return *ref.id;
  if (const Customer* existing = FindCustomerByEmail(*ref.email)) return existing->id;
  Customer c;
  c.email = *ref.email;
  c.firstname = ref.firstname.value_or("");
  c.lastname = ref.lastname.value_or("");
  c.name = ref.name.value_or(FullName(c.firstname, c.lastname));
  const std::uint64_t id = InsertCustomer(std::move(c), ctx.now.wall);
  AddEvent(ctx, "customer-created", "Customer", id);
  return id;
}

void Core::ParseCustomerFields(const OrderedJson& body, FieldErrors& errors, Customer& out,
                               const Customer* existing, bool& channels_given) const {
  const FieldPath root;
  std::optional<std::string> email = out.email;
  if (ReadString(body, "email", root, errors, email)) {
    if (email && !LooksLikeEmail(*email)) errors.Add({"email"}, "Not a valid email address.");
    out.email = email;
  } else if (const OrderedJson* v = Find(body, "email"); v != nullptr && v->is_null()) {
    out.email.reset();
  }
  std::optional<std::string> s;
  const bool name_given = ReadString(body, "name", root, errors, s);
  if (name_given) out.name = s.value_or("");
  s.reset();
  const bool first_given = ReadString(body, "firstname", root, errors, s);
  if (first_given) out.firstname = s.value_or("");
  s.reset();
  const bool last_given = ReadString(body, "lastname", root, errors, s);
  if (last_given) out.lastname = s.value_or("");
  // Without an explicit name, the name follows the first and last names.
  if (!name_given && (first_given || last_given)) out.name = FullName(out.firstname, out.lastname);
  if (const OrderedJson* v = Find(body, "external_id")) {
    if (v->is_string()) {
      out.external_id = v->get<std::string>();
    } else if (v->is_number_integer()) {
      out.external_id = v->dump(-1, ' ', false, kReplaceInvalidUtf8);  // Gorgias stores external ids as strings
    } else if (v->is_null()) {
      out.external_id.reset();
    } else {
      errors.Add({"external_id"}, kNotString);
    }
  }
  ReadString(body, "language", root, errors, out.language);
  s.reset();
  if (ReadString(body, "timezone", root, errors, s)) out.timezone = s.value_or("UTC");
  ReadString(body, "note", root, errors, out.note);
  if (const OrderedJson* v = Find(body, "meta")) {
    if (v->is_object() || v->is_null()) {
      out.meta = *v;
    } else {
      errors.Add({"meta"}, kNotObject);
    }
  }
  if (const OrderedJson* v = Find(body, "data")) out.data = *v;
  channels_given = false;
  if (const OrderedJson* v = Find(body, "channels")) {
    if (!v->is_array()) {
      errors.Add({"channels"}, kNotList);
    } else {
      channels_given = true;
      std::vector<CustomerChannel> channels;
      for (std::size_t i = 0; i < v->size(); ++i) {
        const OrderedJson& ch = (*v)[i];
        const FieldPath at = FieldPath{"channels", std::to_string(i)};
        if (!ch.is_object()) {
          errors.Add(at, kNotObject);
          continue;
        }
        std::optional<std::string> type, address;
        std::optional<bool> preferred;
        if (!ReadString(ch, "type", at, errors, type, false) && !Find(ch, "type")) errors.Add(at / "type", kMissing);
        if (!ReadString(ch, "address", at, errors, address, false) && !Find(ch, "address")) {
          errors.Add(at / "address", kMissing);
        }
        ReadBool(ch, "preferred", at, errors, preferred);
        CustomerChannel c;
        c.type = type.value_or("");
        c.address = address.value_or("");
        c.preferred = preferred.value_or(false);
        // Keep the id of a channel the customer already had.
        if (existing != nullptr) {
          for (const CustomerChannel& old : existing->channels) {
            if (old.type == c.type && old.address == c.address) {
              c.id = old.id;
              c.created = old.created;
            }
          }
        }
        channels.push_back(std::move(c));
      }
      out.channels = std::move(channels);
    }
  }
}

std::uint64_t Core::InsertCustomer(Customer c, sim::WallTime now) {
  if (c.id == 0) c.id = NextFreeId(customer_seq, [&](std::uint64_t id) { return state.customers.contains(id); });
  if (c.created == sim::WallTime{}) c.created = now;
  c.updated = now;
  if (c.name.empty()) c.name = FullName(c.firstname, c.lastname);
  if (c.email) {
    const bool has_email_channel = std::any_of(c.channels.begin(), c.channels.end(), [&](const CustomerChannel& ch) {
      return ch.type == "email" && sim::EqualsIgnoreCase(ch.address, *c.email);
    });
    if (!has_email_channel) {
      CustomerChannel ch;
      ch.type = "email";
      ch.address = *c.email;
      ch.preferred = c.channels.empty();
      c.channels.insert(c.channels.begin(), std::move(ch));
    }
  }
  for (CustomerChannel& ch : c.channels) {
    if (ch.id == 0) ch.id = channel_seq.Next();
    if (ch.created == sim::WallTime{}) ch.created = now;
    ch.updated = now;
  }
  const std::uint64_t id = c.id;
  state.customers.insert_or_assign(id, std::move(c));
  return id;
}

void Core::DeleteCustomerAndTickets(Ctx& ctx, std::uint64_t id) {
  // Choice: deleting a customer deletes their tickets too, as Gorgias warns it does.
  std::vector<std::uint64_t> tickets;
  for (const auto& [tid, t] : state.tickets) {
    if (t.customer_id == id) tickets.push_back(tid);
  }
  for (std::uint64_t tid : tickets) DeleteTicketLocked(ctx, tid, true);
  state.customers.erase(id);
  AddEvent(ctx, "customer-deleted", "Customer", id);
}

Reply Core::ListCustomers(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime", "updated_datetime", "name"}, query)) return sim::MakeUnexpected(*bad);
  const auto email = ctx.request.Query("email");
  const auto external_id = ctx.request.Query("external_id");
  const auto name = ctx.request.Query("name");
  const auto language = ctx.request.Query("language");
  const auto timezone = ctx.request.Query("timezone");
  const auto channel_type = ctx.request.Query("channel_type");
  const auto channel_address = ctx.request.Query("channel_address");
  std::vector<SortKey> keys;
  for (const auto& [id, c] : state.customers) {
    if (email && !(c.email && sim::EqualsIgnoreCase(*c.email, *email))) continue;
    if (external_id && c.external_id != *external_id) continue;
    if (name && c.name != *name) continue;
    if (language && c.language != *language) continue;
    if (timezone && c.timezone != *timezone) continue;
    if (channel_type || channel_address) {
      const bool match = std::any_of(c.channels.begin(), c.channels.end(), [&](const CustomerChannel& ch) {
        return (!channel_type || ch.type == *channel_type) &&
               (!channel_address || sim::EqualsIgnoreCase(ch.address, *channel_address));
      });
      if (!match) continue;
    }
    SortKey k;
    k.id = id;
    k.number = Micros(query.field == "updated_datetime" ? c.updated : c.created);
    k.text = c.name;
    keys.push_back(std::move(k));
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return CustomerJsonOf(state.customers.at(id), true); });
}

Reply Core::CreateCustomer(Ctx& ctx) {
  const OrderedJson body = ctx.body.is_null() ? OrderedJson::object() : ctx.body;
  FieldErrors errors;
  if (!body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to create customer", errors));
  }
  Customer c;
  bool channels_given = false;
  ParseCustomerFields(body, errors, c, nullptr, channels_given);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to create customer", errors));
  if (c.email && FindCustomerByEmail(*c.email) != nullptr) return sim::MakeUnexpected(DuplicateEmail());
  const std::uint64_t id = InsertCustomer(std::move(c), ctx.now.wall);
  AddEvent(ctx, "customer-created", "Customer", id);
  return sim::Response::Json(201, CustomerText(state.customers.at(id)));
}

Reply Core::GetCustomer(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.customers.find(*id) : state.customers.end();
  if (it == state.customers.end()) return sim::MakeUnexpected(NotFound());
  return sim::Response::Json(200, CustomerText(it->second));
}

Reply Core::UpdateCustomer(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.customers.find(*id) : state.customers.end();
  if (it == state.customers.end()) return sim::MakeUnexpected(NotFound());
  const OrderedJson body = ctx.body.is_null() ? OrderedJson::object() : ctx.body;
  FieldErrors errors;
  if (!body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update customer", errors));
  }
  Customer updated = it->second;
  bool channels_given = false;
  ParseCustomerFields(body, errors, updated, &it->second, channels_given);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update customer", errors));
  if (updated.email) {
    const Customer* other = FindCustomerByEmail(*updated.email);
    if (other != nullptr && other->id != updated.id) return sim::MakeUnexpected(DuplicateEmail());
  }
  // A changed email moves the customer's email channel with it (unless channels were given).
  if (!channels_given && it->second.email && updated.email && *it->second.email != *updated.email) {
    for (CustomerChannel& ch : updated.channels) {
      if (ch.type == "email" && sim::EqualsIgnoreCase(ch.address, *it->second.email)) ch.address = *updated.email;
    }
  }
  InsertCustomer(std::move(updated), ctx.now.wall);
  AddEvent(ctx, "customer-updated", "Customer", *id);
  return sim::Response::Json(200, CustomerText(state.customers.at(*id)));
}

Reply Core::DeleteCustomer(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  if (!id || !state.customers.contains(*id)) return sim::MakeUnexpected(NotFound());
  DeleteCustomerAndTickets(ctx, *id);
  return EmptyResponse(204);
}

Reply Core::PutCustomerData(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.customers.find(*id) : state.customers.end();
  if (it == state.customers.end()) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update customer data", errors));
  }
  const OrderedJson* data = Find(ctx.body, "data");
  if (data == nullptr) errors.Add({"data"}, kMissing);
  std::optional<sim::WallTime> version;
  ReadDatetime(ctx.body, "version", {}, errors, version);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update customer data", errors));
  Customer& c = it->second;
  // An older version than the stored one is silently ignored (still 202).
  if (version && c.data_version) {
    sim::WallTime stored;
    if (sim::ParseRfc3339(*c.data_version, stored) && *version < stored) return EmptyResponse(202);
  }
  c.data = *data;
  if (version) c.data_version = Datetime(*version);
  c.updated = ctx.now.wall;
  AddEvent(ctx, "customer-updated", "Customer", c.id);
  return EmptyResponse(202);
}

}  // namespace rh::mocks::gorgias::detail
