// HMAC-SHA256 and the constant-time comparison through Crypto++.
#include <messageu/crypto/hmac.hpp>

#include <cryptopp/hmac.h>
#include <cryptopp/misc.h>
#include <cryptopp/sha.h>

namespace messageu::crypto {

static_assert(CryptoPP::HMAC<CryptoPP::SHA256>::DIGESTSIZE == k_hmac_sha256_size);

HmacSha256Digest hmac_sha256(ByteView key, ByteView data) {
  HmacSha256 hmac(key);
  hmac.update(data);
  return hmac.finish();
}

struct HmacSha256::Impl {
  explicit Impl(ByteView key) : hmac(key.data(), key.size()) {}

  CryptoPP::HMAC<CryptoPP::SHA256> hmac;
};

// HMAC accepts keys of any length, so constructing it cannot fail.
HmacSha256::HmacSha256(ByteView key) : m_impl(std::make_unique<Impl>(key)) {}
HmacSha256::HmacSha256(HmacSha256 &&other) noexcept = default;
HmacSha256 &HmacSha256::operator=(HmacSha256 &&other) noexcept = default;
HmacSha256::~HmacSha256() = default;

void HmacSha256::update(ByteView data) { m_impl->hmac.Update(data.data(), data.size()); }

HmacSha256Digest HmacSha256::finish() {
  HmacSha256Digest digest{};
  // Final() restarts the HMAC with the same key.
  m_impl->hmac.Final(digest.data());
  return digest;
}

bool constant_time_equal(ByteView left, ByteView right) {
  if (left.size() != right.size())
    return false;
  if (left.empty())
    return true;
  return CryptoPP::VerifyBufsEqual(left.data(), right.data(), left.size());
}

} // namespace messageu::crypto
