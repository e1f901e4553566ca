// The server's content files: a directory beside the database ("<db>.spool/", the name it has
// always had on disk) holding the message contents too large to keep inline in a row, one file
// each, named "content-XXXXXX"; a message row names its file. (The client's inbox spool is
// another thing: see client/inbox.hpp.)
//
// The directory is locked (flock on its "lock" file) for as long as the ContentFiles object
// lives, so a second server on the same database fails to open instead of deleting the first
// one's files as orphans. A ContentFiles is safe to share between threads: it keeps no mutable
// state.
#pragma once

#include <messageu/store/content_file.hpp>
#include <messageu/util/result.hpp>
#include <messageu/util/unique_fd.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace messageu::store {

class ContentFiles {
public:
  // Opens `directory`, creating it when missing (its parent must exist), and locks it.
  // Locked by another open ContentFiles (this process or another) → Errc::unavailable; cannot
  // create or lock → Errc::storage.
  static Result<std::shared_ptr<ContentFiles>> open(const std::filesystem::path &directory);
  // A new private directory under the system's temporary directory, removed with everything
  // in it when the ContentFiles is destroyed.
  static Result<std::shared_ptr<ContentFiles>> open_temporary();

  ~ContentFiles();
  ContentFiles(const ContentFiles &) = delete;
  ContentFiles &operator=(const ContentFiles &) = delete;

  const std::filesystem::path &directory() const { return m_directory; }

  // Creates a new empty file with a unique name, open for writing (mode 0600).
  Result<ContentFile> create() const;
  // Opens an existing content file for reading. A name that is not a content file's name, or
  // a missing file → Errc::storage.
  Result<ContentFile> open_file(std::string_view name) const;
  // Removes a content file; a missing file is not an error (removal is idempotent).
  Status remove(std::string_view name) const;
  // Flushes the directory's entries, so that created and removed files survive a crash.
  Status sync_directory() const;
  // Removes every content file for which `referenced` answers false; returns how many.
  Result<std::size_t>
  remove_unreferenced(const std::function<bool(std::string_view)> &referenced) const;

  // Whether `name` has the form of a content file's name.
  static bool is_content_name(std::string_view name);

private:
  ContentFiles(std::filesystem::path directory, UniqueFd lock_descriptor, bool temporary);

  std::filesystem::path m_directory;
  UniqueFd m_lock_descriptor; // holds the directory's lock while open
  bool m_temporary;
};

} // namespace messageu::store
