// Where the commands' error lines go: stderr on the command line; a string
// while an ErrorCapture lives on the calling thread, so the Python module
// (python/) raises the same words as an exception.
//
//   print_error(fmt::format("canopy run: {}", message));
//   { ErrorCapture capture; int code = cmd_...(...); if (code) throw Err(capture.text()); }
#pragma once

#include <string>
#include <string_view>

namespace canopy {

// One line, without its '\n'.
void print_error(std::string_view line);

class ErrorCapture {
 public:
  ErrorCapture();
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  // The lines printed since construction, joined by '\n'.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string* previous_;
};

}  // namespace canopy
