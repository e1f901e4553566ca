// Protocol version 3 against the real server (PROTOCOL.md §10): CHALLENGE / AUTHENTICATE /
// ACK in every dialect, connection binding, protected accounts that survive a restart,
// acknowledged pulls, forged headers refused, --require-auth.
#include "test_server_support.hpp"

namespace messageu::test {
namespace {

std::vector<MessageId> ids_of(const std::vector<protocol::PulledMessage> &messages) {
  std::vector<MessageId> ids;
  for (const auto &message : messages)
    ids.push_back(message.header.message_id);
  return ids;
}

std::uint16_t send_code(RawConnection &connection, const User &from, const User &to,
                        const std::string &text, Dialect dialect = Dialect::v2025a,
                        std::uint8_t version = 2) {
  auto response = round_trip(connection, send_request(from.id, to.id, MessageType::text,
                                                      as_bytes(text), dialect, version));
  return response ? response->code : 0;
}

std::uint16_t pull_code(RawConnection &connection, const ClientId &id, std::uint8_t version = 2) {
  auto response =
      round_trip(connection, request(id, Operation::pull_messages, {}, Dialect::v2025a, version));
  return response ? response->code : 0;
}

class ServerV3 : public ::testing::Test {
protected:
  void SetUp() override {
    m_owner = register_user(m_server.port(), "owner");
    m_other = register_user(m_server.port(), "other");
  }

  std::size_t waiting_for_owner() {
    // Read through an authenticated, acknowledged pull so that counting deletes nothing.
    RawConnection connection(m_server.port());
    EXPECT_EQ(authenticate(connection, m_owner), 2106);
    return pull_on(connection, m_owner.id, Dialect::v2025a, 3).size();
  }

  ServerProcess m_server;
  User m_owner{"", crypto::RsaPrivateKey::generate(), {}};
  User m_other{"", crypto::RsaPrivateKey::generate(), {}};
};

TEST_F(ServerV3, AuthenticatesAndAcknowledgesInEveryDialect) {
  for (auto dialect : k_all_dialects) {
    SCOPED_TRACE(std::string(protocol::dialect_name(dialect)));
    {
      RawConnection sender(m_server.port());
      ASSERT_EQ(send_code(sender, m_other, m_owner, "one", dialect),
                protocol::response_code(dialect, Operation::send_message));
      ASSERT_EQ(send_code(sender, m_other, m_owner, "two", dialect),
                protocol::response_code(dialect, Operation::send_message));
    }
    RawConnection connection(m_server.port());
    ASSERT_EQ(authenticate(connection, m_owner, dialect),
              protocol::response_code(dialect, Operation::authenticate));
    auto first = pull_on(connection, m_owner.id, dialect, 3);
    auto second = pull_on(connection, m_owner.id, dialect, 3);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(ids_of(first), ids_of(second));
    auto acked =
        round_trip(connection, request(m_owner.id, Operation::ack,
                                       protocol::encode_ack_payload(ids_of(first)), dialect, 3));
    ASSERT_TRUE(acked);
    EXPECT_EQ(acked->code, protocol::response_code(dialect, Operation::ack));
    EXPECT_EQ(*protocol::decode_ack_answer(acked->payload), 2u);
    EXPECT_TRUE(pull_on(connection, m_owner.id, dialect, 3).empty());
  }
}

TEST_F(ServerV3, AckDeletesExactlyTheAcknowledgedAndRepeatingItIsHarmless) {
  RawConnection sender(m_server.port());
  for (const auto *text : {"a", "b", "c"})
    ASSERT_EQ(send_code(sender, m_other, m_owner, text), 2103);
  RawConnection connection(m_server.port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  auto ids = ids_of(pull_on(connection, m_owner.id, Dialect::v2025a, 3));
  ASSERT_EQ(ids.size(), 3u);
  for (int repeat = 0; repeat < 2; ++repeat) {
    auto acked = round_trip(connection, request(m_owner.id, Operation::ack,
                                                protocol::encode_ack_payload(std::vector{ids[1]}),
                                                Dialect::v2025a, 3));
    ASSERT_TRUE(acked);
    EXPECT_EQ(acked->code, 2107);
    EXPECT_EQ(*protocol::decode_ack_answer(acked->payload), repeat == 0 ? 1u : 0u);
  }
  EXPECT_EQ(ids_of(pull_on(connection, m_owner.id, Dialect::v2025a, 3)),
            (std::vector{ids[0], ids[2]}));
}

TEST_F(ServerV3, ForgedHeadersAreServedClassicallyBeforeTheOwnersFirstAuthenticationOnly) {
  // Before: the account is not protected, so the classic protocol's weakness remains.
  {
    RawConnection sender(m_server.port());
    ASSERT_EQ(send_code(sender, m_other, m_owner, "before"), 2103);
    RawConnection forger(m_server.port());
    EXPECT_EQ(pull_code(forger, m_owner.id), 2104);
  }
  // The owner authenticates once.
  {
    RawConnection owner(m_server.port());
    ASSERT_EQ(authenticate(owner, m_owner), 2106);
  }
  RawConnection sender(m_server.port());
  ASSERT_EQ(send_code(sender, m_other, m_owner, "after"), 2103);
  // A second registered user, and someone unregistered, forging the owner's id: refused.
  RawConnection forger(m_server.port());
  EXPECT_EQ(pull_code(forger, m_owner.id), 9000);
  EXPECT_EQ(pull_code(forger, m_owner.id, 3), 9000);
  EXPECT_EQ(send_code(forger, m_owner, m_other, "forged"), 9000);
  RawConnection other_bound(m_server.port());
  ASSERT_EQ(authenticate(other_bound, m_other), 2106);
  EXPECT_EQ(pull_code(other_bound, m_owner.id), 9000);
  EXPECT_EQ(waiting_for_owner(), 1u);
  // The forged send stored nothing for the other user.
  auto other_messages = pull_on(other_bound, m_other.id, Dialect::v2025a, 3);
  EXPECT_TRUE(other_messages.empty());
}

TEST_F(ServerV3, RefusesAWrongProofAndClosesTheConnection) {
  RawConnection connection(m_server.port());
  auto challenge =
      round_trip(connection, request(m_owner.id, Operation::challenge, {}, Dialect::v2025a, 3));
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->code, 2105);
  ASSERT_EQ(challenge->payload.size(), 128u);
  auto nonce = m_owner.key.decrypt(challenge->payload);
  ASSERT_TRUE(nonce);
  auto proof = auth_proof(*nonce, m_owner.id, challenge->payload);
  proof[0] ^= 0x80;
  auto refused = round_trip(
      connection, request(m_owner.id, Operation::authenticate, proof, Dialect::v2025a, 3));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 9000);
  EXPECT_TRUE(connection.closed_by_peer());
  // The log reaches the test through a pipe read by another thread: it may lag the socket.
  EXPECT_TRUE(eventually(
      [&] { return m_server.log().find("authentication failed") != std::string::npos; }));
}

TEST_F(ServerV3, RefusesAReplayedNonceANonceFromAnotherConnectionAndNoChallenge) {
  RawConnection first(m_server.port());
  auto challenge =
      round_trip(first, request(m_owner.id, Operation::challenge, {}, Dialect::v2025a, 3));
  ASSERT_TRUE(challenge);
  auto proof = auth_proof(*m_owner.key.decrypt(challenge->payload), m_owner.id, challenge->payload);
  auto authenticate_request =
      request(m_owner.id, Operation::authenticate, proof, Dialect::v2025a, 3);
  {
    RawConnection second(m_server.port()); // a nonce from another connection
    auto stolen = round_trip(second, authenticate_request);
    ASSERT_TRUE(stolen);
    EXPECT_EQ(stolen->code, 9000);
    EXPECT_TRUE(second.closed_by_peer());
  }
  auto accepted = round_trip(first, authenticate_request);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->code, 2106);
  auto replayed = round_trip(first, authenticate_request);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->code, 9000);
  EXPECT_TRUE(first.closed_by_peer());
}

