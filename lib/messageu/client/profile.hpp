// The profile: one directory holding one identity, like ~/.gnupg (CLI.md §1). This file
// decides which directory that is and where each of its files lives; reading the files is
// left to my_info.hpp, ClientState and the callers. A classic client's directory (just
// server.info and my.info) is a valid profile as it is.
#pragma once

#include <messageu/util/endpoint.hpp>
#include <messageu/util/result.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace messageu::client {

// The environment variables that choose the profile directory. Empty values count as unset.
struct Environment {
  std::optional<std::string> messageu_home;   // $MESSAGEU_HOME
  std::optional<std::string> xdg_config_home; // $XDG_CONFIG_HOME
  std::optional<std::string> home;            // $HOME

  // Reads the three variables from the running process. When $HOME is unset, falls back to
  // the home directory of the user in the password database.
  static Environment from_process();
};

// The profile directory, in order: `home_option` (--home), $MESSAGEU_HOME,
// $XDG_CONFIG_HOME/messageu (only when absolute, as the XDG specification says),
// $HOME/.config/messageu; with none of them, ".config/messageu" relative to the working
// directory. Pure: touches neither the environment nor the file system.
std::filesystem::path resolve_home(std::optional<std::string> home_option,
                                   const Environment &environment);

// The layout of one profile directory. Cheap to construct; touches the disk only in the
// functions that say so.
class Profile {
public:
  explicit Profile(std::filesystem::path home);

  const std::filesystem::path &home() const { return m_home; }
  std::filesystem::path server_info_path() const { return m_home / "server.info"; }
  std::filesystem::path my_info_path() const { return m_home / "my.info"; }
  std::filesystem::path state_db_path() const { return m_home / "state.db"; }
  // Where pull saves received files unless told otherwise.
  std::filesystem::path files_directory() const { return m_home / "files"; }
  // Where pull keeps the raw content of large spooled file messages (CLI.md §4).
  std::filesystem::path spool_directory() const { return m_home / "spool"; }
  std::filesystem::path lock_path() const { return m_home / "lock"; }
  // Held by a pull for its whole run, so that two pulls take turns with the inbox (CLI.md §4)
  // while the profile lock stays free for other commands during a long download.
  std::filesystem::path inbox_lock_path() const { return m_home / "inbox.lock"; }

  // True when my.info exists (the profile has an identity).
  bool is_registered() const;

  // The server to talk to: `override_text` (from --server or $MESSAGEU_SERVER) when given,
  // else the content of server.info. Neither → Errc::config ("no server configured: ...");
  // unparsable text → Errc::config naming its source.
  Result<Endpoint> server_endpoint(const std::optional<std::string> &override_text) const;

  // Creates the profile directory (and missing parents) with mode 0700 when missing, exactly
  // 0700 whatever the umask. An existing directory is left as it is (check_profile_directory
  // judges it). Failure → Errc::cannot_create.
  Status ensure_directory() const;

private:
  std::filesystem::path m_home;
};

} // namespace messageu::client
