// The request handler's version-3 rules (PROTOCOL.md §10): CHALLENGE and AUTHENTICATE,
// connection binding, protected accounts, acknowledged pulls and ACK, --require-auth.
#include "handler_fixture.hpp"

#include <messageu/crypto/hash.hpp>

namespace messageu::server::test {
namespace {

class RequestHandlerAuth : public HandlerTest {
protected:
  RequestHandlerAuth() {
    m_alice = registered("alice", m_alice_key.public_key());
    m_bob = registered("bob", m_bob_key.public_key());
  }

  Nonce decrypt_nonce(const Reply &challenge, const crypto::RsaPrivateKey &key) {
    auto nonce = key.decrypt(challenge.payload);
    EXPECT_TRUE(nonce);
    EXPECT_EQ(nonce->size(), protocol::k_nonce_size);
    Nonce bytes{};
    std::copy_n(nonce->begin(), std::min(nonce->size(), bytes.size()), bytes.begin());
    return bytes;
  }

  Reply challenge(const ClientId &client, ConnectionState &connection) {
    return call(Operation::challenge, client, {}, connection, Dialect::v2025a, 3);
  }

  Reply prove(const ClientId &client, ByteView proof, ConnectionState &connection) {
    return call(Operation::authenticate, client, proof, connection, Dialect::v2025a, 3);
  }

  Reply ack(const ClientId &client, std::vector<MessageId> ids, ConnectionState &connection) {
    return call(Operation::ack, client, protocol::encode_ack_payload(ids), connection,
                Dialect::v2025a, 3);
  }

