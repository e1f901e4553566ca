// ByteWriter and ByteReader: field-by-field encoding and bounds-checked decoding.
#include <messageu/util/bytes.hpp>

#include <algorithm>

namespace messageu {

ByteWriter &ByteWriter::u8(std::uint8_t v) {
  m_buffer.push_back(v);
  return *this;
}

ByteWriter &ByteWriter::u16(std::uint16_t v) {
  Byte le[2];
  store_le16(le, v);
  m_buffer.insert(m_buffer.end(), le, le + 2);
  return *this;
}

ByteWriter &ByteWriter::u32(std::uint32_t v) {
  Byte le[4];
  store_le32(le, v);
  m_buffer.insert(m_buffer.end(), le, le + 4);
  return *this;
}

ByteWriter &ByteWriter::bytes(ByteView v) {
  m_buffer.insert(m_buffer.end(), v.begin(), v.end());
  return *this;
}

ByteWriter &ByteWriter::padded(std::string_view text, std::size_t width) {
  auto length = std::min(text.size(), width);
  bytes(as_bytes(text.substr(0, length)));
  m_buffer.insert(m_buffer.end(), width - length, Byte{0});
  return *this;
}

Status ByteReader::need(std::size_t count) const {
  if (remaining() < count)
    return make_error(Errc::truncated, "need " + std::to_string(count) + " bytes at offset " +
                                           std::to_string(m_offset) + ", have " +
                                           std::to_string(remaining()));
  return {};
}

Result<std::uint8_t> ByteReader::u8() {
  MESSAGEU_TRY(need(1));
  return m_data[m_offset++];
}

Result<std::uint16_t> ByteReader::u16() {
  MESSAGEU_TRY(need(2));
  auto v = load_le16(m_data.data() + m_offset);
  m_offset += 2;
  return v;
}

Result<std::uint32_t> ByteReader::u32() {
  MESSAGEU_TRY(need(4));
  auto v = load_le32(m_data.data() + m_offset);
  m_offset += 4;
  return v;
}

Result<ByteView> ByteReader::bytes(std::size_t count) {
  MESSAGEU_TRY(need(count));
  auto view = m_data.subspan(m_offset, count);
  m_offset += count;
  return view;
}

} // namespace messageu
