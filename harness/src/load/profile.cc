// A load profile's arithmetic: orders, contact rate and agents per hour of the run.
#include <algorithm>
#include <numeric>

#include "harness/load_profile.h"

namespace rh::harness::load {

const std::vector<double>& DefaultHourlyShape() {
  // Orders by hour of day for a store selling across US time zones (weights, mean 1): quiet at
  // night, rising through the morning, busiest in the evening.
  static const std::vector<double> shape = [] {
    std::vector<double> w = {0.35, 0.25, 0.2, 0.15, 0.15, 0.2, 0.4, 0.6, 0.85, 1.05, 1.2, 1.3,
                             1.35, 1.35, 1.3,  1.3, 1.35, 1.45, 1.55, 1.65, 1.7, 1.6, 1.2, 0.65};
    const double mean = std::accumulate(w.begin(), w.end(), 0.0) / static_cast<double>(w.size());
    for (double& x : w) x /= mean;
    return w;
  }();
  return shape;
}

double LoadProfile::PeakFactor() const {
  double peak = 1;
  for (const LoadDay& d : days) peak = std::max(peak, d.factor);
  return peak;
}

double LoadProfile::OrdersInHour(int h) const {
  const LoadDay& day = days.at(static_cast<std::size_t>(h / 24));
  const std::vector<double>& shape = hourly_shape.empty() ? DefaultHourlyShape() : hourly_shape;
  return orders_per_hour * multiplier * day.factor * shape.at(static_cast<std::size_t>(h % 24));
}

double LoadProfile::ContactRateInHour(int h) const {
  const LoadDay& day = days.at(static_cast<std::size_t>(h / 24));
  // How far toward the peak this day is: 0 on a normal day (factor 1), 1 on the peak day.
  const double peak = PeakFactor();
  const double toward_peak = peak > 1 ? std::clamp((day.factor - 1) / (peak - 1), 0.0, 1.0) : 0.0;
  const double share = first_time_buyer_share + (first_time_buyer_share_at_peak - first_time_buyer_share) * toward_peak;
  // The contact rate is written for a normal day's buyers; first-time buyers write `factor` times
  // as often as repeat buyers, so a larger share of them raises the blended rate.
  const auto blend = [&](double s) { return s * first_time_buyer_contact_factor + (1 - s); };
  const double mix_effect = blend(share) / blend(first_time_buyer_share);
  return contact_rate * (1 + contact_rise_at_peak * toward_peak) * mix_effect;
}

int LoadProfile::AgentsInHour(int h) const {
  const sim::Duration time_of_day = sim::Hours(h % 24);
  int on = 0;
  for (const Shift& s : shifts) {
    const bool on_duty = s.start <= s.end ? (time_of_day >= s.start && time_of_day < s.end)
                                          : (time_of_day >= s.start || time_of_day < s.end);
    on += on_duty ? s.agents : 0;
  }
  return on;
}

int LoadProfile::TotalAgents() const {
  int n = 0;
  for (const Shift& s : shifts) n += s.agents;
  return n;
}

}  // namespace rh::harness::load