  crypto::RsaPrivateKey m_alice_key = vector_key("rsa1024_e17.json");
  crypto::RsaPrivateKey m_bob_key = vector_key("rsa1024_e3.json");
  ClientId m_alice{};
  ClientId m_bob{};
};

TEST_F(RequestHandlerAuth, ChallengesWithANonceEncryptedForTheRegisteredKey) {
  ConnectionState connection;
  auto reply = challenge(m_alice, connection);
  ASSERT_TRUE(has_code(reply, 2105));
  ASSERT_EQ(reply.payload.size(), 128u);
  auto nonce = decrypt_nonce(reply, m_alice_key);
  ASSERT_TRUE(connection.challenge);
  EXPECT_EQ(connection.challenge->nonce, nonce);
  EXPECT_FALSE(m_bob_key.decrypt(reply.payload));
}

TEST_F(RequestHandlerAuth, MakesAFreshNonceForEachChallenge) {
  ConnectionState connection;
  auto first = decrypt_nonce(challenge(m_alice, connection), m_alice_key);
  auto second = decrypt_nonce(challenge(m_alice, connection), m_alice_key);
  EXPECT_NE(first, second);
}

TEST_F(RequestHandlerAuth, AnswersChallengeInEveryDialect) {
  ConnectionState connection;
  EXPECT_TRUE(
      has_code(call(Operation::challenge, m_alice, {}, connection, Dialect::v2021c, 3), 2005));
  EXPECT_TRUE(
      has_code(call(Operation::challenge, m_alice, {}, connection, Dialect::v2022, 3), 2105));
  EXPECT_TRUE(
      has_code(call(Operation::challenge, m_alice, {}, connection, Dialect::v2026, 3), 2105));
}

TEST_F(RequestHandlerAuth, TheProofIsAnHmacOfLabelIdAndChallengeKeyedWithTheNonce) {
  Nonce nonce{};
  nonce.fill(0x5a);
  ClientId id{};
  id.fill(0x01);
  Bytes challenge(128, 0xc3);
  ByteWriter message;
  message.bytes(as_bytes("messageu-v3-auth")).bytes(id).bytes(challenge);
  EXPECT_EQ(crypto::authentication_proof(nonce, id, challenge),
            crypto::hmac_sha256(nonce, message.buffer()));
}

TEST_F(RequestHandlerAuth, BindsTheConnectionAndProtectsTheAccountOnTheRightProof) {
  ConnectionState connection;
  auto reply = authenticate(m_alice, m_alice_key, connection);
  ASSERT_TRUE(has_code(reply, 2106));
  EXPECT_TRUE(reply.payload.empty());
  EXPECT_FALSE(reply.close_after);
  EXPECT_EQ(connection.bound_client, m_alice);
  EXPECT_TRUE((*m_store->find_client(m_alice))->is_protected);
  EXPECT_FALSE((*m_store->find_client(m_bob))->is_protected);
}

TEST_F(RequestHandlerAuth, RefusesAWrongProofAndClosesTheConnection) {
  ConnectionState connection;
  auto nonce = decrypt_nonce(challenge(m_alice, connection), m_alice_key);
  auto proof = crypto::authentication_proof(nonce, m_alice, connection.challenge->challenge);
  proof[31] ^= 1;
  auto reply = prove(m_alice, proof, connection);
  EXPECT_TRUE(has_code(reply, 9000));
  EXPECT_TRUE(reply.close_after);
  EXPECT_EQ(reply.level, LogLevel::warn);
  EXPECT_FALSE(connection.bound_client);
  EXPECT_FALSE((*m_store->find_client(m_alice))->is_protected);
}

TEST_F(RequestHandlerAuth, RefusesAReplayedNonce) {
  ConnectionState connection;
  auto reply = challenge(m_alice, connection);
  auto proof =
      crypto::authentication_proof(decrypt_nonce(reply, m_alice_key), m_alice, reply.payload);
  ASSERT_TRUE(has_code(prove(m_alice, proof, connection), 2106));
  auto again = prove(m_alice, proof, connection);
  EXPECT_TRUE(has_code(again, 9000));
  EXPECT_TRUE(again.close_after);
}

TEST_F(RequestHandlerAuth, RefusesANonceFromAnotherConnection) {
  ConnectionState first;
  auto reply = challenge(m_alice, first);
  auto proof =
      crypto::authentication_proof(decrypt_nonce(reply, m_alice_key), m_alice, reply.payload);
  ConnectionState second;
  auto stolen = prove(m_alice, proof, second);
  EXPECT_TRUE(has_code(stolen, 9000));
  EXPECT_TRUE(stolen.close_after);
  EXPECT_FALSE(second.bound_client);
}

TEST_F(RequestHandlerAuth, RefusesAuthenticateWithoutChallenge) {
  ConnectionState connection;
  Bytes proof(32, 0);
  auto reply = prove(m_alice, proof, connection);
  EXPECT_TRUE(has_code(reply, 9000));
  EXPECT_TRUE(reply.close_after);
}

TEST_F(RequestHandlerAuth, RefusesAnExpiredNonce) {
  ConnectionState connection;
  auto reply = challenge(m_alice, connection);
  auto proof =
      crypto::authentication_proof(decrypt_nonce(reply, m_alice_key), m_alice, reply.payload);
  m_now += std::chrono::seconds(31);
  auto late = prove(m_alice, proof, connection);
  EXPECT_TRUE(has_code(late, 9000));
  EXPECT_TRUE(late.close_after);
}

TEST_F(RequestHandlerAuth, AcceptsANonceJustBeforeItExpires) {
  ConnectionState connection;
  auto reply = challenge(m_alice, connection);
  auto proof =
      crypto::authentication_proof(decrypt_nonce(reply, m_alice_key), m_alice, reply.payload);
  m_now += std::chrono::seconds(29);
  EXPECT_TRUE(has_code(prove(m_alice, proof, connection), 2106));
}

TEST_F(RequestHandlerAuth, RefusesAProofForAnotherIdThanChallenged) {
  ConnectionState connection;
  auto reply = challenge(m_alice, connection);
  auto proof =
      crypto::authentication_proof(decrypt_nonce(reply, m_alice_key), m_bob, reply.payload);
  auto wrong = prove(m_bob, proof, connection);
  EXPECT_TRUE(has_code(wrong, 9000));
  EXPECT_TRUE(wrong.close_after);
  EXPECT_FALSE(connection.bound_client);
}

TEST_F(RequestHandlerAuth, OnlyTheLatestChallengeOfAConnectionCounts) {
  ConnectionState connection;
  auto first = challenge(m_alice, connection);
  auto old_proof =
      crypto::authentication_proof(decrypt_nonce(first, m_alice_key), m_alice, first.payload);
  challenge(m_alice, connection);
  EXPECT_TRUE(has_code(prove(m_alice, old_proof, connection), 9000));
}

TEST_F(RequestHandlerAuth, RefusesARequestNamingAnotherIdOnABoundConnection) {
  ConnectionState connection;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, connection), 2106));
  EXPECT_TRUE(has_code(call(Operation::list_users, m_bob, {}, connection), 9000));
  EXPECT_TRUE(has_code(challenge(m_bob, connection), 9000));
  EXPECT_TRUE(has_code(send(m_bob, m_alice, 3, as_bytes("x"), connection), 9000));
  EXPECT_TRUE(has_code(call(Operation::list_users, m_alice, {}, connection), 2101));
}

