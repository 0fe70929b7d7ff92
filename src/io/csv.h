// CSV as RFC 4180 has it: a cell holding a comma, a quote, a newline or a
// return is quoted (quotes doubled inside); a quoted cell read back may
// span lines.
//
//   row += io::csv_field(sensor.name);
//   io::CsvReader reader(in, /*max_record_bytes=*/1 << 20);
//   while (auto rec = reader.next()) { if (!*rec) error((*rec).error()); ... }
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canopy/core/error.h"

namespace canopy::io {

// The text as one CSV cell.
std::string csv_field(std::string_view text);

struct CsvCell {
  std::string text;     // unquoted
  bool quoted = false;  // was given in quotes (kept exactly; others may be trimmed)
};

struct CsvRecord {
  std::vector<CsvCell> cells;
  long first_line = 0;  // 1-based line the record starts on
};

class CsvReader {
 public:
  // `file` names the input in errors.
  CsvReader(std::istream& in, std::size_t max_record_bytes, std::string file)
      : in_(in), max_bytes_(max_record_bytes), file_(std::move(file)) {}
  // The next record, nullopt at the end, or an error ("FILE:12: a quoted
  // cell is not closed", "FILE:3: record longer than N bytes").
  std::optional<core::Result<CsvRecord>> next();

 private:
  std::istream& in_;
  std::size_t max_bytes_;
  std::string file_;
  long line_ = 0;
};

}  // namespace canopy::io
