#include "run_pipeline.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "pipeline/clients/client_set.h"
#include "pipeline/decision_log.h"
#include "pipeline/pipeline.h"
#include "pipeline/policy.h"
#include "pipeline/settings.h"
#include "decisions.h"
#include "pipeline/webhook_intake.h"
#include "sim/following_clock.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"

namespace rh::app {
namespace {

// How long a stop waits for events under way, in real time (a service that never answers must
// not hold the process forever; what is cut short is resumed by the next run).
constexpr sim::Duration kShutdownGrace = sim::Sec(30);

// The pipeline's intake, plus GET /rehearsal/decisions (docs/ANY-PIPELINE.md): its decision log
// for the oracles of `rehearse run --pipeline-url`. Read through a read-only connection of its own
// per request, so the workflow's connection is never shared across threads; a log in memory has
// no file to open, and the route answers 404 as an endpoint not offered.
class IntakeWithDecisions final : public sim::Service {
 public:
  IntakeWithDecisions(sim::Service& intake, std::string log_path) : intake_(intake), log_path_(std::move(log_path)) {}
  sim::Response Handle(const sim::Request& request, sim::Moment now) override {
    if (request.method != sim::Method::kGet || request.target != "/rehearsal/decisions") return intake_.Handle(request, now);
    if (log_path_.empty() || log_path_ == ":memory:") return sim::Response::Json(404, R"({"error":"no decision log file"})");
    auto log = pipeline::DecisionLog::OpenReadOnly(log_path_);
    if (!log) return sim::Response::Json(500, nlohmann::json({{"error", log.error()}}).dump());
    pipeline::DecisionFilter all;
    all.limit = 1'000'000;
    auto rows = log->Query(all);
    if (!rows) return sim::Response::Json(500, nlohmann::json({{"error", rows.error()}}).dump());
    return sim::Response::Json(200, DecisionsDocument(*rows));
  }
  sim::Task<sim::Response> HandleAsync(sim::Request request, sim::Moment now) override {
    if (request.method == sim::Method::kGet && request.target == "/rehearsal/decisions") co_return Handle(request, now);
    auto handling = intake_.HandleAsync(std::move(request), now);
    co_return co_await std::move(handling);
  }

 private:
  sim::Service& intake_;
  std::string log_path_;
};

// Reads the Date header of every answer into the pipeline's calendar (--follow-date).
class DateFollowingClient final : public sim::HttpClient {
 public:
  DateFollowingClient(sim::HttpClient& inner, sim::FollowingClock& clock) : inner_(inner), clock_(clock) {}
  sim::Task<sim::SendResult> Send(sim::Request request, sim::SendOptions options) override {
    auto sending = inner_.Send(std::move(request), options);
    sim::SendResult result = co_await std::move(sending);
    sim::WallTime date;
    if (result) {
      if (auto header = result->headers.Get("Date"); header && sim::ParseHttpDate(*header, date)) clock_.Observe(date);
    }
    co_return result;
  }

 private:
  sim::HttpClient& inner_;
  sim::FollowingClock& clock_;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "rehearse pipeline: %s\n", message.c_str());
  return 2;
}

// The live client speaks plain HTTP only: refuse https up front instead of failing every call.
std::optional<std::string> CheckPlainHttp(const char* service, const pipeline::ServiceSettings& s) {
  if (s.base_url.rfind("http://", 0) == 0) return std::nullopt;
  return std::string(service) + ".base_url must be an http:// URL (got '" + s.base_url +
         "'); for an https service put a TLS-terminating proxy in front of it";
}

}  // namespace

