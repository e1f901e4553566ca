// The request handler's classic rules (PROTOCOL.md §4): register, list, public key, send and
// pull, each refusal with its reason, in every dialect.
#include "handler_fixture.hpp"

#include <thread>

namespace messageu::server::test {
namespace {

class RequestHandlerClassic : public HandlerTest {
protected:
  crypto::RsaPrivateKey m_alice_key = vector_key("rsa1024_e17.json");
  crypto::RsaPrivateKey m_bob_key = vector_key("rsa1024_e3.json");
};

Bytes register_payload_with_name_field(const std::array<Byte, k_name_field_size> &name,
                                       const PublicKeyBytes &key) {
  ByteWriter writer;
  writer.bytes(name).bytes(key);
  return writer.take();
}

TEST_F(RequestHandlerClassic, RegistersANewClientAndAnswersItsId) {
  auto reply = register_user("alice", m_alice_key.public_key());
  ASSERT_TRUE(has_code(reply, 2100));
  ASSERT_EQ(reply.payload.size(), 16u);
  auto id = *protocol::decode_register_answer(reply.payload);
  auto record = m_store->find_client(id);
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->name, "alice");
  EXPECT_EQ((*record)->public_key, m_alice_key.public_key());
  EXPECT_FALSE((*record)->is_protected);
}

TEST_F(RequestHandlerClassic, AnswersInTheDialectOfTheRequestCode) {
  EXPECT_TRUE(has_code(register_user("old", m_alice_key.public_key(), Dialect::v2021c), 2000));
  EXPECT_TRUE(has_code(register_user("new", m_alice_key.public_key(), Dialect::v2026), 2100));
  EXPECT_TRUE(has_code(register_user("mid", m_alice_key.public_key(), Dialect::v2022), 2100));
}

TEST_F(RequestHandlerClassic, MakesRandomVersion4UuidsAsIds) {
  auto first = registered("alice", m_alice_key.public_key());
  auto second = registered("bob", m_bob_key.public_key());
  EXPECT_NE(first, second);
  for (const auto &id : {first, second}) {
    EXPECT_EQ(id[6] >> 4, 4);
    EXPECT_EQ(id[8] >> 6, 2);
  }
}

TEST_F(RequestHandlerClassic, RefusesANameAlreadyTakenComparedUpToTheNul) {
  registered("alice", m_alice_key.public_key());
  std::array<Byte, k_name_field_size> field{};
  std::copy_n("alice\0garbage", 13, field.begin());
  ConnectionState connection;
  auto payload = register_payload_with_name_field(field, m_bob_key.public_key());
  auto reply = call(Operation::register_client, ClientId{}, payload, connection);
  EXPECT_TRUE(has_code(reply, 9000));
}

TEST_F(RequestHandlerClassic, RefusesAnEmptyName) {
  std::array<Byte, k_name_field_size> field{};
  ConnectionState connection;
  auto payload = register_payload_with_name_field(field, m_alice_key.public_key());
  EXPECT_TRUE(has_code(call(Operation::register_client, ClientId{}, payload, connection), 9000));
}

TEST_F(RequestHandlerClassic, RefusesANameWithNoNulInIts255Bytes) {
  std::array<Byte, k_name_field_size> field{};
  field.fill('a');
  ConnectionState connection;
  auto payload = register_payload_with_name_field(field, m_alice_key.public_key());
  EXPECT_TRUE(has_code(call(Operation::register_client, ClientId{}, payload, connection), 9000));
}

TEST_F(RequestHandlerClassic, RefusesANonPrintableName) {
  EXPECT_TRUE(has_code(register_user("al\x01ice", m_alice_key.public_key()), 9000));
  EXPECT_TRUE(has_code(register_user("caf\xc3\xa9", m_alice_key.public_key()), 9000));
}

TEST_F(RequestHandlerClassic, RefusesANameThatDiffersFromARegisteredOneOnlyByCase) {
  registered("bob", m_bob_key.public_key());
  for (const char *name : {"bob", "Bob", "BOB", "bOb"}) {
    auto reply = register_user(name, m_alice_key.public_key());
    EXPECT_TRUE(has_code(reply, 9000)) << name;
    EXPECT_NE(reply.note.find("only by letter case"), std::string::npos) << reply.note;
  }
  EXPECT_TRUE(has_code(register_user("bobby", m_alice_key.public_key()), 2100));
  EXPECT_TRUE(has_code(register_user("b0b", m_alice_key.public_key()), 2100));
  EXPECT_EQ(m_store->list_clients()->size(), 3u);
}

TEST_F(RequestHandlerClassic, RefusesANameWithASpaceAtEitherEndOrTwoInARow) {
  for (const char *name : {" bob", "bob ", "bob  smith", " "}) {
    auto reply = register_user(name, m_alice_key.public_key());
    EXPECT_TRUE(has_code(reply, 9000)) << "[" << name << "]";
    EXPECT_NE(reply.note.find("space"), std::string::npos) << reply.note;
  }
  EXPECT_TRUE(m_store->list_clients()->empty());
  EXPECT_TRUE(has_code(register_user("bob smith", m_alice_key.public_key()), 2100));
}

TEST_F(RequestHandlerClassic, KeepsServingLookAlikeNamesRegisteredBeforeTheRule) {
  auto bob = registered("bob", m_bob_key.public_key());
  ClientId older{};
  older.fill(Byte{0x42});
  ASSERT_TRUE(m_store->add_client(older, "Bob ", m_alice_key.public_key()));
  EXPECT_TRUE(has_code(send_text(older, bob, "hello"), 2103));
  ConnectionState connection;
  auto users = protocol::decode_user_list(call(Operation::list_users, bob, {}, connection).payload);
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].name, "Bob ");
}

