// Always-on contract checks: a broken invariant is a bug in canopy, never
// bad input (that is a core::Error). The check stays on in release builds,
// prints where and what failed, and aborts, so that a bug never turns into
// a wrong figure written quietly.
//
//   CANOPY_CHECK(t_s >= prev_t_s, "time went back: {} < {}", t_s, prev_t_s);
//   CANOPY_CHECK(i >= 0);
#pragma once

#include <fmt/format.h>

#include <source_location>
#include <string_view>

namespace canopy::core {

// Prints "canopy: internal error at FILE:LINE (FUNCTION): CONDITION: MESSAGE"
// on stderr and aborts.
[[noreturn]] void check_failed(std::string_view condition, std::string_view message,
                               std::source_location where);

}  // namespace canopy::core

// The message (a fmt format string and its arguments) is formatted only when
// the check fails.
#define CANOPY_CHECK(condition, ...)                                          \
  do {                                                                        \
    if (!(condition)) [[unlikely]]                                            \
      ::canopy::core::check_failed(#condition, ::fmt::format("" __VA_ARGS__), \
                                   ::std::source_location::current());        \
  } while (false)
