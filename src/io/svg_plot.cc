#include "canopy/io/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace canopy::io::svg {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Where an axis maps from and to.
struct Scale {
  double lo = 0, hi = 1;  // data limits
  bool log = false;
  double px0 = 0, px1 = 1;  // pixel ends (px0 at lo)

  double t(double v) const { return log ? std::log10(v) : v; }
  double operator()(double v) const {
    const double span = t(hi) - t(lo);
    const double f = span > 0 ? (t(v) - t(lo)) / span : 0.5;
    return px0 + std::clamp(f, -0.02, 1.02) * (px1 - px0);
  }
};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// Data range of one axis over every series (x also spans bar right edges;
// y spans error bars).
std::pair<double, double> data_range(const Plot& plot, bool x_axis) {
  const bool log = x_axis ? plot.x.log : plot.y.log;
  double lo = kInf, hi = -kInf;
  auto take = [&](const std::vector<double>& v) {
    for (double d : v)
      if (usable(d, log)) lo = std::min(lo, d), hi = std::max(hi, d);
  };
  for (const Series& s : plot.series) {
    if (x_axis) {
      take(s.x);
      take(s.x2);
    } else {
      take(s.y);
      take(s.lo);
      take(s.hi);
    }
  }
  if (x_axis)
    for (const Marker& m : plot.markers)
      if (usable(m.x, log)) lo = std::min(lo, m.x), hi = std::max(hi, m.x);
  return {lo, hi};
}

std::string fmt_px(double v) { return fmt::format("{:.1f}", v); }

}  // namespace

const std::vector<std::string>& palette() {
  static const std::vector<std::string> colors = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                                  "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                                  "#7f7f7f", "#bcbd22"};
  return colors;
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        // Control characters other than tab, newline and return are not
        // allowed in XML and dropped or garbled by HTML parsers: shown as
        // their Unicode control pictures (NUL as U+2400, ESC as U+241B).
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F)
          out += fmt::format("&#x{:X};", u == 0x7F ? 0x2421 : 0x2400 + u);
        else
          out += c;
      }
    }
  }
  return out;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(1, target - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9 && ticks.size() < 50; v += step)
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  if (ticks.empty() || ticks.back() < hi - step * 1e-9)
    ticks.push_back(ticks.empty() ? lo : ticks.back() + step);
  return ticks;
}

std::string tick_label(double v) {
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e6 || a < 1e-3) return fmt::format("{:.3g}", v);
  return fmt::format("{:.6g}", v);
}

namespace {

// The opening of a plot's SVG: the element (with its class, size and
// label), its title, a white background and the heading, each ending a line.
std::string open_svg(std::string_view cls, double W, double H, const std::string& title) {
  return fmt::format(
      R"(<svg class="{0}" viewBox="0 0 {1} {2}" width="{1}" height="{2}" role="img" aria-label="{3}">)"
      "\n"
      R"(<title>{3}</title><rect x="0" y="0" width="{1}" height="{2}" fill="#fff"/>)"
      R"(<text x="{4}" y="20" text-anchor="middle" font-size="15" font-weight="600" fill="#222">{3}</text>)"
      "\n",
      cls, W, H, escape_xml(title), W / 2);
}

}  // namespace

