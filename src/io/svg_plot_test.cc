// The SVG plotting helper: nice ticks, escaped text, honest axes.
#include "canopy/io/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>

namespace canopy::io::svg {
namespace {

size_t count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgPlot, LinearTicksAreRoundNumbersCoveringTheRange) {
  const auto t = linear_ticks(0, 619, 6);
  ASSERT_GE(t.size(), 4u);
  EXPECT_DOUBLE_EQ(t.front(), 0);
  EXPECT_GE(t.back(), 619);
  const double step = t[1] - t[0];
  EXPECT_DOUBLE_EQ(step, 200);  // 1, 2 or 5 × 10^k
  for (size_t i = 1; i < t.size(); ++i) EXPECT_NEAR(t[i] - t[i - 1], step, 1e-9);
  const auto small = linear_ticks(0.013, 0.047, 5);
  EXPECT_LE(small.front(), 0.013);
  EXPECT_GE(small.back(), 0.047 - 1e-12);
}

TEST(SvgPlot, TickLabelsAreCompact) {
  EXPECT_EQ(tick_label(0), "0");
  EXPECT_EQ(tick_label(0.5), "0.5");
  EXPECT_EQ(tick_label(2500), "2500");
  EXPECT_EQ(tick_label(0.001), "0.001");
  EXPECT_EQ(tick_label(1e7), "1e+07");
}

TEST(SvgPlot, RendersAxesTitleAndEscapedText) {
  Plot p;
  p.title = "A < B & \"C\"";
  p.x.label = "time (s)";
  p.y.label = "count";
  Series s = series("north <1>", Kind::kStep);
  s.x = {0, 10, 20};
  s.y = {0, 1, 2};
  p.series.push_back(s);
  const std::string svg = render(p);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_NE(svg.find("<title>A &lt; B &amp; &quot;C&quot;</title>"), std::string::npos);
  EXPECT_NE(svg.find("north &lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">time (s)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">count</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(svg.find("http"), std::string::npos);
}

TEST(SvgPlot, ErrorBarsAreDrawnPerPoint) {
  Plot p;
  p.x.categories = {"leak", "interception"};
  Series s = series("", Kind::kPoints);
  s.x = {0, 1};
  s.y = {0.1, 0.9};
  s.lo = {0.05, 0.8};
  s.hi = {0.2, 0.95};
  p.series.push_back(s);
  const std::string svg = render(p);
  EXPECT_EQ(count(svg, "<circle"), 2u);
  EXPECT_EQ(count(svg, "<path d=\"M"), 2u);
  EXPECT_NE(svg.find(">interception</text>"), std::string::npos);
}

TEST(SvgPlot, LogAxisDropsNonPositiveValuesAndLabelsDecades) {
  Plot p;
  p.y.log = true;
  Series s = series("", Kind::kPoints);
  s.x = {1, 2, 3, 4};
  s.y = {0.02, 0, -1, 300};
  p.series.push_back(s);
  const std::string svg = render(p);
  EXPECT_EQ(count(svg, "<circle"), 2u);
  for (const char* decade : {">0.01<", ">0.1<", ">1<", ">10<", ">100<", ">1000<"})
    EXPECT_NE(svg.find(decade), std::string::npos) << decade;
}

TEST(SvgPlot, AnEmptyPlotSaysSo) {
  Plot p;
  p.title = "nothing";
  p.empty_text = "no intercepts";
  const std::string svg = render(p);
  EXPECT_NE(svg.find("no intercepts"), std::string::npos);
  EXPECT_EQ(svg.find("<circle"), std::string::npos);
}

TEST(SvgPlot, BarsSpanTheirEdges) {
  Plot p;
  p.x.min = 0, p.x.max = 10;
  Series s = series("bins", Kind::kBars);
  s.x = {0, 5};
  s.x2 = {5, 10};
  s.y = {3, 7};
  p.series.push_back(s);
  const std::string svg = render(p);
  EXPECT_EQ(count(svg, "<rect x="), 2u + 2u + 1u);  // background, frame, legend swatch, two bars
}

TEST(SvgTornado, BarsSpanTheLowestToTheHighestEstimate) {
  Tornado t;
  t.title = "Sensitivity of leak rate";
  t.metric_label = "leak rate";
  t.base = 0.2, t.base_lo = 0.15, t.base_hi = 0.25;
  t.min = 0, t.max = 1;
  t.rows.push_back(
      {"pk", {{"0.7", 0.3, 0.25, 0.35}, {"0.9", 0.1, 0.07, 0.14}, {"0.8", 0.2, 0.15, 0.25}}});
  t.rows.push_back({"sigma <&>", {{"5", 0.21, 0.16, 0.26}}});
  const std::string svg = render(t);
  EXPECT_EQ(count(svg, "<g class=\"row\""), 2u);  // pk's ends' intervals are apart
  EXPECT_NE(svg.find("data-input=\"sigma &lt;&amp;&gt;\""), std::string::npos);
  EXPECT_NE(svg.find("<title>pk: 0.1 to 0.3</title>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"base\""), 1u);
  EXPECT_EQ(count(svg, "class=\"base-band\""), 1u);
  // Two whiskers for pk (its lowest and highest), one for sigma.
  EXPECT_EQ(count(svg, "<path d=\"M"), 3u);
  EXPECT_NE(svg.find(">0.7</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0.9</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">0.8</text>"), std::string::npos);  // neither end
}

TEST(SvgTornado, ARowWhoseEndsIntervalsOverlapIsGrey) {
  Tornado t;
  t.title = "leak rate";
  t.base = 0.2, t.base_lo = 0.15, t.base_hi = 0.25;
  t.rows.push_back({"apart", {{"a", 0.1, 0.05, 0.14}, {"b", 0.3, 0.25, 0.35}}});
  t.rows.push_back({"overlap", {{"a", 0.18, 0.12, 0.24}, {"b", 0.22, 0.16, 0.28}}});
  t.rows.push_back({"touching", {{"a", 0.1, 0.05, 0.2}, {"b", 0.3, 0.2, 0.35}}});
  const std::string svg = render(t);
  EXPECT_EQ(count(svg, "<g class=\"row overlap\""), 2u);
  EXPECT_NE(svg.find("<g class=\"row\" data-input=\"apart\">"), std::string::npos);
  EXPECT_NE(svg.find("overlap: 0.18 to 0.22 (the ends' intervals overlap)"), std::string::npos);
}

TEST(SvgHeatmap, OneCellPerCombinationDarkerForHigher) {
  Heatmap h;
  h.title = "leak rate";
  h.x_label = "a", h.y_label = "b";
  h.x_values = {"1", "2"}, h.y_values = {"x", "y"};
  h.cells = {{0, 0, 0.1, 0.05, 0.2}, {1, 0, 0.5, 0.4, 0.6}, {0, 1, std::nan(""), 0, 0}};
  const std::string svg = render(h);
  EXPECT_EQ(count(svg, "<g class=\"cell\""), 3u);
  EXPECT_NE(svg.find("fill=\"#f1f6fb\""), std::string::npos);  // the lowest: lightest
  EXPECT_NE(svg.find("fill=\"#08306b\""), std::string::npos);  // the highest: darkest
  EXPECT_NE(svg.find(">—</text>"), std::string::npos);         // no estimate
  EXPECT_NE(svg.find("[0.4, 0.6]"), std::string::npos);
}

}  // namespace
}  // namespace canopy::io::svg
