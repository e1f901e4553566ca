// HMAC-SHA256 (RFC 2104) and a constant-time comparison, for the authenticated sessions of
// PROTOCOL.md §10: the client proves it could decrypt the server's nonce by an HMAC keyed
// with it, and the server compares the answer without leaking where it differs.
#pragma once

#include <messageu/util/bytes.hpp>

#include <array>
#include <cstddef>
#include <memory>

namespace messageu::crypto {

inline constexpr std::size_t k_hmac_sha256_size = 32;
using HmacSha256Digest = std::array<Byte, k_hmac_sha256_size>;

// HMAC-SHA256 of `data` under `key` (a key of any length, including empty).
HmacSha256Digest hmac_sha256(ByteView key, ByteView data);

// HMAC-SHA256 over data given in pieces: update() any number of times, then finish(), after
// which the object starts over with the same key.
class HmacSha256 {
public:
  explicit HmacSha256(ByteView key);
  HmacSha256(HmacSha256 &&other) noexcept;
  HmacSha256 &operator=(HmacSha256 &&other) noexcept;
  ~HmacSha256();

  void update(ByteView data);
  HmacSha256Digest finish();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// True when `left` and `right` hold the same bytes. For equal lengths the time taken does not
// depend on the contents; different lengths return false at once (lengths are not secret).
bool constant_time_equal(ByteView left, ByteView right);

} // namespace messageu::crypto
