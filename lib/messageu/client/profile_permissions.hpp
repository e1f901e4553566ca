// Who may read and change the profile, checked the way ssh checks a private key. my.info holds
// the private key: only its owner may read or change it. The profile directory may be changed
// by its owner alone, or anyone could replace my.info, server.info or state.db (and the keys
// pinned in it). Both must belong to the user running messageu (or to root). A check looks at
// an open descriptor (fstat), so that what is checked is what is then read.
#pragma once

#include <messageu/util/result.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace messageu::client {

enum class ProfileEntry { directory, my_info };

// What fstat says about a file: its mode bits and its owner.
struct FileOwnership {
  mode_t mode = 0;
  uid_t owner = 0;
};

// What is wrong with `entry` for the user `user`, as the end of a sentence naming the file
// ("can be read or changed by others (mode 0644)"), or nullopt when it is private enough.
// Pure.
std::optional<std::string> permission_problem(ProfileEntry entry, const FileOwnership &ownership,
                                              uid_t user);

// How strictly to apply the rule.
struct PermissionPolicy {
  bool enforce = true; // false with --insecure-profile: problems are only reported
  // Told of each problem let through when not enforcing (for a warning). May be empty.
  std::function<void(std::string_view problem)> on_ignored;
};

// Checks the open descriptor `fd` of `path` (the profile directory or my.info) for the
// effective user. A problem → Errc::insecure_profile "PATH can be read or changed by others
// (mode 0644): ... Run `chmod 600 PATH` (or pass --insecure-profile)"; when the policy does
// not enforce, the same text goes to on_ignored and the check passes. fstat fails →
// Errc::io_error.
Status check_permissions(int fd, const std::filesystem::path &path, ProfileEntry entry,
                         const PermissionPolicy &policy);

// Opens the profile directory and checks it as above. A missing directory passes: creating
// the profile makes it private. A file in its place (or in place of a parent) →
// Errc::config "PATH is not a directory ..."; one that cannot be opened → Errc::io_error.
Status check_profile_directory(const std::filesystem::path &home, const PermissionPolicy &policy);

} // namespace messageu::client
