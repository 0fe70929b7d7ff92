// Building blocks of report.html: readable numbers, tables, figures and a
// page with a header and a table of contents, all in one self-contained
// document (inline CSS, no external resource). Internal to report.cc.
//
//   html::Page page("canopy report: default");
//   page.section("damage", "Damage by area");
//   page.table(t);
//   std::string doc = page.finish("");
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace canopy::io::html {

// Escaped text for HTML content and attributes.
std::string esc(std::string_view text);

// Readable numbers: "—" for non-finite; integers and |v| ≥ 1e5 with thin
// spaces between thousands; otherwise 4 significant digits, no exponent
// above 1e-3.
std::string num(double v);
std::string integer(long long v);
// A JSON value as a table cell (numbers via num/integer, null as "—").
std::string cell(const nlohmann::json& v);
// 0.1034 -> "10.3 %"
std::string percent(double p);
// "0.103 [0.048, 0.208]"
std::string with_ci(double estimate, double lo, double hi);

struct Table {
  std::vector<std::string> head;               // HTML (already escaped)
  std::vector<std::vector<std::string>> rows;  // HTML cells
  std::string caption;                         // HTML, under the table
  bool first_column_label = true;              // first column left-aligned, the rest right
};
std::string render(const Table& table);

class Page {
 public:
  explicit Page(std::string title) : title_(std::move(title)) {}

  // The header band: title and a line of facts (HTML).
  void header(std::string_view subtitle_html) { subtitle_ = subtitle_html; }
  // Opens a section (closing the previous one) and lists it in the contents.
  void section(std::string_view id, std::string_view title);
  void subsection(std::string_view title);
  void raw(std::string_view html) { body_ += html; }
  void para(std::string_view html);
  void note(std::string_view html);     // a muted remark
  void warning(std::string_view html);  // a highlighted warning
  void table(const Table& table) { body_ += render(table); }
  void figure(std::string_view svg, std::string_view caption_html);
  // Key figures as a row of cards: label, value (HTML), detail (HTML).
  struct Card {
    std::string label, value, detail;
  };
  void cards(const std::vector<Card>& cards);

  // The whole document; `tail_html` goes at the end of <body> (scripts).
  std::string finish(std::string_view tail_html);

 private:
  std::string title_, subtitle_, body_;
  std::vector<std::pair<std::string, std::string>> toc_;  // id, title
  bool open_ = false;
};

}  // namespace canopy::io::html
