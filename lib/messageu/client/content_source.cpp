// Message contents produced chunk by chunk: from memory, or a file encrypted as it is read.
#include <messageu/client/content_source.hpp>

#include <messageu/util/files.hpp>
#include <messageu/util/unique_fd.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <utility>

namespace messageu::client {

Result<ByteView> BytesContent::next_chunk() {
  if (m_done)
    return ByteView{};
  m_done = true;
  return ByteView(m_content);
}

struct EncryptedFileContent::Reader {
  UniqueFd fd;
  const std::uint64_t plaintext_size; // also read by the caller's thread
  std::uint64_t read = 0;
  crypto::AesCbcEncryptor encryptor;
  Bytes plaintext{};

  Reader(UniqueFd file, std::uint64_t size, const crypto::AesKey &key)
      : fd(std::move(file)), plaintext_size(size), encryptor(key) {}

  // Reads and encrypts the next chunk into `ciphertext`; true when it is the last one.
  Result<bool> produce(Bytes &ciphertext) {
    auto wanted = std::min<std::uint64_t>(k_file_chunk_size, plaintext_size - read);
    plaintext.resize(static_cast<std::size_t>(wanted));
    auto filled = MESSAGEU_TRY(read_full_from_fd(fd.get(), plaintext, "the file"));
    if (filled < plaintext.size())
      return make_error(Errc::io_error, "the file shrank while it was being sent");
    read += filled;
    encryptor.update(plaintext, ciphertext);
    if (read < plaintext_size)
      return false;
    encryptor.finish(ciphertext);
    return true;
  }
};

Result<EncryptedFileContent> EncryptedFileContent::open(const std::filesystem::path &path,
                                                        const crypto::AesKey &key) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (" + std::strerror(errno) + ")");
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode))
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (not a regular file)");
  // Tell the kernel the file is read once, front to back.
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  auto size = static_cast<std::uint64_t>(status.st_size);
  return EncryptedFileContent(std::make_unique<Reader>(std::move(fd), size, key));
}

EncryptedFileContent::EncryptedFileContent(std::unique_ptr<Reader> reader)
    : m_reader(std::move(reader)) {}

EncryptedFileContent::EncryptedFileContent(EncryptedFileContent &&other) noexcept = default;
EncryptedFileContent &
EncryptedFileContent::operator=(EncryptedFileContent &&other) noexcept = default;
// The prefetcher (declared after the reader) stops before the reader closes the file.
EncryptedFileContent::~EncryptedFileContent() = default;

std::uint64_t EncryptedFileContent::plaintext_size() const { return m_reader->plaintext_size; }

Result<ByteView> EncryptedFileContent::next_chunk() {
  if (!m_prefetcher)
    m_prefetcher = std::make_unique<ChunkPrefetcher>(
        [reader = m_reader.get()](Bytes &chunk) { return reader->produce(chunk); });
  auto chunk = MESSAGEU_TRY(m_prefetcher->next());
  m_handed_out += chunk.size();
  // Chunks are whole AES blocks: until the padding, ciphertext and plaintext keep pace.
  if (m_progress && !chunk.empty())
    m_progress(std::min(m_handed_out, plaintext_size()), plaintext_size());
  return chunk;
}

} // namespace messageu::client
