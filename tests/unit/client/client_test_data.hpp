// Keys and contents made up by the client tests.
#pragma once

#include <messageu/crypto/aes.hpp>
#include <messageu/util/bytes.hpp>

#include <cstddef>

namespace messageu::client::test {

inline crypto::AesKey key_of(Byte value) {
  crypto::AesKey key{};
  key.fill(value);
  return key;
}

// `size` bytes in which no two 16-byte blocks nor 4 KiB pages are alike, so that a block or
// page out of place shows.
inline Bytes plaintext_of(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t index = 0; index < size; ++index)
    bytes[index] = static_cast<Byte>((index * 7 + index / 4096) % 253);
  return bytes;
}

} // namespace messageu::client::test
