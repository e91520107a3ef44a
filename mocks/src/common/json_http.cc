#include "mocks/common/json_http.h"

namespace rh::mocks {

std::optional<Json> ParseJsonBody(const sim::Request& request, std::string* error) {
  if (request.body.empty()) {
    if (error != nullptr) *error = "the request body is empty";
    return std::nullopt;
  }
  Json doc = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    if (error != nullptr) *error = "the request body is not valid JSON";
    return std::nullopt;
  }
  return doc;
}

sim::Response JsonResponse(int status, const Json& body) {
  return sim::Response::Json(status, body.dump());
}

sim::Response JsonResponse(int status, const OrderedJson& body) {
  return sim::Response::Json(status, body.dump());
}

bool HasJsonContentType(const sim::Request& request) {
  const std::string_view ct = request.headers.GetOr("Content-Type", "");
  const std::string_view media = ct.substr(0, ct.find(';'));
  return sim::EqualsIgnoreCase(media, "application/json");
}

}  // namespace rh::mocks
