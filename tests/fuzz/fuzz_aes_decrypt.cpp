// Fuzz target: AES-128-CBC decryption of untrusted ciphertext, one-shot (aes_decrypt) and
// streaming (AesCbcDecryptor fed in fuzzer-chosen chunks), and the streaming encryptor on
// the same bytes taken as plaintext.
//
// Input: key (16 bytes) · chunk plan (4 bytes, see ChunkPlan) · the ciphertext.
//
// Invariants: one-shot and streaming decryption agree (same plaintext, or both
// decrypt_failed), also when the decryptor is used again after finish(); the streaming
// classes hand out every block they can as soon as they can, holding back at most one block;
// a successful decryption encrypts back to the ciphertext; streaming and one-shot encryption
// agree, and decrypt back to the plaintext.
#include "fuzz_support.hpp"

#include <messageu/crypto/aes.hpp>

using namespace messageu;
using namespace messageu::crypto;
using namespace messageu::fuzz;

namespace {

// What the decryptor may have written after `fed` bytes: all blocks but the last one seen.
std::uint64_t decrypted_so_far(std::uint64_t fed) {
  return fed == 0 ? 0 : k_aes_block_size * ((fed + k_aes_block_size - 1) / k_aes_block_size - 1);
}

Result<Bytes> decrypt_in_chunks(AesCbcDecryptor &decryptor, ByteView ciphertext, ChunkPlan plan) {
  Bytes out;
  std::uint64_t fed = 0;
  while (!ciphertext.empty()) {
    auto chunk = plan.take(ciphertext);
    decryptor.update(chunk, out);
    fed += chunk.size();
    MESSAGEU_FUZZ_CHECK(out.size() == decrypted_so_far(fed));
  }
  MESSAGEU_FUZZ_CHECK(fed == 0 || out.size() + k_aes_block_size >= fed);
  MESSAGEU_TRY(decryptor.finish(out));
  return out;
}

Bytes encrypt_in_chunks(const AesKey &key, ByteView plaintext, ChunkPlan plan) {
  AesCbcEncryptor encryptor(key);
  Bytes out;
  std::uint64_t fed = 0;
  while (!plaintext.empty()) {
    auto chunk = plan.take(plaintext);
    encryptor.update(chunk, out);
    fed += chunk.size();
    MESSAGEU_FUZZ_CHECK(out.size() == fed - fed % k_aes_block_size);
  }
  encryptor.finish(out);
  return out;
}

bool same_outcome(const Result<Bytes> &left, const Result<Bytes> &right) {
  if (left.has_value() != right.has_value())
    return false;
  return left ? *left == *right : left.error().code == right.error().code;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  FuzzInput input(data, size);
  auto key = input.array<k_symmetric_key_size>();
  ChunkPlan plan(input);
  auto ciphertext = input.rest();

  auto whole = aes_decrypt(key, ciphertext);
  AesCbcDecryptor decryptor(key);
  auto streamed = decrypt_in_chunks(decryptor, ciphertext, plan);
  MESSAGEU_FUZZ_CHECK(same_outcome(whole, streamed));
  // After finish(), successful or not, the same decryptor starts a new message.
  MESSAGEU_FUZZ_CHECK(same_outcome(whole, decrypt_in_chunks(decryptor, ciphertext, ChunkPlan())));
  if (whole) {
    MESSAGEU_FUZZ_CHECK(aes_encrypt(key, *whole) == Bytes(ciphertext.begin(), ciphertext.end()));
  } else {
    MESSAGEU_FUZZ_CHECK(whole.error().code == Errc::decrypt_failed);
  }
  if (ciphertext.empty() || ciphertext.size() % k_aes_block_size != 0)
    MESSAGEU_FUZZ_CHECK(!whole);

  auto encrypted = encrypt_in_chunks(key, ciphertext, plan);
  MESSAGEU_FUZZ_CHECK(encrypted == aes_encrypt(key, ciphertext));
  MESSAGEU_FUZZ_CHECK(encrypted.size() == aes_ciphertext_size(ciphertext.size()));
  auto decrypted = aes_decrypt(key, encrypted);
  MESSAGEU_FUZZ_CHECK(decrypted && *decrypted == Bytes(ciphertext.begin(), ciphertext.end()));
  return 0;
}
