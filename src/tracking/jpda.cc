#include "canopy/tracking/jpda.h"

#include <vector>

namespace canopy::tracking {
namespace {

// Depth-first over tracks: track i takes no plot or a free gated plot.
void enumerate(const Eigen::MatrixXd& G, double miss, int i, double weight,
               std::vector<int>& choice, std::vector<char>& used, Eigen::MatrixXd& acc,
               Eigen::VectorXd& acc_none, double& total) {
  const int nt = static_cast<int>(G.rows()), np = static_cast<int>(G.cols());
  if (i == nt) {
    total += weight;
    for (int t = 0; t < nt; ++t) {
      if (choice[t] < 0) {
        acc_none(t) += weight;
      } else {
        acc(t, choice[t]) += weight;
      }
    }
    return;
  }
  choice[i] = -1;
  enumerate(G, miss, i + 1, weight * miss, choice, used, acc, acc_none, total);
  for (int j = 0; j < np; ++j) {
    if (used[j] || G(i, j) <= 0) continue;
    used[j] = 1;
    choice[i] = j;
    enumerate(G, miss, i + 1, weight * G(i, j), choice, used, acc, acc_none, total);
    used[j] = 0;
  }
  choice[i] = -1;
}

}  // namespace

JpdaResult jpda(const Eigen::MatrixXd& L, double clutter_density, double pd_pg) {
  const int nt = static_cast<int>(L.rows()), np = static_cast<int>(L.cols());
  // Ratio of "plot j is track i's" to "plot j is clutter".
  const Eigen::MatrixXd G = L / clutter_density;
  const double miss = 1 - pd_pg;
  JpdaResult r{Eigen::MatrixXd::Zero(nt, np), Eigen::VectorXd::Zero(nt)};
  double events = 1;
  for (int i = 0; i < nt; ++i) events *= 1.0 + static_cast<double>((G.row(i).array() > 0).count());
  if (nt <= kJpdaExactTracks && events <= kJpdaMaxEvents) {
    std::vector<int> choice(nt, -1);
    std::vector<char> used(np, 0);
    double total = 0;
    enumerate(G, miss, 0, 1.0, choice, used, r.beta, r.beta_none, total);
    r.beta /= total;
    r.beta_none /= total;
    return r;
  }
  // Cheap JPDA (Fitzgerald 1985): beta_ij = G_ij / (T_i + P_j - G_ij + B).
  const Eigen::VectorXd row = G.rowwise().sum();
  const Eigen::RowVectorXd col = G.colwise().sum();
  const double B = miss;
  for (int i = 0; i < nt; ++i) {
    double sum = 0;
    for (int j = 0; j < np; ++j) {
      if (G(i, j) <= 0) continue;
      r.beta(i, j) = G(i, j) / (row(i) + col(j) - G(i, j) + B);
      sum += r.beta(i, j);
    }
    if (sum > 1) r.beta.row(i) /= sum;
    r.beta_none(i) = std::max(0.0, 1 - r.beta.row(i).sum());
  }
  return r;
}

}  // namespace canopy::tracking
