// RSA-1024 with Crypto++: key parsing and encoding (X.509 SubjectPublicKeyInfo, PKCS#8,
// PKCS#1), generation, and RSAES-OAEP-SHA1. Every Crypto++ exception stops here and becomes
// Errc::bad_key or Errc::decrypt_failed.
#include <messageu/crypto/rsa.hpp>

#include <messageu/crypto/random.hpp>

#include <cryptopp/filters.h>
#include <cryptopp/integer.h>
#include <cryptopp/rsa.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace messageu::crypto {
namespace {

// Lets Crypto++ draw its randomness (prime search, OAEP seeds, blinding) from fill_random(),
// so the whole project has one source of randomness and no generator state to share.
class SystemRandom final : public CryptoPP::RandomNumberGenerator {
public:
  void GenerateBlock(CryptoPP::byte *output, size_t size) override {
    fill_random(MutableByteView(output, size));
  }
};

// The rules every public key must meet besides its DER being exactly 160 bytes.
Status check_public_numbers(const CryptoPP::Integer &modulus, const CryptoPP::Integer &exponent) {
  if (modulus.BitCount() != k_rsa_modulus_bits)
    return make_error(Errc::bad_key, "the RSA modulus is " + std::to_string(modulus.BitCount()) +
                                         " bits, not " + std::to_string(k_rsa_modulus_bits));
  if (modulus.IsEven())
    return make_error(Errc::bad_key, "the RSA modulus is even");
  if (exponent <= CryptoPP::Integer::One() || exponent.IsEven() || exponent >= modulus)
    return make_error(Errc::bad_key, "the RSA public exponent is invalid");
  return {};
}

// The SubjectPublicKeyInfo DER of (modulus, exponent); Errc::bad_key unless it is 160 bytes.
Result<PublicKeyBytes> encode_public_key(const CryptoPP::Integer &modulus,
                                         const CryptoPP::Integer &exponent) {
  CryptoPP::RSAFunction key;
  key.Initialize(modulus, exponent);
  Bytes der;
  CryptoPP::VectorSink sink(der);
  key.DEREncode(sink);
  if (der.size() != k_public_key_size)
    return make_error(Errc::bad_key, "the RSA public key encodes to " + std::to_string(der.size()) +
                                         " bytes, not " + std::to_string(k_public_key_size));
  PublicKeyBytes out{};
  std::copy(der.begin(), der.end(), out.begin());
  return out;
}

// Decodes a private key in PKCS#8 (tried first: what my.info holds) or PKCS#1 DER, requiring
// that the whole input is consumed. Throws CryptoPP::Exception when it is neither.
void decode_private_key(ByteView der, CryptoPP::RSA::PrivateKey &key) {
  auto decode_with = [&](auto &&decode) {
    CryptoPP::ArraySource source(der.data(), der.size(), true);
    decode(source);
    if (source.MaxRetrievable() != 0)
      throw CryptoPP::BERDecodeErr("trailing bytes after the private key");
  };
  try {
    decode_with([&](CryptoPP::BufferedTransformation &source) { key.BERDecode(source); });
  } catch (const CryptoPP::Exception &) {
    decode_with([&](CryptoPP::BufferedTransformation &source) {
      key.BERDecodePrivateKey(source, false, der.size());
    });
  }
}

} // namespace

// ---- RsaPublicKey ----

struct RsaPublicKey::Impl {
  CryptoPP::RSA::PublicKey key;
  PublicKeyBytes der{};
};

RsaPublicKey::RsaPublicKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RsaPublicKey::RsaPublicKey(const RsaPublicKey &other)
    : m_impl(std::make_unique<Impl>(*other.m_impl)) {}
RsaPublicKey::RsaPublicKey(RsaPublicKey &&other) noexcept = default;
RsaPublicKey &RsaPublicKey::operator=(const RsaPublicKey &other) {
  if (this != &other)
    m_impl = std::make_unique<Impl>(*other.m_impl);
  return *this;
}
RsaPublicKey &RsaPublicKey::operator=(RsaPublicKey &&other) noexcept = default;
RsaPublicKey::~RsaPublicKey() = default;

Result<RsaPublicKey> RsaPublicKey::from_bytes(ByteView der) {
  if (der.size() != k_public_key_size)
    return make_error(Errc::bad_key, "a public key is " + std::to_string(k_public_key_size) +
                                         " bytes, got " + std::to_string(der.size()));
  auto impl = std::make_unique<Impl>();
  try {
    CryptoPP::ArraySource source(der.data(), der.size(), true);
    impl->key.BERDecode(source);
  } catch (const CryptoPP::Exception &error) {
    return make_error(Errc::bad_key, std::string("not an RSA public key: ") + error.what());
  }
  MESSAGEU_TRY(check_public_numbers(impl->key.GetModulus(), impl->key.GetPublicExponent()));
  // Re-encoding must give the input back: this rejects BER variants and trailing bytes, so
  // one key has exactly one 160-byte form (it is compared byte for byte when pinned).
  auto canonical =
      MESSAGEU_TRY(encode_public_key(impl->key.GetModulus(), impl->key.GetPublicExponent()));
  if (!std::equal(canonical.begin(), canonical.end(), der.begin()))
    return make_error(Errc::bad_key, "the public key is not in canonical DER form");
  impl->der = canonical;
  return RsaPublicKey(std::move(impl));
}

