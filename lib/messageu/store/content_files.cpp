// The content directory: creation, locking, unique file names, orphan removal.
#include <messageu/store/content_files.hpp>

#include <messageu/sqlite/storage_error.hpp>
#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace messageu::store {

namespace {

constexpr std::string_view k_content_prefix = "content-";
constexpr std::string_view k_lock_name = "lock";

Error errno_error(std::string_view action, const std::filesystem::path &path, int error_number) {
  std::string message =
      std::string(action) + " " + path.string() + ": " + std::strerror(error_number);
  if (error_number == ENOSPC || error_number == EDQUOT)
    return sqlite::storage_full_error(std::move(message));
  return sqlite::storage_error(std::move(message));
}

// Creates the directory when missing. A new directory's entry is synced in its parent, so that
// the content directory cannot vanish in a crash while rows already name files in it.
Status make_directory(const std::filesystem::path &directory) {
  if (::mkdir(directory.c_str(), 0700) != 0) {
    if (errno == EEXIST)
      return {};
    return errno_error("cannot create content directory", directory, errno);
  }
  auto parent =
      directory.parent_path().empty() ? std::filesystem::path(".") : directory.parent_path();
  if (auto status = fsync_directory(parent); !status)
    return sqlite::storage_error(status.error().message);
  return {};
}

// Takes an exclusive lock on the directory's lock file; returns the descriptor holding it.
Result<UniqueFd> lock_directory(const std::filesystem::path &directory) {
  auto path = directory / k_lock_name;
  UniqueFd descriptor(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!descriptor)
    return errno_error("cannot open", path, errno);
  if (::flock(descriptor.get(), LOCK_EX | LOCK_NB) != 0) {
    int error_number = errno;
    if (error_number == EWOULDBLOCK)
      return make_error(Errc::unavailable,
                        "content directory " + directory.string() + " is in use by another server");
    return errno_error("cannot lock", path, error_number);
  }
  return descriptor;
}

} // namespace

ContentFiles::ContentFiles(std::filesystem::path directory, UniqueFd lock_descriptor,
                           bool temporary)
    : m_directory(std::move(directory)), m_lock_descriptor(std::move(lock_descriptor)),
      m_temporary(temporary) {}

ContentFiles::~ContentFiles() {
  m_lock_descriptor.close();
  if (m_temporary) {
    std::error_code ignored;
    std::filesystem::remove_all(m_directory, ignored);
  }
}

Result<std::shared_ptr<ContentFiles>> ContentFiles::open(const std::filesystem::path &directory) {
  MESSAGEU_TRY(make_directory(directory));
  auto descriptor = MESSAGEU_TRY(lock_directory(directory));
  return std::shared_ptr<ContentFiles>(new ContentFiles(directory, std::move(descriptor), false));
}

Result<std::shared_ptr<ContentFiles>> ContentFiles::open_temporary() {
  std::error_code error;
  auto base = std::filesystem::temp_directory_path(error);
  if (error)
    return sqlite::storage_error("no temporary directory: " + error.message());
  std::string pattern = (base / "messageu-contents-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data()))
    return errno_error("cannot create", pattern, errno);
  std::filesystem::path directory(buffer.data());
  auto descriptor = lock_directory(directory);
  if (!descriptor) {
    std::filesystem::remove_all(directory, error);
    return std::move(descriptor).error();
  }
  return std::shared_ptr<ContentFiles>(new ContentFiles(directory, std::move(*descriptor), true));
}

Result<ContentFile> ContentFiles::create() const {
  std::string pattern = (m_directory / (std::string(k_content_prefix) + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  UniqueFd descriptor(::mkostemp(buffer.data(), O_CLOEXEC)); // mode 0600
  if (!descriptor)
    return errno_error("cannot create content file in", m_directory, errno);
  return ContentFile(std::move(descriptor),
                     std::filesystem::path(buffer.data()).filename().string());
}

Result<ContentFile> ContentFiles::open_file(std::string_view name) const {
  // Names come from the database: never let one point outside the files.
  if (!is_content_name(name))
    return sqlite::storage_error("not a content file name: " + std::string(name));
  auto path = m_directory / name;
  UniqueFd descriptor(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!descriptor)
    return errno_error("cannot open", path, errno);
  return ContentFile(std::move(descriptor), std::string(name));
}

Status ContentFiles::remove(std::string_view name) const {
  if (!is_content_name(name))
    return sqlite::storage_error("not a content file name: " + std::string(name));
  auto path = m_directory / name;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return errno_error("cannot remove", path, errno);
  return {};
}

Status ContentFiles::sync_directory() const {
  UniqueFd descriptor(::open(m_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!descriptor)
    return errno_error("cannot open", m_directory, errno);
  if (::fsync(descriptor.get()) != 0)
    return errno_error("cannot fsync", m_directory, errno);
  return {};
}

Result<std::size_t>
ContentFiles::remove_unreferenced(const std::function<bool(std::string_view)> &referenced) const {
  std::error_code error;
  std::vector<std::string> orphans;
  // increment(error) instead of a range-for, which would throw on a listing error.
  std::filesystem::directory_iterator entry(m_directory, error), end;
  for (; !error && entry != end; entry.increment(error)) {
    auto name = entry->path().filename().string();
    if (is_content_name(name) && !referenced(name))
      orphans.push_back(std::move(name));
  }
  if (error)
    return sqlite::storage_error("cannot list " + m_directory.string() + ": " + error.message());
  for (const auto &name : orphans)
    MESSAGEU_TRY(remove(name));
  if (!orphans.empty())
    MESSAGEU_TRY(sync_directory());
  return orphans.size();
}

bool ContentFiles::is_content_name(std::string_view name) {
  return name.size() > k_content_prefix.size() && name.starts_with(k_content_prefix) &&
         name.find('/') == std::string_view::npos;
}

} // namespace messageu::store
