// Transcript: the events of an incremental reader written down as bytes, so that reading one
// stream in two different chunkings can be compared with a single ==.
#pragma once

#include <messageu/util/bytes.hpp>

#include <cstdint>

namespace messageu::fuzz {

// Records events with their details. Contents delivered in pieces are joined and recorded
// as one entry when the next event arrives, so the chunking does not show.
class Transcript {
public:
  void event(std::uint8_t kind, ByteView detail = {}) {
    flush_content();
    record(kind, detail);
  }
  void content(ByteView chunk) { m_content.insert(m_content.end(), chunk.begin(), chunk.end()); }
  const Bytes &finish() {
    flush_content();
    return m_log;
  }

private:
  void record(std::uint8_t kind, ByteView detail) {
    ByteWriter writer;
    writer.u8(kind).u32(static_cast<std::uint32_t>(detail.size())).bytes(detail);
    m_log.insert(m_log.end(), writer.buffer().begin(), writer.buffer().end());
  }
  void flush_content() {
    if (m_content.empty())
      return;
    record(0xff, m_content);
    m_content.clear();
  }

  Bytes m_log;
  Bytes m_content;
};

} // namespace messageu::fuzz