TEST_F(RequestHandlerAuth, ServesAProtectedAccountsSendAndPullOnlyOnItsBoundConnection) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "for alice"), 2103));
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  // Anyone else naming alice's id in the header: refused, and nothing of hers is deleted.
  ConnectionState forger;
  EXPECT_TRUE(has_code(pull(m_alice, forger).reply, 9000));
  EXPECT_TRUE(has_code(send(m_alice, m_bob, 3, as_bytes("forged"), forger), 9000));
  EXPECT_EQ(waiting_for(m_alice), 1u);
  EXPECT_EQ(waiting_for(m_bob), 0u);
  // Bob, bound to himself, cannot act as alice either.
  ConnectionState bob;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, bob), 2106));
  EXPECT_TRUE(has_code(pull(m_alice, bob).reply, 9000));
  EXPECT_EQ(waiting_for(m_alice), 1u);
  // On her own connection she pulls.
  EXPECT_TRUE(has_code(send(m_alice, m_bob, 3, as_bytes("real"), owner), 2103));
  EXPECT_TRUE(has_code(pull(m_alice, owner).reply, 2104));
}

TEST_F(RequestHandlerAuth, ServesAnUnprotectedAccountTheClassicWayBeforeItsFirstAuthentication) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "for alice"), 2103));
  ConnectionState forger;
  auto result = pull(m_alice, forger);
  EXPECT_TRUE(has_code(result.reply, 2104));
  EXPECT_EQ(waiting_for(m_alice), 0u);
}

TEST_F(RequestHandlerAuth, KeepsListAndPublicKeyOpenForAProtectedAccount) {
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  ConnectionState other;
  EXPECT_TRUE(has_code(call(Operation::list_users, m_alice, {}, other), 2101));
  EXPECT_TRUE(has_code(
      call(Operation::public_key, m_alice, protocol::encode_public_key_request(m_bob), other),
      2102));
}

TEST_F(RequestHandlerAuth, RemembersProtectionAcrossHandlers) {
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  make_handler({}); // a restarted server over the same store
  ConnectionState forger;
  EXPECT_TRUE(has_code(pull(m_alice, forger).reply, 9000));
}

TEST_F(RequestHandlerAuth, RequireAuthTreatsEveryAccountAsProtected) {
  make_handler({.require_auth = true});
  ConnectionState unbound;
  EXPECT_TRUE(has_code(pull(m_bob, unbound).reply, 9000));
  EXPECT_TRUE(has_code(send(m_bob, m_alice, 3, as_bytes("x"), unbound), 9000));
  EXPECT_TRUE(has_code(call(Operation::list_users, m_bob, {}, unbound), 2101));
  ConnectionState bound;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, bound), 2106));
  EXPECT_TRUE(has_code(send(m_bob, m_alice, 3, as_bytes("x"), bound), 2103));
  EXPECT_TRUE(has_code(pull(m_bob, bound).reply, 2104));
}

