// What the crypto unit tests share: the two RSA vector files and their keys, a builder for
// hand-made SubjectPublicKeyInfo DER (to make keys that are wrong in one precise way without
// a crypto library), and a seeded splitter that cuts a buffer into random chunks.
#pragma once

#include "support/vectors.hpp"

#include <messageu/util/base64.hpp>
#include <messageu/util/bytes.hpp>

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace messageu::test {

// The RSA vector files: exponent 17 (Crypto++'s) and exponent 3 (Python clients').
inline const std::vector<std::string> k_rsa_vector_files = {"rsa1024_e17.json", "rsa1024_e3.json"};

// The base64 field at `path` of a vector, decoded.
inline Bytes base64_field(const Json &node, const std::string &path) {
  auto bytes = base64_decode(node.get<std::string>(path));
  if (!bytes)
    throw std::runtime_error("bad base64 in vector field " + path);
  return *bytes;
}

// A DER type-length-value with a definite length (short form, or long form up to 65535).
inline Bytes der_element(Byte tag, const Bytes &content) {
  Bytes out{tag};
  auto size = content.size();
  if (size < 0x80) {
    out.push_back(static_cast<Byte>(size));
  } else if (size < 0x100) {
    out.insert(out.end(), {0x81, static_cast<Byte>(size)});
  } else {
    out.insert(out.end(), {0x82, static_cast<Byte>(size >> 8), static_cast<Byte>(size)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

inline Bytes concat(Bytes left, const Bytes &right) {
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

// SubjectPublicKeyInfo { rsaEncryption NULL, BIT STRING { RSAPublicKey { n, e } } } from the
// INTEGER contents of the modulus and the exponent, taken as given (big-endian, signed).
// `with_null` false leaves out the NULL parameters, which BER readers tolerate.
inline Bytes make_rsa_spki(const Bytes &modulus, const Bytes &exponent, bool with_null = true) {
  const Bytes rsa_encryption_oid{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
  auto algorithm = der_element(
      0x30, concat(der_element(0x06, rsa_encryption_oid), with_null ? Bytes{0x05, 0x00} : Bytes{}));
  auto rsa_key = der_element(0x30, concat(der_element(0x02, modulus), der_element(0x02, exponent)));
  auto bit_string = der_element(0x03, concat({0x00}, rsa_key));
  return der_element(0x30, concat(algorithm, bit_string));
}

// `size` bytes from a seeded generator, with the top byte and the parity chosen by the caller
// so that the value has a known bit length and is odd.
inline Bytes seeded_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  Bytes out(size);
  for (auto &byte : out)
    byte = static_cast<Byte>(generator());
  return out;
}

// Cuts `data` into consecutive chunks of random sizes (some empty, some small, some large),
// reproducible for a given seed.
inline std::vector<ByteView> random_chunks(ByteView data, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<std::size_t> small(0, 40);
  std::uniform_int_distribution<std::size_t> large(0, 5000);
  std::vector<ByteView> chunks;
  std::size_t offset = 0;
  while (offset < data.size()) {
    auto wanted = generator() % 4 == 0 ? large(generator) : small(generator);
    auto size = std::min(wanted, data.size() - offset);
    chunks.push_back(data.subspan(offset, size));
    offset += size;
  }
  return chunks;
}

} // namespace messageu::test
