// Every example of ../shared/vectors/wire.json, in every dialect: our encoders produce exactly
// those bytes, and our decoders read back the fields they were made from.
#include <messageu/protocol/frame_reader.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/util/hex.hpp>

#include "support/vectors.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::protocol;

namespace {

const ClientId k_alice = *client_id_from_hex("64f3f63985f04beb81a0e43321880182");
const ClientId k_bob = *client_id_from_hex("0123456789abcdeffedcba9876543210");
// AES-128-CBC of "hi bob" under the key 000102..0f, as the vector file carries it.
const Bytes k_hi_bob_ciphertext = *from_hex("8d77ac50901e5e8f9dfd98d82d78d484");

PublicKeyBytes vector_public_key() {
  auto bytes = test::hex_field(test::load_vectors("rsa1024_e17.json"), "public_key_spki_hex");
  PublicKeyBytes key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

struct WireExamples {
  Dialect dialect;
  std::vector<std::pair<std::string, Bytes>> examples; // (what, bytes), in file order
};

std::vector<WireExamples> load_examples() {
  auto tree = test::load_vectors("wire.json");
  std::vector<WireExamples> out;
  for (const auto &[name, node] : tree.get_child("dialects")) {
    WireExamples dialect{*dialect_from_name(name), {}};
    EXPECT_EQ(node.get<unsigned>("request_base"), dialect_info(dialect.dialect).request_base);
    EXPECT_EQ(node.get<unsigned>("response_base"), dialect_info(dialect.dialect).response_base);
    for (const auto &[unused, example] : node.get_child("examples"))
      dialect.examples.emplace_back(example.get<std::string>("what"),
                                    test::hex_field(example, "hex"));
    out.push_back(std::move(dialect));
  }
  return out;
}

// The bytes we encode for the example at `index` of the (fixed) example list.
Bytes encode_example(Dialect d, std::size_t index) {
  auto key = vector_public_key();
  switch (index) {
  case 0:
    return encode_request(ClientId{}, d, Operation::register_client,
                          encode_register_payload({"alice", key}));
  case 1: return encode_response(d, Operation::register_client, encode_register_answer(k_alice));
  case 2: return encode_request(k_alice, d, Operation::list_users, {});
  case 3: {
    UserEntry bob{k_bob, "bob"};
    return encode_response(d, Operation::list_users, encode_user_list({&bob, 1}));
  }
  case 4:
    return encode_request(k_alice, d, Operation::public_key, encode_public_key_request(k_bob));
  case 5: return encode_response(d, Operation::public_key, encode_public_key_answer({k_bob, key}));
  case 6:
    return encode_request(k_alice, d, Operation::send_message,
                          encode_send_payload(k_bob, MessageType::key_request, {}));
  case 7:
    return encode_request(k_alice, d, Operation::send_message,
                          encode_send_payload(k_bob, MessageType::text, k_hi_bob_ciphertext));
  case 8: return encode_response(d, Operation::send_message, encode_send_answer({k_bob, 7}));
  case 9: return encode_request(k_bob, d, Operation::pull_messages, {});
  case 10: {
    std::vector<PulledMessage> messages = {{{k_alice, 7, 1, 0}, {}},
                                           {{k_alice, 8, 3, 16}, k_hi_bob_ciphertext}};
    return encode_response(d, Operation::pull_messages, encode_pull_payload(messages));
  }
  case 11: return encode_response(d, Operation::pull_messages, {});
  case 12: return encode_error_response();
  }
  return {};
}

} // namespace

TEST(WireVectors, EveryDialectHasTheThirteenExamples) {
  auto dialects = load_examples();
  ASSERT_EQ(dialects.size(), 4u);
  for (const auto &dialect : dialects)
    EXPECT_EQ(dialect.examples.size(), 13u) << dialect_name(dialect.dialect);
}

TEST(WireVectors, EncodersProduceTheExactBytes) {
  for (const auto &dialect : load_examples())
    for (std::size_t i = 0; i < dialect.examples.size(); ++i)
      EXPECT_EQ(to_hex(encode_example(dialect.dialect, i)), to_hex(dialect.examples[i].second))
          << dialect_name(dialect.dialect) << ": " << dialect.examples[i].first;
}

TEST(WireVectors, RequestsDecodeBackToTheirFields) {
  for (const auto &dialect : load_examples()) {
    const auto &register_bytes = dialect.examples[0].second;
    auto header = decode_request_header(register_bytes);
    ASSERT_TRUE(header);
    auto frame = classify_request(*header, {});
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->dialect, dialect.dialect);
    EXPECT_EQ(frame->operation, Operation::register_client);
    auto request = decode_register_payload(ByteView(register_bytes).subspan(23));
    ASSERT_TRUE(request);
    EXPECT_EQ(request->name, "alice");
    EXPECT_EQ(request->public_key, vector_public_key());

    const auto &text_bytes = dialect.examples[7].second;
    auto text_header = *decode_request_header(text_bytes);
    EXPECT_EQ(text_header.client_id, k_alice);
    auto prefix = decode_send_prefix(ByteView(text_bytes).subspan(23), text_header.payload_size);
    ASSERT_TRUE(prefix);
    EXPECT_EQ(prefix->recipient, k_bob);
    EXPECT_EQ(prefix->type, 3);
    EXPECT_EQ(prefix->content_size, 16u);
  }
}

TEST(WireVectors, ResponsesDecodeThroughTheResponseReader) {
  for (const auto &dialect : load_examples()) {
    ByteView pull = dialect.examples[10].second;
    ResponseReader reader(dialect.dialect, Operation::pull_messages);
    std::vector<PulledMessageHeader> headers;
    Bytes content;
    for (;;) {
      auto event = reader.next(pull);
      if (event == ResponseReader::Event::message_header)
        headers.push_back(reader.message_header());
      else if (event == ResponseReader::Event::content)
        content.insert(content.end(), reader.content().begin(), reader.content().end());
      else if (event == ResponseReader::Event::message_end)
        continue;
      else {
        EXPECT_EQ(event, ResponseReader::Event::complete);
        break;
      }
    }
    ASSERT_EQ(headers.size(), 2u);
    EXPECT_EQ(headers[0], (PulledMessageHeader{k_alice, 7, 1, 0}));
    EXPECT_EQ(headers[1], (PulledMessageHeader{k_alice, 8, 3, 16}));
    EXPECT_EQ(content, k_hi_bob_ciphertext);

    auto list = dialect.examples[3].second;
    auto users = decode_user_list(ByteView(list).subspan(7));
    ASSERT_TRUE(users);
    ASSERT_EQ(users->size(), 1u);
    EXPECT_EQ((*users)[0], (UserEntry{k_bob, "bob"}));

    auto stored = decode_send_answer(ByteView(dialect.examples[8].second).subspan(7));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->message_id, 7u);
    EXPECT_EQ(stored->recipient, k_bob);

    auto key = decode_public_key_answer(ByteView(dialect.examples[5].second).subspan(7));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->public_key, vector_public_key());

    ByteView error = dialect.examples[12].second;
    ResponseReader error_reader(dialect.dialect, Operation::list_users);
    EXPECT_EQ(error_reader.next(error), ResponseReader::Event::server_error);
    EXPECT_EQ(error_reader.error().code, Errc::server_error);
  }
}
