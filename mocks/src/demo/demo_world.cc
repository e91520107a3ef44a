#include "mocks/demo_world.h"

namespace rh::mocks {
namespace {

struct DemoCustomer {
  const char* first;
  const char* last;
  const char* email;
  const char* phone;
  const char* tags;
};

constexpr DemoCustomer kCustomers[] = {
    {"Ana", "Diaz", "ana@example.com", "+15551230001", ""},
    {"Bob", "Norman", "bob@example.com", "+15551230002", "VIP"},
    {"Chloe", "Kim", "chloe@example.com", "+15551230003", ""},
};

Json LineItem(const char* title, const char* sku, int quantity, const char* price) {
  return {{"title", title}, {"sku", sku}, {"quantity", quantity}, {"price", price}, {"requires_shipping", true}};
}

Json Fulfillment(const char* company, const char* number, const char* url, const char* status) {
  return {{"tracking_company", company},
          {"tracking_number", number},
          {"tracking_url", url},
          {"shipment_status", status}};
}

}  // namespace

sim::Expected<DemoWorldInfo, std::string> SeedDemoWorld(shopify::ShopifyMock& shopify,
                                                        gorgias::GorgiasMock& gorgias,
                                                        sim::Moment now) {
  using Error = sim::Unexpected<std::string>;
  DemoWorldInfo info;

  // Shopify: customers and orders in the states a support pipeline meets.
  std::vector<shopify::Id> customer_ids;
  for (const auto& c : kCustomers) {
    Json customer = {{"first_name", c.first}, {"last_name", c.last}, {"email", c.email},
                     {"phone", c.phone},      {"tags", c.tags},      {"verified_email", true}};
    auto id = shopify.SeedCustomer(customer, now);
    if (!id) return Error{"shopify customer " + std::string(c.email) + ": " + id.error().field + " " + id.error().message};
    customer_ids.push_back(*id);
  }
  struct DemoOrder {
    int customer;
    Json line_items;
    Json fulfillments;
  };
  const DemoOrder orders[] = {
      {0, Json::array({LineItem("Hoodie", "HD-M-BLK", 1, "54.99")}),
       Json::array({Fulfillment("UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784", "in_transit")})},
      {1, Json::array({LineItem("Ceramic mug", "MUG-01", 2, "18.00")}),
       Json::array({Fulfillment("USPS", "9400111899223197428490", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490", "delivered")})},
      {2, Json::array({LineItem("Trail runner", "TR-42", 1, "129.00")}), Json::array()},
      {1, Json::array({LineItem("Duffel bag", "DUF-L", 1, "89.00")}),
       Json::array({Fulfillment("FedEx", "771234567890", "https://www.fedex.com/fedextrack/?trknbr=771234567890", "delayed")})},
  };
  std::vector<std::vector<shopify::Id>> orders_of(customer_ids.size());
  for (const auto& o : orders) {
    Json order = {{"email", kCustomers[o.customer].email},
                  {"customer", {{"id", customer_ids[static_cast<std::size_t>(o.customer)]}}},
                  {"financial_status", "paid"},
                  {"line_items", o.line_items}};
    if (!o.fulfillments.empty()) {
      order["fulfillments"] = o.fulfillments;
      order["fulfillment_status"] = "fulfilled";
    }
    auto id = shopify.SeedOrder(order, now);
    if (!id) return Error{"shopify order: " + id.error().field + " " + id.error().message};
    orders_of[static_cast<std::size_t>(o.customer)].push_back(*id);
  }

  // Gorgias: people, the Shopify integration and the same customers with their Shopify data.
  gorgias::User agent;
  agent.email = "sam@rehearsal-demo.example";
  agent.firstname = "Sam";
  agent.lastname = "Support";
  agent.role = "agent";
  info.gorgias_agent_user_id = gorgias.AddUser(agent, now);
  gorgias::User api_user;
  api_user.email = "pipeline@rehearsal-demo.example";
  api_user.firstname = "Support";
  api_user.lastname = "Pipeline";
  api_user.role = "admin";
  info.gorgias_api_user_id = gorgias.AddUser(api_user, now);
  info.gorgias_api_user_email = api_user.email;
  info.gorgias_api_key = "gorgias_rehearsal_key_0001";
  gorgias.AddApiKey(info.gorgias_api_user_id, info.gorgias_api_key);

  auto integration = gorgias.SeedIntegration(
      OrderedJson{{"type", "shopify"}, {"name", "rehearsal-demo"}, {"meta", {{"shop_name", "rehearsal-demo"}}}}, now);
  if (!integration) return Error{"gorgias integration: " + integration.error()};
  info.gorgias_shopify_integration_id = *integration;

  std::vector<std::uint64_t> gorgias_customers;
  for (std::size_t i = 0; i < customer_ids.size(); ++i) {
    OrderedJson shopify_data = {{"__integration_type__", "shopify"}};
    if (auto c = shopify.CustomerJson(customer_ids[i])) shopify_data["customer"] = *c;
    shopify_data["orders"] = OrderedJson::array();
    for (const shopify::Id order_id : orders_of[i]) {
      if (auto o = shopify.OrderJson(order_id)) shopify_data["orders"].push_back(*o);
    }
    const auto& c = kCustomers[i];
    OrderedJson customer = {
        {"email", c.email},
        {"firstname", c.first},
        {"lastname", c.last},
        {"name", std::string(c.first) + " " + c.last},
        {"channels", OrderedJson::array({OrderedJson{{"type", "email"}, {"address", c.email}, {"preferred", true}},
                                         OrderedJson{{"type", "phone"}, {"address", c.phone}}})},
        {"integrations", {{std::to_string(info.gorgias_shopify_integration_id), shopify_data}}}};
    auto id = gorgias.SeedCustomer(customer, now);
    if (!id) return Error{"gorgias customer " + std::string(c.email) + ": " + id.error()};
    gorgias_customers.push_back(*id);
  }

  // An open ticket: Ana asks where her hoodie is.
  const std::string subject = "Where is my order?";
  OrderedJson ticket = {
      {"channel", "email"},
      {"via", "email"},
      {"subject", subject},
      {"customer", {{"id", gorgias_customers[0]}}},
      {"messages",
       OrderedJson::array({OrderedJson{
           {"channel", "email"},
           {"via", "email"},
           {"from_agent", false},
           {"sender", {{"id", gorgias_customers[0]}}},
           {"source",
            {{"type", "email"},
             {"from", {{"address", kCustomers[0].email}, {"name", "Ana Diaz"}}},
             {"to", OrderedJson::array({OrderedJson{{"address", "support@rehearsal-demo.example"}, {"name", "Rehearsal Demo"}}})}}},
           {"subject", subject},
           {"body_text", "Hi, my hoodie was shipped days ago and the tracking has not moved. Where is it?"}}})}};
  auto ticket_id = gorgias.SeedTicket(ticket, now);
  if (!ticket_id) return Error{"gorgias ticket: " + ticket_id.error()};
  info.open_ticket_id = *ticket_id;
  return info;
}

}  // namespace rh::mocks
