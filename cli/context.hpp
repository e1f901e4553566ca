// What a command works with, opened only when it asks: the profile directory, the lock, the
// identity in my.info, state.db and the link to the server. Nothing is touched at start-up,
// so `whoami` and `contacts` stay offline and fast, and each command pays only for what it
// uses.
#pragma once

#include "global_options.hpp"
#include "output.hpp"

#include <messageu/client/lock.hpp>
#include <messageu/client/my_info.hpp>
#include <messageu/client/profile.hpp>
#include <messageu/client/profile_permissions.hpp>
#include <messageu/client/server_link.hpp>
#include <messageu/client/user_directory.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/rsa.hpp>

#include <memory>
#include <optional>

namespace messageu::cli {

// The registered user of the profile.
struct Identity {
  client::MyInfo info;
  crypto::RsaPrivateKey private_key;
};

class Context {
public:
  Context(GlobalOptions options, Output &output);
  ~Context();

  const GlobalOptions &options() const { return m_options; }
  Output &output() { return m_output; }
  const client::Profile &profile() const { return m_profile; }

  // Takes the profile's exclusive lock, creating the profile directory if needed; waits at
  // most --lock-timeout (then Errc::unavailable). Held until unlock_profile() or the end of the
  // command: commands that change keys or the identity hold it while they do.
  Status lock_profile();
  void unlock_profile();

  // Takes the inbox lock for the rest of the command: one pull at a time receives and
  // delivers, so that nothing prints twice. Waits at most --lock-timeout (then
  // Errc::unavailable). It does not keep other commands out of the profile.
  Status lock_inbox();

  // my.info, loaded once. Missing → Errc::config ("not registered").
  Result<const Identity *> identity();

  // state.db, opened (and created) once.
  Result<client_state::ClientState *> state();
  // state.db only if it exists already: read-only commands do not create it.
  Result<client_state::ClientState *> existing_state();

  // The server address: --server / $MESSAGEU_SERVER, else server.info.
  Result<Endpoint> endpoint() const;

  // The link to the server, acting as the registered user (zero id before registering).
  Result<client::ServerLink *> link();
  // The link for commands that act as the user (send, pull...): with --protocol 3, an
  // authenticated session when the server offers one (PROTOCOL.md §10).
  Result<client::ServerLink *> user_link();
  // After the connection was lost: opens the user link's session again, as user_link() did.
  Result<client::ServerLink *> restart_session();

  // The directory of users and keys over state.db and the link.
  Result<client::UserDirectory *> directory();

  // The error to report for a command that failed with `error`. A 9000 to a registered user
  // may mean that the server does not know this profile at all: one list request with the
  // profile's id tells (9000 again), and the error then says so (Errc::config).
  Error explain_failure(Error error);

private:
  // The profile directory must be closed to others (profile_permissions.hpp); checked once,
  // before the first file in it is used. Errc::insecure_profile unless --insecure-profile.
  Status check_profile_directory();
  client::PermissionPolicy permission_policy() const;
  Result<client::ServerLink *> make_link(const ClientId &sender);
  // --dialect X as given; auto: the dialect remembered for `endpoint`, else a search, and
  // what a search finds is remembered in state.db.
  Result<client::LinkSettings> dialect_settings(const Endpoint &endpoint);
  void remember_found_dialect(client::ServerLink &link);
  Status warn_if_protected(client_state::ClientState &state, const Endpoint &endpoint);
  // Takes the lock at `path` within --lock-timeout; `holder` names who holds it otherwise.
  Result<client::ProfileLock> acquire(const std::filesystem::path &path, std::string_view holder);

  GlobalOptions m_options;
  Output &m_output;
  client::Profile m_profile;
  bool m_directory_checked = false;
  std::optional<client::ProfileLock> m_lock;
  std::optional<client::ProfileLock> m_inbox_lock;
  std::optional<Identity> m_identity;
  std::optional<client_state::ClientState> m_state;
  std::optional<client::ServerLink> m_link;
  bool m_user_link_ready = false;
  std::unique_ptr<client::UserDirectory> m_directory;
};

} // namespace messageu::cli
