#include "report_cmd.h"

#include <fmt/format.h>

#include <filesystem>

#include "canopy/io/report.h"
#include "exit_codes.h"

namespace canopy {

int cmd_report(const ReportCmdOptions& options) {
  io::ReportOptions opts;
  opts.exports = options.exports;
  opts.viewer = options.viewer;
  auto files = io::write_report(options.dir, opts);
  if (!files) {
    fmt::print(stderr, "canopy report: {}\n", files.error().message);
    return files.error().kind == core::Error::Kind::kOutput ? kExitRunFailed : kExitBadInput;
  }
  if (!options.quiet) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(files->html, ec);
    const double kb = ec ? 0.0 : static_cast<double>(size) / 1e3;
    fmt::print("wrote {} ({})\n", files->html.string(),
               kb < 1000 ? fmt::format("{:.0f} kB", kb) : fmt::format("{:.1f} MB", kb / 1e3));
    for (const auto& f : files->exports) fmt::print("wrote {}\n", f.string());
    for (const auto& n : files->notes) fmt::print("note: {}\n", n);
  }
  return kExitOk;
}

}  // namespace canopy