std::string render(const Plot& plot) {
  const double W = plot.width, H = plot.height;
  const bool x_cat = !plot.x.categories.empty();
  const auto& cats = plot.x.categories;

  // Legend entries decide whether a legend row is needed.
  std::vector<std::pair<std::string, std::string>> legend;  // name, colour
  std::vector<std::string> colors;
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    colors.push_back(s.color.empty() ? palette()[i % palette().size()] : s.color);
    if (!s.name.empty()) legend.emplace_back(s.name, colors.back());
  }

  // Rotated category labels need more room below the axis.
  size_t longest = 0;
  for (const auto& c : cats) longest = std::max(longest, c.size());
  const double left = 72, right = 18, top = legend.empty() ? 34 : 56;
  const double plot_w = W - left - right;
  const bool rotate = x_cat && static_cast<double>(cats.size() * longest) * 6.5 > plot_w * 0.9;
  const double bottom =
      rotate ? 46 + std::min<double>(110, static_cast<double>(longest) * 5.0) : 48;
  const double plot_h = H - top - bottom;

  // Axis limits: data range, widened to nice ticks (linear) or decades (log).
  Scale sx{0, 1, plot.x.log, left, left + plot_w};
  Scale sy{0, 1, plot.y.log, top + plot_h, top};
  std::vector<double> xt, yt;
  std::vector<std::string> xl;
  bool has_data = false;
  for (const Series& ser : plot.series)
    for (size_t i = 0; i < std::min(ser.x.size(), ser.y.size()); ++i)
      has_data |= (x_cat || usable(ser.x[i], plot.x.log)) && usable(ser.y[i], plot.y.log);
  auto limits = [&](const Axis& axis, bool x_axis, Scale& s, std::vector<double>& ticks) {
    auto [lo, hi] = data_range(plot, x_axis);
    bool bars = false;
    for (const Series& ser : plot.series) bars |= ser.kind == Kind::kBars;
    if (!x_axis && bars && !axis.log && lo > 0) lo = 0;
    if (lo > hi) lo = axis.log ? 1 : 0, hi = axis.log ? 10 : 1;
    if (axis.min) lo = *axis.min;
    if (axis.max) hi = *axis.max;
    if (axis.log) {
      lo = std::max(lo, 1e-300);
      hi = std::max(hi, lo);
      int a = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
      int b = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
      if (b <= a) b = a + 1;
      if (!axis.min) lo = std::pow(10.0, a);
      if (!axis.max) hi = std::pow(10.0, b);
      for (int k = a; k <= b; ++k) {
        const double d = std::pow(10.0, k);
        for (double m : (b - a <= 2 ? std::vector<double>{1, 2, 5} : std::vector<double>{1}))
          if (m * d >= lo * (1 - 1e-9) && m * d <= hi * (1 + 1e-9)) ticks.push_back(m * d);
      }
    } else {
      if (hi <= lo) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad, hi += pad;
      }
      ticks = linear_ticks(lo, hi);
      if (!axis.min) lo = std::min(lo, ticks.front());
      if (!axis.max) hi = std::max(hi, ticks.back());
      std::erase_if(
          ticks, [&](double t) { return t < lo - 1e-9 * (hi - lo) || t > hi + 1e-9 * (hi - lo); });
    }
    s.lo = lo, s.hi = hi;
  };
  if (x_cat) {
    sx.lo = -0.5, sx.hi = static_cast<double>(cats.size()) - 0.5, sx.log = false;
    for (size_t i = 0; i < cats.size(); ++i)
      xt.push_back(static_cast<double>(i)), xl.push_back(cats[i]);
  } else {
    limits(plot.x, true, sx, xt);
    for (double t : xt) xl.push_back(tick_label(t));
  }
  limits(plot.y, false, sy, yt);

  std::string o = open_svg("plot", W, H, plot.title);

  // Legend row under the title.
  double lx = left;
  for (const auto& [name, color] : legend) {
    o +=
        fmt::format(R"(<rect x="{}" y="34" width="12" height="12" fill="{}"/>)", fmt_px(lx), color);
    o += fmt::format(R"(<text x="{}" y="44.5" font-size="12" fill="#333">{}</text>)",
                     fmt_px(lx + 16), escape_xml(name));
    lx += 28 + 6.8 * static_cast<double>(name.size());
  }

  // Grid and y ticks.
  for (double t : yt) {
    const double y = sy(t);
    o += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e4e4e4"/>)", left, fmt_px(y),
                     left + plot_w, fmt_px(y));
    o +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#444">{}</text>)",
                    left - 6, fmt_px(y + 4), escape_xml(tick_label(t)));
  }
  // x ticks.
  for (size_t i = 0; i < xt.size(); ++i) {
    const double x = sx(xt[i]);
    const double y0 = top + plot_h;
    o += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666"/>)", fmt_px(x), y0,
                     fmt_px(x), y0 + 5);
    if (rotate) {
      o += fmt::format(
          R"x(<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#444" transform="rotate(-35 {} {})">{}</text>)x",
          fmt_px(x), y0 + 16, fmt_px(x), y0 + 16, escape_xml(xl[i]));
    } else {
      o += fmt::format(
          R"(<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#444">{}</text>)",
          fmt_px(x), y0 + 18, escape_xml(xl[i]));
    }
  }
  // Frame and axis titles.
  o += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#666"/>)",
                   left, top, plot_w, plot_h);
  o += fmt::format(
      R"(<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#222">{}</text>)",
      left + plot_w / 2, H - 8, escape_xml(plot.x.label));
  o += fmt::format(
      R"x(<text x="16" y="{}" text-anchor="middle" font-size="12" fill="#222" transform="rotate(-90 16 {})">{}</text>)x",
      fmt_px(top + plot_h / 2), fmt_px(top + plot_h / 2), escape_xml(plot.y.label));
  o += "\n";

  if (!has_data) {
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#888">{}</text>)",
        left + plot_w / 2, top + plot_h / 2, escape_xml(plot.empty_text));
    o += "</svg>";
    return o;
  }

  const double base = plot.y.log ? sy.lo : std::clamp(0.0, sy.lo, sy.hi);
  for (size_t si = 0; si < plot.series.size(); ++si) {
    const Series& s = plot.series[si];
    const std::string& c = colors[si];
    const size_t n = std::min(s.x.size(), s.y.size());
    auto ok = [&](size_t i) { return usable(s.x[i], sx.log) && usable(s.y[i], sy.log); };
    const std::string op = s.opacity < 1 ? fmt::format(R"( opacity="{:.2f}")", s.opacity) : "";
    o += fmt::format(R"(<g class="series"{}>)", op);
    switch (s.kind) {
      case Kind::kLine:
      case Kind::kStep: {
        std::string pts;
        double prev_y = 0;
        bool first = true;
        for (size_t i = 0; i < n; ++i) {
          if (!ok(i)) continue;
          const double x = sx(s.x[i]), y = sy(s.y[i]);
          if (s.kind == Kind::kStep && !first)
            pts += fmt::format("{},{} ", fmt_px(x), fmt_px(prev_y));
          pts += fmt::format("{},{} ", fmt_px(x), fmt_px(y));
          prev_y = y, first = false;
        }
        if (!pts.empty())
          o += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)",
                           pts, c);
        break;
      }
      case Kind::kPoints:
        for (size_t i = 0; i < n; ++i) {
          if (!ok(i)) continue;
          o += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}"/>)", fmt_px(sx(s.x[i])),
                           fmt_px(sy(s.y[i])), s.marker_r, c);
        }
        break;
      case Kind::kBars:
        for (size_t i = 0; i < n && i < s.x2.size(); ++i) {
          if (!usable(s.x[i], sx.log) || !usable(s.x2[i], sx.log) || !std::isfinite(s.y[i]))
            continue;
          const double x0 = sx(s.x[i]), x1 = sx(s.x2[i]);
          const double yb = sy(base), yv = usable(s.y[i], sy.log) ? sy(s.y[i]) : yb;
          o += fmt::format(
              R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="0.5"><title>{}</title></rect>)",
              fmt_px(std::min(x0, x1)), fmt_px(std::min(yb, yv)), fmt_px(std::abs(x1 - x0)),
              fmt_px(std::abs(yb - yv)), c, escape_xml(tick_label(s.y[i])));
        }
        break;
    }
    // Error bars, with caps.
    if (s.kind != Kind::kBars && s.lo.size() == s.y.size() && s.hi.size() == s.y.size()) {
      for (size_t i = 0; i < n; ++i) {
        if (!usable(s.x[i], sx.log) || !usable(s.lo[i], sy.log) || !usable(s.hi[i], sy.log))
          continue;
        const double x = sx(s.x[i]), y0 = sy(s.lo[i]), y1 = sy(s.hi[i]);
        o += fmt::format(
            R"(<path d="M{0} {1}V{2}M{3} {1}h10M{3} {2}h10" stroke="{4}" stroke-width="1.6" fill="none"/>)",
            fmt_px(x), fmt_px(y0), fmt_px(y1), fmt_px(x - 5), c);
      }
    }
    o += "</g>\n";
  }

  // Reference lines.
  for (const Marker& m : plot.markers) {
    if (!usable(m.x, sx.log)) continue;
    const double x = sx(m.x);
    o += fmt::format(
        R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#444" stroke-dasharray="5 4"/>)",
        fmt_px(x), top, top + plot_h);
    o += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#444">{}</text>)", fmt_px(x + 4),
                     top + 13, escape_xml(m.label));
  }
  o += "</svg>";
  return o;
}