TEST_F(RequestHandlerAuth, AVersion3PullDeletesNothingUntilAcknowledged) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "one"), 2103));
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "two"), 2103));
  ConnectionState connection;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, connection), 2106));
  auto first = pull(m_alice, connection, true, 3);
  auto second = pull(m_alice, connection, true, 3);
  ASSERT_TRUE(has_code(first.reply, 2104));
  EXPECT_EQ(first.payload, second.payload);
  auto messages = *protocol::decode_pull_payload(first.payload);
  ASSERT_EQ(messages.size(), 2u);
  // ACK the first only: exactly it is deleted.
  auto acked = ack(m_alice, {messages[0].header.message_id}, connection);
  ASSERT_TRUE(has_code(acked, 2107));
  EXPECT_EQ(*protocol::decode_ack_answer(acked.payload), 1u);
  auto left = *protocol::decode_pull_payload(pull(m_alice, connection, true, 3).payload);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].header.message_id, messages[1].header.message_id);
  // Repeating the ACK, or acking unknown ids, deletes nothing more.
  auto repeated = ack(m_alice, {messages[0].header.message_id, 999'999}, connection);
  ASSERT_TRUE(has_code(repeated, 2107));
  EXPECT_EQ(*protocol::decode_ack_answer(repeated.payload), 0u);
  EXPECT_EQ(waiting_for(m_alice), 1u);
}

TEST_F(RequestHandlerAuth, AckDeletesOnlyTheBoundClientsMessages) {
  ASSERT_TRUE(has_code(send_text(m_alice, m_bob, "for bob"), 2103));
  auto bob_message = (*m_store->pending_messages(m_bob))[0].id;
  ConnectionState connection;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, connection), 2106));
  auto reply = ack(m_alice, {bob_message}, connection);
  ASSERT_TRUE(has_code(reply, 2107));
  EXPECT_EQ(*protocol::decode_ack_answer(reply.payload), 0u);
  EXPECT_EQ(waiting_for(m_bob), 1u);
}

TEST_F(RequestHandlerAuth, RefusesAckOnAConnectionNotAuthenticated) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "one"), 2103));
  auto id = (*m_store->pending_messages(m_alice))[0].id;
  ConnectionState connection;
  EXPECT_TRUE(has_code(ack(m_alice, {id}, connection), 9000));
  EXPECT_EQ(waiting_for(m_alice), 1u);
}

TEST_F(RequestHandlerAuth, AClassicPullOnABoundConnectionDeletesOnDelivery) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "one"), 2103));
  ConnectionState connection;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, connection), 2106));
  EXPECT_TRUE(has_code(pull(m_alice, connection, true, 2).reply, 2104));
  EXPECT_EQ(waiting_for(m_alice), 0u);
}

TEST_F(RequestHandlerAuth, AVersion3PullOnAnUnboundConnectionOfAnUnprotectedAccountIsClassic) {
  ASSERT_TRUE(has_code(send_text(m_alice, m_bob, "one"), 2103));
  ConnectionState connection;
  EXPECT_TRUE(has_code(pull(m_bob, connection, true, 3).reply, 2104));
  EXPECT_EQ(waiting_for(m_bob), 0u);
}

TEST_F(RequestHandlerAuth, AClassicOnlyServerRefusesTheExtensionAndIgnoresProtection) {
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "one"), 2103));
  make_handler({.classic_only = true});
  ConnectionState connection;
  EXPECT_TRUE(has_code(challenge(m_alice, connection), 9000));
  EXPECT_TRUE(has_code(prove(m_alice, Bytes(32, 0), connection), 9000));
  EXPECT_TRUE(has_code(ack(m_alice, {}, connection), 9000));
  // A version-3 pull is a classic pull there: served to anyone, deleting on delivery.
  EXPECT_TRUE(has_code(pull(m_alice, connection, true, 3).reply, 2104));
  EXPECT_EQ(waiting_for(m_alice), 0u);
}

