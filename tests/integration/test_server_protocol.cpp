// messageu-server from outside, over raw sockets: every dialect's whole story, the exact wire
// bytes of the shared vectors, several requests on one connection, any TCP segmentation,
// zero-padded clients, and 9000 for everything malformed without losing the connection's
// framing.
#include "test_server_support.hpp"

#include "support/vectors.hpp"

#include <messageu/util/hex.hpp>

namespace messageu::test {
namespace {

Bytes vector_bytes(const std::string &dialect, const std::string &what) {
  auto vectors = load_vectors("wire.json");
  for (const auto &example : vectors.get_child("dialects." + dialect + ".examples"))
    if (example.second.get<std::string>("what") == what)
      return hex_field(example.second, "hex");
  throw std::runtime_error("no wire vector " + what);
}

Bytes content_of(std::size_t size, Byte seed) {
  Bytes content(size);
  for (std::size_t i = 0; i < size; ++i)
    content[i] = static_cast<Byte>(seed + i * 31);
  return content;
}

class ServerProtocol : public ::testing::Test {
protected:
  ServerProcess m_server;
};

TEST_F(ServerProtocol, ServesTheWholeStoryInEveryDialect) {
  for (auto dialect : k_all_dialects) {
    SCOPED_TRACE(std::string(protocol::dialect_name(dialect)));
    auto port = m_server.port();
    auto suffix = std::string(protocol::dialect_name(dialect));
    auto alice = register_user(port, "alice-" + suffix, dialect);
    auto bob = register_user(port, "bob-" + suffix, dialect);
    {
      RawConnection connection(port);
      auto list = round_trip(connection, request(alice.id, Operation::list_users, {}, dialect));
      ASSERT_TRUE(list);
      EXPECT_EQ(list->code, protocol::response_code(dialect, Operation::list_users));
      auto users = protocol::decode_user_list(list->payload);
      ASSERT_TRUE(users);
      EXPECT_NE(std::find(users->begin(), users->end(), protocol::UserEntry{bob.id, bob.name}),
                users->end());
      EXPECT_EQ(std::find_if(users->begin(), users->end(),
                             [&](const auto &user) { return user.id == alice.id; }),
                users->end());
    }
    {
      RawConnection connection(port);
      auto key =
          round_trip(connection, request(alice.id, Operation::public_key,
                                         protocol::encode_public_key_request(bob.id), dialect));
      ASSERT_TRUE(key);
      EXPECT_EQ(key->code, protocol::response_code(dialect, Operation::public_key));
      auto answer = protocol::decode_public_key_answer(key->payload);
      ASSERT_TRUE(answer);
      EXPECT_EQ(answer->public_key, bob.key.public_key());
    }
    std::vector<std::pair<MessageType, Bytes>> sent = {
        {MessageType::key_request, {}},
        {MessageType::symmetric_key, content_of(128, 1)},
        {MessageType::text, content_of(32, 2)},
        {MessageType::file, content_of(200'000, 3)}};
    std::vector<MessageId> ids;
    for (const auto &[type, content] : sent) {
      RawConnection connection(port);
      auto stored = round_trip(connection, send_request(alice.id, bob.id, type, content, dialect));
      ASSERT_TRUE(stored);
      ASSERT_EQ(stored->code, protocol::response_code(dialect, Operation::send_message));
      auto answer = protocol::decode_send_answer(stored->payload);
      ASSERT_TRUE(answer);
      EXPECT_EQ(answer->recipient, bob.id);
      ids.push_back(answer->message_id);
    }
    auto messages = pull(port, bob.id, dialect);
    ASSERT_EQ(messages.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(messages[i].header.sender, alice.id);
      EXPECT_EQ(messages[i].header.message_id, ids[i]);
      EXPECT_EQ(messages[i].header.type, static_cast<std::uint8_t>(sent[i].first));
      EXPECT_EQ(messages[i].content, sent[i].second);
    }
    EXPECT_TRUE(pull(port, bob.id, dialect).empty());
  }
}

TEST_F(ServerProtocol, AcceptsTheVectorsRegisterBytesAndAnswersTheVectorsErrorAndEmptyPull) {
  RawConnection connection(m_server.port());
  ASSERT_TRUE(connection.send(vector_bytes("2025a", "register alice")));
  auto registered = connection.receive_response();
  ASSERT_TRUE(registered);
  EXPECT_EQ(registered->code, 2100);
  ASSERT_EQ(registered->payload.size(), 16u);
  ClientId alice{};
  std::copy(registered->payload.begin(), registered->payload.end(), alice.begin());

  // The vector's own list request comes from an id this server never gave: general error.
  ASSERT_TRUE(connection.send(vector_bytes("2025a", "list users, asked by alice")));
  auto refused = connection.receive_exact(7);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, vector_bytes("2025a", "general error"));

  for (const auto *dialect : {"2025a", "2021c"}) {
    auto pull_bytes = vector_bytes(dialect, "pull, asked by bob");
    std::copy(alice.begin(), alice.end(), pull_bytes.begin());
    ASSERT_TRUE(connection.send(pull_bytes));
    auto empty = connection.receive_exact(7);
    ASSERT_TRUE(empty);
    EXPECT_EQ(*empty, vector_bytes(dialect, "no waiting messages"));
  }
}

TEST_F(ServerProtocol, ServesSeveralRequestsOnOneConnectionEvenWhenPipelined) {
  auto port = m_server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  RawConnection connection(port);
  for (int round = 0; round < 3; ++round) {
    auto list = round_trip(connection, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->code, 2101);
    auto stored = round_trip(connection,
                             send_request(alice.id, bob.id, MessageType::text, as_bytes("round")));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->code, 2103);
  }
  // All at once, then the answers in order.
  Bytes batch;
  for (int i = 0; i < 5; ++i) {
    auto one = send_request(alice.id, bob.id, MessageType::text, as_bytes("pipelined"));
    batch.insert(batch.end(), one.begin(), one.end());
  }
  auto pull_request = request(bob.id, Operation::pull_messages);
  batch.insert(batch.end(), pull_request.begin(), pull_request.end());
  ASSERT_TRUE(connection.send(batch));
  for (int i = 0; i < 5; ++i) {
    auto stored = connection.receive_response();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->code, 2103);
  }
  auto pulled = connection.receive_response();
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->code, 2104);
  EXPECT_EQ(protocol::decode_pull_payload(pulled->payload)->size(), 8u);
}

TEST_F(ServerProtocol, ReadsRequestsSentOneByteAtATime) {
  auto port = m_server.port();
  auto bob = register_user(port, "bob");
  User alice{"alice", crypto::RsaPrivateKey::generate(), {}};
  RawConnection connection(port);
  auto send_slowly = [&](ByteView bytes) {
    for (auto byte : bytes) {
      ASSERT_TRUE(connection.send(ByteView(&byte, 1)));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  };
  send_slowly(request(ClientId{}, Operation::register_client,
                      protocol::encode_register_payload({alice.name, alice.key.public_key()})));
  auto registered = connection.receive_response();
  ASSERT_TRUE(registered);
  ASSERT_EQ(registered->code, 2100);
  std::copy(registered->payload.begin(), registered->payload.end(), alice.id.begin());
  send_slowly(send_request(alice.id, bob.id, MessageType::text, as_bytes("slow text")));
  auto stored = connection.receive_response();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->code, 2103);
  auto messages = pull(port, bob.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "slow text");
}

TEST_F(ServerProtocol, ClosesAfterTheReplyWhenAClientPadsItsRequestsTo1024Bytes) {
  auto port = m_server.port();
  auto alice = register_user(port, "alice");
  auto padded = [](Bytes bytes) {
    bytes.resize((bytes.size() + 1023) / 1024 * 1024, 0);
    return bytes;
  };
  {
    RawConnection connection(port);
    auto list = round_trip(connection, padded(request(alice.id, Operation::list_users)));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->code, 2101);
    EXPECT_TRUE(connection.closed_by_peer());
  }
  {
    RawConnection connection(port);
    User carol{"carol", crypto::RsaPrivateKey::generate(), {}};
    auto payload = protocol::encode_register_payload({carol.name, carol.key.public_key()});
    auto registered =
        round_trip(connection, padded(request(ClientId{}, Operation::register_client, payload)));
    ASSERT_TRUE(registered);
    EXPECT_EQ(registered->code, 2100);
    EXPECT_TRUE(connection.closed_by_peer());
  }
}

