#include "sim/in_memory_network.h"

#include <coroutine>

namespace rh::sim {

namespace {

// The state of one exchange, shared by the awaiting coroutine and the scheduled events that
// complete it (the response, or the timeout, whichever comes first).
struct ExchangeState {
  std::coroutine_handle<> waiter;
  std::optional<SendResult> result;
  std::optional<TimerId> timeout_timer;
};

// Holds a raw pointer on purpose: GCC 12 can destroy a co_await operand's temporaries twice, so
// awaiters here carry nothing with a non-trivial destructor; the coroutine frame owns the state.
struct AwaitExchange {
  ExchangeState* state;
  bool await_ready() const noexcept { return state->result.has_value(); }
  void await_suspend(std::coroutine_handle<> h) const noexcept { state->waiter = h; }
  SendResult await_resume() const { return std::move(*state->result); }
};

Task<void> HandleThenReply(Service& service, Request request, Moment now,
                           std::function<void(Response)> reply) {
  Task<Response> handling = service.HandleAsync(std::move(request), now);
  Response response = co_await std::move(handling);
  reply(std::move(response));
}

// What a terminal fault does when the request reaches its host: true when the fault answers in
// the service's place (a reset, an error status after the way back, or no answer at all: the
// client's timeout ends it); false for kDropAfterHandling, which lets the service run first.
template <class Finish>
bool FaultAnswersOnArrival(Scheduler& scheduler, const FaultRule& terminal, Duration back, const Finish& finish) {
  switch (terminal.kind) {
    case FaultKind::kDropBeforeHandling:
      finish(MakeUnexpected(TransportError{TransportErrorKind::kConnectionReset, "connection reset by fault"}));
      return true;
    case FaultKind::kNoResponse:
      return true;  // the client's timeout ends it
    case FaultKind::kErrorStatus: {
      Response r;
      r.status = terminal.status;
      r.headers = terminal.headers;
      r.body = terminal.body;
      scheduler.ScheduleAfter(back, [finish, r = std::move(r)]() mutable { finish(std::move(r)); });
      return true;
    }
    default:
      return false;  // kDropAfterHandling: handled after the service ran
  }
}

}  // namespace

class InMemoryNetwork::Client final : public HttpClient {
 public:
  Client(InMemoryNetwork& net, std::string caller) : net_(net), caller_(std::move(caller)) {}
  Task<SendResult> Send(Request request, SendOptions options) override {
    return net_.Exchange(caller_, std::move(request), options);
  }