TEST_F(RequestHandlerClassic, RefusesAKeyThatIsNotAnRsa1024Key) {
  PublicKeyBytes garbage{};
  garbage.fill(0x30);
  EXPECT_TRUE(has_code(register_user("alice", garbage), 9000));
  auto not_a_sequence = m_alice_key.public_key();
  not_a_sequence[0] = 0x31;
  EXPECT_TRUE(has_code(register_user("alice", not_a_sequence), 9000));
  auto even_exponent = m_alice_key.public_key();
  even_exponent[159] = 0x10; // the exponent 17 becomes 16
  EXPECT_TRUE(has_code(register_user("alice", even_exponent), 9000));
  EXPECT_TRUE(m_store->list_clients()->empty());
}

TEST_F(RequestHandlerClassic, RefusesARegisterPayloadOfTheWrongSize) {
  ConnectionState connection;
  Bytes short_payload(414, 0x41);
  EXPECT_TRUE(
      has_code(call(Operation::register_client, ClientId{}, short_payload, connection), 9000));
}

TEST_F(RequestHandlerClassic, RefusesEveryRequestFromAnUnknownId) {
  registered("alice", m_alice_key.public_key());
  ClientId stranger{};
  stranger.fill(0x77);
  ConnectionState connection;
  EXPECT_TRUE(has_code(call(Operation::list_users, stranger, {}, connection), 9000));
  EXPECT_TRUE(has_code(call(Operation::pull_messages, stranger, {}, connection), 9000));
  auto wanted = protocol::encode_public_key_request(stranger);
  EXPECT_TRUE(has_code(call(Operation::public_key, stranger, wanted, connection), 9000));
  EXPECT_TRUE(
      has_code(call(Operation::challenge, stranger, {}, connection, Dialect::v2025a, 3), 9000));
  EXPECT_TRUE(has_code(send_text(stranger, stranger, "hi"), 9000));
}

TEST_F(RequestHandlerClassic, UpdatesLastSeenOnEachRequest) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto before = (*m_store->find_client(alice))->last_seen;
  // LastSeen has millisecond resolution: let the clock move past it.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ConnectionState connection;
  EXPECT_TRUE(has_code(call(Operation::list_users, alice, {}, connection), 2101));
  auto after = (*m_store->find_client(alice))->last_seen;
  EXPECT_GT(after, before);
}

TEST_F(RequestHandlerClassic, ListsEveryOtherClientInRegistrationOrderButNotTheRequester) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  auto carol = registered("carol", m_bob_key.public_key());
  ConnectionState connection;
  auto reply = call(Operation::list_users, bob, {}, connection);
  ASSERT_TRUE(has_code(reply, 2101));
  auto users = protocol::decode_user_list(reply.payload);
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0], (protocol::UserEntry{alice, "alice"}));
  EXPECT_EQ((*users)[1], (protocol::UserEntry{carol, "carol"}));
}

TEST_F(RequestHandlerClassic, ListsNobodyToTheOnlyClient) {
  auto alice = registered("alice", m_alice_key.public_key());
  ConnectionState connection;
  auto reply = call(Operation::list_users, alice, {}, connection, Dialect::v2021c);
  EXPECT_TRUE(has_code(reply, 2001));
  EXPECT_TRUE(reply.payload.empty());
}

