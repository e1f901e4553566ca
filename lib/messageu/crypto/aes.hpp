// The message cipher of PROTOCOL.md §6: AES-128-CBC with an all-zero IV and PKCS#7 padding,
// one-shot for small contents and streaming for files of any size (up to 4 GiB) with bounded
// memory. The cipher runs on the CPU's AES instructions when it has them.
//
// Why a zero IV: it is what every MessageU peer uses; each pair of users gets a fresh key.
// The streaming classes are movable; a moved-from one may only be assigned to or destroyed.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace messageu::crypto {

inline constexpr std::size_t k_aes_block_size = 16;

using AesKey = std::array<Byte, k_symmetric_key_size>;
static_assert(k_symmetric_key_size == 16, "AES-128");

// A fresh key from the CSPRNG.
AesKey generate_aes_key();

// The key held in `bytes` (e.g. just RSA-decrypted); Errc::bad_key unless exactly 16 bytes.
Result<AesKey> aes_key_from_bytes(ByteView bytes);

// PKCS#7 always adds 1 to 16 bytes: 16 * (floor(n / 16) + 1).
constexpr std::uint64_t aes_ciphertext_size(std::uint64_t plaintext_size) {
  return k_aes_block_size * (plaintext_size / k_aes_block_size + 1);
}

// Encrypts `plaintext` whole; the result is aes_ciphertext_size(plaintext.size()) bytes.
Bytes aes_encrypt(const AesKey &key, ByteView plaintext);

// Decrypts `ciphertext` whole. Errc::decrypt_failed if its length is zero or not a multiple
// of 16, or the padding is not valid PKCS#7 (the usual sign of a wrong key).
Result<Bytes> aes_decrypt(const AesKey &key, ByteView ciphertext);

// True when AES runs on the CPU's AES instructions (AES-NI) rather than in software.
bool aes_uses_hardware();

// Streaming encryption. Feed the plaintext in chunks of any size with update(), then call
// finish() once. Output is appended to `out` as whole blocks are known; only a partial block
// (at most 15 bytes) is held inside. After finish() the encryptor is ready for a new message
// with the same key.
class AesCbcEncryptor {
public:
  explicit AesCbcEncryptor(const AesKey &key);
  AesCbcEncryptor(AesCbcEncryptor &&other) noexcept;
  AesCbcEncryptor &operator=(AesCbcEncryptor &&other) noexcept;
  ~AesCbcEncryptor();

  // Appends the ciphertext of every block completed by `plaintext` (a multiple of 16 bytes,
  // possibly none) to `out`.
  void update(ByteView plaintext, Bytes &out);
  // Pads the rest and appends the final block (always exactly 16 bytes) to `out`.
  void finish(Bytes &out);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Streaming decryption. Feed the ciphertext in chunks of any size with update(), then call
// finish() once. Only a partial block plus the last full block (whose padding is not known
// until the end) are held inside; everything before is appended to `out` at once. After
// finish(), successful or not, the decryptor is ready for a new message with the same key.
class AesCbcDecryptor {
public:
  explicit AesCbcDecryptor(const AesKey &key);
  AesCbcDecryptor(AesCbcDecryptor &&other) noexcept;
  AesCbcDecryptor &operator=(AesCbcDecryptor &&other) noexcept;
  ~AesCbcDecryptor();

  // Appends the plaintext of every block that is certainly not the last one to `out`.
  void update(ByteView ciphertext, Bytes &out);
  // The same, written to the front of `out` rather than appended to a vector, so that the
  // caller chooses the memory (aligned for direct I/O, say). `out` must have room for
  // ciphertext.size() + 16 bytes. Returns how many bytes were written.
  std::size_t update_into(ByteView ciphertext, std::span<Byte> out);
  // Checks and strips the padding of the last block and appends the rest of it to `out`.
  // Errc::decrypt_failed if the total ciphertext was empty or not a multiple of 16 bytes, or
  // the padding is invalid; what update() already appended is then not to be trusted.
  Status finish(Bytes &out);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::crypto
