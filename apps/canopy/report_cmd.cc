#include "report_cmd.h"

#include <fmt/format.h>

#include <filesystem>

#include "canopy/io/report.h"

namespace canopy {

int cmd_report(const ReportCmdOptions& options) {
  io::ReportOptions opts;
  opts.exports = options.exports;
  opts.viewer = options.viewer;
  auto files = io::write_report(options.dir, opts);
  if (!files) {
    fmt::print(stderr, "canopy report: {}\n", files.error().message);
    // Failing to write an output is not the input's fault.
    const bool write_failed = files.error().message.find("cannot write") != std::string::npos ||
                              files.error().message.find("cannot create") != std::string::npos ||
                              files.error().message.find("error writing") != std::string::npos;
    return write_failed ? 3 : 2;
  }
  if (!options.quiet) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(files->html, ec);
    fmt::print("wrote {} ({:.1f} MB)\n", files->html.string(),
               ec ? 0.0 : static_cast<double>(size) / 1e6);
    for (const auto& f : files->exports) fmt::print("wrote {}\n", f.string());
    for (const auto& n : files->notes) fmt::print("note: {}\n", n);
  }
  return 0;
}

}  // namespace canopy
