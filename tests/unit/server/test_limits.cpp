// The limits that protect the server, as the request handler applies them over a real
// in-memory store: the per-recipient caps on pending messages and bytes
// (--max-pending-messages, --max-pending-bytes) and the per-connection request rate
// (--max-request-rate). Registration name rules are in test_request_handler_classic.cpp.
#include "handler_fixture.hpp"

namespace messageu::server::test {
namespace {

bool mentions(const Reply &reply, const std::string &text) {
  return reply.note.find(text) != std::string::npos;
}

class Limits : public HandlerTest {
protected:
  Limits() {
    m_alice = registered("alice", m_alice_key.public_key());
    m_bob = registered("bob", m_bob_key.public_key());
    m_carol = registered("carol", m_bob_key.public_key());
  }

  void limit_pending(std::uint64_t messages, std::uint64_t bytes) {
    HandlerOptions options;
    options.pending = {messages, bytes};
    make_handler(options);
  }

  void limit_rate(std::uint32_t per_second) {
    HandlerOptions options;
    options.max_request_rate = per_second;
    make_handler(options);
  }

  Reply send_bytes(const ClientId &recipient, std::size_t size) {
    ConnectionState connection;
    Bytes content(size, Byte{0x5A});
    return send(m_alice, recipient, 3, content, connection);
  }

  std::variant<Reply, UploadId> begin(const ClientId &recipient, std::uint32_t size,
                                      ConnectionState &connection) {
    protocol::SendPrefix prefix{recipient, 3, size};
    return m_handler->begin_send(frame(Operation::send_message, m_alice, 21 + size), prefix,
                                 connection);
  }

  Reply list(ConnectionState &connection) {
    return call(Operation::list_users, m_alice, {}, connection);
  }

  crypto::RsaPrivateKey m_alice_key = vector_key("rsa1024_e17.json");
  crypto::RsaPrivateKey m_bob_key = vector_key("rsa1024_e3.json");
  ClientId m_alice{};
  ClientId m_bob{};
  ClientId m_carol{};
};

TEST_F(Limits, RefusesASendAboveThePendingMessageCap) {
  limit_pending(2, 0);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 10), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 10), 2103));
  auto refused = send_bytes(m_bob, 10);
  EXPECT_TRUE(has_code(refused, 9000));
  EXPECT_TRUE(mentions(refused, "--max-pending-messages 2")) << refused.note;
  EXPECT_EQ(refused.level, LogLevel::warn);
  EXPECT_EQ(waiting_for(m_bob), 2u);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(Limits, RefusesASendAboveThePendingByteCap) {
  limit_pending(0, 100);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 60), 2103));
  auto refused = send_bytes(m_bob, 41);
  EXPECT_TRUE(has_code(refused, 9000));
  EXPECT_TRUE(mentions(refused, "--max-pending-bytes 100")) << refused.note;
  // Exactly up to the cap is allowed.
  EXPECT_TRUE(has_code(send_bytes(m_bob, 40), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 1), 9000));
  EXPECT_EQ(waiting_for(m_bob), 2u);
}

TEST_F(Limits, RefusesASingleContentLargerThanTheByteCap) {
  limit_pending(0, 100);
  ConnectionState connection;
  auto started = begin(m_bob, 0xFFFF'FFFFu, connection);
  ASSERT_TRUE(std::holds_alternative<Reply>(started));
  EXPECT_TRUE(has_code(std::get<Reply>(started), 9000));
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(Limits, AppliesTheCapsToEachRecipientSeparately) {
  limit_pending(1, 0);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 9000));
  EXPECT_TRUE(has_code(send_bytes(m_carol, 5), 2103));
}

TEST_F(Limits, CountsUploadsInProgressTowardTheCap) {
  limit_pending(1, 0);
  ConnectionState first;
  ConnectionState second;
  auto started = begin(m_bob, 5, first);
  ASSERT_TRUE(std::holds_alternative<UploadId>(started));
  auto refused = begin(m_bob, 5, second);
  ASSERT_TRUE(std::holds_alternative<Reply>(refused));
  EXPECT_TRUE(has_code(std::get<Reply>(refused), 9000));
}

TEST_F(Limits, GivesBackTheRoomOfADiscardedUpload) {
  limit_pending(1, 0);
  ConnectionState connection;
  auto started = begin(m_bob, 5, connection);
  ASSERT_TRUE(std::holds_alternative<UploadId>(started));
  EXPECT_TRUE(m_handler->discard_upload(std::get<UploadId>(started)));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
}

