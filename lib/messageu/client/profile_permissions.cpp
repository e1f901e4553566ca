// The permission rule of the profile and its check on open descriptors.
#include <messageu/client/profile_permissions.hpp>

#include <messageu/util/unique_fd.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

bool belongs_to(const FileOwnership &ownership, uid_t user) {
  // Root can read anything anyway; a profile it owns and closes to others is safe.
  return ownership.owner == user || ownership.owner == 0;
}

// Which mode bits give others a way in: any access to the key, a write to the directory.
mode_t open_to_others(ProfileEntry entry) {
  return entry == ProfileEntry::my_info ? mode_t{S_IRWXG | S_IRWXO} : mode_t{S_IWGRP | S_IWOTH};
}

// Why the problem with `path` matters, and the command that fixes it.
std::string remedy(ProfileEntry entry, const FileOwnership &ownership, uid_t user,
                   const std::filesystem::path &path) {
  if (!belongs_to(ownership, user))
    return ": the profile must be yours (uid " + std::to_string(user) + "), see chown(1)";
  if (entry == ProfileEntry::my_info)
    return ": the private key must be yours alone. Run `chmod 600 " + path.string() + "`";
  return ": others could replace the profile's files. Run `chmod 700 " + path.string() + "`";
}

Status report(std::string message, const PermissionPolicy &policy) {
  if (policy.enforce)
    return make_error(Errc::insecure_profile,
                      std::move(message) + " (or pass --insecure-profile to use it anyway)");
  if (policy.on_ignored)
    policy.on_ignored(message + " (used anyway: --insecure-profile)");
  return {};
}

} // namespace

std::optional<std::string> permission_problem(ProfileEntry entry, const FileOwnership &ownership,
                                              uid_t user) {
  if (!belongs_to(ownership, user))
    return "is owned by uid " + std::to_string(ownership.owner) + ", not by you";
  if ((ownership.mode & open_to_others(entry)) != 0)
    return "can be " + std::string(entry == ProfileEntry::my_info ? "read or changed" : "changed") +
           " by others (mode " + octal_mode(ownership.mode) + ")";
  return std::nullopt;
}

Status check_permissions(int fd, const std::filesystem::path &path, ProfileEntry entry,
                         const PermissionPolicy &policy) {
  struct stat status {};
  if (::fstat(fd, &status) != 0)
    return make_error(Errc::io_error, "cannot stat " + path.string() + ": " + std::strerror(errno));
  FileOwnership ownership{status.st_mode, status.st_uid};
  auto user = ::geteuid();
  auto problem = permission_problem(entry, ownership, user);
  if (!problem)
    return {};
  return report(path.string() + " " + *problem + remedy(entry, ownership, user, path), policy);
}

Status check_profile_directory(const std::filesystem::path &home, const PermissionPolicy &policy) {
  UniqueFd fd(::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) // made when the profile is created
      return {};
    if (errno == ENOTDIR)
      return make_error(Errc::config,
                        home.string() + " is not a directory: the profile (--home, MESSAGEU_HOME) "
                                        "must be a directory, or a path where one can be made");
    return make_error(Errc::io_error, "cannot open the profile directory " + home.string() + ": " +
                                          std::strerror(errno));
  }
  return check_permissions(fd.get(), home, ProfileEntry::directory, policy);
}

} // namespace messageu::client
