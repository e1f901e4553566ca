// Hex encoding and decoding.
#include <messageu/util/hex.hpp>

namespace messageu {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::string to_hex(ByteView bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (Byte b : bytes) {
    out.push_back(k_digits[b >> 4]);
    out.push_back(k_digits[b & 0x0f]);
  }
  return out;
}

Result<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0)
    return make_error(Errc::bad_data, "odd number of hex digits");
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = hex_value(text[i]);
    int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0)
      return make_error(Errc::bad_data, "not a hex digit at position " + std::to_string(i));
    out.push_back(static_cast<Byte>(high << 4 | low));
  }
  return out;
}

} // namespace messageu
