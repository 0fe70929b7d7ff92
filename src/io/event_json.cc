// Each event type's fields, listed once in `fields` and walked by a writer
// (to JSON), a reader (from JSON) and a namer (which `type` strings the
// event has).
#include "canopy/io/event_json.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <concepts>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace canopy::io {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

template <class E, class T>
concept Is = std::same_as<std::remove_const_t<E>, T>;

constexpr std::array<const char*, 3> kTrackTypes = {"track_start", "track_confirm", "track_end"};
constexpr std::array<const char*, 2> kAlertTypes = {"alert_off", "alert_on"};

// ---------------------------------------------------------------------------
// The field lists, in the order of docs/outputs.md. `io.type(name)` names
// the type; `io.tag(member, names)` names it from a member's value.

template <class IO, Is<sim::LaunchEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("launch");
  io("rocket", e.rocket);
  io("rocket_type", e.rocket_type);
  io("site", e.site);
  io("raid", e.raid);
  io("elevation_deg", e.elevation_deg);
  io("azimuth_deg", e.azimuth_deg);
  io("dir_enu", e.dir_W);
  io("p_enu_m", e.p_W);
  io("lat_deg", e.lat_deg);
  io("lon_deg", e.lon_deg);
  io("aim_enu_m", e.aim_en_m);
  io("cd_factor", e.cd_factor);
  io("impact_enu_m", e.impact_p_W);
  io("impact_area", e.impact_area);
}

template <class IO, Is<sim::ImpactEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("impact");
  io("rocket", e.rocket);
  io("p_enu_m", e.p_W);
  io("lat_deg", e.lat_deg);
  io("lon_deg", e.lon_deg);
  io("speed_mps", e.speed_mps);
  io("area", e.area);
  io("aim_miss_m", e.aim_miss_m);
  io("zone", e.zone);
}

template <class IO, Is<sim::TrackEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.tag(e.kind, kTrackTypes);
  io("track", e.track);
  io("rocket", e.rocket);
  io("t_meas", e.t_meas_s);
  if (e.kind == sim::TrackEvent::Kind::kEnd) io("reason", e.reason);
}

template <class IO, Is<sim::ImpactPredictionEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("impact_prediction");
  io("track", e.track);
  io("rocket", e.rocket);
  io("p_en_m", e.p_en_m);
  io("cov_m2", e.cov_en_m2);
  io("t_impact", e.t_impact_s);
  io("sigma_t_impact_s", e.sigma_t_impact_s);
  io("p_threat", e.p_threat);
  io("threat_value", e.threat_value);
  io("lat_deg", e.lat_deg);
  io("lon_deg", e.lon_deg);
  io("p_boost", e.p_boost);
  io("used", e.used);
  io("threat", e.threat);
  io("track_age_s", e.track_age_s);
}

template <class IO, Is<sim::ThreatDecisionEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("threat_decision");
  io("track", e.track);
  io("rocket", e.rocket);
  io("threat", e.threat);
  io("p_threat", e.p_threat);
  io("threat_value", e.threat_value);
  io("t_impact", e.t_impact_s);
  io("time_to_impact_s", e.time_to_impact_s);
}

template <class IO, Is<sim::AlertEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.tag(e.on, kAlertTypes);
  io("zone", e.zone_id);
  io("track", e.track);
  io("t_impact", e.t_impact_s);
  io("rocket", e.rocket);
  if (!e.on) {
    io("reason", e.reason);
    io("following", e.following);
  }
}

template <class IO, Is<sim::FireEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("fire");
  io("battery", e.battery);
  io("launcher", e.launcher);
  io("interceptor", e.interceptor);
  io("track", e.track);
  io("rocket", e.rocket);
  io("intercept_enu_m", e.intercept_W);
  io("t_intercept", e.t_intercept_s);
  io("pk", e.pk);
  io("p_debris", e.p_debris);
}

template <class IO, Is<sim::InterceptEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("intercept");
  io("interceptor", e.interceptor);
  io("rocket", e.rocket);
  io("miss_m", e.miss_m);
  io("killed", e.killed);
  io("p_enu_m", e.p_W);
  io("altitude_m", e.altitude_m);
  io("pk", e.pk);
  io("closest_m", e.closest_m);
  io("debris", e.debris);
}

template <class IO, Is<sim::InterceptorEndEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("interceptor_end");
  io("interceptor", e.interceptor);
  io("reason", e.reason);
  io("p_enu_m", e.p_W);
}

