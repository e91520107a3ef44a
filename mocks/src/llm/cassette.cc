// Cassette storage and keys (see cassette.h). Deterministic: nlohmann::json objects are
// std::map-backed, so dump() of a parsed body sorts its keys.
#include "mocks/llm/cassette.h"

#include <fstream>

#include "mocks/common/json_http.h"
#include "sim/crypto.h"

namespace rh::mocks::llm {

namespace {

bool KeepHeader(std::string_view name) {
  for (std::string_view drop : {"content-length", "connection", "transfer-encoding", "keep-alive", "date"}) {
    if (sim::EqualsIgnoreCase(name, drop)) return false;
  }
  return true;
}

std::string TextOf(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const Json& block : content) {
      if (block.is_object() && block.contains("text") && block["text"].is_string()) out += block["text"].get<std::string>();
    }
  }
  return out;
}

}  // namespace

std::string CassetteKey(const sim::Request& request) {
  std::string canonical = request.body;
  const Json doc = ParseJsonText(request.body);
  if (!doc.is_discarded()) canonical = doc.dump();
  const std::string material =
      std::string(sim::MethodName(request.method)) + " " + std::string(request.Path()) + "\n" + canonical;
  return sim::HexEncode(sim::Sha256(material));
}

void DescribeRequest(const sim::Request& request, std::string& model, std::string& first_message) {
  model.clear();
  first_message.clear();
  const Json doc = ParseJsonText(request.body);
  if (doc.is_discarded() || !doc.is_object()) return;
  if (doc.contains("model") && doc["model"].is_string()) model = doc["model"].get<std::string>();
  if (doc.contains("messages") && doc["messages"].is_array() && !doc["messages"].empty() &&
      doc["messages"][0].is_object() && doc["messages"][0].contains("content")) {
    first_message = TextOf(doc["messages"][0]["content"]);
  }
  if (first_message.size() > 200) first_message.resize(200);
}

CassetteEntry MakeCassetteEntry(const sim::Request& request, const sim::Response& response) {
  CassetteEntry entry;
  entry.key = CassetteKey(request);
  entry.method = std::string(sim::MethodName(request.method));
  entry.path = std::string(request.Path());
  DescribeRequest(request, entry.model, entry.first_message);
  entry.status = response.status;
  for (const auto& [name, value] : response.headers.fields()) {
    if (KeepHeader(name)) entry.headers.Add(name, value);
  }
  entry.body = response.body;
  return entry;
}

sim::Response ResponseFromEntry(const CassetteEntry& entry) {
  sim::Response response;
  response.status = entry.status;
  response.headers = entry.headers;
  response.body = entry.body;
  return response;
}

std::string RenderCassetteLine(const CassetteEntry& entry) {
  OrderedJson headers = OrderedJson::array();
  for (const auto& [name, value] : entry.headers.fields()) headers.push_back(OrderedJson::array({name, value}));
  const OrderedJson line = {{"key", entry.key},       {"method", entry.method},
                            {"path", entry.path},     {"model", entry.model},
                            {"first_message", entry.first_message},
                            {"status", entry.status}, {"headers", headers},
                            {"body", entry.body}};
  // Replace invalid UTF-8 rather than throw: a body is bytes, the file is JSON.
  return line.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

sim::Expected<std::vector<CassetteEntry>, std::string> LoadCassette(const std::string& path) {
  std::ifstream in(path);
  if (!in) return sim::MakeUnexpected("cannot open cassette " + path);
  std::vector<CassetteEntry> entries;
  std::string text;
  int line_no = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (text.empty()) continue;
    const Json doc = ParseJsonText(text);
    const auto where = path + ":" + std::to_string(line_no) + ": ";
    if (doc.is_discarded() || !doc.is_object()) return sim::MakeUnexpected(where + "not a JSON object");
    CassetteEntry entry;
    try {
      entry.key = doc.at("key").get<std::string>();
      entry.method = doc.value("method", "");
      entry.path = doc.value("path", "");
      entry.model = doc.value("model", "");
      entry.first_message = doc.value("first_message", "");
      entry.status = doc.at("status").get<int>();
      for (const Json& h : doc.at("headers")) entry.headers.Add(h.at(0).get<std::string>(), h.at(1).get<std::string>());
      entry.body = doc.at("body").get<std::string>();
    } catch (const Json::exception& e) {
      return sim::MakeUnexpected(where + e.what());
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

bool AppendCassette(const std::string& path, const CassetteEntry& entry) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  if (!out) return false;
  out << RenderCassetteLine(entry) << '\n';
  return static_cast<bool>(out);
}

}  // namespace rh::mocks::llm
