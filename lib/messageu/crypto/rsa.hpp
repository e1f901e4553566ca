// RSA-1024 keys as the protocol uses them (PROTOCOL.md §6): the public key travels as its
// 160-byte X.509 SubjectPublicKeyInfo DER, the private key is kept as PKCS#8 DER, and
// encryption is RSAES-OAEP with SHA-1 and MGF1-SHA-1 and an empty label (Crypto++'s
// RSAES_OAEP_SHA). A 16-byte AES key becomes exactly 128 bytes of ciphertext.
//
// Both key types are values (copyable and movable) and may be used from several threads at
// once: every operation is const and draws its randomness from fill_random(). A moved-from
// key may only be assigned to or destroyed.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstddef>
#include <memory>

namespace messageu::crypto {

inline constexpr std::size_t k_rsa_modulus_bits = 1024;
// An OAEP ciphertext is one modulus wide.
inline constexpr std::size_t k_rsa_ciphertext_size = k_rsa_modulus_bits / 8;
// OAEP with SHA-1 spends two digests and two bytes of the block on its encoding.
inline constexpr std::size_t k_oaep_digest_size = 20;
inline constexpr std::size_t k_rsa_max_plaintext_size =
    k_rsa_ciphertext_size - 2 * k_oaep_digest_size - 2;
static_assert(k_rsa_ciphertext_size == k_encrypted_symmetric_key_size);
static_assert(k_symmetric_key_size <= k_rsa_max_plaintext_size);

// A public key: an RSA key with a 1024-bit modulus whose SubjectPublicKeyInfo DER is exactly
// 160 bytes (exponent 3 or 17 fit; 65537 would not).
class RsaPublicKey {
public:
  // Parses the 160-byte DER of the protocol. Errc::bad_key unless `der` is exactly 160 bytes
  // of canonical X.509 SubjectPublicKeyInfo DER for rsaEncryption, with a modulus of exactly
  // 1024 bits and an odd public exponent greater than 1 and smaller than the modulus.
  static Result<RsaPublicKey> from_bytes(ByteView der);

  RsaPublicKey(const RsaPublicKey &other);
  RsaPublicKey(RsaPublicKey &&other) noexcept;
  RsaPublicKey &operator=(const RsaPublicKey &other);
  RsaPublicKey &operator=(RsaPublicKey &&other) noexcept;
  ~RsaPublicKey();

  // The 160 bytes this key was parsed from.
  const PublicKeyBytes &bytes() const;

  // RSAES-OAEP-SHA1 encryption: always k_rsa_ciphertext_size (128) bytes, different on every
  // call. A plaintext longer than k_rsa_max_plaintext_size (86) → Errc::invalid_argument.
  Result<Bytes> encrypt(ByteView plaintext) const;

private:
  struct Impl;
  explicit RsaPublicKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// True when RsaPublicKey::from_bytes(der) would succeed: the server's check on register.
bool is_valid_public_key(ByteView der);

// A private key, with its public half.
class RsaPrivateKey {
public:
  // A fresh key: 1024-bit modulus, public exponent 17, so public_key() is 160 bytes.
  static RsaPrivateKey generate();

  // Parses a private key in PKCS#8 PrivateKeyInfo DER (what my.info holds) or in PKCS#1
  // RSAPrivateKey DER. Errc::bad_key if it is neither, has trailing bytes, is inconsistent
  // (n != p * q and the like), or its public key would not be a valid 160-byte key.
  static Result<RsaPrivateKey> from_der(ByteView der);

  RsaPrivateKey(const RsaPrivateKey &other);
  RsaPrivateKey(RsaPrivateKey &&other) noexcept;
  RsaPrivateKey &operator=(const RsaPrivateKey &other);
  RsaPrivateKey &operator=(RsaPrivateKey &&other) noexcept;
  ~RsaPrivateKey();

  // PKCS#8 PrivateKeyInfo DER; from_der() reads it back.
  Bytes to_pkcs8_der() const;

  // The 160-byte public key DER, as registered with the server.
  const PublicKeyBytes &public_key() const;

  // RSAES-OAEP-SHA1 decryption. A ciphertext that is not exactly 128 bytes, was made for
  // another key, or whose OAEP encoding is invalid → Errc::decrypt_failed.
  Result<Bytes> decrypt(ByteView ciphertext) const;

private:
  struct Impl;
  explicit RsaPrivateKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::crypto
