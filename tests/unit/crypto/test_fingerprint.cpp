// Fingerprints (CLI.md §5): format, the known SHA-256 of the vector key, and normalizing
// what a user types for `trust --fingerprint`.
#include "crypto_test_support.hpp"

#include <messageu/crypto/fingerprint.hpp>
#include <messageu/crypto/hash.hpp>
#include <messageu/util/hex.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace messageu::crypto {
namespace {

PublicKeyBytes vector_key(const std::string &file) {
  auto der = test::hex_field(test::load_vectors(file), "public_key_spki_hex");
  PublicKeyBytes key{};
  std::copy(der.begin(), der.end(), key.begin());
  return key;
}

std::string without_spaces(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

TEST(Fingerprint, IsSixteenGroupsOfFourLowerCaseHexDigits) {
  auto text = fingerprint(vector_key("rsa1024_e3.json"));
  ASSERT_EQ(text.size(), k_fingerprint_length);
  ASSERT_EQ(text.size(), 79u);
  for (std::size_t index = 0; index < text.size(); ++index) {
    if (index % 5 == 4)
      EXPECT_EQ(text[index], ' ') << index;
    else
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(text[index])) ||
                  (text[index] >= 'a' && text[index] <= 'f'))
          << index;
  }
}

TEST(Fingerprint, IsTheSha256OfThe160Bytes) {
  // The SHA-256 of the e17 vector key, computed independently with Python's hashlib.
  EXPECT_EQ(without_spaces(fingerprint(vector_key("rsa1024_e17.json"))),
            "c3b93b50d83f69c92d38f16c20be254abc46d56df89e4d1e86df4e8f78918b13");
  auto key = vector_key("rsa1024_e3.json");
  EXPECT_EQ(without_spaces(fingerprint(key)), to_hex(sha256(key)));
}

TEST(Fingerprint, DiffersForDifferentKeys) {
  EXPECT_NE(fingerprint(vector_key("rsa1024_e3.json")),
            fingerprint(vector_key("rsa1024_e17.json")));
}

TEST(NormalizeFingerprint, AcceptsAnyCaseSpacesAndColons) {
  auto canonical = fingerprint(vector_key("rsa1024_e17.json"));
  auto digits = without_spaces(canonical);
  std::string upper_with_colons;
  for (std::size_t index = 0; index < digits.size(); ++index) {
    if (index > 0 && index % 2 == 0)
      upper_with_colons += ':';
    upper_with_colons += static_cast<char>(std::toupper(static_cast<unsigned char>(digits[index])));
  }
  for (const auto &typed : {canonical, digits, upper_with_colons, "  " + canonical + "\t"}) {
    auto normalized = normalize_fingerprint(typed);
    ASSERT_TRUE(normalized) << typed;
    EXPECT_EQ(*normalized, canonical) << typed;
  }
}

TEST(NormalizeFingerprint, RejectsWrongLengthsAndOtherCharacters) {
  auto digits = without_spaces(fingerprint(vector_key("rsa1024_e3.json")));
  for (const auto &typed : {std::string{}, digits.substr(1), digits + "0", digits.substr(1) + "g",
                            digits.substr(1) + "-", "0x" + digits.substr(2)}) {
    auto normalized = normalize_fingerprint(typed);
    ASSERT_FALSE(normalized) << typed;
    EXPECT_EQ(normalized.error().code, Errc::bad_data) << typed;
  }
}

} // namespace
} // namespace messageu::crypto
