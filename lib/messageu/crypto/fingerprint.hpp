// Public key fingerprints as users see and compare them (CLI.md §5): the SHA-256 of the
// 160-byte key, written as 64 lower-case hex digits in 16 groups of 4 separated by single
// spaces (79 characters), e.g. "3f2a 9c01 ... 77e0".
#pragma once

#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace messageu::crypto {

inline constexpr std::size_t k_fingerprint_length = 64 + 15;

// The fingerprint of `public_key`.
std::string fingerprint(const PublicKeyBytes &public_key);

// The canonical form of a fingerprint typed by a user (`trust --fingerprint HEX`): hex digits
// of either case, with any spaces, tabs and colons anywhere. Errc::bad_data unless what
// remains is exactly 64 hex digits.
Result<std::string> normalize_fingerprint(std::string_view text);

} // namespace messageu::crypto
