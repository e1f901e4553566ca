// Hexadecimal text for bytes: ids travel in text as 32 hex digits (PROTOCOL.md §1), written
// lower case, read in either case.
#pragma once

#include <messageu/util/bytes.hpp>

#include <string>
#include <string_view>

namespace messageu {

// Lower-case hex digits, two per byte.
std::string to_hex(ByteView bytes);

// Parses an even number of hex digits of either case. Any other character or an odd length
// → Errc::bad_data.
Result<Bytes> from_hex(std::string_view text);

// Parses exactly N bytes of hex (2N digits), else Errc::bad_data.
template <std::size_t N> Result<std::array<Byte, N>> array_from_hex(std::string_view text) {
  if (text.size() != 2 * N)
    return make_error(Errc::bad_data, "expected " + std::to_string(2 * N) + " hex digits");
  auto bytes = MESSAGEU_TRY(from_hex(text));
  std::array<Byte, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

} // namespace messageu
