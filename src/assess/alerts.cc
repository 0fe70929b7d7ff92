#include "canopy/assess/alerts.h"

#include <algorithm>

namespace canopy::assess {

std::string_view to_string(AlertEnd reason) {
  switch (reason) {
    case AlertEnd::kNone:
      return "";
    case AlertEnd::kReleased:
      return "released";
    case AlertEnd::kHoldEnded:
      return "hold_ended";
    case AlertEnd::kKilled:
      return "killed";
    case AlertEnd::kDebris:
      return "debris";
    case AlertEnd::kRunEnd:
      return "run_end";
  }
  return "?";
}

AlertBoard::AlertBoard(AlertPolicy policy, const scenario::Doctrine& doctrine,
                       std::vector<const core::Polygon*> zones)
    : policy_(policy), doctrine_(doctrine), zones_(std::move(zones)) {}

bool AlertBoard::wanted(int zone, const ImpactPrediction& ip, std::span<const double> p_zone,
                        bool active) const {
  switch (policy_) {
    case AlertPolicy::kProbability: {
      const double p = p_zone[static_cast<size_t>(zone)];
      return active ? p >= doctrine_.p_alert_release : p >= doctrine_.p_alert;
    }
    case AlertPolicy::kRadius: {
      // The distance to the zone's bounding box is a lower bound that rules
      // out most zones of a big set without visiting their edges.
      const core::Polygon& z = *zones_[static_cast<size_t>(zone)];
      const Vec2 outside =
          (z.min_corner() - ip.p_en_m).cwiseMax(ip.p_en_m - z.max_corner()).cwiseMax(0.0);
      return outside.norm() <= kBaselineRadius_m && z.distance_m(ip.p_en_m) <= kBaselineRadius_m;
    }
    case AlertPolicy::kRegion:
      return true;
  }
  return false;
}

void AlertBoard::update(int track, double now_s, const ImpactPrediction& ip,
                        std::span<const double> p_zone, std::vector<AlertChange>& out) {
  const double hold = ip.t_impact_s + doctrine_.alert_hold_s;
  for (int z = 0; z < static_cast<int>(zones_.size()); ++z) {
    const auto key = std::make_pair(z, track);
    const auto it = active_.find(key);
    const bool active = it != active_.end();
    // An alert on is not released once its rocket is due within
    // min_warning_s: no new alert could warn in time if the prediction
    // turned back, so it runs out its hold.
    const bool late = ip.t_impact_s - now_s < doctrine_.min_warning_s;
    if (wanted(z, ip, p_zone, active) || (active && late)) {
      if (!active) out.push_back({now_s, z, track, true, ip.t_impact_s, AlertEnd::kNone});
      active_[key] = {hold, ip.t_impact_s};
      earliest_hold_s_ = std::min(earliest_hold_s_, hold);
    } else if (active) {
      out.push_back({now_s, z, track, false, ip.t_impact_s, AlertEnd::kReleased});
      active_.erase(it);
    }
  }
}

void AlertBoard::cancel_track(int track, double now_s, AlertEnd reason,
                              std::vector<AlertChange>& out) {
  for (auto it = active_.begin(); it != active_.end();) {
    if (it->first.second == track) {
      out.push_back({now_s, it->first.first, track, false, it->second.t_impact_s, reason});
      it = active_.erase(it);
    } else {
      ++it;
    }
  }
}

void AlertBoard::expire(double now_s, std::vector<AlertChange>& out) {
  if (now_s < earliest_hold_s_) return;
  earliest_hold_s_ = std::numeric_limits<double>::infinity();
  for (auto it = active_.begin(); it != active_.end();) {
    if (it->second.hold_until_s <= now_s) {
      out.push_back({it->second.hold_until_s, it->first.first, it->first.second, false,
                     it->second.t_impact_s, AlertEnd::kHoldEnded});
      it = active_.erase(it);
    } else {
      earliest_hold_s_ = std::min(earliest_hold_s_, it->second.hold_until_s);
      ++it;
    }
  }
}

void AlertBoard::end_all(double now_s, std::vector<AlertChange>& out) {
  for (const auto& [key, a] : active_) {
    const bool held_out = a.hold_until_s <= now_s;
    out.push_back({held_out ? a.hold_until_s : now_s, key.first, key.second, false, a.t_impact_s,
                   held_out ? AlertEnd::kHoldEnded : AlertEnd::kRunEnd});
  }
  active_.clear();
  earliest_hold_s_ = std::numeric_limits<double>::infinity();
}

bool AlertBoard::track_alerted(int track) const {
  for (const auto& [key, a] : active_)
    if (key.second == track) return true;
  return false;
}

bool AlertBoard::zone_alerted(int zone) const {
  const auto it = active_.lower_bound({zone, std::numeric_limits<int>::min()});
  return it != active_.end() && it->first.first == zone;
}

}  // namespace canopy::assess
