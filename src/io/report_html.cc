#include "canopy/io/report_html.h"

#include <fmt/format.h>

#include <cmath>

#include "canopy/io/svg_plot.h"

namespace canopy::io::html {
namespace {

constexpr std::string_view kCss = R"css(
:root { --ink: #1d2430; --muted: #5b6472; --line: #dde2e8; --band: #12324f; --accent: #1f77b4; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--bg); }
header.band { background: var(--band); color: #fff; padding: 22px 32px 18px; }
header.band h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: .2px; }
header.band .facts { color: #c9d6e3; font-size: 14px; }
header.band .facts b { color: #fff; font-weight: 600; }
.layout { display: flex; align-items: flex-start; max-width: 1320px; margin: 0 auto; }
nav.toc { position: sticky; top: 0; flex: 0 0 220px; padding: 20px 12px 20px 24px; font-size: 14px; }
nav.toc h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 8px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc li { margin: 2px 0; }
nav.toc a { color: var(--ink); text-decoration: none; display: block; padding: 3px 8px; border-radius: 4px; }
nav.toc a:hover { background: #e6ebf1; }
main { flex: 1 1 auto; min-width: 0; padding: 8px 32px 40px 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 6px 24px 18px; margin: 18px 0; }
section h2 { font-size: 19px; margin: 14px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
section h3 { font-size: 15px; margin: 18px 0 6px; color: #2b3545; }
p { margin: 8px 0; }
p.note { color: var(--muted); font-size: 13.5px; }
p.warning { background: #fff4e5; border-left: 4px solid #e8890c; padding: 6px 10px; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table.data { border-collapse: collapse; margin: 8px 0 4px; font-size: 14px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 5px 12px; border-bottom: 1px solid var(--line); }
table.data th { background: #f0f3f6; font-weight: 600; text-align: right; white-space: nowrap; }
table.data td { text-align: right; white-space: nowrap; }
table.data th.label, table.data td.label { text-align: left; }
table.data tr:hover td { background: #fafbfc; }
.caption { color: var(--muted); font-size: 13px; margin: 2px 0 14px; max-width: 900px; }
figure { margin: 14px 0 22px; }
figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 13px; max-width: 820px; margin-top: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0 6px; }
.card { flex: 1 1 170px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fbfcfd; }
.card .label { color: var(--muted); font-size: 12.5px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .detail { color: var(--muted); font-size: 12.5px; }
#canopy-viewer { min-height: 200px; }
.unavailable { border: 1px dashed #c7ced8; border-radius: 6px; padding: 14px; color: var(--muted); }
footer { color: var(--muted); font-size: 12.5px; text-align: center; padding: 12px 0 30px; }
@media (max-width: 900px) { .layout { display: block; } nav.toc { position: static; } main { padding: 8px 12px 30px; } }
@media print { nav.toc { display: none; } section { break-inside: avoid-page; } body { background: #fff; } }
)css";

std::string group_thousands(std::string digits) {
  // digits: optional '-' then decimal digits.
  const bool neg = !digits.empty() && digits[0] == '-';
  std::string body = neg ? digits.substr(1) : digits;
  std::string out;
  const int n = static_cast<int>(body.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += "\u2009";  // thin space
    out += body[static_cast<size_t>(i)];
  }
  return (neg ? "-" : "") + out;
}

}  // namespace

std::string esc(std::string_view text) { return svg::escape_xml(text); }

std::string integer(long long v) { return group_thousands(fmt::format("{}", v)); }

std::string num(double v) {
  if (!std::isfinite(v)) return "—";
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e5 || (a >= 1000 && v == std::round(v))) return integer(std::llround(v));
  if (a < 1e-3) return fmt::format("{:.3g}", v);
  std::string s = fmt::format("{:.4g}", v);
  if (s.find('e') != std::string::npos) s = fmt::format("{:.0f}", v);
  return s;
}

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "—";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return integer(v.get<long long>());
  if (v.is_number()) return num(v.get<double>());
  if (v.is_string()) return esc(v.get<std::string>());
  return esc(v.dump());
}

std::string percent(double p) {
  if (!std::isfinite(p)) return "—";
  return fmt::format("{:.1f}\u2009%", 100 * p);
}

std::string with_ci(double estimate, double lo, double hi) {
  return fmt::format("{} <span class=\"ci\">[{}, {}]</span>", num(estimate), num(lo), num(hi));
}

std::string render(const Table& t) {
  // Wide tables (a sweep's 37 metrics) scroll inside the page.
  std::string o = "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>";
  for (size_t i = 0; i < t.head.size(); ++i)
    o += fmt::format("<th{}>{}</th>", i == 0 && t.first_column_label ? " class=\"label\"" : "",
                     t.head[i]);
  o += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    o += "<tr>";
    for (size_t i = 0; i < row.size(); ++i)
      o += fmt::format("<td{}>{}</td>", i == 0 && t.first_column_label ? " class=\"label\"" : "",
                       row[i]);
    o += "</tr>\n";
  }
  o += "</tbody></table></div>\n";
  if (!t.caption.empty()) o += fmt::format("<p class=\"caption\">{}</p>\n", t.caption);
  return o;
}

void Page::section(std::string_view id, std::string_view title) {
  if (open_) body_ += "</section>\n";
  body_ += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", esc(id), esc(title));
  toc_.emplace_back(id, title);
  open_ = true;
}

void Page::subsection(std::string_view title) { body_ += fmt::format("<h3>{}</h3>\n", esc(title)); }

void Page::para(std::string_view html) { body_ += fmt::format("<p>{}</p>\n", html); }

void Page::warning(std::string_view html) {
  body_ += fmt::format("<p class=\"warning\">{}</p>\n", html);
}

void Page::note(std::string_view html) { body_ += fmt::format("<p class=\"note\">{}</p>\n", html); }

void Page::figure(std::string_view svg, std::string_view caption_html) {
  body_ += fmt::format("<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n", svg, caption_html);
}

void Page::cards(const std::vector<Card>& cards) {
  body_ += "<div class=\"cards\">";
  for (const Card& c : cards)
    body_ += fmt::format(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div "
        "class=\"detail\">{}</div></div>",
        esc(c.label), c.value, c.detail);
  body_ += "</div>\n";
}

std::string Page::finish(std::string_view tail_html) {
  if (open_) body_ += "</section>\n";
  open_ = false;
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<meta name=\"generator\" content=\"canopy report\">\n";
  o += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", esc(title_), kCss);
  o += fmt::format("<header class=\"band\"><h1>{}</h1><div class=\"facts\">{}</div></header>\n",
                   esc(title_), subtitle_);
  o += "<div class=\"layout\">\n<nav class=\"toc\"><h2>Contents</h2><ol>\n";
  for (const auto& [id, title] : toc_)
    o += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", esc(id), esc(title));
  o += "</ol></nav>\n<main>\n";
  o += body_;
  o += "</main>\n</div>\n<footer>Generated by <code>canopy report</code>. Simulation output; "
       "see docs/report.md for how each figure is computed.</footer>\n";
  o += tail_html;
  o += "</body>\n</html>\n";
  return o;
}

}  // namespace canopy::io::html
