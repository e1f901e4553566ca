// Name resolution through the cache and key pinning (trust on first use).
#include <messageu/client/user_directory.hpp>

#include <messageu/client/requests.hpp>
#include <messageu/client/trust_policy.hpp>
#include <messageu/crypto/fingerprint.hpp>

namespace messageu::client {

std::string Peer::label() const { return name.empty() ? client_id_to_hex(id) : name; }

UserDirectory::UserDirectory(client_state::ClientState &state, ServerLink &link, Peer self)
    : m_state(state), m_link(link), m_self(std::move(self)) {}

Result<std::vector<protocol::UserEntry>> UserDirectory::refresh() {
  auto users = MESSAGEU_TRY(list_users(m_link));
  std::vector<client_state::UserListing> listing;
  listing.reserve(users.size());
  for (const auto &user : users)
    listing.push_back(client_state::UserListing{user.id, user.name});
  MESSAGEU_TRY(m_state.upsert_users(listing));
  m_refreshed = true;
  return users;
}

Result<std::optional<client_state::KnownUser>> UserDirectory::find(const ClientId *id,
                                                                   std::string_view name) {
  if (id != nullptr)
    return m_state.find_user_by_id(*id);
  return m_state.find_user_by_name(name);
}

Result<Peer> UserDirectory::resolve(std::string_view user) {
  auto parsed_id = client_id_from_hex(user);
  const ClientId *id = parsed_id ? &*parsed_id : nullptr;
  if (id != nullptr ? *id == m_self.id : user == m_self.name)
    return m_self;
  auto known = MESSAGEU_TRY(find(id, user));
  // A cached id with no name (its key was fetched by id) is worth one refresh for the name.
  bool worth_refresh = !known || (id != nullptr && known->name.empty());
  if (worth_refresh && !m_refreshed) {
    MESSAGEU_TRY(refresh());
    known = MESSAGEU_TRY(find(id, user));
  }
  if (!known)
    return make_error(Errc::unknown_user, "unknown user '" + std::string(user) + "'");
  return Peer{known->id, known->name};
}

Result<std::string> UserDirectory::display_name(const ClientId &id) {
  if (id == m_self.id)
    return m_self.label();
  auto known = MESSAGEU_TRY(m_state.find_user_by_id(id));
  if ((!known || known->name.empty()) && !m_refreshed) {
    MESSAGEU_TRY(refresh());
    known = MESSAGEU_TRY(m_state.find_user_by_id(id));
  }
  if (!known || known->name.empty())
    return client_id_to_hex(id);
  return known->name;
}

Error UserDirectory::key_changed_error(const Peer &peer, const PublicKeyBytes &pinned,
                                       const PublicKeyBytes &offered) const {
  return make_error(Errc::key_changed,
                    "the public key of " + peer.label() +
                        " has changed!\n  pinned key:  " + crypto::fingerprint(pinned) +
                        "\n  server's key: " + crypto::fingerprint(offered) +
                        "\nThis may be an attack. If you have checked the new fingerprint with " +
                        peer.label() + ", accept it with: messageu trust " + peer.label());
}

Result<PublicKeyBytes> UserDirectory::fetch_trusted_key(const Peer &peer) {
  auto key = MESSAGEU_TRY(get_public_key(m_link, peer.id));
  auto pinned = pin_key(m_state, peer.id, key);
  if (pinned)
    return key;
  if (pinned.error().code != Errc::key_changed)
    return pinned.error();
  auto known = MESSAGEU_TRY(m_state.find_user_by_id(peer.id));
  if (!known || !known->pinned_key)
    return pinned.error();
  return key_changed_error(peer, *known->pinned_key, key);
}

Status UserDirectory::check_no_untrusted_change(const Peer &peer) {
  auto known = MESSAGEU_TRY(m_state.find_user_by_id(peer.id));
  if (known && known->pinned_key && known->offered_key && *known->offered_key != *known->pinned_key)
    return key_changed_error(peer, *known->pinned_key, *known->offered_key);
  return {};
}

} // namespace messageu::client
