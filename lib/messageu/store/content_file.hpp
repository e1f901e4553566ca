// One open file of the content directory (a large message content), owning its descriptor:
// complete writes, reads, fsync. Failures are storage errors; running out of space is marked
// (is_storage_full).
//
// A content file is written once and read once, so its data does not stay in the page cache:
// - writes hand each full window to the disk as they go (writeback starts, nobody waits),
//   wait for the window before it to be on disk and drop its pages. The fsync that makes a
//   large content durable then finds little left to write (for 1 GiB it took a quarter of a
//   second, during which the store thread commits nothing else), and the cache holds at
//   most two windows of the file;
// - reads drop each window's pages once it was read.
// Pages given back at once are the ones the next window reuses. On a virtual machine whose
// free memory goes back to the host, writing into pages never used before cost about 2 s
// per GiB; reusing the same few turned a 1 GiB upload from about 3 s into 1.5 s.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>
#include <messageu/util/unique_fd.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace messageu::store {

class ContentFile {
public:
  // Owns `descriptor`, the open file called `name`. Move-only; destruction closes it.
  ContentFile(UniqueFd descriptor, std::string name);

  // The file's name inside the content directory.
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
  // Once a window's worth was written since the last call: starts its writeback, waits for
  // the window before it to be on disk and drops that one's pages.
  void start_writeback();
  // Once a window's worth was read since the last call: drops its pages.
  void drop_read_pages();

  UniqueFd m_descriptor;
  std::string m_name;
  // How far writing and reading went, and how much of it left the page cache.
  struct Progress {
    std::uint64_t written = 0;         // bytes written through write_all
    std::uint64_t writeback_start = 0; // where the data not yet handed to writeback begins
    std::uint64_t previous_window = 0; // the size of the last window handed to writeback
    std::uint64_t read = 0;            // bytes read through read()
    std::uint64_t read_dropped = 0;    // the page cache holds none of the file before this
  };
  Progress m_progress{};
};

} // namespace messageu::store
