// A file message (type 4) decrypted while it arrives, so that pull writes and syncs its bytes
// once (CLI.md §4): the plaintext goes into a hidden temporary file of the save directory,
// `.messageu-<tag>-XXXXXX.part`, with its SHA-256 computed on the way. The spool then names
// that file, and handling the message only has to give it its final name.
//
// The key is a guess made before the last block is seen (the sender's newest key). When the
// padding does not check at the end, nothing is lost: CBC decryption under a key is a
// permutation, so encrypting the decrypted blocks again under the same key gives back the
// exact ciphertext, which write_ciphertext() produces for the raw spool.
#pragma once

#include <messageu/client/background_writer.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/aes.hpp>
#include <messageu/crypto/hash.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/unique_fd.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace messageu::client {

// The prefix of the temporary files a profile's pulls leave in save directories, unique to
// the profile (derived from its spool directory) so that the orphan clean-up of one profile
// never touches the files of another pulling into the same directory.
std::string temporary_file_prefix(const std::filesystem::path &spool_directory);

// True for a name `prefix` + anything + ".part".
bool is_temporary_file_name(std::string_view name, std::string_view prefix);

// The plaintext is written with direct I/O where the file system allows it: on a buffered
// write the copy into the page cache and the writeback before fsync() cost more than the
// decryption and the digest together, and the file is not read again by pull.
class IncomingFile {
public:
  // Decrypted bytes are written in pieces of this size, so that system calls do not dominate.
  static constexpr std::size_t k_write_size = std::size_t{2} << 20;
  // At most this much ciphertext is decrypted at once, so that it is hashed while in cache.
  static constexpr std::size_t k_piece_size = std::size_t{256} << 10;

  // Creates `directory` (mode 0700) when missing and a new temporary file in it named
  // `prefix` + random + ".part", mode 0600, for a ciphertext to be decrypted under `key`.
  // Errors: the directory or the file cannot be created → Errc::cannot_create.
  static Result<IncomingFile> create(const std::filesystem::path &directory,
                                     std::string_view prefix, const crypto::AesKey &key);

  IncomingFile(IncomingFile &&other) noexcept;
  IncomingFile &operator=(IncomingFile &&other) = delete;
  IncomingFile(const IncomingFile &) = delete;
  IncomingFile &operator=(const IncomingFile &) = delete;
  // Removes the file unless release() was called.
  ~IncomingFile();

  const std::filesystem::path &path() const { return m_path; }

  // Decrypts the next bytes of the ciphertext into the file. A failed write → Errc::io_error.
  Status update(ByteView ciphertext);

  // At the end of the ciphertext: checks the padding. When it checks, the file is complete,
  // synced and closed, and what the spool must record about it is returned. When it does not
  // (the key was not the sender's), nullopt: the file then holds every block but the last one,
  // for write_ciphertext(). A write or sync failure → Errc::io_error.
  Result<std::optional<client_state::DecryptedContent>> finish();

  // After finish() returned nullopt: writes the original ciphertext, byte for byte, to `fd`.
  // A read or write failure → Errc::io_error.
  Status write_ciphertext(int fd);

  // The file is the spool's from now on: it is no longer removed on destruction.
  void release() { m_released = true; }

private:
  struct FreeBuffer {
    void operator()(Byte *buffer) const;
  };

  IncomingFile(UniqueFd fd, std::filesystem::path path, const crypto::AesKey &key);
  void remember_tail(ByteView ciphertext);
  Byte *output() const { return m_output[m_filling].get(); }
  void append(ByteView plaintext);
  // Starts writing what fills whole direct I/O blocks of the output, in the background; with
  // `all`, waits for it and writes the rest too.
  Status flush(bool all);
  void close_file();

  UniqueFd m_fd;
  std::filesystem::path m_path;
  crypto::AesKey m_key{};
  crypto::AesCbcDecryptor m_decryptor;
  crypto::Sha256 m_digest;
  bool m_direct = false; // the file is open with O_DIRECT
  // Two buffers, aligned as direct I/O requires: the plaintext not written yet goes into
  // m_output[m_filling] while the other one may be being written by m_writer.
  std::array<std::unique_ptr<Byte[], FreeBuffer>, 2> m_output;
  std::size_t m_filling = 0;
  std::size_t m_output_size = 0;
  std::unique_ptr<BackgroundWriter> m_writer;
  std::uint64_t m_plaintext_size = 0;
  // The last two blocks of the ciphertext seen so far (the last one is never decrypted until
  // finish(), and is what write_ciphertext() appends).
  std::array<Byte, 2 * crypto::k_aes_block_size> m_tail{};
  std::size_t m_tail_size = 0;
  bool m_released = false;
};

} // namespace messageu::client
