// WAIT against the real server (PROTOCOL.md §11): refused unless the connection is bound,
// refused for a time outside 1 to 300,000 ms, answered at once when messages wait, woken by
// a send from another connection, empty when the time runs out, not cut short by the idle
// and request timeouts, and acknowledged like a pull.
#include "test_server_support.hpp"

#include <chrono>
#include <future>

namespace messageu::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

Bytes wait_request(const ClientId &id, ByteView payload, Dialect dialect = Dialect::v2025a) {
  return request_frame(id, protocol::wait_request_code(dialect), payload, 3);
}

Bytes wait_request(const ClientId &id, std::uint32_t milliseconds,
                   Dialect dialect = Dialect::v2025a) {
  auto payload = protocol::encode_wait_payload(milliseconds);
  return wait_request(id, payload, dialect);
}

std::uint16_t send_text(std::uint16_t port, const User &from, const User &to,
                        const std::string &text) {
  RawConnection connection(port);
  auto response = round_trip(
      connection, request(from.id, Operation::send_message,
                          protocol::encode_send_payload(to.id, MessageType::text, as_bytes(text))));
  return response ? response->code : 0;
}

std::vector<protocol::PulledMessage> messages_of(const RawResponse &response) {
  auto messages = protocol::decode_pull_payload(response.payload);
  EXPECT_TRUE(messages);
  return messages.value_or(std::vector<protocol::PulledMessage>{});
}

class ServerWait : public ::testing::Test {
protected:
  void SetUp() override {
    m_owner = register_user(m_server->port(), "owner");
    m_other = register_user(m_server->port(), "other");
  }

  std::unique_ptr<ServerProcess> m_server = std::make_unique<ServerProcess>();
  User m_owner{"", crypto::RsaPrivateKey::generate(), {}};
  User m_other{"", crypto::RsaPrivateKey::generate(), {}};
};

TEST_F(ServerWait, RefusedOnAConnectionNotBound) {
  RawConnection connection(m_server->port());
  auto response = round_trip(connection, wait_request(m_owner.id, 1000));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, 9000);
  // The connection stays usable.
  EXPECT_EQ(authenticate(connection, m_owner), 2106);
}

TEST_F(ServerWait, RefusesATimeOutsideItsRange) {
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  for (std::uint32_t bad : {0u, 300'001u, 0xFFFF'FFFFu}) {
    SCOPED_TRACE(bad);
    auto response = round_trip(connection, wait_request(m_owner.id, bad));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code, 9000);
  }
  // A payload that is not 4 bytes.
  Bytes three(3, 1);
  auto response = round_trip(connection, wait_request(m_owner.id, three));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, 9000);
}

TEST_F(ServerWait, AnswersAtOnceWhenMessagesWaitAndDeletesNothing) {
  ASSERT_EQ(send_text(m_server->port(), m_other, m_owner, "already here"), 2103);
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner, Dialect::v2026), 2106);
  auto started = Clock::now();
  auto response = round_trip(connection, wait_request(m_owner.id, 300'000, Dialect::v2026));
  ASSERT_TRUE(response);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(response->code, 2104);
  auto messages = messages_of(*response);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "already here");
  // Not deleted until ACK: a pull on the same bound connection sees it again.
  EXPECT_EQ(pull_on(connection, m_owner.id, Dialect::v2026, 3).size(), 1u);
}

TEST_F(ServerWait, ASendFromAnotherConnectionWakesTheWait) {
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  ASSERT_TRUE(connection.send(wait_request(m_owner.id, 60'000)));
  // Not answered before anything was sent.
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(send_text(m_server->port(), m_other, m_owner, "wake up"), 2103);
  auto sent = Clock::now();
  auto response = connection.receive_response(std::chrono::seconds(20));
  ASSERT_TRUE(response);
  EXPECT_LT(Clock::now() - sent, std::chrono::seconds(5)); // woken, not timed out at 60 s
  EXPECT_EQ(response->code, 2104);
  auto messages = messages_of(*response);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "wake up");
  auto acked = round_trip(
      connection,
      request(m_owner.id, Operation::ack,
              protocol::encode_ack_payload(std::vector<MessageId>{messages[0].header.message_id}),
              Dialect::v2025a, 3));
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->code, 2107);
  EXPECT_TRUE(pull_on(connection, m_owner.id, Dialect::v2025a, 3).empty());
}

TEST_F(ServerWait, AMessageForSomeoneElseDoesNotEndTheWait) {
  auto third = register_user(m_server->port(), "third");
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  auto started = Clock::now();
  ASSERT_TRUE(connection.send(wait_request(m_owner.id, 1500)));
  ASSERT_EQ(send_text(m_server->port(), third, m_other, "not for the waiter"), 2103);
  auto response = connection.receive_response(std::chrono::seconds(20));
  ASSERT_TRUE(response);
  EXPECT_GE(Clock::now() - started, milliseconds(1400)); // it waited its time
  EXPECT_EQ(response->code, 2104);
  EXPECT_TRUE(response->payload.empty());
}

TEST_F(ServerWait, TimesOutEmptyAndOutlivesTheIdleAndRequestTimeouts) {
  // A wait longer than both timeouts is answered at its end, not closed by them.
  m_server.reset();
  m_server = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--idle-timeout", "1", "--request-timeout", "1"});
  SetUp();
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  auto started = Clock::now();
  auto response = round_trip(connection, wait_request(m_owner.id, 2500));
  ASSERT_TRUE(response);
  EXPECT_GE(Clock::now() - started, milliseconds(2400));
  EXPECT_EQ(response->code, 2104);
  EXPECT_TRUE(response->payload.empty());
  // And the connection is still bound: another wait works.
  auto again = round_trip(connection, wait_request(m_owner.id, 1));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code, 2104);
}

TEST_F(ServerWait, AClassicServerRefusesIt) {
  ServerProcess classic({"--protocol", "2"});
  auto owner = register_user(classic.port(), "owner");
  RawConnection connection(classic.port());
  auto response = round_trip(connection, wait_request(owner.id, 1000));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, 9000);
}

TEST_F(ServerWait, AShutdownAnswersAWaitingConnectionAtOnce) {
  RawConnection connection(m_server->port());
  ASSERT_EQ(authenticate(connection, m_owner), 2106);
  ASSERT_TRUE(connection.send(wait_request(m_owner.id, 300'000)));
  std::this_thread::sleep_for(milliseconds(300));
  auto started = Clock::now();
  EXPECT_EQ(m_server->stop(), 0);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)); // not held for the 10 s grace
  auto response = connection.receive_response(std::chrono::seconds(5));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, 2104);
}

} // namespace
} // namespace messageu::test
