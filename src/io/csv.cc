#include "canopy/io/csv.h"

#include <fmt/format.h>

namespace canopy::io {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::optional<core::Result<CsvRecord>> CsvReader::next() {
  CsvRecord rec;
  rec.first_line = line_ + 1;
  CsvCell cell;
  std::size_t bytes = 0;
  bool any = false, in_quotes = false, after_quote = false;
  char c;
  while (in_.get(c)) {
    any = true;
    if (++bytes > max_bytes_)
      return core::fail(
          fmt::format("{}:{}: record longer than {} bytes", file_, rec.first_line, max_bytes_));
    if (in_quotes) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get(c);
          cell.text += '"';
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line_;
        cell.text += c;
      }
      continue;
    }
    if (c == '\n') {
      ++line_;
      break;
    }
    if (c == ',') {
      rec.cells.push_back(std::move(cell));
      cell = {};
      after_quote = false;
      continue;
    }
    if (c == '"' && !cell.quoted && cell.text.find_first_not_of(" \t") == std::string::npos) {
      cell = {"", true};
      in_quotes = true;
      continue;
    }
    if (after_quote && c != ' ' && c != '\t' && c != '\r')
      return core::fail(
          fmt::format("{}:{}: text after a quoted cell's closing quote", file_, line_ + 1));
    if (!after_quote) cell.text += c;
  }
  if (!any) return std::nullopt;
  if (in_quotes)
    return core::fail(fmt::format("{}:{}: a quoted cell is not closed", file_, rec.first_line));
  if (!in_ && !in_.eof()) return core::fail(fmt::format("{}:{}: read error", file_, line_ + 1));
  rec.cells.push_back(std::move(cell));
  return rec;
}

}  // namespace canopy::io