TEST_F(RequestHandlerClassic, AnswersThePublicKeyOfARegisteredId) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto reply =
      call(Operation::public_key, alice, protocol::encode_public_key_request(bob), connection);
  ASSERT_TRUE(has_code(reply, 2102));
  ASSERT_EQ(reply.payload.size(), 176u);
  auto answer = protocol::decode_public_key_answer(reply.payload);
  EXPECT_EQ(answer->id, bob);
  EXPECT_EQ(answer->public_key, m_bob_key.public_key());
}

TEST_F(RequestHandlerClassic, RefusesThePublicKeyOfAnUnknownId) {
  auto alice = registered("alice", m_alice_key.public_key());
  ClientId unknown{};
  unknown.fill(0x42);
  ConnectionState connection;
  auto reply =
      call(Operation::public_key, alice, protocol::encode_public_key_request(unknown), connection);
  EXPECT_TRUE(has_code(reply, 9000));
  EXPECT_FALSE(reply.close_after);
}

TEST_F(RequestHandlerClassic, StoresAMessageAndAnswersTheRecipientAndMessageId) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  auto reply = send_text(alice, bob, "hello");
  ASSERT_TRUE(has_code(reply, 2103));
  auto answer = protocol::decode_send_answer(reply.payload);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->recipient, bob);
  auto waiting = *m_store->pending_messages(bob);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].id, answer->message_id);
  EXPECT_EQ(waiting[0].from, alice);
  EXPECT_EQ(waiting[0].type, MessageType::text);
  EXPECT_EQ(waiting[0].content_size, 5u);
}

TEST_F(RequestHandlerClassic, RefusesASendToAnUnknownRecipient) {
  auto alice = registered("alice", m_alice_key.public_key());
  ClientId unknown{};
  unknown.fill(0x13);
  EXPECT_TRUE(has_code(send_text(alice, unknown, "hello"), 9000));
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(RequestHandlerClassic, RefusesAMessageTypeOutsideOneToFour) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  for (std::uint8_t type : {0, 5, 255})
    EXPECT_TRUE(has_code(send(alice, bob, type, as_bytes("x"), connection), 9000)) << int(type);
  EXPECT_EQ(waiting_for(bob), 0u);
}

TEST_F(RequestHandlerClassic, AcceptsEachMessageTypeWithItsContent) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  EXPECT_TRUE(has_code(send(alice, bob, 1, {}, connection), 2103));
  EXPECT_TRUE(has_code(send(alice, bob, 2, Bytes(128, 7), connection), 2103));
  EXPECT_TRUE(has_code(send(alice, bob, 3, Bytes(16, 8), connection), 2103));
  EXPECT_TRUE(has_code(send(alice, bob, 4, Bytes(100'000, 9), connection), 2103));
  EXPECT_EQ(waiting_for(bob), 4u);
}

TEST_F(RequestHandlerClassic, CommitsConcurrentUploadsInOneBatchAnsweringEachInItsDialect) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  std::vector<UploadId> uploads;
  std::vector<Dialect> dialects = {Dialect::v2025a, Dialect::v2021c, Dialect::v2026};
  for (auto dialect : dialects) {
    protocol::SendPrefix prefix{bob, 3, 2};
    auto started = m_handler->begin_send(frame(Operation::send_message, alice, 23, dialect), prefix,
                                         connection);
    ASSERT_TRUE(std::holds_alternative<UploadId>(started));
    uploads.push_back(std::get<UploadId>(started));
    ASSERT_TRUE(m_handler->write_content(uploads.back(), as_bytes("hi")));
  }
  auto replies = m_handler->commit_sends(uploads);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(has_code(replies[0], 2103));
  EXPECT_TRUE(has_code(replies[1], 2003));
  EXPECT_TRUE(has_code(replies[2], 2103));
  std::vector<MessageId> ids;
  for (const auto &reply : replies)
    ids.push_back(protocol::decode_send_answer(reply.payload)->message_id);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(RequestHandlerClassic, RefusesOnlyTheUploadThatIsShortOfItsDeclaredSize) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto short_upload = std::get<UploadId>(
      m_handler->begin_send(frame(Operation::send_message, alice, 31), {bob, 3, 10}, connection));
  ASSERT_TRUE(m_handler->write_content(short_upload, as_bytes("12345")));
  auto whole_upload = std::get<UploadId>(
      m_handler->begin_send(frame(Operation::send_message, alice, 23), {bob, 3, 2}, connection));
  ASSERT_TRUE(m_handler->write_content(whole_upload, as_bytes("ok")));
  auto replies = m_handler->commit_sends(std::vector<UploadId>{short_upload, whole_upload});
  EXPECT_TRUE(has_code(replies[0], 9000));
  EXPECT_TRUE(has_code(replies[1], 2103));
  EXPECT_EQ(waiting_for(bob), 1u);
}

TEST_F(RequestHandlerClassic, WritesAFirstChunkGivenWithTheBeginningOfASend) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto started = m_handler->begin_send(frame(Operation::send_message, alice, 26), {bob, 3, 5},
                                       connection, as_bytes("hello"));
  ASSERT_TRUE(std::holds_alternative<UploadId>(started));
  auto replies = m_handler->commit_sends(std::vector<UploadId>{std::get<UploadId>(started)});
  ASSERT_TRUE(has_code(replies.at(0), 2103));
  auto messages = pull_messages(bob);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "hello");
}