std::string render(const Tornado& t) {
  constexpr double kRowH = 34, kTop = 58, kBottom = 48, kRight = 24;
  size_t longest = 8;
  for (const TornadoRow& r : t.rows) longest = std::max(longest, r.input.size());
  const double left = std::min(320.0, 20 + 6.6 * static_cast<double>(longest));
  const double W = t.width, plot_w = W - left - kRight;
  const double plot_h = kRowH * static_cast<double>(std::max<size_t>(1, t.rows.size()));
  const double H = kTop + plot_h + kBottom;
  double lo = kInf, hi = -kInf;
  auto take = [&](double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  for (double v : {t.base, t.base_lo, t.base_hi}) take(v);
  for (const TornadoRow& r : t.rows)
    for (const TornadoEnd& e : r.ends)
      for (double v : {e.estimate, e.lo, e.hi}) take(v);
  if (!(hi > lo)) {
    const double pad = std::isfinite(lo) && lo != 0 ? std::abs(lo) * 0.1 : 1;
    lo = std::isfinite(lo) ? lo - pad : 0, hi = std::isfinite(hi) ? hi + pad : 1;
  }
  std::vector<double> ticks = linear_ticks(lo, hi);
  lo = std::min(lo, ticks.front()), hi = std::max(hi, ticks.back());
  if (t.min) lo = std::max(lo, *t.min);
  if (t.max) hi = std::min(hi, *t.max);
  std::erase_if(ticks,
                [&](double v) { return v < lo - 1e-9 * (hi - lo) || v > hi + 1e-9 * (hi - lo); });
  const Scale sx{lo, hi, false, left, left + plot_w};

  std::string o = open_svg("plot tornado", W, H, t.title);
  o += fmt::format(
      R"(<text x="{}" y="42" text-anchor="middle" font-size="11.5" fill="#333">bar: lowest to highest estimate over the input's values; whiskers: their 95 % intervals (grey bar: they overlap); band: the base</text>)",
      W / 2);
  o += "\n";
  for (double v : ticks) {
    const double x = sx(v);
    o += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#e4e4e4"/>)", fmt_px(x),
                     kTop, fmt_px(kTop + plot_h));
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#444">{}</text>)",
        fmt_px(x), fmt_px(kTop + plot_h + 18), escape_xml(tick_label(v)));
  }
  o += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#666"/>)",
                   left, kTop, plot_w, fmt_px(plot_h));
  o += fmt::format(
      R"(<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#222">{}</text>)",
      fmt_px(left + plot_w / 2), fmt_px(H - 8), escape_xml(t.metric_label));
  // The base: its interval as a band, its estimate as a line.
  if (std::isfinite(t.base_lo) && std::isfinite(t.base_hi))
    o += fmt::format(
        R"(<rect class="base-band" x="{}" y="{}" width="{}" height="{}" fill="#888" opacity="0.15"/>)",
        fmt_px(sx(t.base_lo)), kTop, fmt_px(std::max(0.0, sx(t.base_hi) - sx(t.base_lo))),
        fmt_px(plot_h));
  if (std::isfinite(t.base))
    o += fmt::format(
        R"(<line class="base" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#222" stroke-width="1.5" stroke-dasharray="5 3"/>)",
        fmt_px(sx(t.base)), kTop, fmt_px(kTop + plot_h));
  o += "\n";
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const TornadoRow& r = t.rows[i];
    const double yc = kTop + kRowH * (static_cast<double>(i) + 0.5);
    const TornadoEnd *low = nullptr, *high = nullptr;
    for (const TornadoEnd& e : r.ends) {
      if (!std::isfinite(e.estimate)) continue;
      if (!low || e.estimate < low->estimate) low = &e;
      if (!high || e.estimate > high->estimate) high = &e;
    }
    // The two ends' intervals overlap: the swing may be noise (a grey bar).
    const bool noise = low && high && low != high && std::isfinite(low->hi) &&
                       std::isfinite(high->lo) && low->hi >= high->lo;
    o += fmt::format(R"(<g class="row{}" data-input="{}">)", noise ? " overlap" : "",
                     escape_xml(r.input));
    o +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#222">{}</text>)",
                    left - 8, fmt_px(yc + 4), escape_xml(r.input));
    if (low && high) {
      const double x0 = sx(low->estimate), x1 = sx(high->estimate);
      o += fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" opacity="0.55"><title>{}: {} to {}{}</title></rect>)",
          fmt_px(x0), fmt_px(yc - 9), fmt_px(std::max(1.0, x1 - x0)), 18,
          noise ? "#8c9aa8" : "#1f77b4", escape_xml(r.input), escape_xml(tick_label(low->estimate)),
          escape_xml(tick_label(high->estimate)), noise ? " (the ends' intervals overlap)" : "");
      std::vector<const TornadoEnd*> ends{low};
      if (high != low) ends.push_back(high);
      for (const TornadoEnd* e : ends) {
        // Two ends' whiskers apart: the lowest's above the middle, the
        // highest's below.
        const double y = ends.size() == 1 ? yc : e == low ? yc - 4 : yc + 4;
        if (std::isfinite(e->lo) && std::isfinite(e->hi))
          o += fmt::format(
              R"(<path d="M{0} {2}H{1}M{0} {3}v6M{1} {3}v6" stroke="#1f3f77" stroke-width="1.4" fill="none"/>)",
              fmt_px(sx(e->lo)), fmt_px(sx(e->hi)), fmt_px(y), fmt_px(y - 3));
        const bool right = e == high;
        o += fmt::format(
            R"(<text x="{}" y="{}" text-anchor="{}" font-size="10.5" fill="#333">{}</text>)",
            fmt_px(right ? std::max(x1, sx(e->hi)) + 4 : std::min(x0, sx(e->lo)) - 4),
            fmt_px(yc + 4), right ? "start" : "end", escape_xml(e->label));
      }
    }
    o += "</g>\n";
  }
  if (t.rows.empty())
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#888">no data</text>)",
        fmt_px(left + plot_w / 2), fmt_px(kTop + plot_h / 2));
  o += "</svg>";
  return o;
}

