#include "load_measure.h"

#include <algorithm>
#include <map>

#include "sim/histogram.h"

namespace rh::harness::load::detail {
namespace {

constexpr std::string_view kVendors[] = {"gorgias", "shopify", "klaviyo", "llm"};

Percentiles PercentilesOf(const sim::Histogram& ms) {
  const auto s = [](std::int64_t v) { return static_cast<double>(v) / 1000.0; };
  return {ms.count(), s(ms.p50()), s(ms.p90()), s(ms.p99()), s(ms.p999()), s(ms.max())};
}

std::int64_t Ms(sim::Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

int HourOf(sim::Instant t) { return static_cast<int>(t.time_since_epoch() / sim::Hours(1)); }

std::int64_t IntField(const sim::TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  if (v == nullptr) return 0;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return 0;
}

std::string TextField(const sim::TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  if (v == nullptr) return "";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return "";
}

bool IsVendor(std::string_view name) {
  return std::find(std::begin(kVendors), std::end(kVendors), name) != std::end(kVendors);
}

// Requests and 429s as each vendor answered them on the network; retries and waits on a limit
// as the pipeline's clients traced them.
void MeasureServices(SimWorld& world, LoadResult& result) {
  for (std::string_view vendor : kVendors) result.services[std::string(vendor)];
  for (const sim::TraceRecord& r : world.trace().records()) {
    if (r.kind == "http.handled" && IsVendor(r.source)) {
      ServiceLoad& s = result.services[r.source];
      ++s.requests;
      if (IntField(r, "status") == 429) {
        ++s.http_429;
        const int hour = HourOf(r.time);
        if (hour < static_cast<int>(result.hours.size())) result.hours[static_cast<std::size_t>(hour)].http_429[r.source] += 1;
      }
    } else if (r.kind == "client.retry" || r.kind == "client.wait") {
      const std::string service = TextField(r, "service");
      if (!IsVendor(service)) continue;
      ServiceLoad& s = result.services[service];
      const bool limited = r.kind == "client.wait" || IntField(r, "status") == 429;
      if (r.kind == "client.retry") ++s.retries;
      if (limited) s.limit_wait_s += static_cast<double>(IntField(r, "wait_ms")) / 1000.0;
    }
  }
}

struct Reached {
  std::map<std::uint64_t, sim::WallTime> first_reply;  // ticket -> first reply delivered
};

Reached FirstReplies(SimWorld& world) {
  Reached out;
  for (const auto& d : world.gorgias().Deliveries()) {
    if (d.fate != mocks::gorgias::DeliveryFate::kDelivered || !d.decided) continue;
    auto [it, added] = out.first_reply.emplace(d.ticket_id, *d.decided);
    if (!added && *d.decided < it->second) it->second = *d.decided;
  }
  return out;
}

void MeasureTickets(const LoadProfile& profile, SimWorld& world, const LoadTraffic& traffic, LoadResult& result) {
  const Reached reached = FirstReplies(world);
  const auto snapshot = world.gorgias().Snapshot();
  // Wall time of the run's start: virtual instants are durations since it.
  const sim::WallTime epoch = world.scheduler().virtual_clock().WallNow() - world.scheduler().Now().time_since_epoch();
  sim::Histogram first_response_ms, resolution_ms;
  std::vector<sim::Histogram> by_hour(result.hours.size());
  int within = 0;
  for (const LoadTicket& t : traffic.tickets()) {
    LoadHour& hour = result.hours[static_cast<std::size_t>(t.hour)];
    ++hour.arrivals;
    ++result.arrivals;
    hour.automated += t.automated ? 1 : 0;
    hour.handed_over += t.handed_over ? 1 : 0;
    result.undecided += t.decided ? 0 : 1;
    const auto reply = reached.first_reply.find(t.id);
    if (reply == reached.first_reply.end()) {
      ++result.unanswered;
      continue;
    }
    const sim::Duration waited = (reply->second - epoch) - t.opened.time_since_epoch();
    first_response_ms.Record(Ms(waited));
    by_hour[static_cast<std::size_t>(t.hour)].Record(Ms(waited));
    if (waited <= profile.first_response_sla) {
      ++within;
      ++hour.within_sla;
    }
    const auto ticket = snapshot.tickets.find(t.id);
    const bool closed = ticket != snapshot.tickets.end() && ticket->second.status == "closed" && ticket->second.closed;
    if (closed) {
      resolution_ms.Record(Ms((*ticket->second.closed - epoch) - t.opened.time_since_epoch()));
    } else if (t.automated) {
      resolution_ms.Record(Ms(waited));
    }
  }
  for (std::size_t h = 0; h < by_hour.size(); ++h) result.hours[h].first_response = PercentilesOf(by_hour[h]);
  for (const LoadHour& h : result.hours) {
    result.automated += h.automated;
    result.handed_over += h.handed_over;
  }
  result.first_response = PercentilesOf(first_response_ms);
  result.resolution = PercentilesOf(resolution_ms);
  result.sla_met = result.arrivals > 0 ? static_cast<double>(within) / result.arrivals : 1.0;
}

void MeasurePeople(const LoadProfile& profile, const LoadTraffic& traffic, LoadResult& result) {
  double busy = 0, on_duty = 0;
  for (LoadHour& hour : result.hours) {
    const auto h = static_cast<std::size_t>(hour.hour);
    if (h < traffic.backlog_pipeline().size()) {
      hour.backlog_pipeline = traffic.backlog_pipeline()[h];
      hour.backlog_person = traffic.backlog_person()[h];
    }
    hour.agents_on_duty = profile.AgentsInHour(hour.hour);
    const double busy_s = h < traffic.busy_seconds().size() ? traffic.busy_seconds()[h] : 0;
    hour.agent_utilisation = hour.agents_on_duty > 0 ? busy_s / (hour.agents_on_duty * 3600.0) : 0;
    busy += busy_s;
    on_duty += hour.agents_on_duty * 3600.0;
    result.backlog_pipeline_max = std::max(result.backlog_pipeline_max, hour.backlog_pipeline);
    result.backlog_person_max = std::max(result.backlog_person_max, hour.backlog_person);
  }
  result.agent_utilisation = on_duty > 0 ? busy / on_duty : 0;
}

}  // namespace

void Measure(const LoadProfile& profile, SimWorld& world, const LoadTraffic& traffic, LoadResult& result) {
  const int hours = profile.hours() + static_cast<int>(profile.drain / sim::Hours(1));
  result.hours.clear();
  for (int h = 0; h < hours; ++h) {
    LoadHour hour;
    hour.hour = h;
    if (h < profile.hours()) {
      hour.day = profile.days[static_cast<std::size_t>(h / 24)].name;
      hour.orders_expected = profile.OrdersInHour(h);
      hour.tickets_expected = profile.TicketsInHour(h);
      result.orders_expected += hour.orders_expected;
    } else {
      hour.day = "(drain)";
    }
    result.hours.push_back(hour);
  }
  MeasureServices(world, result);
  MeasureTickets(profile, world, traffic, result);
  MeasurePeople(profile, traffic, result);
}

}  // namespace rh::harness::load::detail
