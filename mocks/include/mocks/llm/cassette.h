// Cassettes for the LLM mock: recorded exchanges with a real OpenAI- or Anthropic-compatible
// upstream, stored as JSONL and served offline. This header is the storage and the key only;
// the mock does the forwarding (record) and the serving (replay). No clock, no network here.
//
// Key: lower-case hex SHA-256 of "<METHOD> <path>\n<canonical body>", where the canonical body
// is the JSON body re-serialised with sorted keys and no whitespace (or the raw bytes when the
// body is not JSON). Headers are not part of the key, so a replay needs no real API key, and
// the same request recorded twice is served in recording order (the last one repeats).
//
// One line per exchange, keys in this order:
//   {"key","method","path","model","first_message","status","headers":[[name,value],...],"body"}
// Headers kept: all but hop-by-hop and framing ones (content-length, connection,
// transfer-encoding, keep-alive, date).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/expected.h"
#include "sim/http.h"

namespace rh::mocks::llm {

struct CassetteEntry {
  std::string key;
  std::string method;
  std::string path;
  std::string model;          // from the body, for humans and for the miss message
  std::string first_message;  // the first message's text, cut to 200 bytes
  int status = 0;
  sim::Headers headers;
  std::string body;
};

std::string CassetteKey(const sim::Request& request);
// The request's model and first message text (for the entry and for a miss's error).
void DescribeRequest(const sim::Request& request, std::string& model, std::string& first_message);

CassetteEntry MakeCassetteEntry(const sim::Request& request, const sim::Response& response);
sim::Response ResponseFromEntry(const CassetteEntry& entry);

std::string RenderCassetteLine(const CassetteEntry& entry);  // without the newline
// Every entry of a JSONL file; an unreadable file or line is an error naming file and line.
sim::Expected<std::vector<CassetteEntry>, std::string> LoadCassette(const std::string& path);
// Appends one line; false when the file cannot be written.
bool AppendCassette(const std::string& path, const CassetteEntry& entry);

}  // namespace rh::mocks::llm