TEST_F(ServerProtocol, AnswersAnUnknownCodeWith9000AndKeepsTheConnection) {
  auto alice = register_user(m_server.port(), "alice");
  RawConnection connection(m_server.port());
  for (std::uint16_t code : {0, 599, 609, 999, 2100, 9000, 65535}) {
    auto refused = round_trip(connection, request_frame(alice.id, code, Bytes(10, 0xEE)));
    ASSERT_TRUE(refused) << code;
    EXPECT_EQ(refused->code, 9000) << code;
    EXPECT_TRUE(refused->payload.empty());
  }
  auto list = round_trip(connection, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 2101);
}

TEST_F(ServerProtocol, SkipsTheDeclaredPayloadOfAMalformedRequestAndGoesOn) {
  auto port = m_server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  RawConnection connection(port);
  auto expect_refused_then_alive = [&](const Bytes &bad, const char *what) {
    auto refused = round_trip(connection, bad);
    ASSERT_TRUE(refused) << what;
    EXPECT_EQ(refused->code, 9000) << what;
    auto list = round_trip(connection, request(alice.id, Operation::list_users));
    ASSERT_TRUE(list) << what;
    EXPECT_EQ(list->code, 2101) << what;
  };
  Bytes bad_type = protocol::encode_send_payload(bob.id, MessageType::text, Bytes(5000, 7));
  bad_type[16] = 9;
  expect_refused_then_alive(request_frame(alice.id, 603, bad_type), "type 9");
  expect_refused_then_alive(
      send_request(alice.id, ClientId{}, MessageType::file, Bytes(300'000, 1)),
      "unknown recipient with a large content");
  ClientId stranger{};
  stranger.fill(0x5c);
  expect_refused_then_alive(request(stranger, Operation::list_users), "unknown sender");
  auto other_key = crypto::RsaPrivateKey::generate();
  expect_refused_then_alive(
      request(ClientId{}, Operation::register_client,
              protocol::encode_register_payload({"alice", other_key.public_key()})),
      "name taken");
  EXPECT_EQ(pull(port, bob.id).size(), 0u);
}

TEST_F(ServerProtocol, AnswersASizeWrongForItsCodeWith9000AndClosesTheConnection) {
  auto port = m_server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  Bytes mismatch = protocol::encode_send_payload(bob.id, MessageType::text, Bytes(100, 7));
  store_le32(mismatch.data() + 17, 50); // says 50 bytes of content, carries 100
  for (const auto &[bad, what] : std::vector<std::pair<Bytes, std::string>>{
           {request_frame(ClientId{}, 600, Bytes(500, 'a')), "register of 500"},
           {request_frame(alice.id, 601, Bytes(3, 1)), "list with a payload"},
           {request_frame(alice.id, 602, Bytes(15, 1)), "public key of 15"},
           {request_frame(alice.id, 603, Bytes(20, 1)), "send shorter than 21"},
           {request_frame(alice.id, 603, mismatch), "content size mismatch"}}) {
    RawConnection connection(port);
    connection.send(bad);
    auto refused = connection.receive_response();
    ASSERT_TRUE(refused) << what;
    EXPECT_EQ(refused->code, 9000) << what;
    EXPECT_TRUE(connection.closed_by_peer()) << what;
  }
  EXPECT_EQ(pull(port, bob.id).size(), 0u);
}

TEST_F(ServerProtocol, AnswersThePublicKeyOfAnUnknownIdWith9000) {
  auto alice = register_user(m_server.port(), "alice");
  ClientId unknown{};
  unknown.fill(0x21);
  RawConnection connection(m_server.port());
  auto refused = round_trip(connection, request(alice.id, Operation::public_key,
                                                protocol::encode_public_key_request(unknown)));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 9000);
}

TEST(ServerLimits, RefusesAContentAboveTheMaximumAndClosesTheConnection) {
  ServerProcess server({"--max-message-size", "1000"});
  auto alice = register_user(server.port(), "alice");
  auto bob = register_user(server.port(), "bob");
  {
    RawConnection connection(server.port());
    auto accepted =
        round_trip(connection, send_request(alice.id, bob.id, MessageType::file, Bytes(1000, 1)));
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->code, 2103);
  }
  RawConnection connection(server.port());
  protocol::SendPrefix prefix{bob.id, 4, 1001};
  auto prefix_bytes = protocol::encode_send_prefix(prefix);
  protocol::RequestHeader header{alice.id, 2, 603, 21 + 1001};
  auto header_bytes = protocol::encode_request_header(header);
  ASSERT_TRUE(connection.send(header_bytes));
  ASSERT_TRUE(connection.send(prefix_bytes));
  auto refused = connection.receive_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 9000);
  EXPECT_TRUE(connection.closed_by_peer());
  EXPECT_EQ(pull(server.port(), bob.id).size(), 1u);
}

} // namespace
} // namespace messageu::test
