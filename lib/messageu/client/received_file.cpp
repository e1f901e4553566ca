// Received files: key selection, streamed decryption into a temporary file, and publication
// under a name that never replaces an existing file (by rename, hard link or copy).
#include <messageu/client/received_file.hpp>

#include <messageu/util/files.hpp>
#include <messageu/util/unique_fd.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {
namespace {

constexpr std::size_t k_copy_buffer_size = std::size_t{1} << 20;

// A file is written as `.<base name>.partial-XXXXXX`, then renamed to `<base name>` or
// `<base name>.N`.
constexpr std::string_view k_partial_suffix = ".partial-XXXXXX";
static_assert(1 + k_partial_suffix.size() == k_received_file_name_extra);
// The longest uniqueness suffix, ".2147483647", adds less than the temporary name does.
static_assert(1 + std::numeric_limits<int>::digits10 + 1 <= k_received_file_name_extra);

bool is_safe_in_file_name(char character) {
  return character > 0x20 && character < 0x7f && character != '/' && character != '\\';
}

// An open temporary file, removed unless it was published.
class TemporaryFile {
public:
  TemporaryFile(UniqueFd fd, std::string path) : m_fd(std::move(fd)), m_path(std::move(path)) {}
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  ~TemporaryFile() {
    m_fd.close();
    if (!m_published)
      ::unlink(m_path.c_str());
  }

  int fd() const { return m_fd.get(); }
  const std::string &path() const { return m_path; }
  void mark_published() { m_published = true; }

private:
  UniqueFd m_fd;
  std::string m_path;
  bool m_published = false;
};

// The mode open(..., 0666) would give a new file under the current umask.
mode_t new_file_mode() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

Result<std::unique_ptr<TemporaryFile>> create_temporary(const std::filesystem::path &directory,
                                                        std::string_view base_name) {
  // Built by appending: `"." + std::string(...)` trips a false -Wrestrict in g++ 12 at -O3.
  std::string name(1, '.');
  name.append(base_name).append(k_partial_suffix);
  std::string path = (directory / name).string();
  UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd)
    return make_error(Errc::cannot_create, "cannot create a file in " + directory.string() + ": " +
                                               std::strerror(errno));
  auto file = std::make_unique<TemporaryFile>(std::move(fd), path);
  // mkostemp makes 0600; a saved file gets the permissions any new file would (the umask's).
  ::fchmod(file->fd(), new_file_mode());
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

// The candidate names of a received file, in order: `base_name`, `base_name`.1, ...
std::filesystem::path candidate_name(const std::filesystem::path &directory,
                                     std::string_view base_name, int suffix) {
  std::string name(base_name);
  if (suffix > 0)
    name.append(1, '.').append(std::to_string(suffix));
  return directory / name;
}

Result<std::filesystem::path> publish(TemporaryFile &file, const std::filesystem::path &directory,
                                      std::string_view base_name) {
  for (int suffix = 0;; ++suffix) {
    auto target = candidate_name(directory, base_name, suffix);
    if (MESSAGEU_TRY(rename_without_replacing(file.path(), target.string()))) {
      file.mark_published();
      return target;
    }
  }
}

// Links `source` under the first free name of `base_name`, `base_name`.1, ... in
// `directory`; nullopt when the file system cannot link it there (another file system, or
// one without hard links).
Result<std::optional<std::filesystem::path>>
link_without_replacing(const std::filesystem::path &source, const std::filesystem::path &directory,
                       std::string_view base_name) {
  for (int suffix = 0;; ++suffix) {
    auto target = candidate_name(directory, base_name, suffix);
    if (::link(source.c_str(), target.c_str()) == 0)
      return std::optional<std::filesystem::path>(target);
    if (errno == EEXIST)
      continue;
    if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == EOPNOTSUPP)
      return std::optional<std::filesystem::path>();
    return make_error(Errc::io_error, "cannot link " + source.string() + " to " + target.string() +
                                          ": " + std::strerror(errno));
  }
}

