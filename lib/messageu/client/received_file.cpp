// Received files: key selection, streamed decryption into a temporary file, and publication
// under a name that never replaces an existing file.
#include <messageu/client/received_file.hpp>

#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {
namespace {

// An open temporary file, removed unless it was published.
class TemporaryFile {
public:
  TemporaryFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  ~TemporaryFile() {
    if (m_fd >= 0)
      ::close(m_fd);
    if (!m_published)
      ::unlink(m_path.c_str());
  }

  int fd() const { return m_fd; }
  const std::string &path() const { return m_path; }
  void mark_published() { m_published = true; }

private:
  int m_fd;
  std::string m_path;
  bool m_published = false;
};

Status ensure_directory(const std::filesystem::path &directory) {
  std::error_code error;
  if (std::filesystem::is_directory(directory, error))
    return {};
  std::filesystem::create_directories(directory, error);
  if (error)
    return make_error(Errc::cannot_create,
                      "cannot create the directory " + directory.string() + ": " + error.message());
  ::chmod(directory.c_str(), 0700);
  return {};
}

Result<std::unique_ptr<TemporaryFile>> create_temporary(const std::filesystem::path &directory,
                                                        std::string_view base_name) {
  std::string path = (directory / ("." + std::string(base_name) + ".partial-XXXXXX")).string();
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0)
    return make_error(Errc::cannot_create, "cannot create a file in " + directory.string() + ": " +
                                               std::strerror(errno));
  auto file = std::make_unique<TemporaryFile>(fd, path);
  // mkostemp makes 0600; a saved file gets the permissions any new file would (the umask's).
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  return file;
}

// Renames `from` to `to` unless `to` exists: true when renamed, false when `to` was taken.
Result<bool> rename_without_replacing(const std::string &from, const std::string &to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return true;
  if (errno == EEXIST)
    return false;
  if (errno != EINVAL && errno != ENOSYS)
    return make_error(Errc::io_error,
                      "cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  // A file system without RENAME_NOREPLACE: link() refuses an existing name just the same.
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST)
      return false;
    return make_error(Errc::io_error,
                      "cannot link " + from + " to " + to + ": " + std::strerror(errno));
  }
  ::unlink(from.c_str());
  return true;
}

Result<std::filesystem::path> publish(TemporaryFile &file, const std::filesystem::path &directory,
                                      std::string_view base_name) {
  for (int suffix = 0;; ++suffix) {
    std::string name(base_name);
    if (suffix > 0)
      name += "." + std::to_string(suffix);
    auto target = directory / name;
    if (MESSAGEU_TRY(rename_without_replacing(file.path(), target.string()))) {
      file.mark_published();
      return target;
    }
  }
}

} // namespace

std::string received_file_name(std::string_view sender, MessageId id) {
  std::string name(sender);
  for (auto &character : name)
    if (character == '/' || character == '\\' || static_cast<unsigned char>(character) < 0x20)
      character = '_';
  if (name.empty() || name.front() == '.')
    name.insert(name.begin(), '_');
  return name + "-" + std::to_string(id);
}

Result<std::optional<crypto::AesKey>> find_file_key(SpooledContent &content,
                                                    std::span<const store::AesKeyBytes> keys) {
  auto size = content.size();
  if (size == 0 || size % crypto::k_aes_block_size != 0)
    return std::optional<crypto::AesKey>{};
  // In CBC the last block decrypts from itself and the block before it alone.
  auto tail = MESSAGEU_TRY(content.read_tail(2 * crypto::k_aes_block_size));
  for (const auto &key : keys) {
    crypto::AesCbcDecryptor decryptor(key);
    Bytes plaintext;
    decryptor.update(tail, plaintext);
    if (decryptor.finish(plaintext))
      return std::optional<crypto::AesKey>{key};
  }
  return std::optional<crypto::AesKey>{};
}

Result<SavedFile> save_received_file(SpooledContent &content, const crypto::AesKey &key,
                                     const std::filesystem::path &directory,
                                     std::string_view base_name, const ProgressCallback &progress) {
  MESSAGEU_TRY(ensure_directory(directory));
  auto file = MESSAGEU_TRY(create_temporary(directory, base_name));
  MESSAGEU_TRY(content.rewind());
  crypto::AesCbcDecryptor decryptor(key);
  crypto::Sha256 digest;
  SavedFile saved;
  Bytes plaintext;
  std::uint64_t done = 0;
  auto keep = [&](ByteView bytes) -> Status {
    MESSAGEU_TRY(write_all_to_fd(file->fd(), bytes, "the received file"));
    digest.update(bytes);
    saved.size += bytes.size();
    return {};
  };
  while (true) {
    auto chunk = MESSAGEU_TRY(content.next_chunk());
    if (chunk.empty())
      break;
    plaintext.clear();
    decryptor.update(chunk, plaintext);
    MESSAGEU_TRY(keep(plaintext));
    done += chunk.size();
    if (progress)
      progress(done, content.size());
  }
  plaintext.clear();
  MESSAGEU_TRY(decryptor.finish(plaintext));
  MESSAGEU_TRY(keep(plaintext));
  if (::fsync(file->fd()) != 0)
    return make_error(Errc::io_error,
                      std::string("cannot sync the received file: ") + std::strerror(errno));
  saved.path = MESSAGEU_TRY(publish(*file, directory, base_name));
  MESSAGEU_TRY(fsync_directory(directory));
  saved.sha256 = digest.finish();
  return saved;
}

} // namespace messageu::client
