// Trust on first use and downgrade refusal, applied through client_state in one transaction
// each.
#include <messageu/client/trust_policy.hpp>

#include <string>

namespace messageu::client {

using client_state::KeyRecord;
using client_state::ServerProtocol;

KeyRecord decide_key(const std::optional<client_state::KnownUser> &known,
                     const PublicKeyBytes &key) {
  if (!known || !known->pinned_key || *known->pinned_key == key)
    return KeyRecord::pin;
  return KeyRecord::offer;
}

Status pin_key(client_state::ClientState &state, const ClientId &id, const PublicKeyBytes &key) {
  auto decide = [&key](const std::optional<client_state::KnownUser> &known) {
    return decide_key(known, key);
  };
  auto record = MESSAGEU_TRY(state.record_key(id, key, decide));
  if (record == KeyRecord::pin)
    return {};
  return make_error(Errc::key_changed, "the server's public key for " + client_id_to_hex(id) +
                                           " differs from the pinned key");
}

bool is_downgrade(ServerProtocol remembered, ServerProtocol offered) {
  return remembered == ServerProtocol::authenticated && offered == ServerProtocol::classic;
}

Status remember_server_protocol(client_state::ClientState &state, std::string_view endpoint_text,
                                ServerProtocol protocol) {
  auto refuse_downgrade = [&](ServerProtocol remembered) -> Status {
    if (!is_downgrade(remembered, protocol))
      return {};
    return make_error(Errc::key_changed,
                      "server " + std::string(endpoint_text) +
                          " authenticated this profile before and now offers only the classic "
                          "protocol: refusing to downgrade");
  };
  return state.remember_server_protocol(endpoint_text, protocol, refuse_downgrade);
}

} // namespace messageu::client