 private:
  InMemoryNetwork& net_;
  std::string caller_;
};

InMemoryNetwork::InMemoryNetwork(Scheduler& scheduler, Rng rng, Trace* trace)
    : scheduler_(scheduler), rng_(rng), trace_(trace) {}

InMemoryNetwork::~InMemoryNetwork() = default;

void InMemoryNetwork::AddHost(const std::string& host, Service& service, HostOptions options) {
  hosts_.insert_or_assign(host, HostEntry{&service, options, rng_.Fork("latency." + host),
                                          rng_.Fork("faults." + host)});
}

void InMemoryNetwork::RemoveHost(const std::string& host) { hosts_.erase(host); }

bool InMemoryNetwork::HasHost(const std::string& host) const { return hosts_.contains(host); }

std::unique_ptr<HttpClient> InMemoryNetwork::MakeClient(std::string caller) {
  return std::make_unique<Client>(*this, std::move(caller));
}

Duration InMemoryNetwork::DrawLatency(HostEntry& host) {
  const LinkProfile& link = host.options.link;
  if (link.jitter_sigma <= 0.0) return link.base;
  return host.latency_rng.LogNormalDuration(link.base, link.jitter_sigma);
}

Task<SendResult> InMemoryNetwork::Exchange(const std::string& caller, Request request,
                                           SendOptions options) {
  const std::uint64_t id = ++next_exchange_id_;
  const std::string host(request.Host());
  const Instant sent_at = scheduler_.Now();
  if (trace_ != nullptr) {
    trace_->Record(sent_at, caller, "http.request",
                   {{"id", id},
                    {"to", host},
                    {"method", MethodName(request.method)},
                    {"target", request.target}});
  }

  auto state = std::make_shared<ExchangeState>();
  auto finish = [this, state, id, caller](SendResult result) {
    if (state->result.has_value()) return;  // the timeout or the response came first
    if (trace_ != nullptr) {
      if (result.has_value()) {
        trace_->Record(scheduler_.Now(), caller, "http.response",
                       {{"id", id},
                        {"status", result->status},
                        {"bytes", static_cast<std::int64_t>(result->body.size())}});
      } else {
        trace_->Record(scheduler_.Now(), caller, "http.error",
                       {{"id", id},
                        {"error", TransportErrorKindName(result.error().kind)},
                        {"detail", result.error().detail}});
      }
    }
    if (state->timeout_timer) scheduler_.Cancel(*state->timeout_timer);
    state->result.emplace(std::move(result));
    if (state->waiter) {
      auto waiter = std::exchange(state->waiter, nullptr);
      waiter.resume();
    }
  };

  auto it = hosts_.find(host);
  if (it == hosts_.end()) {
    // Refused at once, as a closed port on loopback refuses.
    finish(MakeUnexpected(TransportError{TransportErrorKind::kConnectFailed,
                                         "no service at host '" + host + "'"}));
    SendResult refused = co_await AwaitExchange{state.get()};
    co_return refused;
  }
  HostEntry& entry = it->second;

  state->timeout_timer = scheduler_.ScheduleAt(sent_at + options.timeout, [finish] {
    finish(MakeUnexpected(TransportError{TransportErrorKind::kTimeout, "no response in time"}));
  });

  const FaultOutcome fault = faults_.Decide(host, request, sent_at, entry.fault_rng);
  if (trace_ != nullptr && !fault.fired.empty()) {
    std::string names;
    for (const auto& n : fault.fired) names += (names.empty() ? "" : ",") + n;
    trace_->Record(sent_at, host, "http.fault", {{"id", id}, {"rules", names}});
  }
  const Duration there = DrawLatency(entry) + fault.extra_latency;
  const Duration back = DrawLatency(entry);
  // A copy: the plan may change while the request is in flight.
  std::optional<FaultRule> terminal;
  if (fault.terminal != nullptr) terminal = *fault.terminal;

  scheduler_.ScheduleAt(sent_at + there, [this, host, request = std::move(request), terminal,
                                          back, finish, id]() mutable {
    if (terminal && FaultAnswersOnArrival(scheduler_, *terminal, back, finish)) return;
    auto it2 = hosts_.find(host);
    if (it2 == hosts_.end()) {
      finish(MakeUnexpected(TransportError{TransportErrorKind::kConnectionReset,
                                           "host '" + host + "' went away"}));
      return;
    }
    // What happens once the service has answered: trace it, hold it for its modelled service
    // time, and send it back over the link (or lose it, under a drop-after fault).
    auto on_handled = [this, host, terminal, back, finish, id](Response response) {
      if (trace_ != nullptr) {
        trace_->Record(scheduler_.Now(), host, "http.handled", {{"id", id}, {"status", response.status}});
      }
      const Duration leave_after = response.service_time + back;
      if (terminal && terminal->kind == FaultKind::kDropAfterHandling) {
        scheduler_.ScheduleAfter(leave_after, [finish] {
          finish(MakeUnexpected(TransportError{TransportErrorKind::kConnectionReset,
                                               "connection reset after the request was handled"}));
        });
        return;
      }
      scheduler_.ScheduleAfter(leave_after, [finish, response = std::move(response)]() mutable {
        finish(std::move(response));
      });
    };
    if (request.body.size() > it2->second.options.body_limit) {
      on_handled(Response::Text(413, "request body too large\n"));
      return;
    }
    // A synchronous service answers inline, within this event; an asynchronous one (a proxy)
    // answers when its own awaits complete.
    Detach(HandleThenReply(*it2->second.service, std::move(request), scheduler_.clock().MomentNow(),
                           std::move(on_handled)));
  });

  SendResult result = co_await AwaitExchange{state.get()};
  co_return result;
}

}  // namespace rh::sim
