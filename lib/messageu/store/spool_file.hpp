// One open file of the spool directory (a large message content), owning its descriptor:
// complete writes, reads, fsync. Failures are storage errors; running out of space is marked
// (is_storage_full).
//
// Writes hand each full window of data to the disk as they go (writeback starts, nobody
// waits for it), so that the fsync that makes a large content durable finds little left to
// write: for a 1 GiB file that fsync took a quarter of a second, during which the database
// thread commits nothing else.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace messageu::store {

class SpoolFile {
public:
  // Takes ownership of the open descriptor `descriptor` of the file called `name`.
  SpoolFile(int descriptor, std::string name);
  SpoolFile(SpoolFile &&other) noexcept;
  SpoolFile &operator=(SpoolFile &&other) noexcept;
  SpoolFile(const SpoolFile &) = delete;
  SpoolFile &operator=(const SpoolFile &) = delete;
  ~SpoolFile();

  // The file's name inside the spool directory.
  const std::string &name() const { return m_name; }

  // Writes all of `bytes`. No space left (ENOSPC, EDQUOT) → storage full; other failures →
  // Errc::storage.
  Status write_all(ByteView bytes);
  // Reads up to buffer.size() bytes: how many, 0 at the end of the file.
  Result<std::size_t> read(MutableByteView buffer);
  // Flushes the file's data to disk.
  Status sync();
  // Closes the descriptor now (also done on destruction); the name stays.
  void close();

private:
  // Starts writeback of what was written since the last call, once that is a window's worth.
  void start_writeback();

  int m_descriptor;
  std::string m_name;
  std::uint64_t m_written = 0;         // bytes written through write_all
  std::uint64_t m_writeback_start = 0; // where the data not yet handed to writeback begins
};

} // namespace messageu::store
