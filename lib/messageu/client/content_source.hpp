// The content of a message being sent, produced in chunks so that a file of any size goes to
// the socket without being held in memory. Its exact size is known before the first byte is
// sent, since the request header declares it (PROTOCOL.md §4).
#pragma once

#include <messageu/client/chunk_prefetcher.hpp>
#include <messageu/crypto/aes.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

namespace messageu::client {

// Reports how far a transfer has gone: bytes done out of total.
using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

class ContentSource {
public:
  virtual ~ContentSource() = default;

  // The exact number of bytes all the chunks add up to.
  virtual std::uint64_t size() const = 0;
  // The next chunk, valid until the next call; an empty view once everything was produced.
  // A source that cannot produce what size() promised (a file that shrank) → an error.
  virtual Result<ByteView> next_chunk() = 0;
  // Whether restart() can start the content again from its first chunk, so that a request
  // the server refused in a stale dialect can be sent again in the right one.
  virtual bool restartable() const { return false; }
  virtual void restart() {}
};

// Content already in memory (an empty key request, an encrypted key or text).
class BytesContent : public ContentSource {
public:
  explicit BytesContent(Bytes content) : m_content(std::move(content)) {}

  std::uint64_t size() const override { return m_content.size(); }
  Result<ByteView> next_chunk() override;
  bool restartable() const override { return true; }
  void restart() override { m_done = false; }

private:
  Bytes m_content;
  bool m_done = false;
};

// A file encrypted while it is read (AES-128-CBC, zero IV, PKCS#7), in chunks of
// k_file_chunk_size. size() is the ciphertext size, 16 * (n / 16 + 1) for an n-byte file.
// The next chunk is read and encrypted on a thread of its own while the caller sends the
// current one (ChunkPrefetcher): encryption and the socket then share the time.
class EncryptedFileContent : public ContentSource {
public:
  // Chunks large enough that system calls do not dominate the cost.
  static constexpr std::size_t k_file_chunk_size = 256 * 1024;

  // Opens `path` for reading. Missing, unreadable or not a regular file →
  // Errc::file_not_found ("file not found: PATH").
  static Result<EncryptedFileContent> open(const std::filesystem::path &path,
                                           const crypto::AesKey &key);

  EncryptedFileContent(EncryptedFileContent &&other) noexcept;
  EncryptedFileContent &operator=(EncryptedFileContent &&other) noexcept;
  EncryptedFileContent(const EncryptedFileContent &) = delete;
  EncryptedFileContent &operator=(const EncryptedFileContent &) = delete;
  ~EncryptedFileContent() override;

  std::uint64_t plaintext_size() const;
  std::uint64_t size() const override { return crypto::aes_ciphertext_size(plaintext_size()); }
  // Reads exactly plaintext_size() bytes, whatever the file does meanwhile: a file that
  // shrank while being sent → Errc::io_error; bytes appended meanwhile are not sent.
  Result<ByteView> next_chunk() override;
  // Called after each chunk with the plaintext bytes read so far.
  void set_progress(ProgressCallback progress) { m_progress = std::move(progress); }

private:
  struct Reader; // the file and the encryptor, used by the prefetching thread
  explicit EncryptedFileContent(std::unique_ptr<Reader> reader);

  std::uint64_t m_handed_out = 0; // ciphertext bytes returned by next_chunk
  std::unique_ptr<Reader> m_reader;
  std::unique_ptr<ChunkPrefetcher> m_prefetcher; // started by the first next_chunk
  ProgressCallback m_progress;
};

} // namespace messageu::client
