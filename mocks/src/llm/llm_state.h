// The LLM mock's state (internal to mocks/src/llm): configuration, the random stream, the rate
// limit buckets, scripts, the call and fault logs and the cassette. Every member expects the
// LlmMock's mutex held by its caller. It must not read a clock or the machine's entropy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/llm/llm_mock.h"

namespace rh::mocks::llm::detail {

class Dialect;

inline constexpr std::string_view kSource = "mocks.llm";

struct State {
  Config config;
  sim::Rng rng;
  std::map<std::string, TokenBucket> buckets;           // "<api>|<limit>|<key>"
  std::map<std::uint64_t, std::uint64_t> occurrences;   // content hash -> admitted calls so far
  std::vector<Script> scripts;
  std::deque<CallRecord> calls;
  std::uint64_t dropped = 0;
  std::uint64_t next_seq = 0;
  std::vector<FaultRecord> faults;
  std::vector<CassetteEntry> cassette;
  std::map<std::string, std::vector<std::size_t>> replay_index;  // key -> entries, in order
  std::map<std::string, std::size_t> replay_served;
  std::string cassette_error;

  State(Config c, sim::Rng r) : config(std::move(c)), rng(r) {}

  // --- rate limits ---
  TokenBucket& Bucket(Api api, std::string_view limit, const std::string& key, double per_minute) {
    const std::string id = std::string(api == Api::kOpenAi ? "openai|" : "anthropic|") + std::string(limit) + "|" + key;
    auto it = buckets.find(id);
    if (it == buckets.end()) {
      it = buckets.emplace(id, TokenBucket(TokenBucket::Config{per_minute, per_minute / 60.0})).first;
    }
    return it->second;
  }
  static sim::Duration UntilFull(const TokenBucket& b, sim::Instant now) {
    const double missing = b.config().capacity - b.Available(now);
    if (missing <= 0) return sim::Duration{0};
    return sim::Duration(static_cast<std::int64_t>(std::ceil(missing / b.config().refill_per_second * 1e9)));
  }
  const ModelProfile* FindModel(std::string_view name, Api api) const {
    for (const ModelProfile& m : config.models) {
      if (m.api == api && (m.name == name || m.snapshot == name)) return &m;
    }
    return nullptr;
  }

  bool KeyAccepted(const std::string& key) const {
    if (config.api_keys.empty()) return true;
    return std::find(config.api_keys.begin(), config.api_keys.end(), key) != config.api_keys.end();
  }

  void AddCall(CallRecord record) {
    if (config.trace != nullptr) {
      config.trace->Record(record.at, kSource, "llm.call",
                           {{"seq", record.seq}, {"request_id", record.request_id}, {"model", record.model},
                            {"status", record.status}, {"truth", std::string(IntentName(record.truth))},
                            {"answered", std::string(IntentName(record.answered))},
                            {"input_tokens", record.input_tokens}, {"output_tokens", record.output_tokens},
                            {"latency_ns", static_cast<std::int64_t>(record.latency.count())}});
    }
    for (FaultKind kind : record.faults) {
      FaultRecord f{record.seq, record.request_id, kind,
                    kind == FaultKind::kHallucinatedTracking ? record.hallucinated_tracking : ""};
      if (config.trace != nullptr) {
        config.trace->Record(record.at, kSource, "llm.fault",
                             {{"seq", f.call_seq}, {"request_id", f.request_id},
                              {"fault", std::string(FaultKindName(kind))}, {"detail", f.detail}});
      }
      faults.push_back(std::move(f));
    }
    calls.push_back(std::move(record));
    while (calls.size() > config.call_log_capacity) {
      calls.pop_front();
      ++dropped;
    }
  }

  sim::Response HandleLocked(const sim::Request& request, sim::Moment now);
  sim::Response Inspect(const sim::Request& request);
  sim::Response InspectUnchecked(const sim::Request& request);
  sim::Response Replay(const sim::Request& request);
  // One API call: the dialect parses, admits and renders; the model call in between (model_call.cc).
  sim::Response HandleApi(const sim::Request& request, sim::Moment now, const Dialect& dialect);
};

}  // namespace rh::mocks::llm::detail
