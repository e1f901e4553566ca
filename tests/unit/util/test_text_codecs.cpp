// Hex, base64 and client id text forms.
#include <messageu/util/base64.hpp>
#include <messageu/util/hex.hpp>
#include <messageu/util/ids.hpp>

#include <gtest/gtest.h>

using namespace messageu;

TEST(Hex, EncodesLowerCase) { EXPECT_EQ(to_hex(Bytes{0x00, 0xab, 0xff}), "00abff"); }

TEST(Hex, DecodesEitherCase) { EXPECT_EQ(*from_hex("00ABff"), (Bytes{0x00, 0xab, 0xff})); }

TEST(Hex, RejectsOddLengthAndNonDigits) {
  EXPECT_EQ(from_hex("abc").error().code, Errc::bad_data);
  EXPECT_EQ(from_hex("zz").error().code, Errc::bad_data);
}

TEST(ClientIdText, RoundTripsAndAcceptsUpperCase) {
  auto id = client_id_from_hex("64F3F63985F04BEB81A0E43321880182");
  ASSERT_TRUE(id);
  EXPECT_EQ(client_id_to_hex(*id), "64f3f63985f04beb81a0e43321880182");
}

TEST(ClientIdText, RejectsWrongLength) {
  EXPECT_EQ(client_id_from_hex("64f3").error().code, Errc::bad_data);
}

TEST(Base64, EncodesWithPaddingAndWraps) {
  EXPECT_EQ(base64_encode(to_bytes("")), "");
  EXPECT_EQ(base64_encode(to_bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(to_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(to_bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(to_bytes("foobar"), 4), "Zm9v\nYmFy");
}

TEST(Base64, DecodesIgnoringWhitespaceAndCarriageReturns) {
  auto decoded = base64_decode(" Zm9v\r\nYmFy\n");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(as_chars(*decoded), "foobar");
  EXPECT_EQ(as_chars(*base64_decode("Zm8=")), "fo");
  EXPECT_EQ(as_chars(*base64_decode("Zm8")), "fo");
}

TEST(Base64, RejectsInvalidCharactersAndPadding) {
  EXPECT_EQ(base64_decode("Zm9v!").error().code, Errc::bad_data);
  EXPECT_EQ(base64_decode("Z").error().code, Errc::bad_data);
  EXPECT_EQ(base64_decode("Zg==Zg==").error().code, Errc::bad_data);
  EXPECT_EQ(base64_decode("Zg===").error().code, Errc::bad_data);
}

TEST(Result, PropagatesErrorsThroughTry) {
  auto inner = [](bool fail) -> Result<int> {
    if (fail)
      return make_error(Errc::bad_data, "no");
    return 5;
  };
  auto outer = [&](bool fail) -> Result<int> {
    int value = MESSAGEU_TRY(inner(fail));
    return value + 1;
  };
  EXPECT_EQ(*outer(false), 6);
  EXPECT_EQ(outer(true).error(), make_error(Errc::bad_data, "no"));
}