// Copies `source` into a new temporary file of `directory`, synced, for publish().
Result<std::unique_ptr<TemporaryFile>> copy_to_temporary(const std::filesystem::path &source,
                                                         const std::filesystem::path &directory,
                                                         std::string_view base_name) {
  auto file = MESSAGEU_TRY(create_temporary(directory, base_name));
  UniqueFd input(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!input)
    return make_error(Errc::io_error,
                      "cannot open " + source.string() + ": " + std::strerror(errno));
  Bytes buffer(k_copy_buffer_size);
  MESSAGEU_TRY(copy_fd(input.get(), file->fd(), buffer, source.string(), "the received file"));
  if (::fsync(file->fd()) != 0)
    return make_error(Errc::io_error,
                      std::string("cannot sync the received file: ") + std::strerror(errno));
  return file;
}

// The decrypted file of a spooled message, checked to be all there.
Status check_decrypted_file(const client_state::SpooledMessage &message) {
  struct stat status {};
  if (::stat(message.content_path->c_str(), &status) != 0)
    return make_error(Errc::io_error, "cannot find the received file " +
                                          message.content_path->string() + ": " +
                                          std::strerror(errno));
  if (static_cast<std::uint64_t>(status.st_size) != message.decrypted->plaintext_size)
    return make_error(Errc::io_error, "the received file " + message.content_path->string() +
                                          " is not the size recorded");
  return {};
}

} // namespace

std::string received_file_name(std::string_view sender, MessageId id) {
  std::string name(sender);
  for (auto &character : name)
    if (!is_safe_in_file_name(character))
      character = '_';
  // Neither hidden nor taken for an option by a command given the name.
  if (name.empty() || name.front() == '.' || name.front() == '-')
    name.insert(name.begin(), '_');
  auto id_part = "-" + std::to_string(id);
  // The message id keeps a cut name unique; the sender's name is what gives way.
  name.resize(std::min(name.size(), k_max_received_file_base_name - id_part.size()));
  return name + id_part;
}

std::optional<crypto::AesKey> find_key_for_tail(ByteView tail,
                                                std::span<const client_state::AesKeyBytes> keys) {
  if (tail.empty() || tail.size() % crypto::k_aes_block_size != 0)
    return std::nullopt;
  tail = tail.last(std::min(tail.size(), 2 * crypto::k_aes_block_size));
  for (const auto &key : keys) {
    crypto::AesCbcDecryptor decryptor(key);
    Bytes plaintext;
    decryptor.update(tail, plaintext);
    if (decryptor.finish(plaintext))
      return key;
  }
  return std::nullopt;
}

Result<std::optional<crypto::AesKey>>
find_file_key(SpooledContent &content, std::span<const client_state::AesKeyBytes> keys) {
  auto size = content.size();
  if (size == 0 || size % crypto::k_aes_block_size != 0)
    return std::optional<crypto::AesKey>{};
  auto tail = MESSAGEU_TRY(content.read_tail(2 * crypto::k_aes_block_size));
  return find_key_for_tail(tail, keys);
}

Result<SavedFile> save_received_file(ContentSource &content, const crypto::AesKey &key,
                                     const std::filesystem::path &directory,
                                     std::string_view base_name, const ProgressCallback &progress) {
  MESSAGEU_TRY(ensure_private_directory(directory, "directory"));
  auto file = MESSAGEU_TRY(create_temporary(directory, base_name));
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

Result<SavedFile> publish_decrypted_file(const client_state::SpooledMessage &message,
                                         const std::filesystem::path &directory,
                                         std::string_view base_name) {
  MESSAGEU_TRY(ensure_private_directory(directory, "directory"));
  MESSAGEU_TRY(check_decrypted_file(message));
  const auto &source = *message.content_path;
  // Made private (0600) for the time it was being written; now as any new file would be.
  ::chmod(source.c_str(), new_file_mode());
  SavedFile saved;
  saved.size = message.decrypted->plaintext_size;
  saved.sha256 = message.decrypted->sha256;
  auto linked = MESSAGEU_TRY(link_without_replacing(source, directory, base_name));
  if (linked) {
    saved.path = std::move(*linked);
  } else {
    auto copy = MESSAGEU_TRY(copy_to_temporary(source, directory, base_name));
    saved.path = MESSAGEU_TRY(publish(*copy, directory, base_name));
  }
  MESSAGEU_TRY(fsync_directory(directory));
  return saved;
}

} // namespace messageu::client
