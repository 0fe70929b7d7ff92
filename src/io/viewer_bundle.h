// The replay viewer's JavaScript bundle (viewer/, built by its CMake), embedded
// into canopy at build time by cmake/embed.cmake. report.html inlines it.
//
//   if (io::viewer_bundle_built()) html += io::viewer_bundle();
#pragma once

#include <string_view>

namespace canopy::io {

// False in builds without the viewer (CANOPY_VIEWER_BUNDLE undefined, e.g.
// the fuzz build); the bundle is then empty.
bool viewer_bundle_built();
std::string_view viewer_bundle();

}  // namespace canopy::io
