#include "canopy/io/detections_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include "canopy/core/input_file.h"
#include "canopy/io/csv.h"

namespace canopy::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

core::Result<Detections> read_detections(std::istream& in, const std::string& file,
                                         const DetectionsOptions& options) {
  auto fail = [&](long line, std::string_view column, const std::string& message) {
    return core::fail(column.empty()
                          ? fmt::format("{}:{}: {}", file, line, message)
                          : fmt::format("{}:{}: column {}: {}", file, line, column, message));
  };
  Detections out;
  long line_no = 0;
  std::map<std::string, int> col;
  std::vector<std::string> names;
  bool have_header = false;
  int n_cols = 0;
  double latest = -std::numeric_limits<double>::infinity();
  const std::vector<std::string> cartesian = {"time_s", "x_m", "y_m", "z_m"};
  const std::vector<std::string> polar = {"time_s", "sensor", "range_m", "azimuth_rad",
                                          "elevation_rad"};
  std::vector<std::string> numeric;
  bool rate = false;

  CsvReader reader(in, kMaxLineBytes, file);
  while (true) {
    auto record = reader.next();
    if (!record) break;
    if (!*record) return std::unexpected(record->error());
    line_no = (*record)->first_line;
    const std::vector<CsvCell>& cells = (*record)->cells;
    if (cells.size() == 1 && !cells[0].quoted && trim(cells[0].text).empty()) continue;
    for (const CsvCell& cell : cells) {
      if (!cell.quoted && cell.text.find('\0') != std::string::npos)
        return fail(line_no, "", "NUL byte in line");
    }

    if (!have_header) {
      for (size_t i = 0; i < cells.size(); ++i) {
        std::string name(trim(cells[i].text));
        if (i == 0 && name.size() >= 3 && name.compare(0, 3, "\xEF\xBB\xBF") == 0)
          name.erase(0, 3);  // byte-order mark
        if (col.count(name)) return fail(line_no, name, "appears twice in the header");
        col[name] = static_cast<int>(i);
      }
      n_cols = static_cast<int>(cells.size());
      auto has_all = [&](const std::vector<std::string>& want) {
        return std::all_of(want.begin(), want.end(), [&](const auto& k) { return col.count(k); });
      };
      if (has_all(polar)) {
        out.polar = true;
        names = polar;
        rate = col.count("range_rate_mps") > 0;
        numeric = {"time_s", "range_m", "azimuth_rad", "elevation_rad"};
        if (rate) numeric.push_back("range_rate_mps");
      } else if (has_all(cartesian)) {
        names = cartesian;
        numeric = cartesian;
      } else {
        return fail(line_no, "",
                    "the header must name the columns time_s,x_m,y_m,z_m (Cartesian) or "
                    "time_s,sensor,range_m,azimuth_rad,elevation_rad (radar polar)");
      }
      have_header = true;
      continue;
    }

    if (static_cast<int>(cells.size()) != n_cols)
      return fail(
          line_no, "",
          fmt::format("expected {} columns as in the header, got {}", n_cols, cells.size()));
    std::map<std::string, double> v;
    for (const std::string& k : numeric) {
      const std::string_view cell = cells[col[k]].text;
      // An empty cell is an axis not measured in this row (checked below).
      if (out.polar && k != "time_s" && k != "azimuth_rad" && trim(cell).empty()) continue;
      const auto x = parse_double(cell);
      if (!x) return fail(line_no, k, fmt::format("'{}' is not a number", trim(cell)));
      if (!std::isfinite(*x)) return fail(line_no, k, "must be finite (not NaN or infinite)");
      v[k] = *x;
    }
    tracking::Measurement m;
    m.id = static_cast<std::uint64_t>(line_no);
    m.t_s = v["time_s"];
    if (m.t_s < latest - options.reorder_window_s)
      return fail(line_no, "time_s",
                  fmt::format("time goes back from {} s to {} s, more than the reorder window "
                              "({} s)",
                              latest, m.t_s, options.reorder_window_s));
    latest = std::max(latest, m.t_s);
    if (out.polar) {
      const CsvCell& named = cells[col["sensor"]];
      const std::string sensor = named.quoted ? named.text : std::string(trim(named.text));
      const auto it = std::find(options.sensor_names.begin(), options.sensor_names.end(), sensor);
      if (it == options.sensor_names.end())
        return fail(line_no, "sensor",
                    fmt::format("unknown sensor '{}' (the sensors file names {})", sensor,
                                options.sensor_names.empty()
                                    ? std::string("none")
                                    : fmt::format("{}", fmt::join(options.sensor_names, ", "))));
      m.sensor = static_cast<int>(it - options.sensor_names.begin());
      const PolarAxes axes = options.sensor_axes.empty()
                                 ? PolarAxes{.range_rate = v.contains("range_rate_mps")}
                                 : options.sensor_axes[static_cast<size_t>(m.sensor)];
      // Each axis the sensor measures, and no other.
      for (const auto& [key, measured] : {std::pair{"range_m", axes.range},
                                          {"elevation_rad", axes.elevation},
                                          {"range_rate_mps", axes.range_rate}}) {
        if (measured && !v.contains(key))
          return fail(line_no, key, fmt::format("sensor '{}' measures it: give a number", sensor));
        if (!measured && v.contains(key))
          return fail(line_no, key,
                      fmt::format("sensor '{}' does not measure it: leave the cell empty", sensor));
      }
      if (axes.range && v["range_m"] <= 0) return fail(line_no, "range_m", "must be positive");
      if (axes.elevation && std::abs(v["elevation_rad"]) > 1.5707963267948966)
        return fail(line_no, "elevation_rad", "must lie within [-pi/2, pi/2]");
      if (std::abs(v["azimuth_rad"]) > 100) return fail(line_no, "azimuth_rad", "out of range");
      m.kind = tracking::Measurement::Kind::kPolar;
      m.z.resize(1 + axes.range + axes.elevation + axes.range_rate);
      int k = 0;
      if (axes.range) m.z(k++) = v["range_m"];
      m.z(k++) = v["azimuth_rad"];
      if (axes.elevation) m.z(k++) = v["elevation_rad"];
      if (axes.range_rate) m.z(k) = v["range_rate_mps"];
    } else {
      m.sensor = 0;
      m.kind = tracking::Measurement::Kind::kCartesian;
      m.z.resize(3);
      m.z << v["x_m"], v["y_m"], v["z_m"];
    }
    out.measurements.push_back(m);
  }
  if (in.bad()) return fail(line_no, "", "read error");
  if (!have_header) return fail(0, "", "the file is empty: it needs a header line");
  std::stable_sort(out.measurements.begin(), out.measurements.end(),
                   [](const auto& a, const auto& b) { return a.t_s < b.t_s; });
  return out;
}

core::Result<Detections> read_detections_file(const std::string& path,
                                              const DetectionsOptions& options) {
  auto text = core::read_input_file(path);
  if (!text)
    return core::fail(fmt::format("{}: cannot read the file: {}", path, text.error().message));
  std::istringstream in(std::move(*text));
  return read_detections(in, path, options);
}

}  // namespace canopy::io
