// The network thread's answers (ReadPath): the same bytes as the request handler's for list,
// public key and an empty pull, in every dialect; everything else handed over.
#include "core/read_path.hpp"

#include "handler_fixture.hpp"

#include <thread>

namespace messageu::server::test {
namespace {

class ReadPathTest : public HandlerTest {
protected:
  ReadPathTest() {
    m_alice = registered("alice", m_alice_key.public_key());
    m_bob = registered("bob", m_bob_key.public_key());
    m_carol = registered("carol", m_bob_key.public_key());
    make_read_path({});
  }

  void make_read_path(HandlerOptions options) {
    m_read_path = std::make_unique<ReadPath>(*m_store, options, [this] { return m_now; });
  }

  std::optional<Reply> fast(Operation operation, const ClientId &sender, ByteView payload,
                            ConnectionState &connection, Dialect dialect = Dialect::v2025a,
                            std::uint8_t version = protocol::k_classic_version) {
    return m_read_path->try_answer(frame(operation, sender, payload.size(), dialect, version),
                                   payload, connection);
  }

  // The request handler's reply, with a pull's streamed payload read whole into `payload`.
  Reply handler_answer(Operation operation, const ClientId &sender, ByteView payload,
                       Dialect dialect) {
    ConnectionState connection;
    auto reply = call(operation, sender, payload, connection, dialect);
    if (!reply.download)
      return reply;
    Bytes buffer(4096);
    while (auto count = m_handler->read_download(*reply.download, buffer)) {
      if (*count == 0)
        break;
      reply.payload.insert(reply.payload.end(), buffer.begin(),
                           buffer.begin() + static_cast<std::ptrdiff_t>(*count));
    }
    EXPECT_TRUE(m_handler->finish_download(*reply.download, true));
    EXPECT_EQ(reply.payload.size(), reply.streamed_size);
    return reply;
  }

  crypto::RsaPrivateKey m_alice_key = vector_key("rsa1024_e17.json");
  crypto::RsaPrivateKey m_bob_key = vector_key("rsa1024_e3.json");
  ClientId m_alice{}, m_bob{}, m_carol{};
  std::unique_ptr<ReadPath> m_read_path;
};

TEST_F(ReadPathTest, AnswersListKeyAndEmptyPullWithTheHandlersBytesInEveryDialect) {
  auto key_request = protocol::encode_public_key_request(m_carol);
  for (const auto &info : protocol::k_dialects) {
    for (auto [operation, payload] : {std::pair{Operation::list_users, ByteView{}},
                                      std::pair{Operation::public_key, ByteView(key_request)},
                                      std::pair{Operation::pull_messages, ByteView{}}}) {
      ConnectionState connection;
      auto reply = fast(operation, m_bob, payload, connection, info.dialect);
      ASSERT_TRUE(reply) << info.name << " " << static_cast<int>(operation);
      auto expected = handler_answer(operation, m_bob, payload, info.dialect);
      EXPECT_EQ(reply->code, expected.code) << info.name;
      EXPECT_EQ(reply->payload_bytes(), expected.payload_bytes()) << info.name;
      EXPECT_EQ(reply->payload_size(), expected.payload_size()) << info.name;
      EXPECT_FALSE(reply->download);
      EXPECT_FALSE(reply->close_after);
    }
  }
}

TEST_F(ReadPathTest, ListsEveryOtherClientInRegistrationOrder) {
  ConnectionState connection;
  auto reply = fast(Operation::list_users, m_bob, {}, connection);
  ASSERT_TRUE(reply);
  auto users = protocol::decode_user_list(reply->payload_bytes());
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, m_alice);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[1].id, m_carol);
  auto dave = registered("dave", m_alice_key.public_key());
  reply = fast(Operation::list_users, m_bob, {}, connection);
  users = protocol::decode_user_list(reply->payload_bytes());
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[2].id, dave);
}

TEST_F(ReadPathTest, HandsOverEveryRequestThatWritesOrAnUnknownSenderMakes) {
  ConnectionState connection;
  EXPECT_FALSE(fast(Operation::register_client, ClientId{}, {}, connection));
  EXPECT_FALSE(fast(Operation::send_message, m_alice, {}, connection));
  EXPECT_FALSE(fast(Operation::challenge, m_alice, {}, connection, Dialect::v2025a, 3));
  EXPECT_FALSE(fast(Operation::ack, m_alice, {}, connection, Dialect::v2025a, 3));
  ClientId stranger{};
  stranger.fill(0x5A);
  EXPECT_FALSE(fast(Operation::list_users, stranger, {}, connection));
  EXPECT_FALSE(fast(Operation::pull_messages, stranger, {}, connection));
}

TEST_F(ReadPathTest, HandsOverABadPayloadAndTheKeyOfAnUnknownClient) {
  ConnectionState connection;
  EXPECT_FALSE(fast(Operation::public_key, m_alice, as_bytes(std::string("short")), connection));
  ClientId stranger{};
  stranger.fill(0x5A);
  EXPECT_FALSE(fast(Operation::public_key, m_alice, protocol::encode_public_key_request(stranger),
                    connection));
}

