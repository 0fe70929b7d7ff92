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
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error: `return core::fail("no such type");`
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace canopy::core
