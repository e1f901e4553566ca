// Byte buffers and the two cursors every codec uses: ByteWriter appends little-endian
// integers and raw bytes; ByteReader consumes them from a span and reports truncation as an
// error value instead of reading past the end.
#pragma once

#include <messageu/util/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace messageu {

using Byte = std::uint8_t;
using Bytes = std::vector<Byte>;
using ByteView = std::span<const Byte>;
using MutableByteView = std::span<Byte>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const Byte *>(text.data()), text.size()};
}
inline std::string_view as_chars(ByteView bytes) {
  return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}
inline Bytes to_bytes(std::string_view text) {
  auto view = as_bytes(text);
  return Bytes(view.begin(), view.end());
}

// Little-endian load and store of unsigned integers.
inline std::uint16_t load_le16(const Byte *p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t load_le32(const Byte *p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline void store_le16(Byte *p, std::uint16_t v) {
  p[0] = static_cast<Byte>(v);
  p[1] = static_cast<Byte>(v >> 8);
}
inline void store_le32(Byte *p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<Byte>(v >> (8 * i));
}

// Appends fields to a growing buffer.
class ByteWriter {
public:
  ByteWriter() = default;
  explicit ByteWriter(std::size_t reserve) { m_buffer.reserve(reserve); }

  ByteWriter &u8(std::uint8_t v);
  ByteWriter &u16(std::uint16_t v);
  ByteWriter &u32(std::uint32_t v);
  ByteWriter &bytes(ByteView v);
  // Writes `text` into a field of exactly `width` bytes, zero-padded. The caller guarantees
  // text.size() <= width.
  ByteWriter &padded(std::string_view text, std::size_t width);

  std::size_t size() const { return m_buffer.size(); }
  const Bytes &buffer() const { return m_buffer; }
  Bytes take() { return std::move(m_buffer); }

private:
  Bytes m_buffer;
};

// Consumes fields from a span. Every read checks the remaining length first and returns
// Errc::truncated instead of reading past the end.
class ByteReader {
public:
  explicit ByteReader(ByteView data) : m_data(data) {}

  Result<std::uint8_t> u8();
  Result<std::uint16_t> u16();
  Result<std::uint32_t> u32();
  // The next `count` bytes, as a view into the underlying buffer.
  Result<ByteView> bytes(std::size_t count);
  template <std::size_t N> Result<std::array<Byte, N>> array() {
    auto view = MESSAGEU_TRY(bytes(N));
    std::array<Byte, N> out{};
    std::copy(view.begin(), view.end(), out.begin());
    return out;
  }

  std::size_t remaining() const { return m_data.size() - m_offset; }
  std::size_t offset() const { return m_offset; }
  bool at_end() const { return remaining() == 0; }
  ByteView rest() const { return m_data.subspan(m_offset); }

private:
  Status need(std::size_t count) const;

  ByteView m_data;
  std::size_t m_offset = 0;
};

} // namespace messageu