TEST_F(ServerV3, RefusesARequestNamingAnotherIdOnABoundConnection) {
  RawConnection connection(m_server.port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  auto list = round_trip(connection, request(m_other.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 9000);
  auto own = round_trip(connection, request(m_owner.id, Operation::list_users));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->code, 2101);
}

TEST_F(ServerV3, AnswersChallengeForAnUnknownIdWith9000) {
  ClientId unknown{};
  unknown.fill(0x31);
  RawConnection connection(m_server.port());
  auto refused =
      round_trip(connection, request(unknown, Operation::challenge, {}, Dialect::v2025a, 3));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 9000);
}

TEST_F(ServerV3, AClassicPullOfAnUnprotectedAccountStillDeletesOnDelivery) {
  RawConnection sender(m_server.port());
  ASSERT_EQ(send_code(sender, m_owner, m_other, "classic"), 2103);
  EXPECT_EQ(pull(m_server.port(), m_other.id).size(), 1u);
  EXPECT_TRUE(pull(m_server.port(), m_other.id).empty());
}

TEST(ServerV3Persistence, RemembersProtectedAccountsAcrossARestart) {
  ServerDatabase database;
  User owner{"owner", crypto::RsaPrivateKey::generate(), {}};
  {
    ServerProcess server({}, database.location());
    owner = register_user(server.port(), "owner");
    RawConnection connection(server.port());
    ASSERT_EQ(authenticate(connection, owner), 2106);
    EXPECT_EQ(server.stop(), 0);
  }
  ServerProcess restarted({}, database.location());
  RawConnection forger(restarted.port());
  EXPECT_EQ(pull_code(forger, owner.id), 9000);
}

TEST(ServerV3RequireAuth, ServesSendAndPullOnlyOnAuthenticatedConnections) {
  ServerProcess server({"--require-auth"});
  auto alice = register_user(server.port(), "alice");
  auto bob = register_user(server.port(), "bob");
  RawConnection unbound(server.port());
  EXPECT_EQ(send_code(unbound, alice, bob, "no"), 9000);
  EXPECT_EQ(pull_code(unbound, bob.id), 9000);
  auto list = round_trip(unbound, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 2101);
  RawConnection bound(server.port());
  ASSERT_EQ(authenticate(bound, alice), 2106);
  EXPECT_EQ(send_code(bound, alice, bob, "yes"), 2103);
  RawConnection bob_connection(server.port());
  ASSERT_EQ(authenticate(bob_connection, bob), 2106);
  auto messages = pull_on(bob_connection, bob.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "yes");
}

TEST(ServerV3Classic, AClassicServerAnswersTheExtensionWith9000) {
  ServerProcess server({"--protocol", "2"});
  auto alice = register_user(server.port(), "alice");
  RawConnection connection(server.port());
  auto challenge =
      round_trip(connection, request(alice.id, Operation::challenge, {}, Dialect::v2025a, 3));
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->code, 9000);
  auto list = round_trip(connection, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 2101);
}

} // namespace
} // namespace messageu::test
