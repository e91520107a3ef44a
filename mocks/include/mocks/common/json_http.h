// JSON in and out of HTTP messages for the mocks (nlohmann-json): parse a request body with a
// clear failure, build a response from a document. Mocks choose their own error shapes.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/http.h"

namespace rh::mocks {

using Json = nlohmann::json;
// Keys in insertion order: payloads read like the real services' and print the same every run.
using OrderedJson = nlohmann::ordered_json;

// The body as JSON, or nullopt when it is empty or malformed (`error` says why).
std::optional<Json> ParseJsonBody(const sim::Request& request, std::string* error = nullptr);

sim::Response JsonResponse(int status, const Json& body);
sim::Response JsonResponse(int status, const OrderedJson& body);

// True when the request declares a JSON body ("application/json", any parameters).
bool HasJsonContentType(const sim::Request& request);

}  // namespace rh::mocks
