// AES-128-CBC, zero IV, PKCS#7 with Crypto++. Whole blocks go to Crypto++ in one call per
// span, so large chunks run at the speed of the AES instructions; the streaming classes keep
// at most a partial block and (when decrypting) the last full block between calls.
#include <messageu/crypto/aes.hpp>

#include <messageu/crypto/random.hpp>

#include <cryptopp/aes.h>
#include <cryptopp/cpu.h>
#include <cryptopp/modes.h>

#include <algorithm>
#include <cassert>
#include <string>

namespace messageu::crypto {
namespace {

constexpr std::array<Byte, k_aes_block_size> k_zero_iv{};

// Appends `input` (a multiple of the block size) transformed by `mode` to `out`, written in
// place at the end of `out` without an intermediate buffer.
void process_blocks(CryptoPP::CipherModeBase &mode, ByteView input, Bytes &out) {
  if (input.empty())
    return;
  auto offset = out.size();
  out.resize(offset + input.size());
  mode.ProcessData(out.data() + offset, input.data(), input.size());
}

// The padded last block for the `tail` (fewer than 16 bytes) of a plaintext.
std::array<Byte, k_aes_block_size> pad_last_block(ByteView tail) {
  std::array<Byte, k_aes_block_size> block{};
  std::copy(tail.begin(), tail.end(), block.begin());
  auto padding = static_cast<Byte>(k_aes_block_size - tail.size());
  std::fill(block.begin() + static_cast<std::ptrdiff_t>(tail.size()), block.end(), padding);
  return block;
}

// How many bytes of a decrypted last block are message, or an error for bad padding.
Result<std::size_t> unpadded_size(ByteView last_block) {
  auto padding = last_block.back();
  if (padding == 0 || padding > k_aes_block_size)
    return make_error(Errc::decrypt_failed, "bad padding (wrong key?)");
  auto padding_bytes = last_block.last(padding);
  if (!std::all_of(padding_bytes.begin(), padding_bytes.end(),
                   [padding](Byte value) { return value == padding; }))
    return make_error(Errc::decrypt_failed, "bad padding (wrong key?)");
  return k_aes_block_size - padding;
}

template <typename Mode> Mode make_mode(const AesKey &key) {
  return Mode(key.data(), key.size(), k_zero_iv.data());
}

} // namespace

AesKey generate_aes_key() {
  AesKey key{};
  fill_random(key);
  return key;
}

Result<AesKey> aes_key_from_bytes(ByteView bytes) {
  if (bytes.size() != k_symmetric_key_size)
    return make_error(Errc::bad_key, "an AES key is " + std::to_string(k_symmetric_key_size) +
                                         " bytes, got " + std::to_string(bytes.size()));
  AesKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

bool aes_uses_hardware() {
#if defined(CRYPTOPP_BOOL_X64) || defined(CRYPTOPP_BOOL_X32) || defined(CRYPTOPP_BOOL_X86)
  return CryptoPP::HasAESNI();
#elif defined(CRYPTOPP_BOOL_ARMV8)
  return CryptoPP::HasAES();
#else
  return false;
#endif
}

Bytes aes_encrypt(const AesKey &key, ByteView plaintext) {
  Bytes out;
  out.reserve(aes_ciphertext_size(plaintext.size()));
  AesCbcEncryptor encryptor(key);
  encryptor.update(plaintext, out);
  encryptor.finish(out);
  return out;
}

Result<Bytes> aes_decrypt(const AesKey &key, ByteView ciphertext) {
  Bytes out;
  out.reserve(ciphertext.size());
  AesCbcDecryptor decryptor(key);
  decryptor.update(ciphertext, out);
  MESSAGEU_TRY(decryptor.finish(out));
  return out;
}

// ---- AesCbcEncryptor ----

struct AesCbcEncryptor::Impl {
  explicit Impl(const AesKey &key)
      : mode(make_mode<CryptoPP::CBC_Mode<CryptoPP::AES>::Encryption>(key)) {}

  CryptoPP::CBC_Mode<CryptoPP::AES>::Encryption mode;
  std::array<Byte, k_aes_block_size> pending{};
  std::size_t pending_size = 0;
};

AesCbcEncryptor::AesCbcEncryptor(const AesKey &key) : m_impl(std::make_unique<Impl>(key)) {}
AesCbcEncryptor::AesCbcEncryptor(AesCbcEncryptor &&other) noexcept = default;
AesCbcEncryptor &AesCbcEncryptor::operator=(AesCbcEncryptor &&other) noexcept = default;
AesCbcEncryptor::~AesCbcEncryptor() = default;

void AesCbcEncryptor::update(ByteView plaintext, Bytes &out) {
  auto &impl = *m_impl;
  if (impl.pending_size > 0) {
    // Complete the held partial block first, from the front of the new input.
    auto take = std::min(k_aes_block_size - impl.pending_size, plaintext.size());
    std::copy_n(plaintext.begin(), take, impl.pending.begin() + impl.pending_size);
    impl.pending_size += take;
    plaintext = plaintext.subspan(take);
    if (impl.pending_size < k_aes_block_size)
      return;
    process_blocks(impl.mode, impl.pending, out);
    impl.pending_size = 0;
  }
  auto whole = plaintext.size() - plaintext.size() % k_aes_block_size;
  process_blocks(impl.mode, plaintext.first(whole), out);
  auto tail = plaintext.subspan(whole);
  std::copy(tail.begin(), tail.end(), impl.pending.begin());
  impl.pending_size = tail.size();
}

void AesCbcEncryptor::finish(Bytes &out) {
  auto &impl = *m_impl;
  auto last = pad_last_block(ByteView(impl.pending).first(impl.pending_size));
  process_blocks(impl.mode, last, out);
  impl.pending_size = 0;
  impl.mode.Resynchronize(k_zero_iv.data());
}

// ---- AesCbcDecryptor ----

struct AesCbcDecryptor::Impl {
  explicit Impl(const AesKey &key)
      : mode(make_mode<CryptoPP::CBC_Mode<CryptoPP::AES>::Decryption>(key)) {}

  void reset() {
    pending_size = 0;
    mode.Resynchronize(k_zero_iv.data());
  }

  CryptoPP::CBC_Mode<CryptoPP::AES>::Decryption mode;
  // Between calls: 0 to 16 bytes, never decrypted yet. When 16, it may be the last block.
  std::array<Byte, k_aes_block_size> pending{};
  std::size_t pending_size = 0;
};

AesCbcDecryptor::AesCbcDecryptor(const AesKey &key) : m_impl(std::make_unique<Impl>(key)) {}
AesCbcDecryptor::AesCbcDecryptor(AesCbcDecryptor &&other) noexcept = default;
AesCbcDecryptor &AesCbcDecryptor::operator=(AesCbcDecryptor &&other) noexcept = default;
AesCbcDecryptor::~AesCbcDecryptor() = default;

void AesCbcDecryptor::update(ByteView ciphertext, Bytes &out) {
  auto offset = out.size();
  out.resize(offset + ciphertext.size() + k_aes_block_size);
  auto written = update_into(ciphertext, std::span<Byte>(out).subspan(offset));
  out.resize(offset + written);
}

std::size_t AesCbcDecryptor::update_into(ByteView ciphertext, std::span<Byte> out) {
  auto &impl = *m_impl;
  assert(out.size() >= ciphertext.size() + k_aes_block_size);
  if (ciphertext.empty())
    return 0;
  std::size_t written = 0;
  if (impl.pending_size > 0) {
    // Fill the held block; decrypt it only if more input follows, since it could be last.
    auto take = std::min(k_aes_block_size - impl.pending_size, ciphertext.size());
    std::copy_n(ciphertext.begin(), take, impl.pending.begin() + impl.pending_size);
    impl.pending_size += take;
    ciphertext = ciphertext.subspan(take);
    if (ciphertext.empty())
      return 0;
    impl.mode.ProcessData(out.data(), impl.pending.data(), k_aes_block_size);
    written = k_aes_block_size;
    impl.pending_size = 0;
  }
  // Hold back the tail: the partial block, or the last full block when there is none.
  auto held = ciphertext.size() % k_aes_block_size;
  if (held == 0)
    held = k_aes_block_size;
  auto whole = ciphertext.size() - held;
  if (whole > 0)
    impl.mode.ProcessData(out.data() + written, ciphertext.data(), whole);
  written += whole;
  auto tail = ciphertext.subspan(whole);
  std::copy(tail.begin(), tail.end(), impl.pending.begin());
  impl.pending_size = tail.size();
  return written;
}

Status AesCbcDecryptor::finish(Bytes &out) {
  auto &impl = *m_impl;
  if (impl.pending_size != k_aes_block_size) {
    impl.reset();
    return make_error(Errc::decrypt_failed,
                      "the ciphertext is empty or not a multiple of 16 bytes");
  }
  std::array<Byte, k_aes_block_size> last{};
  impl.mode.ProcessData(last.data(), impl.pending.data(), last.size());
  impl.reset();
  auto size = MESSAGEU_TRY(unpadded_size(last));
  out.insert(out.end(), last.begin(), last.begin() + static_cast<std::ptrdiff_t>(size));
  return {};
}

} // namespace messageu::crypto