TEST_F(RequestHandlerClassic, RefusesAFirstChunkLongerThanTheDeclaredContent) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto started = m_handler->begin_send(frame(Operation::send_message, alice, 23), {bob, 3, 2},
                                       connection, as_bytes("too long"));
  ASSERT_TRUE(std::holds_alternative<Reply>(started));
  EXPECT_TRUE(has_code(std::get<Reply>(started), 9000));
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(RequestHandlerClassic, RefusesContentBeyondTheDeclaredSizeAndDropsTheUpload) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto upload = std::get<UploadId>(
      m_handler->begin_send(frame(Operation::send_message, alice, 23), {bob, 3, 2}, connection));
  auto written = m_handler->write_content(upload, as_bytes("too long"));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::size_mismatch);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
  auto again = m_handler->write_content(upload, as_bytes("x"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::invalid_argument);
}

TEST_F(RequestHandlerClassic, StoresNothingForADiscardedUpload) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ConnectionState connection;
  auto upload = std::get<UploadId>(m_handler->begin_send(
      frame(Operation::send_message, alice, 21 + 200'000), {bob, 4, 200'000}, connection));
  ASSERT_TRUE(m_handler->write_content(upload, Bytes(100'000, 1)));
  EXPECT_TRUE(m_handler->discard_upload(upload));
  EXPECT_FALSE(m_handler->discard_upload(upload));
  auto replies = m_handler->commit_sends(std::vector<UploadId>{upload});
  EXPECT_TRUE(has_code(replies.at(0), 9000));
  EXPECT_EQ(waiting_for(bob), 0u);
}

TEST_F(RequestHandlerClassic, PullsEveryWaitingMessageInStoredOrderByteForByte) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  auto carol = registered("carol", m_bob_key.public_key());
  ConnectionState connection;
  Bytes file(300'000);
  for (std::size_t i = 0; i < file.size(); ++i)
    file[i] = static_cast<Byte>(i * 7 + 3);
  std::vector<protocol::PulledMessage> expected;
  auto sent = [&](const ClientId &from, std::uint8_t type, Bytes content) {
    auto reply = send(from, bob, type, content, connection);
    ASSERT_TRUE(has_code(reply, 2103));
    auto id = protocol::decode_send_answer(reply.payload)->message_id;
    expected.push_back({{from, id, type, static_cast<std::uint32_t>(content.size())}, content});
  };
  sent(alice, 1, {});
  sent(carol, 3, Bytes(48, 0x11));
  sent(alice, 4, file);
  sent(carol, 2, Bytes(128, 0x22));
  auto result = pull(bob, connection, true, 2, 777); // odd chunks split headers and contents
  ASSERT_TRUE(has_code(result.reply, 2104));
  EXPECT_EQ(result.reply.streamed_size, result.payload.size());
  EXPECT_EQ(result.payload, protocol::encode_pull_payload(expected));
}

TEST_F(RequestHandlerClassic, AnswersAnEmptyPullWhenNothingWaits) {
  auto alice = registered("alice", m_alice_key.public_key());
  ConnectionState connection;
  auto result = pull(alice, connection);
  EXPECT_TRUE(has_code(result.reply, 2104));
  EXPECT_EQ(result.reply.streamed_size, 0u);
  EXPECT_TRUE(result.payload.empty());
}

TEST_F(RequestHandlerClassic, DeletesPulledMessagesOnceTheResponseWasDelivered) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ASSERT_TRUE(has_code(send_text(alice, bob, "one"), 2103));
  ASSERT_TRUE(has_code(send_text(alice, bob, "two"), 2103));
  EXPECT_EQ(pull_messages(bob).size(), 2u);
  EXPECT_EQ(waiting_for(bob), 0u);
  EXPECT_TRUE(pull_messages(bob).empty());
}

TEST_F(RequestHandlerClassic, KeepsPulledMessagesWhenTheResponseWasNotDelivered) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ASSERT_TRUE(has_code(send_text(alice, bob, "one"), 2103));
  ConnectionState connection;
  auto result = pull(bob, connection, false);
  ASSERT_TRUE(has_code(result.reply, 2104));
  EXPECT_EQ(waiting_for(bob), 1u);
  EXPECT_EQ(pull_messages(bob).size(), 1u);
}

