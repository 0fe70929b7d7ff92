// The simulated interceptor hardware: each interceptor's flight under its
// on-board guidance, the seeker (lock on the object that best matches the
// uplinked track, glint, angle noise), the proximity fuze with its timing
// error, the warhead's lethality, and the fragments of the rockets it kills.
// The battle manager commands it only through fire orders and uplinks, and
// hears from it only through InterceptorReports.
//
//   sim::InterceptorModel model(scenario, {.seed = seed, .run_index = run});
//   model.launch(order);                      // a bmc::FireOrder
//   model.fly(t0, t1, truth, events);         // one tick; may kill rockets
//   auto reports = model.take_reports();      // the downlink
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "canopy/bmc/fire_control.h"
#include "canopy/engage/guidance.h"
#include "canopy/physics/flight.h"
#include "canopy/physics/interceptor.h"
#include "canopy/scenario/scenario.h"
#include "canopy/sensors/sensor.h"
#include "canopy/sim/events.h"
#include "canopy/sim/truth.h"

namespace canopy::sim {

struct InterceptorModelOptions {
  std::uint64_t seed = 0;
  int run_index = 0;
  physics::IntegratorOptions integrator;
};

class InterceptorModel {
 public:
  InterceptorModel() = default;
  // The scenario must outlive the model.
  InterceptorModel(const scenario::Scenario& scenario, InterceptorModelOptions options);

  // Interceptor positions for the replay (at launch, at each crossing of a
  // quarter of `interval_s`, at the end); 0 takes none.
  void set_sample_interval(double interval_s) { sample_interval_s_ = interval_s; }

  // Carries out the battle manager's orders.
  void launch(const bmc::FireOrder& order);
  void uplink(const bmc::Uplink& uplink);

  // Flies every interceptor over the tick [t0, t1]: seeker, guidance, fuze
  // and warhead. A kill takes the rocket out of `truth` and leaves its
  // fragments flying. Events go to `events`.
  void fly(double t0_s, double t1_s, Truth& truth, std::vector<Event>& events);
  // Reports the fragments that have reached the ground by t_s.
  void land_fragments(double t_s, std::vector<Event>& events);
  // What the radars can see besides rockets at t_s within the tick: the
  // interceptors (extrapolated from the start of their step) and the
  // fragments in flight.
  void radar_objects(double t_s, std::vector<sensors::Object>& out);

  bool has_interceptors() const { return !interceptors_.empty(); }
  bool has_fragments() const { return !fragments_.empty(); }
  // The downlink for the battle manager's next step.
  std::vector<bmc::InterceptorReport> take_reports();
  // This tick's samples (set_sample_interval).
  std::vector<InterceptorSample> take_samples();

 private:
  struct Interceptor {
    int id = 0;
    int type = 0;  // into scenario.interceptor_types
    int track = 0;
    physics::GuidedFlight flight;
    engage::Guidance guidance;
    // What the seeker locked on: a rocket id (1..N), a fragment's object id
    // (fragment_object), or 0: nothing yet.
    int locked = 0;
    physics::State target_prev;   // the locked object at the flight's current time
    Vec3 glint_W = Vec3::Zero();  // the apparent scattering centre's offset
    bool alive = true;
    double closest_m = 1e18;  // closest approach to the locked rocket so far
    double closest_t_s = 0;
    Vec3 closest_p_W = Vec3::Zero();
  };
  struct Fragment {
    int rocket = 0;  // 1-based
    int index = 0;   // 1-based within the rocket
    double mass_kg = 0;
    double body_length_m = 0;  // its size, for the seeker's glint
    physics::Flight flight;
  };
  // The state of a locked object at t_s within the tick ending t1_s, and its
  // length (for glint); nothing once it is gone.
  struct Seen {
    physics::State state;
    double length_m = 0;
  };
  std::optional<Seen> object_at(const Truth& truth, int object, double t_s, double t1_s);
  // The seeker at the start of the tick: lock on, then the line of sight
  // to the locked object; false when the object is gone (the flight ended).
  bool seek(Interceptor& icpt, double t0_s, double t1_s, std::uint64_t tick, const Truth& truth,
            std::vector<Event>& events);
  // Closest approach, fuze and warhead after a step; true when the
  // interceptor's flight ended.
  bool pass(Interceptor& icpt, double t0_s, double t1_s, const physics::State& own_t0, Truth& truth,
            std::vector<Event>& events);
  void kill(Truth& truth, int idx, const physics::State& at);
  void end(Interceptor& icpt, double t_s, const char* reason, std::vector<Event>& events);
  bool sampling() const { return sample_interval_s_ > 0; }

  const scenario::Scenario* scenario_ = nullptr;
  InterceptorModelOptions options_;
  double sample_interval_s_ = 0;
  std::vector<Interceptor> interceptors_;
  std::vector<Fragment> fragments_;
  std::vector<InterceptorSample> samples_;
  std::vector<bmc::InterceptorReport> reports_;
};

}  // namespace canopy::sim
