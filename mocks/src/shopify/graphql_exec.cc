// The GraphQL Admin API endpoint: reads the request (JSON or application/graphql), parses it
// (graphql_parser.cc), picks the operation and binds its variables, validates it and reserves its
// requested cost in the cost bucket (graphql_cost.cc), then walks the selections over the
// resolvers (graphql_resolvers.h) and refunds the bucket down to the actual cost. The schema is
// graphql_schema.cc. Every response carries extensions.cost; a throttle is HTTP 200 with code
// THROTTLED; a query above 1000 points is MAX_COST_EXCEEDED. Deterministic: a function of the
// state, the request and `now`.
#include <algorithm>
#include <variant>

#include "core.h"
#include "graphql_context.h"
#include "graphql_cost.h"
#include "graphql_resolvers.h"
#include "graphql_schema.h"
#include "mocks/shopify/graphql.h"

namespace rh::mocks::shopify::detail {

namespace gql {

Json ToJson(const Value& v, const Json& variables, std::vector<std::string>* undefined) {
  switch (v.kind) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kInt: {
      try {
        return std::stoll(v.text);
      } catch (...) {
        return nullptr;
      }
    }
    case Value::Kind::kFloat: return std::strtod(v.text.c_str(), nullptr);
    case Value::Kind::kString:
    case Value::Kind::kEnum: return v.text;
    case Value::Kind::kBoolean: return v.text == "true";
    case Value::Kind::kList: {
      Json out = Json::array();
      for (const auto& item : v.items) out.push_back(ToJson(item, variables, undefined));
      return out;
    }
    case Value::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [k, item] : v.fields) out[k] = ToJson(item, variables, undefined);
      return out;
    }
    case Value::Kind::kVariable: {
      if (!variables.contains(v.text)) {
        if (undefined) undefined->push_back(v.text);
        return nullptr;
      }
      return variables[v.text];
    }
  }
  return nullptr;
}

bool Included(const Selection& s, const Json& variables) {
  for (const auto& d : s.directives) {
    if (d.name != "include" && d.name != "skip") continue;
    bool value = false;
    for (const auto& a : d.arguments) {
      if (a.name == "if") value = ToJson(a.value, variables, nullptr).is_boolean() && ToJson(a.value, variables, nullptr).get<bool>();
    }
    if (d.name == "include" && !value) return false;
    if (d.name == "skip" && value) return false;
  }
  return true;
}

Json ArgsOf(Exec& ex, const Selection& s, std::vector<std::string>* undefined) {
  Json args = Json::object();
  for (const auto& a : s.arguments) args[a.name] = ToJson(a.value, ex.variables, undefined);
  return args;
}

namespace {

// ---- Execution (returns the actual cost) ----

std::int64_t ExecSelections(Exec& ex, const Obj& obj, std::string_view type, const std::vector<Selection>& selections,
                            OrderedJson& out, bool root_mutation = false);

std::int64_t ExecObject(Exec& ex, const std::optional<Obj>& obj, std::string_view type, const Selection& s, OrderedJson& out) {
  if (!obj) {
    out = nullptr;
    return 1;
  }
  out = OrderedJson::object();
  return 1 + ExecSelections(ex, *obj, type, s.selections, out);
}

std::int64_t ExecConnection(Exec& ex, Resolved r, std::string_view node_type, const Selection& s, const Json& args, OrderedJson& out) {
  const std::size_t n = r.items.size();
  std::size_t begin = 0, end = n;
  auto find = [&](const Json& cursor) -> std::optional<std::size_t> {
    if (!cursor.is_string()) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) {
      if (r.keys[i] == cursor.get<std::string>()) return i;
    }
    return std::nullopt;
  };
  if (args.contains("after")) {
    if (const auto at = find(args["after"])) begin = *at + 1;
  }
  if (args.contains("before")) {
    if (const auto at = find(args["before"])) end = *at;
  }
  if (end < begin) end = begin;
  if (args.contains("first") && args["first"].is_number_integer()) {
    end = std::min(end, begin + static_cast<std::size_t>(std::max<std::int64_t>(0, args["first"].get<std::int64_t>())));
  } else if (args.contains("last") && args["last"].is_number_integer()) {
    const auto last = static_cast<std::size_t>(std::max<std::int64_t>(0, args["last"].get<std::int64_t>()));
    if (end - begin > last) begin = end - last;
  }
  std::int64_t cost = 2;
  out = OrderedJson::object();
  for (const auto& sel : s.selections) {
    if (!Included(sel, ex.variables)) continue;
    const std::string key(sel.ResponseKey());
    if (sel.name == "__typename") {
      out[key] = std::string(node_type) + "Connection";
    } else if (sel.name == "nodes") {
      OrderedJson list = OrderedJson::array();
      for (std::size_t i = begin; i < end; ++i) {
        OrderedJson node = OrderedJson::object();
        cost += 1 + ExecSelections(ex, r.items[i], node_type, sel.selections, node);
        list.push_back(std::move(node));
      }
      out[key] = std::move(list);
    } else if (sel.name == "edges") {
      OrderedJson list = OrderedJson::array();
      for (std::size_t i = begin; i < end; ++i) {
        OrderedJson edge = OrderedJson::object();
        for (const auto& e : sel.selections) {
          if (!Included(e, ex.variables)) continue;
          const std::string ekey(e.ResponseKey());
          if (e.name == "cursor") edge[ekey] = r.keys.empty() ? std::string() : r.keys[i];
          if (e.name == "__typename") edge[ekey] = std::string(node_type) + "Edge";
          if (e.name == "node") {
            OrderedJson node = OrderedJson::object();
            cost += 1 + ExecSelections(ex, r.items[i], node_type, e.selections, node);
            edge[ekey] = std::move(node);
          }
        }
        list.push_back(std::move(edge));
      }
      out[key] = std::move(list);
    } else if (sel.name == "pageInfo") {
      OrderedJson info = OrderedJson::object();
      for (const auto& p : sel.selections) {
        const std::string pkey(p.ResponseKey());
        if (p.name == "hasNextPage") info[pkey] = end < n;
        if (p.name == "hasPreviousPage") info[pkey] = begin > 0;
        if (p.name == "startCursor") info[pkey] = begin < end && !r.keys.empty() ? OrderedJson(r.keys[begin]) : OrderedJson(nullptr);
        if (p.name == "endCursor") info[pkey] = begin < end && !r.keys.empty() ? OrderedJson(r.keys[end - 1]) : OrderedJson(nullptr);
        if (p.name == "__typename") info[pkey] = "PageInfo";
      }
      out[key] = std::move(info);
    }
  }
  return cost;
}

