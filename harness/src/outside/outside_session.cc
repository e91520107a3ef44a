// One scenario's outside pipeline: the mocks served on loopback through the gateways, the
// pipeline's process (or URL), the webhooks forwarded to it, and the stepped clock.
#include <cstdio>
#include <optional>
#include <vector>

#include "bridges.h"
#include "harness/outside_pipeline.h"
#include "pipeline_process.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"

namespace rh::harness {
namespace {

sim::Task<void> Pause(sim::Executor& executor, sim::Duration d) { co_await sim::SleepFor(executor, d); }

sim::Task<sim::SendResult> Get(sim::live::LiveHttpClient& client, std::string authority, std::string target,
                               sim::Duration timeout) {
  sim::Request request;
  request.method = sim::Method::kGet;
  request.target = std::move(target);
  request.headers.Set("Host", authority);
  request.headers.Set("Accept", "application/json");
  auto sending = client.Send(std::move(request), sim::SendOptions{timeout});
  co_return co_await std::move(sending);
}

// "http://127.0.0.1:9000/prefix" -> authority and path prefix; an error for anything else.
sim::Expected<std::pair<std::string, std::string>, std::string> SplitUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return sim::MakeUnexpected("--pipeline-url must be an http:// URL such as http://127.0.0.1:9000, not '" + url + "'");
  }
  const std::string rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (authority.find(':') == std::string::npos) authority += ":80";
  return std::pair{authority, prefix};
}

}  // namespace

struct OutsideSession::Impl {
  Impl(SimWorld& w, OutsidePipelineConfig c)
      : world(w), config(std::move(c)), time(w.scheduler(), sim::SteppedTime::Config{config.settle}) {}

  sim::Expected<bool, std::string> ServeMocks();
  sim::Expected<std::uint16_t, std::string> FreePort();
  sim::Expected<bool, std::string> StartCommand();
  sim::Expected<bool, std::string> WaitUntilListening();
  void Stop();

  SimWorld& world;
  OutsidePipelineConfig config;
  sim::SteppedTime time;
  sim::RealClock real;
  sim::live::LiveRuntime runtime;
  std::unique_ptr<sim::live::LiveHttpClient> client;
  std::unique_ptr<sim::HttpClient> world_client;
  std::vector<std::unique_ptr<outside::MockGateway>> gateways;
  std::vector<std::unique_ptr<sim::live::HttpServer>> servers;
  std::unique_ptr<outside::PipelineForwarder> forwarder;
  std::optional<outside::PipelineProcess> process;
  MockPorts bound;
  std::string authority;  // the pipeline's "host:port"
  std::string prefix;     // a path its URL carried
  bool stopped = false;
};

sim::Expected<bool, std::string> OutsideSession::Impl::ServeMocks() {
  world_client = world.MakeClient("pipeline");
  const std::pair<std::string_view, std::uint16_t MockPorts::*> mocks[] = {
      {kShopifyHost, &MockPorts::shopify}, {kGorgiasHost, &MockPorts::gorgias},
      {kKlaviyoHost, &MockPorts::klaviyo}, {kLlmHost, &MockPorts::llm}};
  for (const auto& [host, port] : mocks) {
    gateways.push_back(std::make_unique<outside::MockGateway>(std::string(host), *world_client, world.scheduler().clock(), time));
    sim::live::HttpServer::Config listen;
    listen.port = config.mock_ports.*port;
    listen.threads = 1;
    servers.push_back(std::make_unique<sim::live::HttpServer>(*gateways.back(), listen));
    auto started = servers.back()->Start();
    if (!started) return sim::MakeUnexpected("the " + std::string(host) + " mock could not listen: " + started.error());
    bound.*port = *started;
  }
  return true;
}

sim::Expected<std::uint16_t, std::string> OutsideSession::Impl::FreePort() {
  // Bound and released at once: a small race with other programs, which the wait for the
  // pipeline to listen would report.
  sim::FunctionService nobody([](const sim::Request&, sim::Moment) { return sim::Response::Text(404, ""); });
  sim::live::HttpServer probe(nobody);
  auto port = probe.Start();
  if (!port) return sim::MakeUnexpected("no free port for the pipeline: " + port.error());
  probe.Stop(sim::Ms(0));
  return *port;
}

sim::Expected<bool, std::string> OutsideSession::Impl::StartCommand() {
  auto port = FreePort();
  if (!port) return sim::MakeUnexpected(port.error());
  authority = "127.0.0.1:" + std::to_string(*port);
  auto spawned = outside::PipelineProcess::Spawn(config.command, PipelineEnvironment(world.credentials(), bound, authority));
  if (!spawned) return sim::MakeUnexpected("--pipeline-cmd: " + spawned.error());
  process.emplace(std::move(*spawned));
  return true;
}

