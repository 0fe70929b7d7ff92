// Text from users: UTF-8 checks and safe printing.
//
//   if (auto bad = core::first_invalid_utf8(name)) ...  // byte offset
//   fmt::print(stderr, "no town '{}'\n", core::printable(name));
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace canopy::core {

// The byte offset of the first byte that does not belong to well-formed
// UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or nullopt when the whole text is well formed.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// The text with every control character (C0, DEL, C1) written as an escape
// (\n, \t, \e, \x00, \u0085) and backslashes doubled, so that printing a
// user's name can neither move the cursor, nor recolour or clear the
// terminal. Ill-formed UTF-8 bytes are written as \xNN.
std::string printable(std::string_view text);

}  // namespace canopy::core
