// Bounded whole-file reads and atomic replacement (temporary file, fsync, rename, fsync of
// the directory) on POSIX descriptors.
#include <messageu/util/files.hpp>

#include <messageu/util/unique_fd.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu {
namespace {

std::string describe(const std::filesystem::path &path, int error_number) {
  return path.string() + ": " + std::strerror(error_number);
}

// A name beside `path` that no other writer picks: ".<name>.tmp-<pid>-<random>".
std::filesystem::path temporary_name(const std::filesystem::path &path) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on the chained form.
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += "-";
  name += std::to_string(generator() % 1000000000);
  return path.parent_path() / name;
}

std::filesystem::path directory_of(const std::filesystem::path &path) {
  auto parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// Writes and syncs the temporary file; the caller renames or removes it.
Status write_temporary(const std::filesystem::path &temporary, ByteView content, mode_t mode) {
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd)
    return make_error(Errc::cannot_create, "cannot create " + describe(temporary, errno));
  // The umask may have narrowed `mode`; the caller asked for exactly this mode.
  if (::fchmod(fd.get(), mode) != 0)
    return make_error(Errc::io_error, "cannot set the mode of " + describe(temporary, errno));
  MESSAGEU_TRY(write_all_to_fd(fd.get(), content, temporary.string()));
  if (::fsync(fd.get()) != 0)
    return make_error(Errc::io_error, "cannot sync " + describe(temporary, errno));
  if (fd.close() != 0)
    return make_error(Errc::io_error, "cannot close " + describe(temporary, errno));
  return {};
}

} // namespace

Result<std::string> read_file(const std::filesystem::path &path, std::size_t max_size) {
  return read_file(path, max_size, {});
}

Result<std::string> read_file(const std::filesystem::path &path, std::size_t max_size,
                              const FileInspector &inspect) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return make_error(Errc::file_not_found, "cannot open " + describe(path, errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0)
    return make_error(Errc::io_error, "cannot stat " + describe(path, errno));
  if (S_ISDIR(status.st_mode))
    return make_error(Errc::file_not_found, path.string() + " is a directory");
  if (inspect)
    MESSAGEU_TRY(inspect(fd.get()));
  std::string content;
  char buffer[8192];
  while (true) {
    auto count = ::read(fd.get(), buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR)
        continue;
      return make_error(Errc::io_error, "cannot read " + describe(path, errno));
    }
    if (count == 0)
      return content;
    if (content.size() + static_cast<std::size_t>(count) > max_size)
      return make_error(Errc::too_large,
                        path.string() + " is larger than " + std::to_string(max_size) + " bytes");
    content.append(buffer, static_cast<std::size_t>(count));
  }
}

Status write_file_atomically(const std::filesystem::path &path, ByteView content, mode_t mode) {
  auto temporary = temporary_name(path);
  auto written = write_temporary(temporary, content, mode);
  if (written && ::rename(temporary.c_str(), path.c_str()) != 0)
    written = make_error(Errc::io_error,
                         "cannot rename " + temporary.string() + " to " + describe(path, errno));
  if (!written) {
    ::unlink(temporary.c_str());
    return written;
  }
  // The rename is durable only once the directory entry is on disk.
  return fsync_directory(directory_of(path));
}

Status write_file_atomically(const std::filesystem::path &path, std::string_view content,
                             mode_t mode) {
  return write_file_atomically(path, as_bytes(content), mode);
}

Status create_file_atomically(const std::filesystem::path &path, ByteView content, mode_t mode) {
  auto temporary = temporary_name(path);
  auto written = write_temporary(temporary, content, mode);
  if (written && ::link(temporary.c_str(), path.c_str()) != 0)
    written = make_error(errno == EEXIST ? Errc::cannot_create : Errc::io_error,
                         "cannot create " + describe(path, errno));
  ::unlink(temporary.c_str());
  MESSAGEU_TRY(written);
  return fsync_directory(directory_of(path));
}

Status create_file_atomically(const std::filesystem::path &path, std::string_view content,
                              mode_t mode) {
  return create_file_atomically(path, as_bytes(content), mode);
}

Status fsync_directory(const std::filesystem::path &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return make_error(Errc::io_error, "cannot open directory " + describe(path, errno));
  if (::fsync(fd.get()) != 0)
    return make_error(Errc::io_error, "cannot sync directory " + describe(path, errno));
  return {};
}

Result<std::size_t> read_full_from_fd(int fd, MutableByteView buffer, std::string_view what) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    auto count = ::read(fd, buffer.data() + filled, buffer.size() - filled);
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0)
      return make_error(Errc::io_error,
                        "cannot read " + std::string(what) + ": " + std::strerror(errno));
    if (count == 0)
      break;
    filled += static_cast<std::size_t>(count);
  }
  return filled;
}

Status copy_fd(int from, int to, MutableByteView buffer, std::string_view from_what,
               std::string_view to_what) {
  for (;;) {
    auto count = MESSAGEU_TRY(read_full_from_fd(from, buffer, from_what));
    MESSAGEU_TRY(write_all_to_fd(to, ByteView(buffer.data(), count), to_what));
    if (count < buffer.size())
      return {};
  }
}

Status ensure_private_directory(const std::filesystem::path &path, std::string_view what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    return {};
  std::filesystem::create_directories(path, error);
  if (error)
    return make_error(Errc::cannot_create, "cannot create the " + std::string(what) + " " +
                                               path.string() + ": " + error.message());
  ::chmod(path.c_str(), 0700);
  return {};
}

Status write_all_to_fd(int fd, ByteView content, std::string_view what) {
  while (!content.empty()) {
    auto written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return make_error(Errc::io_error,
                        "cannot write " + std::string(what) + ": " + std::strerror(errno));
    }
    content = content.subspan(static_cast<std::size_t>(written));
  }
  return {};
}

} // namespace messageu
