#include "messages.h"

#include <cstdio>

namespace canopy {
namespace {
thread_local std::string* g_capture = nullptr;
}  // namespace

void print_error(std::string_view line) {
  if (g_capture == nullptr) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    return;
  }
  if (!g_capture->empty()) *g_capture += '\n';
  *g_capture += line;
}

ErrorCapture::ErrorCapture() : previous_(g_capture) { g_capture = &text_; }
ErrorCapture::~ErrorCapture() { g_capture = previous_; }

}  // namespace canopy
