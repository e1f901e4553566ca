// The limits that protect the server, as the request handler applies them over a real
// in-memory store: the per-recipient caps on pending messages and bytes
// (--max-pending-messages, --max-pending-bytes), each sender's share of them
// (--max-pending-share) and the per-connection request rate (--max-request-rate). Registration name
// rules are in test_request_handler_classic.cpp.
#include "handler_fixture.hpp"

namespace messageu::server::test {
namespace {

bool mentions(const Reply &reply, const std::string &text) {
  return reply.note.find(text) != std::string::npos;
}

// A 9000 refusal logged as a warning whose note names every one of `reasons`.
::testing::AssertionResult refused_for(const Reply &reply,
                                       std::initializer_list<std::string> reasons) {
  if (reply.code != 9000 || reply.level != LogLevel::warn)
    return ::testing::AssertionFailure()
           << "code " << reply.code << " (note: " << reply.note << ")";
  for (const auto &reason : reasons)
    if (!mentions(reply, reason))
      return ::testing::AssertionFailure() << "note without \"" << reason << "\": " << reply.note;
  return ::testing::AssertionSuccess();
}

class Limits : public HandlerTest {
protected:
  Limits() {
    m_alice = registered("alice", m_alice_key.public_key());
    m_bob = registered("bob", m_bob_key.public_key());
    m_carol = registered("carol", m_bob_key.public_key());
  }

  // The recipient's caps alone: every sender may take all of them.
  void limit_pending(std::uint64_t messages, std::uint64_t bytes) {
    limit_pending_share(messages, bytes, 100);
  }

  void limit_pending_share(std::uint64_t messages, std::uint64_t bytes, std::uint32_t percent) {
    HandlerOptions options;
    options.pending = {messages, bytes, percent};
    make_handler(options);
  }

  void limit_rate(std::uint32_t per_second) {
    HandlerOptions options;
    options.max_request_rate = per_second;
    make_handler(options);
  }

  Reply send_bytes(const ClientId &recipient, std::size_t size) {
    return send_bytes_from(m_alice, recipient, size);
  }

  Reply send_bytes_from(const ClientId &sender, const ClientId &recipient, std::size_t size) {
    ConnectionState connection;
    Bytes content(size, Byte{0x5A});
    return send(sender, recipient, 3, content, connection);
  }

  std::variant<Reply, UploadId> begin(const ClientId &recipient, std::uint32_t size,
                                      ConnectionState &connection) {
    return begin_from(m_alice, recipient, size, connection);
  }

  std::variant<Reply, UploadId> begin_from(const ClientId &sender, const ClientId &recipient,
                                           std::uint32_t size, ConnectionState &connection) {
    protocol::SendPrefix prefix{recipient, 3, size};
    return m_handler->begin_send(frame(Operation::send_message, sender, 21 + size), prefix,
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
  EXPECT_EQ(options.pending.share_percent, 25u);
  EXPECT_EQ(options.max_request_rate, 0u);
}

TEST_F(Limits, RefusesASenderAboveItsShareOfThePendingMessageCapButNotOthers) {
  limit_pending_share(10, 0, 25); // 2.5 rounds down: 2 messages per sender
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(refused_for(send_bytes_from(m_alice, m_bob, 5),
                          {"this sender already has 2 of the 2 messages",
                           "--max-pending-share 25% of --max-pending-messages 10"}));
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_carol, 5), 2103));
  EXPECT_EQ(waiting_for(m_bob), 3u);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(Limits, RefusesASenderAboveItsShareOfThePendingByteCap) {
  limit_pending_share(0, 100, 50);
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 30), 2103));
  EXPECT_TRUE(refused_for(
      send_bytes_from(m_alice, m_bob, 21),
      {"30 + 21 of the 50 bytes", "--max-pending-share 50% of --max-pending-bytes 100"}));
  // Exactly up to the share is allowed.
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 20), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 50), 2103));
}

TEST_F(Limits, KeepsTheRecipientCapsOverTheSumOfTheSendersShares) {
  limit_pending_share(3, 0, 50); // 1 message per sender
  auto dave = registered("dave", m_alice_key.public_key());
  auto erin = registered("erin", m_alice_key.public_key());
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 1), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 1), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(dave, m_bob, 1), 2103));
  auto refused = send_bytes_from(erin, m_bob, 1);
  EXPECT_TRUE(refused_for(refused, {"the recipient already has 3 pending messages"}));
  EXPECT_FALSE(mentions(refused, "--max-pending-share")) << refused.note;
}

TEST_F(Limits, LetsASenderWithNothingWaitingSendOneMessageLargerThanItsShare) {
  limit_pending_share(0, 100, 25);
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 90), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 1), 9000));
  // The recipient's cap still bounds that first message.
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 11), 9000));
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 10), 2103));
}

TEST_F(Limits, CountsASendersUploadsInProgressTowardItsShare) {
  limit_pending_share(4, 0, 25); // 1 message per sender
  ConnectionState first;
  ConnectionState second;
  ConnectionState third;
  ASSERT_TRUE(std::holds_alternative<UploadId>(begin_from(m_alice, m_bob, 5, first)));
  auto refused = begin_from(m_alice, m_bob, 5, second);
  ASSERT_TRUE(std::holds_alternative<Reply>(refused));
  EXPECT_TRUE(refused_for(std::get<Reply>(refused), {"--max-pending-share"}));
  EXPECT_TRUE(std::holds_alternative<UploadId>(begin_from(m_carol, m_bob, 5, third)));
}

TEST_F(Limits, GivesASenderItsShareBackWhenItsUploadIsDiscarded) {
  limit_pending_share(4, 0, 25);
  ConnectionState connection;
  auto started = begin_from(m_alice, m_bob, 5, connection);
  ASSERT_TRUE(std::holds_alternative<UploadId>(started));
  EXPECT_TRUE(m_handler->discard_upload(std::get<UploadId>(started)));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 9000));
}

TEST_F(Limits, GivesASenderItsShareBackOnceTheRecipientPulled) {
  limit_pending_share(8, 0, 25);
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 9000));
  EXPECT_EQ(pull_messages(m_bob).size(), 2u);
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 9000));
}

TEST_F(Limits, CountsASendersMessagesStoredBeforeTheHandlerStarted) {
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  limit_pending_share(8, 0, 25); // a restart with a share, over the same store
  EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 9000));
  EXPECT_TRUE(has_code(send_bytes_from(m_carol, m_bob, 5), 2103));
}

TEST_F(Limits, AHundredPercentShareLeavesOnlyTheRecipientCaps) {
  limit_pending_share(4, 0, 100);
  for (int index = 0; index < 4; ++index)
    EXPECT_TRUE(has_code(send_bytes_from(m_alice, m_bob, 5), 2103));
  EXPECT_TRUE(refused_for(send_bytes_from(m_alice, m_bob, 5), {"--max-pending-messages 4"}));
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
