// Reads back the content of a spooled message, held inline or in a spool file, in chunks and
// from the start again as often as needed (a file is decrypted once per candidate key).
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/unique_fd.hpp>

#include <cstdint>

namespace messageu::client {

class SpooledContent : public ContentSource {
public:
  static constexpr std::size_t k_chunk_size = 256 * 1024;

  // The content of `message`, which must outlive this reader. A spool file that cannot be
  // opened → Errc::io_error.
  static Result<SpooledContent> open(const client_state::SpooledMessage &message);

  SpooledContent(SpooledContent &&other) noexcept = default;
  SpooledContent &operator=(SpooledContent &&other) noexcept = default;
  ~SpooledContent() override = default;

  std::uint64_t size() const override { return m_size; }
  // The next chunk, valid until the next call; empty at the end. A spool file shorter than
  // the recorded size → Errc::io_error.
  Result<ByteView> next_chunk() override;
  // Starts over from the first byte.
  Status rewind();
  // The whole content in memory (texts).
  Result<Bytes> read_all();
  // The last min(count, size()) bytes, without moving the chunk position.
  Result<Bytes> read_tail(std::size_t count);

private:
  SpooledContent(const client_state::SpooledMessage &message, UniqueFd fd);

  const client_state::SpooledMessage *m_message = nullptr;
  UniqueFd m_fd; // none when the content is inline
  std::uint64_t m_size = 0;
  std::uint64_t m_offset = 0;
  Bytes m_buffer;
};

} // namespace messageu::client
