// Recoverable errors for canopy modules.
//
// Functions that can fail on user input return `Result<T>`
// (std::expected<T, Error>); exceptions never cross module APIs.
//
//   core::Result<double> r = parse_speed(text);
//   if (!r) std::cerr << r.error().message;
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace canopy::core {

struct Error {
  // kInput: the input is wrong (a file, a flag, a scenario); kOutput: an
  // output could not be written. Commands map them to exit codes 2 and 1.
  enum class Kind { kInput, kOutput };
  std::string message;
  Kind kind = Kind::kInput;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error: `return core::fail("no such type");`
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

// An output file or directory could not be written.
inline std::unexpected<Error> fail_output(std::string message) {
  return std::unexpected<Error>(Error{std::move(message), Error::Kind::kOutput});
}

}  // namespace canopy::core