const PublicKeyBytes &RsaPublicKey::bytes() const { return m_impl->der; }

Result<Bytes> RsaPublicKey::encrypt(ByteView plaintext) const {
  if (plaintext.size() > k_rsa_max_plaintext_size)
    return make_error(Errc::invalid_argument,
                      "RSA-OAEP encrypts at most " + std::to_string(k_rsa_max_plaintext_size) +
                          " bytes, got " + std::to_string(plaintext.size()));
  try {
    CryptoPP::RSAES_OAEP_SHA_Encryptor encryptor(m_impl->key);
    Bytes out(encryptor.FixedCiphertextLength());
    SystemRandom random;
    encryptor.Encrypt(random, plaintext.data(), plaintext.size(), out.data());
    return out;
  } catch (const CryptoPP::Exception &error) {
    return make_error(Errc::bad_key, std::string("RSA encryption failed: ") + error.what());
  }
}

bool is_valid_public_key(ByteView der) { return RsaPublicKey::from_bytes(der).has_value(); }

// ---- RsaPrivateKey ----

struct RsaPrivateKey::Impl {
  CryptoPP::RSA::PrivateKey key;
  PublicKeyBytes public_der{};
};

RsaPrivateKey::RsaPrivateKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RsaPrivateKey::RsaPrivateKey(const RsaPrivateKey &other)
    : m_impl(std::make_unique<Impl>(*other.m_impl)) {}
RsaPrivateKey::RsaPrivateKey(RsaPrivateKey &&other) noexcept = default;
RsaPrivateKey &RsaPrivateKey::operator=(const RsaPrivateKey &other) {
  if (this != &other)
    m_impl = std::make_unique<Impl>(*other.m_impl);
  return *this;
}
RsaPrivateKey &RsaPrivateKey::operator=(RsaPrivateKey &&other) noexcept = default;
RsaPrivateKey::~RsaPrivateKey() = default;

RsaPrivateKey RsaPrivateKey::generate() {
  // A 1024-bit modulus with exponent 17 always encodes to 160 bytes; the loop only guards
  // that invariant, and a key failing it is simply drawn again.
  constexpr int k_attempts = 16;
  SystemRandom random;
  for (int attempt = 0; attempt < k_attempts; ++attempt) {
    try {
      auto impl = std::make_unique<Impl>();
      impl->key.Initialize(random, k_rsa_modulus_bits, 17);
      auto der = encode_public_key(impl->key.GetModulus(), impl->key.GetPublicExponent());
      if (der && check_public_numbers(impl->key.GetModulus(), impl->key.GetPublicExponent())) {
        impl->public_der = *der;
        return RsaPrivateKey(std::move(impl));
      }
    } catch (const CryptoPP::Exception &) {
      // Drawn again below.
    }
  }
  std::fputs("messageu: RSA key generation failed repeatedly\n", stderr);
  std::abort();
}

Result<RsaPrivateKey> RsaPrivateKey::from_der(ByteView der) {
  auto impl = std::make_unique<Impl>();
  try {
    decode_private_key(der, impl->key);
    SystemRandom random;
    // Level 1 checks the numbers agree (n = p * q, e * d = 1 mod lcm, CRT values) without
    // the slow primality tests of level 2.
    if (!impl->key.Validate(random, 1))
      return make_error(Errc::bad_key, "the RSA private key is inconsistent");
  } catch (const CryptoPP::Exception &error) {
    return make_error(Errc::bad_key, std::string("not an RSA private key: ") + error.what());
  }
  MESSAGEU_TRY(check_public_numbers(impl->key.GetModulus(), impl->key.GetPublicExponent()));
  impl->public_der =
      MESSAGEU_TRY(encode_public_key(impl->key.GetModulus(), impl->key.GetPublicExponent()));
  return RsaPrivateKey(std::move(impl));
}

Bytes RsaPrivateKey::to_pkcs8_der() const {
  Bytes der;
  CryptoPP::VectorSink sink(der);
  m_impl->key.DEREncode(sink);
  return der;
}

const PublicKeyBytes &RsaPrivateKey::public_key() const { return m_impl->public_der; }

Result<Bytes> RsaPrivateKey::decrypt(ByteView ciphertext) const {
  if (ciphertext.size() != k_rsa_ciphertext_size)
    return make_error(Errc::decrypt_failed, "an RSA ciphertext is " +
                                                std::to_string(k_rsa_ciphertext_size) +
                                                " bytes, got " + std::to_string(ciphertext.size()));
  try {
    CryptoPP::RSAES_OAEP_SHA_Decryptor decryptor(m_impl->key);
    Bytes out(decryptor.FixedMaxPlaintextLength());
    SystemRandom random; // for blinding, which hides the key from timing
    auto result = decryptor.Decrypt(random, ciphertext.data(), ciphertext.size(), out.data());
    if (!result.isValidCoding)
      return make_error(Errc::decrypt_failed, "RSA-OAEP decryption failed (wrong key?)");
    out.resize(result.messageLength);
    return out;
  } catch (const CryptoPP::Exception &error) {
    return make_error(Errc::decrypt_failed, std::string("RSA decryption failed: ") + error.what());
  }
}

} // namespace messageu::crypto
