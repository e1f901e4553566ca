// SHA-256, one-shot and streaming: key fingerprints, and the digest `pull --json` reports for
// a received file, computed while it streams to disk.
#pragma once

#include <messageu/util/bytes.hpp>

// One include for every digest: HMAC-SHA256 and constant_time_equal() come with it.
#include <messageu/crypto/hmac.hpp>

#include <array>
#include <cstddef>
#include <memory>

namespace messageu::crypto {

inline constexpr std::size_t k_sha256_size = 32;
using Sha256Digest = std::array<Byte, k_sha256_size>;

// SHA-256 of `data`.
Sha256Digest sha256(ByteView data);

// SHA-256 over data given in pieces: update() any number of times, then finish(), after which
// the object starts over.
class Sha256 {
public:
  Sha256();
  Sha256(Sha256 &&other) noexcept;
  Sha256 &operator=(Sha256 &&other) noexcept;
  ~Sha256();

  void update(ByteView data);
  Sha256Digest finish();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::crypto
