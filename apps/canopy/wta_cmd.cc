// `canopy wta`: the static weapon-target assignment solver (docs/wta.md).
#include "wta_cmd.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "canopy/core/atomic_file.h"
#include "canopy/core/input_file.h"
#include "canopy/engage/wta.h"
#include "commands.h"
#include "exit_codes.h"
#include "messages.h"

namespace canopy {
namespace {

using nlohmann::json;

// Reads and checks an instance; the error names what and where.
core::Result<engage::WtaProblem> read_instance(const std::string& path) {
  auto text = core::read_input_file(path);
  if (!text)
    return core::fail(fmt::format("{}: cannot read the file: {}", path, text.error().message));
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::parse_error& e) {
    return core::fail(fmt::format("{}: not valid JSON (byte {}): {}", path, e.byte, e.what()));
  } catch (const json::exception& e) {  // e.g. 1e999: a number out of range
    return core::fail(fmt::format("{}: not valid input: {}", path, e.what()));
  }
  return wta_instance(doc, path);
}

}  // namespace

core::Result<engage::WtaProblem> wta_instance(const nlohmann::json& doc, const std::string& path) {
  if (!doc.is_object()) return core::fail(fmt::format("{}: expected a JSON object", path));
  for (const char* key : {"values", "p", "counts"}) {
    if (!doc.contains(key)) return core::fail(fmt::format("{}: missing key '{}'", path, key));
    if (!doc[key].is_array())
      return core::fail(fmt::format("{}: '{}' must be an array", path, key));
  }
  // A finite number, or an error naming the element.
  auto number = [&](const json& v, const std::string& where) -> core::Result<double> {
    if (!v.is_number()) return core::fail(fmt::format("{}: {} is not a number", path, where));
    const double x = v.get<double>();
    if (!std::isfinite(x)) return core::fail(fmt::format("{}: {} is not finite", path, where));
    return x;
  };
  engage::WtaProblem pb;
  const json& values = doc["values"];
  const json& p = doc["p"];
  const json& counts = doc["counts"];
  for (size_t j = 0; j < values.size(); ++j) {
    auto v = number(values[j], fmt::format("values[{}]", j));
    if (!v) return std::unexpected(v.error());
    if (*v < 0) return core::fail(fmt::format("{}: values[{}] = {} is negative", path, j, *v));
    pb.values.push_back(*v);
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    auto v = number(counts[i], fmt::format("counts[{}]", i));
    if (!v) return std::unexpected(v.error());
    if (*v < 0 || *v != std::floor(*v) || *v > 1e6)
      return core::fail(
          fmt::format("{}: counts[{}] = {} is not a whole number in [0, 1e6]", path, i, *v));
    pb.counts.push_back(static_cast<int>(*v));
  }
  const size_t W = counts.size(), T = values.size();
  if (p.size() != W)
    return core::fail(fmt::format(
        "{}: p has {} rows, expected {} (one per weapon type, as in 'counts')", path, p.size(), W));
  pb.p.resize(static_cast<Eigen::Index>(W), static_cast<Eigen::Index>(T));
  for (size_t i = 0; i < W; ++i) {
    if (!p[i].is_array() || p[i].size() != T)
      return core::fail(
          fmt::format("{}: p[{}] must be an array of {} numbers (one per target)", path, i, T));
    for (size_t j = 0; j < T; ++j) {
      auto v = number(p[i][j], fmt::format("p[{}][{}]", i, j));
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 1)
        return core::fail(fmt::format("{}: p[{}][{}] = {} is outside [0, 1]", path, i, j, *v));
      pb.p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
    }
  }
  if (auto ok = pb.validate(); !ok)
    return core::fail(fmt::format("{}: {}", path, ok.error().message));
  return pb;
}

core::Result<nlohmann::ordered_json> solve_wta_json(const engage::WtaProblem& pb, bool exact,
                                                    double time_limit_s, std::uint64_t seed) {
  if (!(time_limit_s >= 0) || !std::isfinite(time_limit_s))
    return core::fail("--time-limit-s must be a finite number >= 0");
  engage::WtaSolution sol;
  if (exact) {
    auto ex = engage::solve_wta_exact(pb);
    if (!ex) return std::unexpected(ex.error());
    sol = std::move(*ex);
  } else {
    engage::WtaFastOptions fo;
    fo.time_limit_s = time_limit_s;
    fo.seed = seed;
    sol = engage::solve_wta_fast(pb, fo);
  }
  nlohmann::ordered_json out;
  out["assignment"] = sol.assignment;
  out["objective"] = sol.objective;
  out["lower_bound"] = sol.lower_bound ? json(*sol.lower_bound) : json(nullptr);
  out["solve_s"] = sol.solve_s;
  return out;
}

int cmd_wta(const WtaOptions& o) {
  auto pb = read_instance(o.instance_path);
  if (!pb) {
    print_error(fmt::format("canopy wta: {}", pb.error().message));
    return kExitBadInput;
  }
  auto solved = solve_wta_json(*pb, o.exact, o.time_limit_s, o.seed);
  if (!solved) {
    print_error(fmt::format("canopy wta: {}{}", o.exact ? o.instance_path + ": " : "",
                            solved.error().message));
    return kExitBadInput;
  }
  const std::string text = solved->dump() + "\n";
  if (o.out_path.empty()) {
    std::cout << text << std::flush;
    return kExitOk;
  }
  if (auto ok = core::write_file_atomically(o.out_path, text); !ok) {
    print_error(fmt::format("canopy wta: {}", ok.error().message));
    return kExitRunFailed;
  }
  return kExitOk;
}

Command add_wta_command(CLI::App& parent) {
  auto o = std::make_shared<WtaOptions>();
  auto* wta =
      parent.add_subcommand("wta", "Solve a static weapon-target assignment instance (JSON)");
  wta->add_option("instance", o->instance_path, "Instance JSON: values, p, counts")->required();
  wta->add_flag("--exact", o->exact, "Exact solver (small instances only)");
  wta->add_option("--time-limit-s", o->time_limit_s, "Wall-time limit of the fast solver")
      ->capture_default_str();
  wta->add_option("--seed", o->seed, "Seed of the fast solver's search")->capture_default_str();
  wta->add_option("--out", o->out_path, "Write the solution JSON here (default: stdout)");
  return {wta, [o] { return cmd_wta(*o); }};
}

}  // namespace canopy