TEST_F(RequestHandlerClassic, KeepsMessagesOfADownloadNotReadToTheEnd) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ASSERT_TRUE(has_code(send_text(alice, bob, "a message longer than the buffer"), 2103));
  ConnectionState connection;
  auto reply = call(Operation::pull_messages, bob, {}, connection);
  ASSERT_TRUE(reply.download);
  Bytes buffer(10);
  ASSERT_EQ(*m_handler->read_download(*reply.download, buffer), 10u);
  ASSERT_TRUE(m_handler->finish_download(*reply.download, true));
  EXPECT_EQ(waiting_for(bob), 1u);
  EXPECT_EQ(m_handler->open_transfers(), 0u);
}

TEST_F(RequestHandlerClassic, KeepsAMessageStoredWhileAPullWasStreaming) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ASSERT_TRUE(has_code(send_text(alice, bob, "first"), 2103));
  ConnectionState connection;
  auto reply = call(Operation::pull_messages, bob, {}, connection);
  ASSERT_TRUE(has_code(send_text(alice, bob, "second"), 2103));
  Bytes buffer(4096);
  while (*m_handler->read_download(*reply.download, buffer) > 0) {
  }
  ASSERT_TRUE(m_handler->finish_download(*reply.download, true));
  auto left = pull_messages(bob);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(as_chars(left[0].content), "second");
}

TEST_F(RequestHandlerClassic, GivesConcurrentPullsOfOneClientDisjointMessages) {
  auto alice = registered("alice", m_alice_key.public_key());
  auto bob = registered("bob", m_bob_key.public_key());
  ASSERT_TRUE(has_code(send_text(alice, bob, "first"), 2103));
  ConnectionState first_connection;
  auto first = call(Operation::pull_messages, bob, {}, first_connection);
  ASSERT_TRUE(has_code(send_text(alice, bob, "second"), 2103));
  // The second connection's pull leaves out what the first is streaming.
  ConnectionState second_connection;
  auto second = pull(bob, second_connection);
  auto messages = *protocol::decode_pull_payload(second.payload);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(as_chars(messages[0].content), "second");
  // The first response still streams whole, then is not delivered: its message waits again.
  Bytes buffer(4096);
  auto count = m_handler->read_download(*first.download, buffer);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, first.streamed_size);
  ASSERT_TRUE(m_handler->finish_download(*first.download, false));
  auto again = pull_messages(bob);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(as_chars(again[0].content), "first");
}

TEST_F(RequestHandlerClassic, RefusesToReadOrFinishAnUnknownDownload) {
  Bytes buffer(16);
  auto read = m_handler->read_download(12345, buffer);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, Errc::invalid_argument);
  auto finished = m_handler->finish_download(12345, true);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().code, Errc::invalid_argument);
}

TEST(Refusal, AnswersNineThousandAndLogsStorageFailuresAsErrors) {
  auto storage = refusal(make_error(Errc::storage, "disk full"));
  EXPECT_EQ(storage.code, 9000);
  EXPECT_EQ(storage.level, LogLevel::error);
  EXPECT_EQ(storage.note, "disk full");
  EXPECT_TRUE(storage.payload.empty());
  auto user = refusal(make_error(Errc::unknown_user, "unknown recipient"));
  EXPECT_EQ(user.level, LogLevel::info);
  EXPECT_FALSE(user.close_after);
}

} // namespace
} // namespace messageu::server::test