int RunPipeline(const RunPipelineOptions& options) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto settings = pipeline::LoadSettingsFile(options.settings_path, pipeline::ProcessEnvironment());
  if (!settings) return Fail(settings.error());
  for (const auto& [name, service] : {std::pair{"shopify", &settings->shopify}, std::pair{"gorgias", &settings->gorgias},
                                      std::pair{"klaviyo", &settings->klaviyo}, std::pair{"llm", &settings->llm}}) {
    if (auto problem = CheckPlainHttp(name, *service)) return Fail(*problem);
  }
  for (const std::string& warning : pipeline::SettingsWarnings(*settings)) {
    std::fprintf(stderr, "rehearse pipeline: warning: %s\n", warning.c_str());
  }
  auto policy = pipeline::LoadPolicyFile(settings->policy_path);
  if (!policy) return Fail(policy.error().ToString());
  auto log = pipeline::DecisionLog::Open(settings->decision_log_path);
  if (!log) return Fail(log.error());
  const auto colon = settings->listen.rfind(':');
  if (colon == std::string::npos) return Fail("pipeline.listen must look like 127.0.0.1:9000, not '" + settings->listen + "'");
  sim::live::HttpServer::Config listen;
  listen.address = settings->listen.substr(0, colon);
  try {
    listen.port = static_cast<std::uint16_t>(std::stoul(settings->listen.substr(colon + 1)));
  } catch (const std::exception&) {
    return Fail("pipeline.listen has no valid port: '" + settings->listen + "'");
  }
  listen.threads = options.threads;

  sim::live::LiveRuntime runtime;
  runtime.Start();
  sim::live::LiveHttpClient live_http(runtime);
  // With --follow-date the calendar is the services' (their Date headers); else the machine's.
  sim::FollowingClock calendar(runtime.clock());
  DateFollowingClient dated_http(live_http, calendar);
  sim::ExecutorWithClock dated_runtime(runtime, calendar);
  sim::HttpClient& http = options.follow_date ? static_cast<sim::HttpClient&>(dated_http) : live_http;
  sim::Executor& executor = options.follow_date ? static_cast<sim::Executor&>(dated_runtime) : runtime;
  const sim::Rng root(options.seed);
  const pipeline::clients::ClientConfigs configs = pipeline::clients::ClientConfigsFrom(*settings);
  pipeline::clients::ClientSet clients(configs, http, executor, root);

  pipeline::PipelineOptions pipeline_options;
  pipeline_options.gorgias_user_email = configs.gorgias.email;
  pipeline_options.resume_pause = std::chrono::milliseconds(options.resume_pause_ms);
  // Takes up at once what a previous run on this decision log accepted and did not finish.
  pipeline::Pipeline workflow(executor, {clients.shopify(), clients.gorgias(), clients.klaviyo(), clients.llm()}, *policy,
                              *log, pipeline_options);
  pipeline::WebhookIntake intake({settings->shopify.Get("api_secret"), settings->gorgias.Get("webhook_secret")}, workflow);
  IntakeWithDecisions routes(intake, settings->decision_log_path);
  sim::live::HttpServer server(routes, listen);
  auto port = server.Start();
  if (!port) return Fail(port.error());

  const std::string base = "http://" + listen.address + ":" + std::to_string(*port);
  const nlohmann::json line = {{"rehearsal", "pipeline"},
                               {"listen", base},
                               {"webhooks", {{"shopify", base + "/webhooks/shopify"}, {"gorgias", base + "/webhooks/gorgias"}}},
                               {"decision_log", settings->decision_log_path},
                               {"resumed", workflow.Activity().resumed},
                               {"policy", settings->policy_path}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "rehearse pipeline: %s received, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  // Let events under way finish (bounded: a service that never answers must not hold us forever).
  // Settle timers are not waited for: they are in the decision log and the next run resumes
  // them, as it resumes an event cut short here.
  if (!workflow.WaitUntilNoEventsUnderWay(kShutdownGrace)) {
    std::fprintf(stderr, "rehearse pipeline: stopped with events under way; the next run resumes them\n");
  }
  live_http.Close();
  runtime.Stop();
  return 0;
}

}  // namespace rh::app
