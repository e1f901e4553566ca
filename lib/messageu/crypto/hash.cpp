// SHA-256 through Crypto++.
#include <messageu/crypto/hash.hpp>

#include <cryptopp/sha.h>

namespace messageu::crypto {

static_assert(CryptoPP::SHA256::DIGESTSIZE == k_sha256_size);

Sha256Digest sha256(ByteView data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

struct Sha256::Impl {
  CryptoPP::SHA256 hash;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {}
Sha256::Sha256(Sha256 &&other) noexcept = default;
Sha256 &Sha256::operator=(Sha256 &&other) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(ByteView data) { m_impl->hash.Update(data.data(), data.size()); }

Sha256Digest Sha256::finish() {
  Sha256Digest digest{};
  // Final() also restarts the hash, which is the documented behaviour after finish().
  m_impl->hash.Final(digest.data());
  return digest;
}

} // namespace messageu::crypto
