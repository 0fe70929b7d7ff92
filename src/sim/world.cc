#include "canopy/sim/world.h"

#include <algorithm>

#include "canopy/core/random.h"

namespace canopy::sim {

double event_time(const Event& e) {
  return std::visit([](const auto& ev) { return ev.t_s; }, e);
}

core::Result<World> World::create(const scenario::Scenario& sc, WorldOptions options) {
  World w;
  w.scenario_ = std::make_unique<scenario::Scenario>(sc);
  w.options_ = options;
  w.geo_ = core::GeoFrame(sc.origin.lat_deg, sc.origin.lon_deg, sc.origin.alt_m);
  w.step_s_ = sc.run.step_s;
  w.duration_s_ = sc.run.duration_s;
  w.seed_ = options.seed.value_or(sc.run.seed);
  auto plans = plan_rockets(sc, w.seed_, options.run_index, options.integrator);
  if (!plans) return std::unexpected(plans.error());
  const int rockets = static_cast<int>(plans->size());
  w.truth_ = Truth(*w.scenario_, w.geo_, std::move(*plans), options.integrator);
  w.interceptors_ = InterceptorModel(
      *w.scenario_,
      {.seed = w.seed_, .run_index = options.run_index, .integrator = options.integrator});
  w.labels_ = TruthLabels(rockets);

  // Sensors, and the battle manager with what a real one would know: its
  // sensors, the areas, the threat library and a wind forecast (the true
  // wind plus one error vector, drawn per run).
  w.first_detected_s_.assign(static_cast<size_t>(rockets), -1.0);
  w.forecast_ = sc.environment;
  {
    core::Stream rng(w.seed_, static_cast<std::uint64_t>(options.run_index), core::tag("forecast"));
    const double sigma = sc.tracker.wind_forecast_error_mps;
    const Vec2 error(sigma * rng.normal(), sigma * rng.normal());
    physics::WindProfile& wind = w.forecast_.wind;
    if (wind.alt_m.empty()) {
      wind.alt_m = {0.0};
      wind.wind_en_mps = {Vec2::Zero()};
    }
    for (Vec2& v : wind.wind_en_mps) v += error;
  }
  if (!sc.sensors.empty()) {
    for (size_t r = 0; r < sc.sensors.size(); ++r)
      w.sensors_.push_back(sensors::make_sensor(sc.sensors[r], static_cast<int>(r)));
    w.scan_k_.assign(sc.sensors.size(), 0);
    w.bm_.emplace(bmc::Knowledge::from_scenario(sc, w.forecast_));
  }

  w.stats_.scenario = sc.name;
  w.stats_.seed = w.seed_;
  w.stats_.run_index = options.run_index;
  w.stats_.rockets_planned = rockets;
  return w;
}

void World::set_sink(EventSink* sink) {
  sink_ = sink;
  const bool sampling = sink != nullptr && options_.trajectory_interval_s > 0;
  interceptors_.set_sample_interval(sampling ? options_.trajectory_interval_s : 0);
}

bool World::done() const {
  if (static_cast<double>(tick_) * step_s_ >= duration_s_ - 1e-9) return true;
  return options_.stop_when_quiet && next_launch_ == truth_.plans().size() &&
         truth_.airborne().empty() && !interceptors_.has_interceptors() &&
         !interceptors_.has_fragments();
}

void World::run() {
  while (!done()) step();
}

std::optional<physics::State> World::rocket_state(int id) const {
  if (id < 1 || id > static_cast<int>(truth_.plans().size()) || !truth_.is_airborne(id - 1))
    return std::nullopt;
  return truth_.flight(id - 1).state_at(time_s());
}

// A time inside a tick at which truth is read, in increasing order.
struct World::Sample {
  enum class Kind { kTrajectory, kScan, kPicture };
  double t_s = 0;
  Kind kind = Kind::kTrajectory;
  int radar = 0;
};

void World::scan(int r, double t_s, std::vector<PlotRecord>& plots) {
  const sensors::Sensor& sensor = *sensors_[r];
  const std::int64_t k = scan_k_[r]++;
  if (sensor.in_outage(t_s)) return;
  std::vector<sensors::Object> objects;
  for (int idx : truth_.airborne()) {
    const auto st = truth_.state_in_flight(idx, t_s);
    if (!st) continue;
    const int type = truth_.plans()[static_cast<size_t>(idx)].type;
    objects.push_back({idx + 1, st->p_W, st->v_W, scenario_->rocket_types[type].rcs_m2});
  }
  // Interceptors and fragments are objects like any other.
  interceptors_.radar_objects(t_s, objects);
  core::Stream rng(seed_, static_cast<std::uint64_t>(options_.run_index), core::tag("radar"),
                   static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(k));
  std::vector<sensors::PlotOrigin> origins;
  sensors::Scan out = sensor.observe(t_s, objects, rng, next_plot_id_, origins);
  ++stats_.scans;
  const int rockets = static_cast<int>(truth_.plans().size());
  for (const sensors::PlotOrigin& o : origins) {
    labels_.plot(o.plot_id, o.object);
    ++stats_.plots;
    if (o.object > rockets) continue;  // interceptor or fragment
    if (o.object < 0) {
      ++stats_.clutter_plots;
    } else if (first_detected_s_[o.object - 1] < 0) {
      first_detected_s_[o.object - 1] = t_s;
      ++stats_.rockets_detected;
      new_detections_.emplace_back(o.object, t_s);
    }
  }
  if (sink_ != nullptr) {
    for (const sensors::Plot& p : out.plots)
      plots.push_back({p, scenario_->sensors[r].name, labels_.plot_rocket(p.id)});
  }
  in_transit_.push_back(std::move(out));
}

void World::collect_truth(double t_s, PictureSample& out) const {
  out.t_s = t_s;
  for (int idx : truth_.airborne())
    if (const auto st = truth_.state_in_flight(idx, t_s))
      out.truth.push_back({idx + 1, st->p_W, st->v_W});
}

void World::run_battle_manager(double t_end, std::vector<Event>& events) {
  // Deliver the scans that have arrived, in order of arrival.
  std::stable_sort(in_transit_.begin(), in_transit_.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  size_t n = 0;
  while (n < in_transit_.size() && in_transit_[n].arrival_s <= t_end + 1e-12) ++n;
  bmc::Orders orders = bm_->step(t_end, std::span<const sensors::Scan>(in_transit_.data(), n),
                                 interceptors_.take_reports());
  in_transit_.erase(in_transit_.begin(), in_transit_.begin() + static_cast<std::ptrdiff_t>(n));
  std::optional<bmc::Orders> last;
  if (done()) {
    last = bm_->finish(t_end);
    finished_ = true;
  }

  // Truth behind the tracks, from the plots they used (analysis only).
  labels_.associate(bm_->take_associations());
  for (const tracking::TrackEvent& te : bm_->take_track_events()) {
    TrackEvent e = track_event(te, t_end, labels_);
    if (e.kind == TrackEvent::Kind::kStart) track_times_.start_s[te.track] = te.t_s;
    if (e.kind == TrackEvent::Kind::kConfirm) {
      track_times_.confirm_s[te.track] = te.t_s;
      new_confirmations_.push_back({te.track, e.rocket.value_or(-1), te.t_s});
    }
    events.push_back(std::move(e));
  }
  stats_.plots_late_dropped = bm_->tracker().stats().late_dropped;
  carry_out(orders, events);
  if (last) carry_out(*last, events);

  // Finish the picture samples of this tick with the confirmed tracks.
  for (PictureSample& ps : pictures_) {
    for (const tracking::TrackSnapshot& t : bm_->picture(ps.t_s)) {
      PictureSample::Track pt;
      pt.id = t.id;
      pt.p_W = t.p_W;
      pt.v_W = t.v_W;
      pt.P_pv = t.P_pv;
      pt.age_s = ps.t_s - t.t_start_s;
      pt.rocket = labels_.majority_rocket(t.id);
      pt.debris = pt.rocket < 0 && labels_.follows_debris(t.id);
      ps.tracks.push_back(pt);
    }
  }
  if (!pictures_.empty()) {
    pictures_.front().first_detections = std::exchange(new_detections_, {});
    pictures_.front().confirmations = std::exchange(new_confirmations_, {});
  }
}

void World::carry_out(const bmc::Orders& orders, std::vector<Event>& events) {
  orders_to_events(orders, {*scenario_, labels_, truth_, track_times_}, events);
  stats_.predictions = bm_->stats().predictions;
  stats_.prediction_failures = bm_->stats().prediction_failures;
  stats_.own_plots_discounted = bm_->stats().own_plots_discounted;
  for (const bmc::FireOrder& o : orders.engagement.fire) interceptors_.launch(o);
  for (const bmc::Uplink& u : orders.engagement.uplinks) interceptors_.uplink(u);
}

void World::step() {
  if (done()) return;
  const double t_end = static_cast<double>(tick_ + 1) * step_s_;
  std::vector<Event> events;
  std::vector<TrajectorySample> samples;
  std::vector<PlotRecord> plots;
  const bool sampling = sink_ != nullptr && options_.trajectory_interval_s > 0;
  auto sample = [&](int idx, const physics::State& s) {
    if (sampling) samples.push_back({s.t_s, idx + 1, s.p_W, s.v_W});
  };

  // Launch the rockets due in this tick, at their exact launch times.
  const std::vector<RocketPlan>& plans = truth_.plans();
  while (next_launch_ < plans.size() && plans[next_launch_].t_launch_s <= t_end + 1e-12) {
    const RocketPlan& plan = plans[next_launch_++];
    events.push_back(truth_.launch(plan));
    sample(plan.id - 1, truth_.flight(plan.id - 1).current());
  }

  // The times inside this tick at which truth is read: trajectory samples,
  // radar scans and picture samples, taken in increasing time order so that
  // every flight's latest step brackets each of them.
  std::vector<Sample> due;
  if (sampling) {
    const double dt = options_.trajectory_interval_s;
    for (;; ++next_sample_k_) {
      const double ts = static_cast<double>(next_sample_k_) * dt;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kTrajectory, 0});
    }
  }
  for (size_t r = 0; r < sensors_.size(); ++r) {
    const double revisit = scenario_->sensors[r].revisit_s;
    for (std::int64_t k = scan_k_[r];; ++k) {
      const double ts = static_cast<double>(k) * revisit;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kScan, static_cast<int>(r)});
    }
  }
  if (bm_ && sink_ != nullptr && options_.picture_interval_s > 0) {
    for (;; ++next_picture_k_) {
      const double ts = static_cast<double>(next_picture_k_) * options_.picture_interval_s;
      if (ts > t_end + 1e-12) break;
      due.push_back({ts, Sample::Kind::kPicture, 0});
    }
  }
  std::stable_sort(due.begin(), due.end(), [](const Sample& a, const Sample& b) {
    return a.t_s != b.t_s ? a.t_s < b.t_s : a.radar < b.radar;
  });
  pictures_.clear();
  for (const Sample& d : due) {
    truth_.advance_to(d.t_s);
    switch (d.kind) {
      case Sample::Kind::kTrajectory:
        for (int idx : truth_.airborne())
          if (const auto st = truth_.state_in_flight(idx, d.t_s)) sample(idx, *st);
        break;
      case Sample::Kind::kScan:
        scan(d.radar, d.t_s, plots);
        break;
      case Sample::Kind::kPicture:
        collect_truth(d.t_s, pictures_.emplace_back());
        break;
    }
  }

  // Fly every rocket to the end of the tick; report those that land in it.
  truth_.advance_to(t_end);
  truth_.land(t_end, events, [&](int idx, const physics::Impact& hit) {
    sample(idx, physics::State{hit.t_s, hit.p_W, hit.v_W});
  });

  if (interceptors_.has_interceptors()) interceptors_.fly(t_end - step_s_, t_end, truth_, events);
  if (interceptors_.has_fragments()) interceptors_.land_fragments(t_end, events);

  ++tick_;
  stats_.sim_time_s = time_s();
  stats_.in_flight_at_end = in_flight();

  // The battle manager receives the plots that have arrived and updates its
  // picture.
  if (bm_) run_battle_manager(t_end, events);

  // Hand everything to the sink in time order.
  if (sink_ == nullptr) return;
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return event_time(a) < event_time(b); });
  std::stable_sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
    return a.t_s != b.t_s ? a.t_s < b.t_s : a.rocket < b.rocket;
  });
  for (const Event& e : events) sink_->on_event(e);
  for (const TrajectorySample& s : samples) sink_->on_trajectory(s);
  for (const PlotRecord& p : plots) sink_->on_plot(p);
  for (const PictureSample& p : pictures_) sink_->on_picture(p);
  for (const InterceptorSample& s : interceptors_.take_samples()) sink_->on_interceptor(s);
}

}  // namespace canopy::sim
