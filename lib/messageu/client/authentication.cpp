// CHALLENGE / AUTHENTICATE and the fallback rule for classic servers.
#include <messageu/client/authentication.hpp>

#include <messageu/client/trust_policy.hpp>

#include <messageu/crypto/authentication_proof.hpp>
#include <messageu/protocol/header.hpp>

namespace messageu::client {
namespace {

using protocol::Operation;

Error downgrade_error(const Endpoint &endpoint) {
  return make_error(Errc::key_changed,
                    "the server at " + to_string(endpoint) +
                        " refused to authenticate this profile, although it has done so "
                        "before: possibly someone is impersonating it (a downgrade attack). "
                        "Nothing was sent. Use --protocol 2 only if you know the server was "
                        "replaced by a classic one.");
}

// CHALLENGE refused: classic for a server never seen authenticating us, else a downgrade.
Result<SessionKind> fall_back(ServerLink &link, client_state::ClientState &state) {
  link.use_connection_per_request();
  auto endpoint = to_string(link.settings().endpoint);
  auto remembered = MESSAGEU_TRY(state.remembered_server_protocol(endpoint));
  if (remembered == client_state::ServerProtocol::authenticated)
    return downgrade_error(link.settings().endpoint);
  auto recorded = remember_server_protocol(state, endpoint, client_state::ServerProtocol::classic);
  if (!recorded && recorded.error().code == Errc::key_changed)
    return downgrade_error(link.settings().endpoint);
  MESSAGEU_TRY(std::move(recorded));
  return SessionKind::classic;
}

Result<Bytes> decrypt_nonce(const crypto::RsaPrivateKey &private_key, ByteView challenge) {
  auto nonce = private_key.decrypt(challenge);
  if (!nonce)
    return make_error(Errc::key_changed,
                      "cannot decrypt the server's challenge: the server holds another public "
                      "key for this id than the private key in my.info");
  if (nonce->size() != protocol::k_nonce_size)
    return make_error(Errc::size_mismatch, "malformed answer: a challenge nonce of " +
                                               std::to_string(nonce->size()) + " bytes");
  return std::move(*nonce);
}

Status prove(ServerLink &link, const crypto::RsaPrivateKey &private_key, ByteView challenge) {
  auto nonce = MESSAGEU_TRY(decrypt_nonce(private_key, challenge));
  auto proof = crypto::authentication_proof(nonce, link.sender(), challenge);
  auto answer = link.exchange(Operation::authenticate, proof);
  if (!answer && answer.error().code == Errc::server_error)
    return make_error(Errc::server_error,
                      "server responded with an error: it refused the authentication");
  MESSAGEU_TRY(std::move(answer));
  link.mark_authenticated();
  return {};
}

} // namespace

Result<SessionKind> start_session(ServerLink &link, const crypto::RsaPrivateKey &private_key,
                                  client_state::ClientState &state, ProtocolChoice choice) {
  if (choice == ProtocolChoice::classic_only)
    return SessionKind::classic;
  MESSAGEU_TRY(link.keep_connection_open());
  auto challenge = link.exchange(Operation::challenge, {});
  if (!challenge && challenge.error().code == Errc::server_error)
    return fall_back(link, state);
  if (!challenge) {
    link.use_connection_per_request();
    return std::move(challenge).error();
  }
  if (auto proven = prove(link, private_key, *challenge); !proven) {
    link.use_connection_per_request();
    return std::move(proven).error();
  }
  auto endpoint = to_string(link.settings().endpoint);
  auto remembered = MESSAGEU_TRY(state.remembered_server_protocol(endpoint));
  if (remembered != client_state::ServerProtocol::authenticated)
    MESSAGEU_TRY(
        remember_server_protocol(state, endpoint, client_state::ServerProtocol::authenticated));
  return SessionKind::authenticated;
}

} // namespace messageu::client