TEST_F(Limits, GivesBackTheRoomOfAnUploadThatSentTooMuch) {
  limit_pending(1, 0);
  ConnectionState connection;
  auto started = begin(m_bob, 2, connection);
  ASSERT_TRUE(std::holds_alternative<UploadId>(started));
  auto written = m_handler->write_content(std::get<UploadId>(started), as_bytes("too long"));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::size_mismatch);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
}

TEST_F(Limits, AcceptsSendsAgainOnceTheRecipientPulled) {
  limit_pending(2, 0);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 9000));
  EXPECT_EQ(pull_messages(m_bob).size(), 2u);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 9000));
}

TEST_F(Limits, KeepsTheCapWhenAPullIsNotDelivered) {
  limit_pending(1, 0);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  ConnectionState connection;
  auto cut = pull(m_bob, connection, false);
  ASSERT_TRUE(has_code(cut.reply, 2104));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 9000));
}

TEST_F(Limits, AcceptsSendsAgainOnceTheRecipientAcknowledged) {
  limit_pending(1, 0);
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
  ConnectionState connection;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, connection), 2106));
  auto pulled = pull(m_bob, connection, true, 3);
  auto messages = protocol::decode_pull_payload(pulled.payload);
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 1u);
  // An acknowledged pull deletes nothing: still full.
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 9000));
  auto ids = std::vector<MessageId>{(*messages)[0].header.message_id};
  auto acked = call(Operation::ack, m_bob, protocol::encode_ack_payload(ids), connection,
                    Dialect::v2025a, 3);
  ASSERT_TRUE(has_code(acked, 2107));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 5), 2103));
}

TEST_F(Limits, CountsMessagesStoredBeforeTheHandlerStarted) {
  EXPECT_TRUE(has_code(send_bytes(m_bob, 30), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 30), 2103));
  limit_pending(0, 80); // a restart with a cap, over the same store
  EXPECT_TRUE(has_code(send_bytes(m_bob, 20), 2103));
  EXPECT_TRUE(has_code(send_bytes(m_bob, 1), 9000));
}

TEST_F(Limits, ZeroTurnsBothPendingCapsOff) {
  limit_pending(0, 0);
  for (int index = 0; index < 20; ++index)
    EXPECT_TRUE(has_code(send_bytes(m_bob, 1000), 2103));
  EXPECT_EQ(waiting_for(m_bob), 20u);
}

TEST_F(Limits, DefaultsToTenThousandMessagesAndEightGibibytes) {
  HandlerOptions options;
  EXPECT_EQ(options.pending.max_messages, 10'000u);
  EXPECT_EQ(options.pending.max_bytes, 8'589'934'592u);
  EXPECT_EQ(options.max_request_rate, 0u);
}

TEST_F(Limits, RefusesRequestsAboveTheRateWithoutClosingTheConnection) {
  limit_rate(3);
  ConnectionState connection;
  for (int index = 0; index < 3; ++index)
    EXPECT_TRUE(has_code(list(connection), 2101));
  auto refused = list(connection);
  EXPECT_TRUE(has_code(refused, 9000));
  EXPECT_TRUE(mentions(refused, "--max-request-rate 3")) << refused.note;
  EXPECT_FALSE(refused.close_after);
  m_now += std::chrono::milliseconds(400); // one token back (3 per second)
  EXPECT_TRUE(has_code(list(connection), 2101));
  EXPECT_TRUE(has_code(list(connection), 9000));
}

TEST_F(Limits, CountsSendsAndRegistrationsTowardTheRate) {
  limit_rate(2);
  ConnectionState connection;
  Bytes content(4, Byte{1});
  EXPECT_TRUE(has_code(send(m_alice, m_bob, 3, content, connection), 2103));
  auto payload = protocol::encode_register_payload({"dave", m_alice_key.public_key()});
  EXPECT_TRUE(has_code(call(Operation::register_client, ClientId{}, payload, connection), 2100));
  EXPECT_TRUE(has_code(send(m_alice, m_bob, 3, content, connection), 9000));
  EXPECT_EQ(m_handler->open_transfers(), 0u);
  EXPECT_EQ(waiting_for(m_bob), 1u);
}

TEST_F(Limits, AppliesTheRateToEachConnectionSeparately) {
  limit_rate(1);
  ConnectionState first;
  ConnectionState second;
  EXPECT_TRUE(has_code(list(first), 2101));
  EXPECT_TRUE(has_code(list(first), 9000));
  EXPECT_TRUE(has_code(list(second), 2101));
}

TEST_F(Limits, LeavesTheRateUnlimitedByDefault) {
  ConnectionState connection;
  for (int index = 0; index < 200; ++index)
    ASSERT_TRUE(has_code(list(connection), 2101));
}

} // namespace
} // namespace messageu::server::test
