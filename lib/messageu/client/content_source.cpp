// Message contents produced chunk by chunk: from memory, or a file encrypted as it is read.
#include <messageu/client/content_source.hpp>

#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace messageu::client {

Result<ByteView> BytesContent::next_chunk() {
  if (m_done)
    return ByteView{};
  m_done = true;
  return ByteView(m_content);
}

Result<EncryptedFileContent> EncryptedFileContent::open(const std::filesystem::path &path,
                                                        const crypto::AesKey &key) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (" + std::strerror(errno) + ")");
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (not a regular file)");
  }
  // Tell the kernel the file is read once, front to back.
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return EncryptedFileContent(fd, static_cast<std::uint64_t>(status.st_size), key);
}

EncryptedFileContent::EncryptedFileContent(int fd, std::uint64_t size, const crypto::AesKey &key)
    : m_fd(fd), m_plaintext_size(size), m_encryptor(key) {}

EncryptedFileContent::EncryptedFileContent(EncryptedFileContent &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_plaintext_size(other.m_plaintext_size),
      m_read(other.m_read), m_finished(other.m_finished), m_encryptor(std::move(other.m_encryptor)),
      m_plaintext(std::move(other.m_plaintext)), m_ciphertext(std::move(other.m_ciphertext)),
      m_progress(std::move(other.m_progress)) {}

EncryptedFileContent &EncryptedFileContent::operator=(EncryptedFileContent &&other) noexcept {
  if (this != &other) {
    if (m_fd >= 0)
      ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_plaintext_size = other.m_plaintext_size;
    m_read = other.m_read;
    m_finished = other.m_finished;
    m_encryptor = std::move(other.m_encryptor);
    m_plaintext = std::move(other.m_plaintext);
    m_ciphertext = std::move(other.m_ciphertext);
    m_progress = std::move(other.m_progress);
  }
  return *this;
}

EncryptedFileContent::~EncryptedFileContent() {
  if (m_fd >= 0)
    ::close(m_fd);
}

Result<ByteView> EncryptedFileContent::next_chunk() {
  if (m_finished)
    return ByteView{};
  m_ciphertext.clear();
  auto wanted = std::min<std::uint64_t>(k_file_chunk_size, m_plaintext_size - m_read);
  m_plaintext.resize(static_cast<std::size_t>(wanted));
  auto filled = MESSAGEU_TRY(read_full_from_fd(m_fd, m_plaintext, "the file"));
  if (filled < m_plaintext.size())
    return make_error(Errc::io_error, "the file shrank while it was being sent");
  m_read += filled;
  m_encryptor.update(m_plaintext, m_ciphertext);
  if (m_read == m_plaintext_size) {
    m_encryptor.finish(m_ciphertext);
    m_finished = true;
  }
  if (m_progress)
    m_progress(m_read, m_plaintext_size);
  return ByteView(m_ciphertext);
}

} // namespace messageu::client