std::int64_t ExecSelections(Exec& ex, const Obj& obj, std::string_view type, const std::vector<Selection>& selections,
                            OrderedJson& out, bool root_mutation) {
  std::int64_t cost = 0;
  const TypeSpec& spec = Schema().find(type)->second;
  for (const auto& s : selections) {
    if (!Included(s, ex.variables)) continue;
    if (s.is_inline_fragment) {
      cost += ExecSelections(ex, obj, type, s.selections, out, root_mutation);
      continue;
    }
    const std::string key(s.ResponseKey());
    if (s.name == "__typename") {
      out[key] = std::string(type == "QueryRoot" ? "QueryRoot" : type);
      continue;
    }
    const FieldSpec& field = spec.find(s.name)->second;
    const Json args = ArgsOf(ex, s, nullptr);
    Resolved r;
    if (type == "QueryRoot") {
      r = ResolveQueryRoot(ex, s, args);
    } else if (type == "Mutation") {
      r = ResolveMutation(ex, s, args);
    } else {
      r = std::visit([&](const auto& v) { return Resolve(ex, v, s.name, args); }, obj);
    }
    OrderedJson value;
    switch (field.kind) {
      case Kind::kScalar:
        value = std::move(r.scalar);
        break;
      case Kind::kObject: {
        const std::int64_t c = ExecObject(ex, r.object, field.type, s, value);
        cost += root_mutation ? kMutationCost : c;
        break;
      }
      case Kind::kList: {
        value = OrderedJson::array();
        std::int64_t most = 0;
        for (const auto& item : r.items) {
          OrderedJson element = OrderedJson::object();
          most = std::max(most, ExecSelections(ex, item, field.type, s.selections, element));
          value.push_back(std::move(element));
        }
        cost += 1 + most;
        break;
      }
      case Kind::kConnection:
        cost += ExecConnection(ex, std::move(r), field.type, s, args, value);
        break;
    }
    out[key] = std::move(value);
  }
  return cost;
}

// Parse and validation errors: HTTP 200 with errors and no data. The cost block is still there
// (the brief asks for it on every response) with a requested cost of 0, since nothing ran and
// nothing was taken from the bucket.
sim::Response ErrorsOnly(Core& core, Action& action, const std::vector<GqlError>& errors, std::int64_t requested = 0) {
  OrderedJson body;
  OrderedJson list = OrderedJson::array();
  for (const auto& e : errors) list.push_back(e.ToJson());
  body["errors"] = std::move(list);
  body["extensions"] = CostExtension(core, action, requested, requested == 0 ? OrderedJson(0) : OrderedJson(nullptr));
  return JsonResponse(200, body);
}

// The operation to run: the named one, or the only one when no name is given; null when none fits.
const graphql::Operation* SelectOperation(const graphql::Document& doc, const std::string& operation_name) {
  const graphql::Operation* op = nullptr;
  if (operation_name.empty()) {
    if (doc.operations.size() == 1) op = &doc.operations.front();
  } else {
    for (const auto& candidate : doc.operations) {
      if (candidate.name == operation_name) op = &candidate;
    }
  }
  return op;
}

