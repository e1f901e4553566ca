// ByteWriter and ByteReader: little-endian fields, padding, and truncation as an error.
#include <messageu/util/bytes.hpp>

#include <gtest/gtest.h>

using namespace messageu;

TEST(ByteWriter, WritesLittleEndianIntegers) {
  auto bytes = ByteWriter().u8(0x02).u16(0x0258).u32(0x0000019f).take();
  EXPECT_EQ(bytes, (Bytes{0x02, 0x58, 0x02, 0x9f, 0x01, 0x00, 0x00}));
}

TEST(ByteWriter, PadsTextWithZerosToTheFieldWidth) {
  auto bytes = ByteWriter().padded("bob", 6).take();
  EXPECT_EQ(bytes, (Bytes{'b', 'o', 'b', 0, 0, 0}));
}

TEST(ByteReader, ReadsBackWhatTheWriterWrote) {
  auto bytes = ByteWriter().u16(600).u32(4000000000u).bytes(to_bytes("xy")).take();
  ByteReader reader(bytes);
  EXPECT_EQ(*reader.u16(), 600);
  EXPECT_EQ(*reader.u32(), 4000000000u);
  EXPECT_EQ(as_chars(*reader.bytes(2)), "xy");
  EXPECT_TRUE(reader.at_end());
}

TEST(ByteReader, ReportsTruncationInsteadOfReadingPastTheEnd) {
  Bytes bytes{1, 2, 3};
  ByteReader reader(bytes);
  auto value = reader.u32();
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code, Errc::truncated);
  EXPECT_EQ(reader.offset(), 0u);
  EXPECT_EQ(reader.bytes(4).error().code, Errc::truncated);
  EXPECT_EQ(*reader.u16(), 0x0201);
}

TEST(ByteReader, ReadsFixedArrays) {
  Bytes bytes{9, 8, 7};
  ByteReader reader(bytes);
  auto array = reader.array<2>();
  ASSERT_TRUE(array);
  EXPECT_EQ((*array)[0], 9);
  EXPECT_EQ((*array)[1], 8);
  EXPECT_EQ(reader.array<2>().error().code, Errc::truncated);
}
