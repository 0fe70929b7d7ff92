// One track's state estimator, whatever the motion model: a single filter
// (constant velocity, constant acceleration, ballistic), an interacting
// multiple model (IMM: boost and coast), and - where the threat library
// holds several classes - a bank of such filters, one per class, weighted by
// how well each explains the measurements (docs/tracking.md).
//
//   tracking::EstimatorContext ctx(config);            // shared, immutable
//   auto est = tracking::Estimator::start(ctx, pv);    // from a 6-D Gaussian
//   est.predict(t_s);
//   MeasurementPrediction mp = est.predict_measurement(meas);   // for gating
//   est.update(meas, z);
#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "canopy/physics/flight.h"
#include "canopy/scenario/scenario.h"
#include "canopy/tracking/filter.h"
#include "canopy/tracking/measurement.h"
#include "canopy/tracking/motion.h"
#include "canopy/tracking/threats.h"

namespace canopy::tracking {

struct EstimatorConfig {
  scenario::TrackerConfig::Model model = scenario::TrackerConfig::Model::kImm;
  scenario::TrackerConfig::Filter filter = scenario::TrackerConfig::Filter::kEkf;
  double process_noise_mps2 = 0.07;  // white acceleration density (m/s^2 per sqrt(s))
  physics::Environment environment;  // the forecast: Earth model, air, wind forecast
  ThreatLibrary threats = ThreatLibrary::generic();
  // IMM: rates of the Markov chain between boost and coast, per second.
  double boost_to_coast_per_s = 0.5;
  double coast_to_boost_per_s = 1e-3;
  double initial_boost_probability = 0.5;
};

// The models, built once per tracker and shared by every track.
class EstimatorContext {
 public:
  explicit EstimatorContext(EstimatorConfig config);

  const EstimatorConfig& config() const { return config_; }
  const physics::Environment& environment() const { return config_.environment; }
  FilterKind filter() const { return filter_; }
  int types() const { return static_cast<int>(config_.threats.types.size()); }
  int modes() const { return config_.model == scenario::TrackerConfig::Model::kImm ? 2 : 1; }
  // The motion model of a threat class in a mode (IMM: 0 boost, 1 coast).
  const MotionModel& model(int type, int mode) const { return *models_[type * modes() + mode]; }
  // Starting state of a component from a position/velocity Gaussian.
  Gaussian extend(const Gaussian& pv, int type, int mode) const;
  // IMM mode transition probabilities over dt: pi(i, j) = P(j at t+dt | i at t).
  Eigen::Matrix2d transition(double dt_s) const;

 private:
  EstimatorConfig config_;
  FilterKind filter_;
  std::vector<std::unique_ptr<MotionModel>> models_;
};

class Estimator {
 public:
  static Estimator start(const EstimatorContext& ctx, const Gaussian& pv);

  // To a later (or the same) time.
  void predict(double t_s);
  // The predicted measurement of the combined estimate (for gating).
  MeasurementPrediction predict_measurement(const MeasurementModel& m) const;
  void update(const MeasurementModel& m, const MeasVec& z);
  // JPDA: residual-weighted update of every component (weights of classes
  // and modes are left as they are).
  void update_pda(const MeasurementModel& m, std::span<const MeasVec> zs,
                  std::span<const double> beta, double beta_none);

  double t_s() const { return t_s_; }
  // The combined (moment-matched) estimate.
  Gaussian state() const;
  Vec3 p_W() const;
  Vec3 v_W() const;
  Eigen::Matrix<double, 6, 6> P_pv() const;
  std::optional<double> kd_m2pkg() const;
  // IMM: probability of [boost, coast] (empty otherwise).
  std::vector<double> mode_probabilities() const;
  // Probability of each threat class still in the bank.
  std::vector<std::pair<std::string, double>> type_probabilities() const;

  // The estimate for impact prediction: [p, v, kd] assuming the motor has
  // burnt out (the IMM's coast members; every member otherwise),
  // moment-matched over the classes; the most probable class; and the
  // probability that the rocket still boosts. Models without kd (CV, CA)
  // take the most probable class's kd prior.
  struct Ballistic {
    Gaussian g;  // dim 7
    int type = 0;
    double p_boost = 0;
  };
  Ballistic ballistic() const;

 private:
  struct Component {
    Gaussian g;
    double weight = 1;
    int type = 0;
    int mode = 0;
  };
  explicit Estimator(const EstimatorContext* ctx) : ctx_(ctx) {}
  void normalise_and_prune();
  void combine();

  const EstimatorContext* ctx_;
  std::vector<Component> comps_;
  double t_s_ = 0;
  Gaussian combined_;  // cached moment match of comps_
};

}  // namespace canopy::tracking
