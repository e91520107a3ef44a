// The in-memory transport of sim mode: services registered under host names, clients that send
// to them through links with modelled latency, and the fault plan applied on the way. Everything
// happens in virtual time on the Scheduler, so it is deterministic and never sleeps.
//
// One exchange: the request travels the link (latency + fault delay), the service handles it at
// its arrival time (state changes happen then), and the response travels back. A client that
// gives up at its timeout does not stop the service from handling a request already sent, as
// with real networks. Every exchange is traced (http.request, http.response, http.fault,
// http.error) when a Trace is given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sim/fault_plan.h"
#include "sim/http_client.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/service.h"
#include "sim/trace.h"

namespace rh::sim {

// One-way latency of a link: `base` times a log-normal factor of shape `jitter_sigma` (0: fixed).
struct LinkProfile {
  Duration base = Ms(1);
  double jitter_sigma = 0.0;
};

struct HostOptions {
  LinkProfile link;
  // Larger request bodies are refused with 413 before the service sees them, as the live
  // server does.
  std::size_t body_limit = 1 << 20;
};

class InMemoryNetwork {
 public:
  // `rng` is this network's stream; each host draws latency and faults from its own fork.
  InMemoryNetwork(Scheduler& scheduler, Rng rng, Trace* trace = nullptr);
  ~InMemoryNetwork();
  InMemoryNetwork(const InMemoryNetwork&) = delete;
  InMemoryNetwork& operator=(const InMemoryNetwork&) = delete;

  // Registers `service` under `host` (the Host header clients send). The service must outlive
  // the network.
  void AddHost(const std::string& host, Service& service, HostOptions options = {});
  // A removed host refuses connections (a host that is down).
  void RemoveHost(const std::string& host);
  bool HasHost(const std::string& host) const;

  FaultPlan& faults() { return faults_; }
  Scheduler& scheduler() { return scheduler_; }

  // A client whose requests are traced with `caller` as their source. It may outlive nothing:
  // destroy clients before the network.
  std::unique_ptr<HttpClient> MakeClient(std::string caller);

  std::uint64_t requests_sent() const { return next_exchange_id_; }

 private:
  class Client;
  struct HostEntry {
    Service* service;
    HostOptions options;
    Rng latency_rng;
    Rng fault_rng;
  };
  Task<SendResult> Exchange(const std::string& caller, Request request, SendOptions options);
  Duration DrawLatency(HostEntry& host);

  Scheduler& scheduler_;
  Rng rng_;
  Trace* trace_;
  FaultPlan faults_;
  std::map<std::string, HostEntry, std::less<>> hosts_;  // ordered: nothing iterates by pointer
  std::uint64_t next_exchange_id_ = 0;
};

}  // namespace rh::sim