template <class IO, Is<sim::DebrisImpactEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("debris_impact");
  io("rocket", e.rocket);
  io("fragment", e.fragment);
  io("p_enu_m", e.p_W);
  io("mass_kg", e.mass_kg);
  io("speed_mps", e.speed_mps);
  io("area", e.area);
}

template <class IO, Is<sim::KillAssessmentEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("kill_assessment");
  io("track", e.track);
  io("interceptor", e.interceptor);
  io("killed", e.killed);
  io("track_ended", e.track_ended);
  io("plots_per_scan", e.plots_per_scan);
  io("rocket_killed", e.rocket_killed);
  io("outcome", e.outcome);
  io("p_alive", e.p_alive);
  io("covering_scans", e.covering_scans);
  io("intact_hits", e.intact_hits);
  io("detonation_offset_m", e.detonation_offset_m);
  io("held_by_track", e.held_by_track);
  io("rocket", e.rocket);
}

template <class IO, Is<sim::KillRevokedEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("kill_revoked");
  io("track", e.track);
  io("interceptor", e.interceptor);
  io("p_alive", e.p_alive);
  io("rocket", e.rocket);
}

template <class IO, Is<sim::TrackClassEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("track_class");
  io("track", e.track);
  io("debris", e.debris);
  io("reason", e.reason);
  io("rocket", e.rocket);
  io("following", e.following);
}

template <class IO, Is<sim::EngagementHoldEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("engagement_hold");
  io("track", e.track);
  io("reason", e.reason);
  io("rocket", e.rocket);
}

template <class IO, Is<sim::EngagementPlanEvent> E>
void fields(IO& io, E& e) {
  io("t", e.t_s);
  io.type("engagement_plan");
  io("threats", e.threats);
  io("launchers", e.launchers);
  io("rounds", e.rounds);
  io("objective", e.objective);
  io("lower_bound", e.lower_bound);
  io("gap", e.gap);
}

// ---------------------------------------------------------------------------
// Writer: appends each field to an object, in order.

class Writer {
 public:
  void type(const char* name) { j_["type"] = name; }
  template <class T, size_t N>
  void tag(const T& value, const std::array<const char*, N>& names) {
    type(names[static_cast<size_t>(value)]);
  }
  template <class T>
  void operator()(const char* key, const T& value) {
    j_[key] = to_value(value);
  }
  ordered_json take() { return std::move(j_); }

 private:
  template <class T>
  static ordered_json to_value(const T& v) {
    if constexpr (std::is_base_of_v<Eigen::MatrixBase<T>, T>) {
      ordered_json rows = ordered_json::array();
      for (Eigen::Index r = 0; r < v.rows(); ++r) {
        if (v.cols() == 1) {
          rows.push_back(v(r, 0));
          continue;
        }
        ordered_json row = ordered_json::array();
        for (Eigen::Index c = 0; c < v.cols(); ++c) row.push_back(v(r, c));
        rows.push_back(std::move(row));
      }
      return rows;
    } else {
      return ordered_json(v);
    }
  }
  template <class T>
  static ordered_json to_value(const std::optional<T>& v) {
    return v ? to_value(*v) : ordered_json(nullptr);
  }

  ordered_json j_ = ordered_json::object();
};

// ---------------------------------------------------------------------------
// Reader: takes each field from an object, checking its type.

struct BadField {
  std::string message;
};

class Reader {
 public:
  Reader(const json& j, const std::string& where) : j_(j), where_(where) {}

  void type(const char* /*name*/) {}  // the dispatch has matched it
  template <class T, size_t N>
  void tag(T& value, const std::array<const char*, N>& names) {
    const std::string& t = j_.at("type").get_ref<const std::string&>();
    for (size_t i = 0; i < N; ++i)
      if (t == names[i]) value = static_cast<T>(i);
  }
  template <class T>
  void operator()(const char* key, T& value) {
    auto it = j_.find(key);
    if (it == j_.end()) fail(key, "missing field");
    read(key, *it, value);
  }

