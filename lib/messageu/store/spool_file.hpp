// One open file of the spool directory (a large message content), owning its descriptor:
// complete writes, reads, fsync. Failures are storage errors; running out of space is marked
// (is_storage_full).
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <cstddef>
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
  int m_descriptor;
  std::string m_name;
};

} // namespace messageu::store
