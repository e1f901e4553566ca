// How a stored message's content is read back when it is delivered: a reader that copies it
// out in chunks, so that a pull of a large content never holds it whole in memory. (The
// client's ContentSource is another thing: a content the client hands out in chunks, to send
// or to save.)
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <cstddef>
#include <cstdint>

namespace messageu::store {

class StoredContentReader {
public:
  virtual ~StoredContentReader() = default;

  // The content's size in bytes.
  virtual std::uint64_t size() const = 0;

  // Copies the next bytes into `buffer`: returns how many (at most buffer.size()), 0 once the
  // whole content was read. Storage that ends before the recorded size, or a read failure →
  // Errc::storage.
  virtual Result<std::size_t> read(MutableByteView buffer) = 0;
};

} // namespace messageu::store
