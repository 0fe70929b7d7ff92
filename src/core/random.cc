#include "canopy/core/random.h"

#include <cmath>
#include <numbers>

namespace canopy::core {

double Stream::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Draw a point uniformly in the unit disc (rejection), then map it.
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

Vec2 Stream::uniform_in_disc(double radius) {
  // Inverse-CDF in radius keeps exactly two draws per point.
  const double r = radius * std::sqrt(uniform());
  const double a = 2.0 * std::numbers::pi * uniform();
  return {r * std::cos(a), r * std::sin(a)};
}

}  // namespace canopy::core
