// The contract with an outside pipeline that needs no sockets: its environment, the mock ports'
// syntax, and the decisions endpoint's JSON (docs/ANY-PIPELINE.md).
#include <charconv>

#include <nlohmann/json.hpp>

#include "harness/outside_pipeline.h"
#include "sim/clock.h"

namespace rh::harness {
namespace {

std::string Base(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// A string field of a decision row: absent is "", anything but a string is an error.
std::string StringField(const nlohmann::json& row, const char* name, std::size_t index) {
  auto it = row.find(name);
  if (it == row.end() || it->is_null()) return {};
  if (!it->is_string()) throw std::invalid_argument("data[" + std::to_string(index) + "]." + name + ": expected a string");
  return it->get<std::string>();
}

pipeline::DecisionRow RowFrom(const nlohmann::json& row, std::size_t index, sim::WallTime decided_at) {
  const std::string where = "data[" + std::to_string(index) + "]";
  if (!row.is_object()) throw std::invalid_argument(where + ": expected an object");
  pipeline::DecisionRow out;
  auto ticket = row.find("ticket_id");
  if (ticket == row.end() || !ticket->is_number_unsigned()) {
    throw std::invalid_argument(where + ".ticket_id: expected the Gorgias ticket id, a positive number");
  }
  out.ticket_id = ticket->get<std::uint64_t>();
  out.kind = StringField(row, "kind", index);
  if (out.kind.empty()) throw std::invalid_argument(where + ".kind: required (triage, route, auto_send, human_confirm, ...)");
  out.intent = StringField(row, "intent", index);
  out.route = StringField(row, "route", index);
  if (out.route != "" && out.route != "auto_send" && out.route != "human") {
    throw std::invalid_argument(where + ".route: expected auto_send or human, got '" + out.route + "'");
  }
  out.rule = StringField(row, "rule", index);
  out.rationale = StringField(row, "rationale", index);
  out.draft = StringField(row, "draft", index);
  out.final_text = StringField(row, "final_text", index);
  out.override_reason = StringField(row, "override_reason", index);
  out.outcome = StringField(row, "outcome", index);
  out.sender = StringField(row, "sender", index);
  if (out.sender.empty()) out.sender = std::string(pipeline::kSenderPipeline);
  if (auto c = row.find("confidence"); c != row.end() && c->is_number()) out.confidence = c->get<double>();
  out.decided_at = decided_at;
  return out;
}

}  // namespace

sim::Expected<MockPorts, std::string> ParseMockPorts(const std::string& text) {
  std::vector<std::uint16_t> ports;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || value == 0 || value > 65535) {
      return sim::MakeUnexpected("--mock-ports: '" + part + "' is not a port (1-65535)");
    }
    ports.push_back(static_cast<std::uint16_t>(value));
    start = comma + 1;
  }
  if (ports.size() != 4) {
    return sim::MakeUnexpected("--mock-ports wants four ports, shopify,gorgias,klaviyo,llm (e.g. 7001,7002,7003,7004), not " +
                               std::to_string(ports.size()));
  }
  return MockPorts{ports[0], ports[1], ports[2], ports[3]};
}

sim::WallTime OutsideCalendarStart() {
  const sim::RealClock machine;
  return std::chrono::floor<std::chrono::seconds>(machine.WallNow());
}

std::string OutsidePipelineConfig::CommandLineFlags() const {
  auto quoted = [](const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  if (!command.empty()) return "--pipeline-cmd " + quoted(command);
  const MockPorts& p = mock_ports;
  return "--pipeline-url " + quoted(url) + " --mock-ports " + std::to_string(p.shopify) + "," + std::to_string(p.gorgias) +
         "," + std::to_string(p.klaviyo) + "," + std::to_string(p.llm);
}

std::string OutsidePipelineConfig::Describe() const {
  return command.empty() ? "url: " + url : "command: " + command;
}

std::map<std::string, std::string> PipelineEnvironment(const WorldCredentials& c, const MockPorts& bound,
                                                        const std::string& listen) {
  return {
      {"REHEARSAL_PIPELINE_LISTEN", listen},
      {"REHEARSAL_SHOPIFY_BASE_URL", Base(bound.shopify)},
      {"REHEARSAL_SHOPIFY_ACCESS_TOKEN", c.shopify_access_token},
      {"REHEARSAL_SHOPIFY_API_VERSION", c.shopify_api_version},
      {"REHEARSAL_SHOPIFY_API_SECRET", c.shopify_api_secret},
      {"REHEARSAL_GORGIAS_BASE_URL", Base(bound.gorgias)},
      {"REHEARSAL_GORGIAS_EMAIL", c.gorgias_email},
      {"REHEARSAL_GORGIAS_API_KEY", c.gorgias_api_key},
      {"REHEARSAL_GORGIAS_WEBHOOK_SECRET", c.gorgias_webhook_secret},
      {"REHEARSAL_KLAVIYO_BASE_URL", Base(bound.klaviyo)},
      {"REHEARSAL_KLAVIYO_API_KEY", c.klaviyo_api_key},
      {"REHEARSAL_KLAVIYO_REVISION", c.klaviyo_revision},
      {"REHEARSAL_LLM_BASE_URL", Base(bound.llm)},
      {"REHEARSAL_LLM_API_KEY", c.llm_api_key},
  };
}

sim::Expected<std::size_t, std::string> AppendDecisionsJson(const std::string& body, sim::WallTime decided_at,
                                                            pipeline::DecisionLog& log) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(body);
    auto data = doc.is_object() ? doc.find("data") : doc.end();
    if (!doc.is_object() || data == doc.end() || !data->is_array()) {
      return sim::MakeUnexpected(std::string("expected {\"data\": [rows]}"));
    }
    for (std::size_t i = 0; i < data->size(); ++i) {
      auto appended = log.Append(RowFrom((*data)[i], i, decided_at));
      if (!appended) return sim::MakeUnexpected("data[" + std::to_string(i) + "]: " + appended.error());
    }
    return data->size();
  } catch (const nlohmann::json::exception& e) {
    return sim::MakeUnexpected(std::string("not JSON: ") + e.what());
  } catch (const std::invalid_argument& e) {
    return sim::MakeUnexpected(std::string(e.what()));
  }
}

}  // namespace rh::harness
