// Turns a fuzzer's bytes into HTTP requests for the targets that call a Service's Handle: one
// layout for all of them, so a seed written by hand reads like a request.
//
//   <selector byte><flags byte><target>\n<Name: value>\n...\n\n<body>
//
// Several requests may follow each other, separated by "\n--next--\n", so sequences (create,
// then read or update) are reachable. Deterministic; no allocation beyond the requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "sim/http.h"

namespace rh::fuzz {

struct FuzzRequest {
  std::uint8_t selector = 0;  // which service or route family
  std::uint8_t flags = 0;     // bit 7: leave out the default credentials
  sim::Request request;
};

inline constexpr std::string_view kNextRequest = "\n--next--\n";
inline constexpr std::size_t kMaxRequestsPerInput = 4;

inline sim::Method MethodFor(std::uint8_t flags) {
  constexpr sim::Method kMethods[] = {sim::Method::kGet,    sim::Method::kPost, sim::Method::kPut,
                                      sim::Method::kDelete, sim::Method::kPatch, sim::Method::kHead};
  return kMethods[flags % 6];
}

inline FuzzRequest ParseOne(std::string_view bytes) {
  FuzzRequest out;
  if (bytes.size() < 2) return out;
  out.selector = static_cast<std::uint8_t>(bytes[0]);
  out.flags = static_cast<std::uint8_t>(bytes[1]);
  bytes.remove_prefix(2);
  out.request.method = MethodFor(out.flags);
  const std::size_t end_of_target = bytes.find('\n');
  out.request.target = std::string(bytes.substr(0, end_of_target));
  if (out.request.target.empty() || out.request.target.front() != '/') out.request.target.insert(0, "/");
  if (end_of_target == std::string_view::npos) return out;
  bytes.remove_prefix(end_of_target + 1);
  while (!bytes.empty()) {
    const std::size_t eol = bytes.find('\n');
    const std::string_view line = bytes.substr(0, eol);
    bytes.remove_prefix(eol == std::string_view::npos ? bytes.size() : eol + 1);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.request.headers.Add(line.substr(0, colon), value);
  }
  out.request.body = std::string(bytes);
  return out;
}

inline std::vector<FuzzRequest> ParseInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<FuzzRequest> requests;
  while (requests.size() < kMaxRequestsPerInput) {
    const std::size_t next = bytes.find(kNextRequest);
    requests.push_back(ParseOne(bytes.substr(0, next)));
    if (next == std::string_view::npos) break;
    bytes.remove_prefix(next + kNextRequest.size());
  }
  return requests;
}

// Stops the fuzzer with a finding: libFuzzer reports the input that led here.
[[noreturn]] inline void Finding(const char* what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  __builtin_trap();
}

}  // namespace rh::fuzz
