#include "canopy/core/check.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace canopy::core {

void check_failed(std::string_view condition, std::string_view message,
                  std::source_location where) {
  std::string line = fmt::format("canopy: internal error at {}:{} ({}): {}", where.file_name(),
                                 where.line(), where.function_name(), condition);
  if (!message.empty()) line += fmt::format(": {}", message);
  line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace canopy::core
