// Base64 encoding and whitespace-tolerant decoding.
#include <messageu/util/base64.hpp>

namespace messageu {
namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

} // namespace

std::string base64_encode(ByteView bytes, std::size_t line_width) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 + (line_width ? bytes.size() / line_width + 1 : 0));
  std::size_t column = 0;
  auto put = [&](char c) {
    if (line_width != 0 && column == line_width) {
      out.push_back('\n');
      column = 0;
    }
    out.push_back(c);
    ++column;
  };
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<std::uint32_t>(bytes[i]) << 16;
    std::size_t available = std::min<std::size_t>(3, bytes.size() - i);
    if (available > 1)
      group |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
    if (available > 2)
      group |= bytes[i + 2];
    for (std::size_t k = 0; k < 4; ++k)
      put(k <= available ? k_alphabet[(group >> (18 - 6 * k)) & 0x3f] : '=');
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t accumulator = 0;
  int bits = 0;
  std::size_t digits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (is_space(c))
      continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int value = sextet(c);
    if (value < 0 || padding != 0)
      return make_error(Errc::bad_data, "invalid base64");
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<Byte>(accumulator >> bits));
      accumulator &= (1u << bits) - 1;
    }
  }
  if (digits % 4 == 1 || padding > 2 || (padding != 0 && (digits + padding) % 4 != 0))
    return make_error(Errc::bad_data, "invalid base64 length or padding");
  return out;
}

} // namespace messageu