TEST_F(ReadPathTest, HandsOverAPullOnceAMessageWaitsAndAnswersAgainOnceItWasDelivered) {
  ConnectionState connection;
  ASSERT_TRUE(has_code(send_text(m_alice, m_bob, "hello"), 2103));
  EXPECT_FALSE(fast(Operation::pull_messages, m_bob, {}, connection));
  EXPECT_TRUE(fast(Operation::pull_messages, m_alice, {}, connection)); // nothing for alice
  auto undelivered = pull(m_bob, connection, false);
  EXPECT_FALSE(fast(Operation::pull_messages, m_bob, {}, connection)); // still waiting
  ASSERT_EQ(pull_messages(m_bob).size(), 1u);
  EXPECT_TRUE(fast(Operation::pull_messages, m_bob, {}, connection));
}

TEST_F(ReadPathTest, HandsOverAPullUntilAnAckDeletedTheLastMessage) {
  ConnectionState bound;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, bound), 2106));
  ASSERT_TRUE(has_code(send_text(m_alice, m_bob, "one"), 2103));
  auto result = pull(m_bob, bound, true, 3);
  auto messages = protocol::decode_pull_payload(result.payload);
  ASSERT_TRUE(messages && messages->size() == 1u);
  EXPECT_FALSE(fast(Operation::pull_messages, m_bob, {}, bound, Dialect::v2025a, 3));
  std::vector<MessageId> ids{(*messages)[0].header.message_id};
  ASSERT_TRUE(has_code(
      call(Operation::ack, m_bob, protocol::encode_ack_payload(ids), bound, Dialect::v2025a, 3),
      2107));
  EXPECT_TRUE(fast(Operation::pull_messages, m_bob, {}, bound, Dialect::v2025a, 3));
}

TEST_F(ReadPathTest, HandsOverAPullOfAProtectedAccountOnAnotherConnection) {
  ConnectionState owner;
  ASSERT_TRUE(has_code(authenticate(m_alice, m_alice_key, owner), 2106));
  ConnectionState other;
  EXPECT_FALSE(fast(Operation::pull_messages, m_alice, {}, other));
  EXPECT_TRUE(fast(Operation::list_users, m_alice, {}, other)); // reading is open to all
  EXPECT_TRUE(fast(Operation::pull_messages, m_alice, {}, owner, Dialect::v2025a, 3));
}

TEST_F(ReadPathTest, HandsOverEveryPullWithRequireAuthUnlessTheConnectionIsBound) {
  make_read_path({.require_auth = true});
  ConnectionState unbound;
  EXPECT_FALSE(fast(Operation::pull_messages, m_bob, {}, unbound));
  EXPECT_TRUE(
      fast(Operation::public_key, m_bob, protocol::encode_public_key_request(m_alice), unbound));
}

TEST_F(ReadPathTest, HandsOverARequestNamingAnotherIdThanTheConnectionIsBoundTo) {
  ConnectionState bound;
  ASSERT_TRUE(has_code(authenticate(m_bob, m_bob_key, bound), 2106));
  EXPECT_FALSE(fast(Operation::list_users, m_alice, {}, bound));
}

TEST_F(ReadPathTest, RefusesARequestAboveTheRateAsTheHandlerWould) {
  make_read_path({.max_request_rate = 2});
  ConnectionState connection;
  EXPECT_TRUE(has_code(*fast(Operation::list_users, m_bob, {}, connection), 2101));
  EXPECT_TRUE(has_code(*fast(Operation::list_users, m_bob, {}, connection), 2101));
  auto refused = fast(Operation::list_users, m_bob, {}, connection);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(has_code(*refused, 9000));
  EXPECT_EQ(refused->note, rate_refusal(RequestRateLimit(2)).note);
  m_now += std::chrono::seconds(1);
  EXPECT_TRUE(has_code(*fast(Operation::list_users, m_bob, {}, connection), 2101));
}

TEST_F(ReadPathTest, HandsTheSendersLastSeenToTheStore) {
  auto before = (*m_store->find_client(m_bob))->last_seen;
  std::this_thread::sleep_for(std::chrono::milliseconds(20)); // LastSeen has ms resolution
  ConnectionState connection;
  ASSERT_TRUE(fast(Operation::list_users, m_bob, {}, connection));
  EXPECT_GT((*m_store->find_client(m_bob))->last_seen, before);
}

TEST_F(ReadPathTest, SeesAMessageStoredByTheHandlerAtOnce) {
  ConnectionState connection;
  ASSERT_TRUE(fast(Operation::pull_messages, m_alice, {}, connection)); // nothing waits
  ASSERT_TRUE(has_code(send_text(m_bob, m_alice, "hello"), 2103));
  EXPECT_FALSE(fast(Operation::pull_messages, m_alice, {}, connection)); // handed over
}

} // namespace
} // namespace messageu::server::test
