// Fuzz target: the live HTTP server's request path without sockets (AnswerConnectionBytes: the
// same parser limits, head checks, Service call and response writing as a connection), with a
// Service that echoes what it received. A finding is a crash, a sanitizer report, or an answer
// that is not an HTTP response.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/live/http_server.h"
#include "sim/service.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rh::sim::FunctionService echo([](const rh::sim::Request& request, rh::sim::Moment) {
    rh::sim::Response response = rh::sim::Response::Text(200, request.target + "\n" + request.body);
    for (const auto& [name, value] : request.headers.fields()) response.headers.Add("X-Echo-" + name, value);
    return response;
  });
  rh::sim::live::HttpServer::Config config;
  config.body_limit = 4096;
  config.header_limit = 2048;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string answer = rh::sim::live::AnswerConnectionBytes(echo, config, bytes, rh::sim::Moment{});
  if (!answer.empty() && answer.rfind("HTTP/1.", 0) != 0) rh::fuzz::Finding("an answer that is not an HTTP response");
  return 0;
}
