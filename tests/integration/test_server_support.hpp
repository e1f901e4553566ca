// What the server's integration tests share: a raw client that speaks the wire protocol to the
// real messageu-server (requests built with the protocol layer, responses read byte for
// byte), users with real RSA keys, and the version-3 handshake.
#pragma once

#include "support/raw_client.hpp"
#include "support/server.hpp"

#include <messageu/crypto/hmac.hpp>
#include <messageu/crypto/rsa.hpp>
#include <messageu/protocol/messages.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>

namespace messageu::test {

using protocol::Dialect;
using protocol::Operation;

inline constexpr std::array<Dialect, 4> k_all_dialects = {Dialect::v2025a, Dialect::v2022,
                                                          Dialect::v2021c, Dialect::v2026};

// One request on `connection`, and its response; nullopt when the connection ends first.
inline std::optional<RawResponse> round_trip(RawConnection &connection, ByteView request) {
  if (!connection.send(request))
    return std::nullopt;
  return connection.receive_response();
}

inline Bytes request(const ClientId &sender, Operation operation, ByteView payload = {},
                     Dialect dialect = Dialect::v2025a, std::uint8_t version = 2) {
  return protocol::encode_request(sender, dialect, operation, payload, version);
}

// A registered user: its id and private key.
struct User {
  std::string name;
  crypto::RsaPrivateKey key;
  ClientId id{};
};

// Registers `name` with a fresh key over a new connection; fails the test when refused.
inline User register_user(std::uint16_t port, const std::string &name,
                          Dialect dialect = Dialect::v2025a) {
  User user{name, crypto::RsaPrivateKey::generate(), {}};
  RawConnection connection(port);
  auto payload = protocol::encode_register_payload({name, user.key.public_key()});
  auto response =
      round_trip(connection, request(ClientId{}, Operation::register_client, payload, dialect));
  EXPECT_TRUE(response);
  if (!response)
    return user;
  EXPECT_EQ(response->code, protocol::response_code(dialect, Operation::register_client));
  if (auto id = protocol::decode_register_answer(response->payload))
    user.id = *id;
  else
    ADD_FAILURE() << "bad register answer";
  return user;
}

inline Bytes send_request(const ClientId &sender, const ClientId &recipient, MessageType type,
                          ByteView content, Dialect dialect = Dialect::v2025a,
                          std::uint8_t version = 2) {
  return request(sender, Operation::send_message,
                 protocol::encode_send_payload(recipient, type, content), dialect, version);
}

// Pulls on `connection` and decodes the messages; fails the test on anything but success.
inline std::vector<protocol::PulledMessage> pull_on(RawConnection &connection, const ClientId &id,
                                                    Dialect dialect = Dialect::v2025a,
                                                    std::uint8_t version = 2) {
  auto response =
      round_trip(connection, request(id, Operation::pull_messages, {}, dialect, version));
  EXPECT_TRUE(response);
  if (!response)
    return {};
  EXPECT_EQ(response->code, protocol::response_code(dialect, Operation::pull_messages));
  auto messages = protocol::decode_pull_payload(response->payload);
  EXPECT_TRUE(messages);
  return messages.value_or(std::vector<protocol::PulledMessage>{});
}

inline std::vector<protocol::PulledMessage> pull(std::uint16_t port, const ClientId &id,
                                                 Dialect dialect = Dialect::v2025a) {
  RawConnection connection(port);
  return pull_on(connection, id, dialect);
}

// The proof of PROTOCOL.md §10, computed here from the spec with the crypto layer.
inline crypto::HmacSha256Digest auth_proof(ByteView nonce, const ClientId &id, ByteView challenge) {
  ByteWriter data;
  data.bytes(as_bytes("messageu-v3-auth")).bytes(id).bytes(challenge);
  return crypto::hmac_sha256(nonce, data.buffer());
}

// CHALLENGE then AUTHENTICATE on `connection`; returns the AUTHENTICATE response code (0 when
// the connection ended).
inline std::uint16_t authenticate(RawConnection &connection, const User &user,
                                  Dialect dialect = Dialect::v2025a) {
  auto challenge = round_trip(connection, request(user.id, Operation::challenge, {}, dialect, 3));
  if (!challenge || challenge->code != protocol::response_code(dialect, Operation::challenge))
    return challenge ? challenge->code : 0;
  auto nonce = user.key.decrypt(challenge->payload);
  if (!nonce)
    return 0;
  auto proof = auth_proof(*nonce, user.id, challenge->payload);
  auto answer =
      round_trip(connection, request(user.id, Operation::authenticate, proof, dialect, 3));
  return answer ? answer->code : 0;
}

// Retries `condition` every 20 ms for up to `limit`: for effects the server completes after
// it answered (a closed connection noticed, a discarded upload removed).
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

} // namespace messageu::test