sim::Expected<bool, std::string> OutsideSession::Impl::WaitUntilListening() {
  const sim::Instant deadline = real.Now() + config.start_timeout;
  std::string last;
  while (real.Now() < deadline) {
    if (process) {
      if (auto how = process->Exited()) {
        return sim::MakeUnexpected("the pipeline command exited (" + *how + ") before it listened on " + authority +
                                   " (REHEARSAL_PIPELINE_LISTEN)");
      }
    }
    auto answer = sim::live::RunSync(runtime, Get(*client, authority, prefix + "/", sim::Ms(500)));
    if (answer) return true;  // any HTTP answer, even a 404: it listens
    last = answer.error().detail;
    sim::live::RunSync(runtime, Pause(runtime, sim::Ms(50)));
  }
  return sim::MakeUnexpected("the pipeline did not answer on " + authority + " within " +
                             std::to_string(sim::ToSeconds(config.start_timeout)) + " s (last: " + last + ")");
}

void OutsideSession::Impl::Stop() {
  if (stopped) return;
  stopped = true;
  if (process) {
    const sim::Instant grace_over = real.Now() + config.stop_grace;
    process->Stop([&] {
      sim::live::RunSync(runtime, Pause(runtime, sim::Ms(20)));
      return real.Now() >= grace_over;
    });
  }
  for (auto& server : servers) server->Stop(sim::Ms(200));
  if (client) client->Close();
  runtime.Stop();
  world.network().RemoveHost(std::string(kPipelineHost));
  // Resumes, on this thread, the world's side of exchanges the servers and client cut short.
  time.Drain();
}

sim::Expected<std::unique_ptr<OutsideSession>, std::string> OutsideSession::Start(SimWorld& world,
                                                                               const OutsidePipelineConfig& config) {
  auto impl = std::make_unique<Impl>(world, config);
  impl->runtime.Start();
  impl->client = std::make_unique<sim::live::LiveHttpClient>(impl->runtime);
  std::unique_ptr<OutsideSession> session(new OutsideSession(std::move(impl)));
  Impl& s = *session->impl_;
  if (auto served = s.ServeMocks(); !served) return sim::MakeUnexpected(served.error());
  if (!config.command.empty()) {
    if (auto started = s.StartCommand(); !started) return sim::MakeUnexpected(started.error());
  } else {
    auto split = SplitUrl(config.url);
    if (!split) return sim::MakeUnexpected(split.error());
    s.authority = split->first;
    s.prefix = split->second;
  }
  if (auto listening = s.WaitUntilListening(); !listening) return sim::MakeUnexpected(listening.error());
  s.forwarder = std::make_unique<outside::PipelineForwarder>(s.authority, s.prefix, s.runtime, *s.client, s.time);
  world.AttachPipeline(*s.forwarder);
  return session;
}

OutsideSession::OutsideSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OutsideSession::~OutsideSession() { impl_->Stop(); }

void OutsideSession::PlayUntil(sim::Instant end) { impl_->time.RunUntil(end); }

DecisionsRead OutsideSession::ReadDecisions(pipeline::DecisionLog& log) {
  Impl& s = *impl_;
  s.time.WaitFor([&s] { return s.time.in_flight() == 0; }, s.config.drain_timeout);
  DecisionsRead out;
  auto answer = sim::live::RunSync(s.runtime, Get(*s.client, s.authority, s.prefix + "/rehearsal/decisions", sim::Sec(5)));
  if (!answer || answer->status == 404) return out;
  out.offered = true;
  if (answer->status != 200) {
    out.error = "GET /rehearsal/decisions answered " + std::to_string(answer->status);
    return out;
  }
  auto appended = AppendDecisionsJson(answer->body, s.world.Now().wall, log);
  if (!appended) {
    out.error = "GET /rehearsal/decisions: " + appended.error();
    return out;
  }
  out.rows = *appended;
  return out;
}

std::string OutsideSession::Summary() const {
  const auto& stats = impl_->time.stats();
  char text[160];
  std::snprintf(text, sizeof text, "stepped time: %llu jumps over %.0f s of virtual time, %.1f s real",
                static_cast<unsigned long long>(stats.jumps), sim::ToSeconds(stats.jumped), sim::ToSeconds(stats.real_elapsed));
  return text;
}

}  // namespace rh::harness
