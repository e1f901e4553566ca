// Who a USER on the command line is, and which public key to trust for them. Users are found
// in the profile's cache (state.db), refreshed from the server's list at most once per
// command; keys are fetched from the server and pinned on first use (CLI.md §3, §5).
#pragma once

#include <messageu/client/server_link.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/protocol/messages.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace messageu::client {

// A user this profile talks to. `name` is empty when only the id is known.
struct Peer {
  ClientId id{};
  std::string name;

  // The name, or the id in hex when the name is unknown.
  std::string label() const;
};

class UserDirectory {
public:
  // `self` is the profile's own identity: it is never listed by the server, so resolving it
  // needs no request.
  UserDirectory(client_state::ClientState &state, ServerLink &link, Peer self);

  // USER as typed: 32 hex digits are an id, anything else a name. A name (or an id) missing
  // from the cache triggers one list request to refresh it; still missing →
  // Errc::unknown_user ("unknown user 'bob'").
  Result<Peer> resolve(std::string_view user);

  // Asks the server for the users and records them in the cache.
  Result<std::vector<protocol::UserEntry>> refresh();

  // The name to show for a message's sender, refreshing the cache once per directory when
  // the id is unknown; the id in hex when even the server does not list it.
  Result<std::string> display_name(const ClientId &id);

  // Fetches the server's current key for `peer` and pins it on first sight. A key different
  // from the pinned one → Errc::key_changed, naming both fingerprints (the offered key is
  // remembered for `trust`).
  Result<PublicKeyBytes> fetch_trusted_key(const Peer &peer);

  // Errc::key_changed when an earlier fetch saw a changed key that `trust` has not accepted:
  // nothing may be sent to that user until then.
  Status check_no_untrusted_change(const Peer &peer);

private:
  Result<std::optional<client_state::KnownUser>> find(const ClientId *id, std::string_view name);
  Error key_changed_error(const Peer &peer, const PublicKeyBytes &pinned,
                          const PublicKeyBytes &offered) const;

  client_state::ClientState &m_state;
  ServerLink &m_link;
  Peer m_self;
  bool m_refreshed = false;
};

} // namespace messageu::client