TEST_F(RequestHandlerAuth, RefusesAuthenticateFromAnUnknownIdAndCloses) {
  ClientId stranger{};
  stranger.fill(0x99);
  ConnectionState connection;
  auto reply = prove(stranger, Bytes(32, 1), connection);
  EXPECT_TRUE(has_code(reply, 9000));
  EXPECT_TRUE(reply.close_after);
}

// WAIT (PROTOCOL.md §11): the handler's half; the parking itself is the session's.
class RequestHandlerWait : public RequestHandlerAuth {
protected:
  static protocol::RequestFrame wait_frame(const ClientId &client) {
    protocol::RequestHeader header{client, 3, protocol::wait_request_code(Dialect::v2025a), 4};
    return protocol::RequestFrame{header, Dialect::v2025a, Operation::pull_messages, true};
  }

  Reply wait(const ClientId &client, std::uint32_t milliseconds, ConnectionState &connection) {
    auto payload = protocol::encode_wait_payload(milliseconds);
    return m_handler->handle(wait_frame(client), payload, connection);
  }
};

TEST_F(RequestHandlerWait, IsRefusedOnAConnectionNotBoundToTheSender) {
  ConnectionState unbound;
  EXPECT_TRUE(has_code(wait(m_alice, 1000, unbound), 9000));
  ConnectionState bob;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, bob), 2106));
  EXPECT_TRUE(has_code(wait(m_alice, 1000, bob), 9000));
}

TEST_F(RequestHandlerWait, WithNothingWaitingAsksTheSessionToParkAndHoldsNoDownload) {
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  auto reply = wait(m_alice, 1500, owner);
  ASSERT_TRUE(has_code(reply, 2104));
  ASSERT_TRUE(reply.wait_for);
  EXPECT_EQ(reply.wait_for->count(), 1500);
  EXPECT_FALSE(reply.download);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
  EXPECT_TRUE(has_code(wait(m_alice, 0, owner), 9000));
}

TEST_F(RequestHandlerWait, TellsTheListenerOfEachStoredRecipientAndEndsWithAnAcknowledgedPull) {
  std::vector<ClientId> told;
  m_handler->set_stored_listener([&told](const ClientId &recipient) { told.push_back(recipient); });
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  ASSERT_TRUE(wait(m_alice, 60'000, owner).wait_for);
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "for the waiter"), 2103));
  EXPECT_EQ(told, std::vector<ClientId>{m_alice});
  auto ended = m_handler->end_wait(wait_frame(m_alice), owner);
  ASSERT_TRUE(has_code(ended, 2104));
  ASSERT_TRUE(ended.download);
  EXPECT_GT(ended.streamed_size, 0u);
  ASSERT_TRUE(m_handler->finish_download(*ended.download, true));
  EXPECT_EQ(waiting_for(m_alice), 1u); // deleted only by ACK
}

TEST_F(RequestHandlerWait, AnswersAtOnceWhenMessagesWait) {
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "already here"), 2103));
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  auto reply = wait(m_alice, 60'000, owner);
  ASSERT_TRUE(has_code(reply, 2104));
  EXPECT_FALSE(reply.wait_for);
  ASSERT_TRUE(reply.download);
  ASSERT_TRUE(m_handler->finish_download(*reply.download, true));
  EXPECT_EQ(waiting_for(m_alice), 1u);
}

TEST_F(RequestHandlerWait, AClassicServerRefusesIt) {
  make_handler(HandlerOptions{.classic_only = true});
  ConnectionState connection;
  connection.bound_client = m_alice;
  EXPECT_TRUE(has_code(wait(m_alice, 1000, connection), 9000));
}

} // namespace
} // namespace messageu::server::test
