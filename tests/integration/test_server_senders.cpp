// Hostile senders against the real server: an account that floods a recipient is refused
// once it holds its share of the recipient's pending caps (--max-pending-share) while other
// senders still reach that recipient, and a registration whose name could pass for a
// registered one ("Bob" or "bob " for "bob") is refused.
#include "test_server_support.hpp"

namespace messageu::test {
namespace {

constexpr std::uint16_t k_stored = 2103;
constexpr std::uint16_t k_refused = 9000;

// The code answering one text message from `sender` to `recipient` on `connection` (0 when
// the connection ended).
std::uint16_t send_text(RawConnection &connection, const User &sender, const User &recipient,
                        const std::string &text) {
  auto response = round_trip(
      connection, send_request(sender.id, recipient.id, MessageType::text, as_bytes(text)));
  return response ? response->code : 0;
}

// The code answering a registration of `name` (0 when the connection ended).
std::uint16_t register_code(std::uint16_t port, const std::string &name) {
  RawConnection connection(port);
  auto key = crypto::RsaPrivateKey::generate().public_key();
  auto payload = protocol::encode_register_payload({name, key});
  auto response = round_trip(connection, request(ClientId{}, Operation::register_client, payload));
  return response ? response->code : 0;
}

TEST(ServerSenders, RefusesAFloodingSenderWhileOthersStillReachTheRecipient) {
  // 40 messages may wait for a recipient, 10 of them from any one sender.
  ServerProcess server({"--max-pending-messages", "40", "--max-pending-share", "25"});
  auto bob = register_user(server.port(), "bob");
  auto mallory = register_user(server.port(), "mallory");
  auto alice = register_user(server.port(), "alice");

  RawConnection flood(server.port());
  int stored = 0;
  int refused = 0;
  for (int index = 0; index < 200; ++index) {
    auto code = send_text(flood, mallory, bob, "spam " + std::to_string(index));
    ASSERT_TRUE(code == k_stored || code == k_refused) << code;
    (code == k_stored ? stored : refused) += 1;
  }
  EXPECT_EQ(stored, 10);
  EXPECT_EQ(refused, 190);
  EXPECT_TRUE(eventually([&] {
    return server.log().find("this sender already has 10 of the 10 messages it may have waiting "
                             "for the recipient (--max-pending-share 25% of "
                             "--max-pending-messages 40)") != std::string::npos;
  })) << server.log();

  RawConnection other(server.port());
  EXPECT_EQ(send_text(other, alice, bob, "hello bob"), k_stored);

  auto messages = pull(server.port(), bob.id);
  ASSERT_EQ(messages.size(), 11u);
  EXPECT_EQ(messages.back().header.sender, alice.id);
  EXPECT_EQ(send_text(flood, mallory, bob, "again"), k_stored);
}

TEST(ServerSenders, RefusesARegistrationThatLooksLikeARegisteredName) {
  ServerProcess server;
  register_user(server.port(), "bob");
  for (const char *name : {"Bob", "BOB", "bob ", " bob", "bo  b"})
    EXPECT_EQ(register_code(server.port(), name), k_refused) << "[" << name << "]";
  EXPECT_EQ(register_code(server.port(), "bobby"), 2100);
  EXPECT_EQ(register_code(server.port(), "bob smith"), 2100);
  EXPECT_TRUE(eventually([&] {
    return server.log().find("only by letter case") != std::string::npos;
  })) << server.log();
}

} // namespace
} // namespace messageu::test
