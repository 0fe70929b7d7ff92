// A small plotting helper that writes a chart as a standalone inline SVG
// element: axes with ticks and tick labels, axis titles with units, a title,
// a legend, and series drawn as lines, steps, points (with optional error
// bars) or bars. Linear, base-10 logarithmic or categorical axes. No script,
// no external resource: the SVG is meant to be pasted into report.html.
//
//   svg::Plot p;
//   p.title = "Interceptors fired";
//   p.x.label = "simulated time (s)";
//   p.y.label = "interceptors (cumulative)";
//   svg::Series s = svg::series("total", svg::Kind::kStep);
//   s.x = ts, s.y = counts;
//   p.series.push_back(s);
//   std::string svg_text = svg::render(p);
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace canopy::io::svg {

enum class Kind {
  kLine,    // polyline through (x, y)
  kStep,    // staircase: y holds from x[i] to x[i+1]
  kPoints,  // markers at (x, y); with lo/hi, vertical error bars
  kBars,    // rectangles from x to x2 (right edges), from the axis base to y
};

struct Series {
  std::string name;  // legend entry; empty: not in the legend
  Kind kind = Kind::kLine;
  std::vector<double> x, y;
  std::vector<double> x2;      // kBars: right edges (same size as x)
  std::vector<double> lo, hi;  // optional error bars (same size as y), drawn for kPoints and kLine
  std::string color;           // CSS colour; empty: the palette's next
  double marker_r = 3.5;       // kPoints marker radius, px
  double opacity = 1.0;        // fill/stroke opacity (a light scatter behind summaries)
};

// A series with a name, kind and colour (data to be filled in).
inline Series series(std::string name, Kind kind, std::string color = {}) {
  Series s;
  s.name = std::move(name);
  s.kind = kind;
  s.color = std::move(color);
  return s;
}

struct Axis {
  std::string label;                    // title with unit, e.g. "miss distance (m)"
  bool log = false;                     // base-10; non-positive values are dropped
  std::optional<double> min, max;       // fixed limits; otherwise from the data
  std::vector<std::string> categories;  // non-empty: categorical axis, x = 0, 1, ... n-1
};

// A vertical reference line with a label (e.g. a threshold).
struct Marker {
  double x = 0;
  std::string label;
};

struct Plot {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<Marker> markers;
  int width = 720;
  int height = 340;
  std::string empty_text = "no data";  // shown instead of series when none has a point
};

// The chart as one <svg> element (UTF-8; text escaped for XML).
std::string render(const Plot& plot);

// A tornado chart (one-at-a-time sensitivity): one row per input, a bar
// from the metric at the input's lowest value to the metric at its highest,
// with each end's interval as a whisker and the base value as a vertical
// line with its interval as a band. Rows are drawn in the order given (the
// caller sorts them by swing); an end whose estimate is not finite is left
// out. A row whose lowest and highest ends have overlapping intervals is
// drawn grey (class "row overlap"): its swing may be noise.
struct TornadoEnd {
  std::string label;  // the input's value, e.g. "0.7"
  double estimate = 0, lo = 0, hi = 0;
};
struct TornadoRow {
  std::string input;             // e.g. "interceptor_types[0].pk"
  std::vector<TornadoEnd> ends;  // every value of the input (the bar spans their estimates)
};
struct Tornado {
  std::string title, metric_label;  // x axis: the metric with its unit
  double base = 0, base_lo = 0, base_hi = 0;
  std::optional<double> min, max;  // the metric's range (clips the axis)
  std::vector<TornadoRow> rows;
  int width = 720;
};
std::string render(const Tornado& tornado);

// A heat map of a metric over two swept keys: one cell per combination,
// coloured by the estimate (light to dark on one hue), labelled with the
// estimate and its interval.
struct HeatCell {
  size_t x = 0, y = 0;  // indices into the axes' categories
  double estimate = 0, lo = 0, hi = 0;
};
struct Heatmap {
  std::string title, x_label, y_label, metric_label;
  std::vector<std::string> x_values, y_values;
  std::vector<HeatCell> cells;
  int width = 720;
};
std::string render(const Heatmap& heatmap);

// "Nice" tick positions covering [lo, hi] (about `target` of them) on a
// linear axis: multiples of 1, 2 or 5 × 10^k.
std::vector<double> linear_ticks(double lo, double hi, int target = 6);

// A compact number for a tick label: 0.001, 0.5, 12, 2500, 1.2e+06.
std::string tick_label(double v);

// Escapes &, <, >, " and ' for XML/HTML text and attributes; control
// characters (but tab, newline, return) become their Unicode control pictures.
std::string escape_xml(std::string_view text);

// The palette the plots use, in order.
const std::vector<std::string>& palette();

}  // namespace canopy::io::svg