 private:
  [[noreturn]] void fail(const char* key, std::string_view what) const {
    throw BadField{fmt::format("{}: {} \"{}\"", where_, what, key)};
  }
  void expect(bool ok, const char* key, std::string_view must) const {
    if (!ok) throw BadField{fmt::format("{}: field \"{}\" must be {}", where_, key, must)};
  }
  void read(const char* key, const json& v, double& out) const {
    expect(v.is_number() && std::isfinite(v.get<double>()), key, "a finite number");
    out = v.get<double>();
  }
  void read(const char* key, const json& v, int& out) const {
    expect(v.is_number_integer() && v.get<std::int64_t>() >= INT32_MIN &&
               v.get<std::int64_t>() <= INT32_MAX,
           key, "an integer");
    out = v.get<int>();
  }
  void read(const char* key, const json& v, bool& out) const {
    expect(v.is_boolean(), key, "true or false");
    out = v.get<bool>();
  }
  void read(const char* key, const json& v, std::string& out) const {
    expect(v.is_string(), key, "a string");
    out = v.get<std::string>();
  }
  template <class T>
  void read(const char* key, const json& v, std::optional<T>& out) const {
    if (v.is_null()) {
      out.reset();
      return;
    }
    read(key, v, out.emplace());
  }
  template <class Derived>
  void read(const char* key, const json& v, Eigen::MatrixBase<Derived>& m) const {
    const auto rows = static_cast<size_t>(m.rows());
    const auto cols = static_cast<size_t>(m.cols());
    auto finite = [](const json& x) { return x.is_number() && std::isfinite(x.get<double>()); };
    if constexpr (Derived::ColsAtCompileTime == 1) {
      bool ok = v.is_array() && v.size() == rows;
      for (size_t i = 0; ok && i < rows; ++i) ok = finite(v[i]);
      expect(ok, key, fmt::format("an array of {} finite numbers", rows));
      for (size_t i = 0; i < rows; ++i) m(static_cast<Eigen::Index>(i)) = v[i].get<double>();
    } else {
      bool ok = v.is_array() && v.size() == rows;
      for (size_t r = 0; ok && r < rows; ++r) {
        ok = v[r].is_array() && v[r].size() == cols;
        for (size_t c = 0; ok && c < cols; ++c) ok = finite(v[r][c]);
      }
      expect(ok, key, fmt::format("a {} x {} array of finite numbers", rows, cols));
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c)
          m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = v[r][c].get<double>();
    }
  }

  const json& j_;
  const std::string& where_;
};

// ---------------------------------------------------------------------------
// Namer: the `type` strings of an event type, for the reader's dispatch.

class Namer {
 public:
  void type(const char* name) { names.emplace_back(name); }
  template <class T, size_t N>
  void tag(const T& /*value*/, const std::array<const char*, N>& all) {
    for (const char* n : all) names.emplace_back(n);
  }
  template <class T>
  void operator()(const char* /*key*/, const T& /*value*/) {}
  std::vector<std::string> names;
};

using Make = sim::Event (*)();

// Each `type` string, the alternative of sim::Event that has it.
const std::unordered_map<std::string, Make>& dispatch() {
  static const auto table = [] {
    std::unordered_map<std::string, Make> out;
    auto add = [&]<class E>() {
      Namer namer;
      const E e{};
      fields(namer, e);
      for (std::string& n : namer.names) out.emplace(std::move(n), [] { return sim::Event(E{}); });
    };
    [&]<size_t... I>(std::index_sequence<I...>) {
      (add.template operator()<std::variant_alternative_t<I, sim::Event>>(), ...);
    }
    (std::make_index_sequence<std::variant_size_v<sim::Event>>());
    return out;
  }();
  return table;
}

}  // namespace

ordered_json to_json(const sim::Event& event) {
  return std::visit(
      [](const auto& e) {
        Writer w;
        fields(w, e);
        return w.take();
      },
      event);
}

core::Result<std::optional<sim::Event>> event_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) return core::fail(where + ": an event must be a JSON object");
  const auto type = j.find("type");
  if (type == j.end()) return core::fail(where + ": missing field \"type\"");
  if (!type->is_string()) return core::fail(where + ": field \"type\" must be a string");
  const auto& table = dispatch();
  const auto make = table.find(type->get_ref<const std::string&>());
  if (make == table.end()) return std::optional<sim::Event>();
  sim::Event event = make->second();
  try {
    Reader reader(j, where);
    std::visit([&](auto& e) { fields(reader, e); }, event);
  } catch (const BadField& bad) {
    return core::fail(bad.message);
  }
  if (auto* a = std::get_if<sim::AlertEvent>(&event)) a->zone = -1;
  return std::optional<sim::Event>(std::move(event));
}

}  // namespace canopy::io
