// Helpers shared by the LLM mock tests: requests for both APIs and SSE parsing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mocks/common/json_http.h"
#include "sim/http.h"
#include "sim/time.h"

namespace rh::mocks::llm::testing {

inline sim::Moment At(std::int64_t seconds) {
  return {sim::Instant(sim::Sec(seconds)), sim::WallTime(sim::Sec(1'795'000'000 + seconds))};
}

inline sim::Request OpenAiRequest(const Json& body, std::string key = "sk-test-key-123456") {
  sim::Request r;
  r.method = sim::Method::kPost;
  r.target = "/v1/chat/completions";
  if (!key.empty()) r.headers.Set("Authorization", "Bearer " + key);
  r.headers.Set("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

inline sim::Request AnthropicRequest(const Json& body, std::string key = "ak-test", bool version = true) {
  sim::Request r;
  r.method = sim::Method::kPost;
  r.target = "/v1/messages";
  if (!key.empty()) r.headers.Set("x-api-key", key);
  if (version) r.headers.Set("anthropic-version", "2023-06-01");
  r.headers.Set("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

inline Json OpenAiChat(const std::string& system, const std::string& user) {
  return Json{{"model", "gpt-4o-mini"},
              {"messages", Json::array({{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}})}};
}

inline Json AnthropicChat(const std::string& system, const std::string& user) {
  return Json{{"model", "claude-sonnet-4-5"},
              {"max_tokens", 1024},
              {"system", system},
              {"messages", Json::array({{{"role", "user"}, {"content", user}}})}};
}

struct SseEvent {
  std::string event;  // "" when the stream has no event names
  std::string data;
};

// Splits an SSE body into events; every event must end with a blank line.
inline std::vector<SseEvent> ParseSse(const std::string& body, bool* well_formed = nullptr) {
  std::vector<SseEvent> out;
  SseEvent cur;
  bool ok = true;
  std::size_t pos = 0;
  bool open = false;
  while (pos < body.size()) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string::npos) {
      ok = false;
      break;
    }
    const std::string line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) {
      if (open) out.push_back(std::move(cur));
      cur = {};
      open = false;
    } else if (line.rfind("event: ", 0) == 0) {
      cur.event = line.substr(7);
      open = true;
    } else if (line.rfind("data: ", 0) == 0) {
      cur.data = line.substr(6);
      open = true;
    } else {
      ok = false;
    }
  }
  if (open) ok = false;
  if (well_formed != nullptr) *well_formed = ok;
  return out;
}

}  // namespace rh::mocks::llm::testing
