// Fingerprints: SHA-256 of the 160-byte public key in groups of four hex digits.
#include <messageu/crypto/fingerprint.hpp>

#include <messageu/crypto/hash.hpp>
#include <messageu/util/hex.hpp>

namespace messageu::crypto {
namespace {

constexpr std::size_t k_group_size = 4;
constexpr std::size_t k_hex_digits = 2 * k_sha256_size;
static_assert(k_fingerprint_length == k_hex_digits + k_hex_digits / k_group_size - 1);

// "0123456789abcdef..." → "0123 4567 89ab cdef ...".
std::string group_digits(std::string_view digits) {
  std::string out;
  out.reserve(k_fingerprint_length);
  for (std::size_t index = 0; index < digits.size(); ++index) {
    if (index > 0 && index % k_group_size == 0)
      out.push_back(' ');
    out.push_back(digits[index]);
  }
  return out;
}

bool is_separator(char character) {
  return character == ' ' || character == '\t' || character == ':';
}

bool is_hex_digit(char character) {
  return (character >= '0' && character <= '9') || (character >= 'a' && character <= 'f') ||
         (character >= 'A' && character <= 'F');
}

} // namespace

std::string fingerprint(const PublicKeyBytes &public_key) {
  return group_digits(to_hex(sha256(public_key)));
}

Result<std::string> normalize_fingerprint(std::string_view text) {
  std::string digits;
  digits.reserve(k_hex_digits);
  for (char character : text) {
    if (is_separator(character))
      continue;
    if (!is_hex_digit(character))
      return make_error(Errc::bad_data, "a fingerprint holds only hex digits, spaces and colons");
    if (character >= 'A' && character <= 'F')
      character = static_cast<char>(character - 'A' + 'a');
    digits.push_back(character);
  }
  if (digits.size() != k_hex_digits)
    return make_error(Errc::bad_data, "a fingerprint is " + std::to_string(k_hex_digits) +
                                          " hex digits, got " + std::to_string(digits.size()));
  return group_digits(digits);
}

} // namespace messageu::crypto
