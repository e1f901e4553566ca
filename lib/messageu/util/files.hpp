// Whole-file reads and crash-safe whole-file writes for the small files of a profile
// (my.info, server.info): a reader bounded by a size limit, and a writer that replaces a
// file atomically so that a crash leaves either the old content or the new, never a mix.
#pragma once

#include <messageu/util/bytes.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace messageu {

// Reads the whole file. Missing or unreadable (permissions, a directory) →
// Errc::file_not_found; larger than `max_size` bytes → Errc::too_large; a read error →
// Errc::io_error.
Result<std::string> read_file(const std::filesystem::path &path, std::size_t max_size);

// Looks at the open descriptor of a file before it is read (e.g. its owner and mode with
// fstat); an error it returns is read_file's answer.
using FileInspector = std::function<Status(int fd)>;

// As above, after `inspect` approved the very file that is then read: no other file can be
// swapped in between the check and the read.
Result<std::string> read_file(const std::filesystem::path &path, std::size_t max_size,
                              const FileInspector &inspect);

// Replaces `path` with `content`: writes a temporary file in the same directory created with
// `mode` (e.g. 0600 for secrets), fsyncs it, renames it over `path`, then fsyncs the
// directory. On any failure the temporary file is removed and `path` is untouched. The
// directory must exist. Cannot create the temporary file → Errc::cannot_create; a failed
// write, fsync or rename → Errc::io_error.
Status write_file_atomically(const std::filesystem::path &path, ByteView content, mode_t mode);
Status write_file_atomically(const std::filesystem::path &path, std::string_view content,
                             mode_t mode);

// As write_file_atomically, but never replaces an existing file: the complete file appears
// under `path` only if nothing was there (link(2), which fails on an existing name, so two
// concurrent creators cannot both succeed). `path` exists → Errc::cannot_create with
// "exists" in the message; other failures as write_file_atomically.
Status create_file_atomically(const std::filesystem::path &path, ByteView content, mode_t mode);
Status create_file_atomically(const std::filesystem::path &path, std::string_view content,
                              mode_t mode);

// Writes every byte of `content` to `fd`, going on after short writes and EINTR. A failed
// write → Errc::io_error "cannot write <what>: <reason>".
Status write_all_to_fd(int fd, ByteView content, std::string_view what);

// Reads until `buffer` is full or the file ends, going on after short reads and EINTR: fewer
// bytes than asked only at the end. A failed read → Errc::io_error "cannot read <what>:
// <reason>".
Result<std::size_t> read_full_from_fd(int fd, MutableByteView buffer, std::string_view what);

// Copies what is left to read from `from` into `to`, through `buffer`. Failures as
// read_full_from_fd (`from_what`) and write_all_to_fd (`to_what`) say.
Status copy_fd(int from, int to, MutableByteView buffer, std::string_view from_what,
               std::string_view to_what);

// Creates `path` with its missing parents; `path` itself, when it was missing, gets mode 0700
// (it holds private files). Failure → Errc::cannot_create "cannot create the <what> <path>:
// <reason>".
Status ensure_private_directory(const std::filesystem::path &path, std::string_view what);

// Flushes a directory's entries (after a create, rename or unlink in it) to disk.
// Cannot open or fsync it → Errc::io_error.
Status fsync_directory(const std::filesystem::path &path);

} // namespace messageu