// Binds the operation's declared variables from the request's (a default when absent, null when
// nullable); one error per missing non-null variable.
std::vector<GqlError> BindVariables(const graphql::Operation& op, const Json& variables, Json& bound) {
  std::vector<GqlError> variable_errors;
  for (const auto& v : op.variables) {
    if (variables.contains(v.name) && !variables[v.name].is_null()) {
      bound[v.name] = variables[v.name];
    } else if (v.default_value) {
      bound[v.name] = ToJson(*v.default_value, Json::object(), nullptr);
    } else if (v.non_null) {
      variable_errors.push_back({"Variable $" + v.name + " of type " + v.type + " was provided invalid value", v.location,
                                 OrderedJson::array(),
                                 OrderedJson{{"value", nullptr},
                                             {"problems", OrderedJson::array({OrderedJson{{"path", OrderedJson::array()}, {"explanation", "Expected value to not be null"}}})}}});
    } else {
      bound[v.name] = nullptr;
    }
  }
  return variable_errors;
}

}  // namespace

// What a GraphQL request asks: the body {"query","variables","operationName"} as JSON, or the bare
// query as application/graphql (both accepted by Shopify); nothing when there is no query.
struct GraphqlRequest {
  std::string query;
  Json variables = Json::object();
  std::string operation_name;
};

std::optional<GraphqlRequest> ReadGraphqlRequest(const sim::Request& request) {
  GraphqlRequest out;
  const std::string_view content_type = request.headers.GetOr("Content-Type", "");
  if (ToLower(content_type).rfind("application/graphql", 0) == 0) {
    out.query = request.body;
    return out;
  }
  if (!HasJsonContentType(request)) return std::nullopt;
  std::optional<Json> body = ParseJsonBody(request);
  if (!body || !body->is_object() || !body->contains("query") || !(*body)["query"].is_string()) return std::nullopt;
  out.query = (*body)["query"].get<std::string>();
  if (body->contains("variables") && (*body)["variables"].is_object()) out.variables = (*body)["variables"];
  if (body->contains("operationName") && (*body)["operationName"].is_string()) {
    out.operation_name = (*body)["operationName"].get<std::string>();
  }
  return out;
}

}  // namespace gql

sim::Response HandleGraphql(Core& core, Action& action, const sim::Request& request, const std::string& version) {
  (void)version;
  using namespace gql;  // the endpoint's parts (context, cost, resolvers, schema)
  std::optional<GraphqlRequest> read = ReadGraphqlRequest(request);
  if (!read) return ErrorResponse(MissingParameter("query"));
  const std::string& query = read->query;
  Json& variables = read->variables;
  const std::string& operation_name = read->operation_name;

  auto parsed = graphql::Parse(query);
  if (!parsed) {
    action.rate_limit_note = "graphql parse error";
    return ErrorsOnly(core, action, {{parsed.error().message, parsed.error().location, OrderedJson::array(), nullptr}});
  }
  const graphql::Document& doc = *parsed;
  const graphql::Operation* op = SelectOperation(doc, operation_name);
  if (!op) {
    action.rate_limit_note = "graphql invalid";
    const std::string message = operation_name.empty()
                                    ? "An operation name is required"
                                    : "No operation named \"" + operation_name + "\"";
    return ErrorsOnly(core, action, {{message, {1, 1}, OrderedJson::array(), nullptr}});
  }
  if (op->type == graphql::Operation::Type::kSubscription) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, {{"Subscriptions are not supported", op->location, OrderedJson::array(), nullptr}});
  }

  Exec ex{core, action, Json::object(), {}};
  const std::vector<GqlError> variable_errors = BindVariables(*op, variables, ex.variables);
  if (!variable_errors.empty()) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, variable_errors);
  }

  const bool mutation = op->type == graphql::Operation::Type::kMutation;
  const std::string root_type = mutation ? "Mutation" : "QueryRoot";
  Validator validator{ex, {}, op->name.empty() ? (mutation ? "anonymous mutation" : "anonymous query") : op->name};
  const OrderedJson root_path = OrderedJson::array({mutation ? "mutation" : "query"});
  const std::int64_t requested = validator.Cost(root_type, op->selections, root_path, mutation);
  if (!validator.errors.empty()) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, validator.errors);
  }
  if (requested > kMaxQueryCost) return MaxCostExceeded(core, action, requested);
  const TokenBucket::Decision decision = core.graphql_bucket.TryTake(action.now.monotonic, static_cast<double>(requested));
  if (!decision.admitted) return Throttled(core, action, requested, decision);

  OrderedJson data = OrderedJson::object();
  std::int64_t actual = ExecSelections(ex, ShopV{}, root_type, op->selections, data, mutation);
  actual = std::min(actual, requested);
  core.graphql_bucket.Refund(action.now.monotonic, static_cast<double>(requested - actual));
  action.rate_limit_note = "graphql cost requested=" + std::to_string(requested) + " actual=" + std::to_string(actual);
  OrderedJson body;
  if (!ex.errors.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const auto& e : ex.errors) list.push_back(e.ToJson());
    body["errors"] = std::move(list);
  }
  body["data"] = std::move(data);
  body["extensions"] = CostExtension(core, action, requested, actual);
  return JsonResponse(200, body);
}

}  // namespace rh::mocks::shopify::detail
