#include "mocks/common/json_http.h"

#include "sim/untrusted_text.h"

namespace rh::mocks {

std::optional<Json> ParseJsonBody(const sim::Request& request, std::string* error) {
  if (request.body.empty()) {
    if (error != nullptr) *error = "the request body is empty";
    return std::nullopt;
  }
  if (!sim::JsonNestingWithin(request.body)) {
    if (error != nullptr) {
      *error = "the request body nests deeper than " + std::to_string(sim::kMaxJsonNesting) + " levels";
    }
    return std::nullopt;
  }
  Json doc = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    if (error != nullptr) *error = "the request body is not valid JSON";
    return std::nullopt;
  }
  return doc;
}

Json ParseJsonText(std::string_view text) {
  if (!sim::JsonNestingWithin(text)) return Json(Json::value_t::discarded);
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

OrderedJson ParseOrderedJsonText(std::string_view text) {
  if (!sim::JsonNestingWithin(text)) return OrderedJson(OrderedJson::value_t::discarded);
  return OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string DumpJson(const Json& doc) { return doc.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string DumpJson(const OrderedJson& doc) {
  return doc.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

sim::Response JsonResponse(int status, const Json& body) { return sim::Response::Json(status, DumpJson(body)); }

sim::Response JsonResponse(int status, const OrderedJson& body) {
  return sim::Response::Json(status, DumpJson(body));
}

bool HasJsonContentType(const sim::Request& request) {
  const std::string_view ct = request.headers.GetOr("Content-Type", "");
  const std::string_view media = ct.substr(0, ct.find(';'));
  return sim::EqualsIgnoreCase(media, "application/json");
}

}  // namespace rh::mocks