std::string render(const Heatmap& h) {
  constexpr double kTop = 62, kBottom = 52, kRight = 24, kCellMaxH = 56;
  size_t longest = 2;
  for (const auto& v : h.y_values) longest = std::max(longest, v.size());
  const double left = std::min(240.0, 24 + 6.6 * static_cast<double>(longest));
  const double W = h.width, plot_w = W - left - kRight;
  const double nx = static_cast<double>(std::max<size_t>(1, h.x_values.size()));
  const double ny = static_cast<double>(std::max<size_t>(1, h.y_values.size()));
  const double cw = plot_w / nx, ch = std::min(kCellMaxH, std::max(30.0, cw * 0.6));
  const double plot_h = ch * ny, H = kTop + plot_h + kBottom + 22;
  double lo = kInf, hi = -kInf;
  for (const HeatCell& c : h.cells)
    if (std::isfinite(c.estimate)) lo = std::min(lo, c.estimate), hi = std::max(hi, c.estimate);
  auto shade = [&](double v) {  // white to dark blue
    const double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + f * (b - a))); };
    return fmt::format("#{:02x}{:02x}{:02x}", mix(0xf1, 0x08), mix(0xf6, 0x30), mix(0xfb, 0x6b));
  };
  std::string o = open_svg("plot heatmap", W, H, h.title);
  for (size_t i = 0; i < h.x_values.size(); ++i)
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#444">{}</text>)",
        fmt_px(left + cw * (static_cast<double>(i) + 0.5)), fmt_px(kTop + plot_h + 16),
        escape_xml(h.x_values[i]));
  for (size_t j = 0; j < h.y_values.size(); ++j)
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#444">{}</text>)", left - 6,
        fmt_px(kTop + ch * (static_cast<double>(j) + 0.5) + 4), escape_xml(h.y_values[j]));
  o += fmt::format(
      R"(<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#222">{}</text>)",
      fmt_px(left + plot_w / 2), fmt_px(kTop + plot_h + 36), escape_xml(h.x_label));
  // The y key above its values, level (a key is often too long to stand).
  o += fmt::format(R"(<text x="8" y="{}" font-size="12" fill="#222">{} ↓</text>)",
                   fmt_px(kTop - 10), escape_xml(h.y_label));
  for (const HeatCell& c : h.cells) {
    if (c.x >= h.x_values.size() || c.y >= h.y_values.size()) continue;
    const double x = left + cw * static_cast<double>(c.x), y = kTop + ch * static_cast<double>(c.y);
    const bool ok = std::isfinite(c.estimate);
    const bool dark = ok && hi > lo && (c.estimate - lo) / (hi - lo) > 0.55;
    const std::string text = ok ? tick_label(c.estimate) : "—";
    const std::string ci = ok && std::isfinite(c.lo) && std::isfinite(c.hi)
                               ? fmt::format("[{:.3g}, {:.3g}]", c.lo, c.hi)
                               : "";
    o += fmt::format(
        R"(<g class="cell" data-x="{}" data-y="{}"><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"><title>{} = {}, {} = {}: {} {}</title></rect>)",
        c.x, c.y, fmt_px(x), fmt_px(y), fmt_px(cw), fmt_px(ch), ok ? shade(c.estimate) : "#eee",
        escape_xml(h.x_label), escape_xml(h.x_values[c.x]), escape_xml(h.y_label),
        escape_xml(h.y_values[c.y]), escape_xml(text), escape_xml(ci));
    o += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>)",
        fmt_px(x + cw / 2), fmt_px(y + ch / 2 - (ci.empty() ? -4 : 2)), dark ? "#fff" : "#222",
        escape_xml(text));
    if (!ci.empty() && cw > 70)
      o += fmt::format(
          R"(<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{}</text>)",
          fmt_px(x + cw / 2), fmt_px(y + ch / 2 + 12), dark ? "#dde" : "#555", escape_xml(ci));
    o += "</g>";
  }
  o += fmt::format(
      R"(<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#444">colour: {} (light {} → dark {})</text>)",
      fmt_px(W - kRight), fmt_px(H - 6), escape_xml(h.metric_label),
      escape_xml(std::isfinite(lo) ? tick_label(lo) : "—"),
      escape_xml(std::isfinite(hi) ? tick_label(hi) : "—"));
  o += "</svg>";
  return o;
}

}  // namespace canopy::io::svg
