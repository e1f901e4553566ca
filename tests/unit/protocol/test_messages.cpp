// Payload codecs: names, register, send prefix, ack, lists, answers, pull payloads.
#include <messageu/protocol/messages.hpp>

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::protocol;

namespace {
const ClientId k_id = *client_id_from_hex("00112233445566778899aabbccddeeff");
}

TEST(UserName, AcceptsPrintableNamesUpTo254Characters) {
  EXPECT_TRUE(validate_user_name("alice"));
  EXPECT_TRUE(validate_user_name("Bob Smith ~!"));
  EXPECT_TRUE(validate_user_name(std::string(254, 'x')));
}

TEST(UserName, RejectsEmptyLongAndNonPrintable) {
  EXPECT_EQ(validate_user_name("").error().code, Errc::bad_data);
  EXPECT_EQ(validate_user_name(std::string(255, 'x')).error().code, Errc::bad_data);
  EXPECT_EQ(validate_user_name("tab\there").error().code, Errc::bad_data);
  EXPECT_EQ(validate_user_name("caf\xc3\xa9").error().code, Errc::bad_data);
}

TEST(NameField, StopsAtTheFirstNul) {
  Bytes field(255, 0);
  field[0] = 'a';
  field[1] = 'b';
  field[3] = 'z'; // after the NUL: ignored
  EXPECT_EQ(*decode_name_field(field, true), "ab");
}

TEST(NameField, WithoutNulIsAnErrorOnlyWhenStrict) {
  Bytes field(255, 'q');
  EXPECT_EQ(decode_name_field(field, true).error().code, Errc::bad_data);
  EXPECT_EQ(decode_name_field(field, false)->size(), 255u);
}

TEST(RegisterPayload, RoundTrips) {
  RegisterRequest request{"carol", {}};
  request.public_key[0] = 0x30;
  request.public_key[159] = 0x11;
  auto payload = encode_register_payload(request);
  ASSERT_EQ(payload.size(), 415u);
  auto decoded = decode_register_payload(payload);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->name, "carol");
  EXPECT_EQ(decoded->public_key, request.public_key);
}

TEST(RegisterPayload, RejectsEmptyUnterminatedAndUnprintableNames) {
  auto payload = encode_register_payload({"", {}});
  EXPECT_EQ(decode_register_payload(payload).error().code, Errc::bad_data);
  std::fill(payload.begin(), payload.begin() + 255, Byte{'a'});
  EXPECT_EQ(decode_register_payload(payload).error().code, Errc::bad_data);
  payload = encode_register_payload({"bad\x01", {}});
  EXPECT_EQ(decode_register_payload(payload).error().code, Errc::bad_data);
  EXPECT_EQ(decode_register_payload(ByteView(payload).first(414)).error().code,
            Errc::size_mismatch);
}

TEST(SendPrefix, DecodesAndChecksTypeAndSize) {
  auto bytes = encode_send_prefix({k_id, 4, 100});
  auto prefix = decode_send_prefix(bytes, 121);
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->recipient, k_id);
  EXPECT_EQ(prefix->type, 4);
  EXPECT_EQ(prefix->content_size, 100u);
  EXPECT_EQ(decode_send_prefix(bytes, 120).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_send_prefix(bytes, 122).error().code, Errc::size_mismatch);
}

TEST(SendPrefix, RejectsTypesOutsideOneToFour) {
  for (std::uint8_t type : {0, 5, 255})
    EXPECT_EQ(decode_send_prefix(encode_send_prefix({k_id, type, 0}), 21).error().code,
              Errc::bad_data);
}

TEST(SendPrefix, SizeCheckDoesNotOverflowForTheLargestContent) {
  auto bytes = encode_send_prefix({k_id, 4, 0xFFFFFFFF});
  EXPECT_EQ(decode_send_prefix(bytes, 0xFFFFFFFF).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_send_prefix(ByteView(bytes).first(20), 21).error().code, Errc::truncated);
}

TEST(AckPayload, RoundTripsAndRejectsRaggedSizes) {
  std::vector<MessageId> ids = {1, 7, 0xFFFFFFFF};
  EXPECT_EQ(*decode_ack_payload(encode_ack_payload(ids)), ids);
  EXPECT_EQ(decode_ack_payload(Bytes(5)).error().code, Errc::size_mismatch);
  EXPECT_TRUE(decode_ack_payload({})->empty());
}

TEST(WaitPayload, RoundTripsOneTo300000MillisecondsAndRejectsTheRest) {
  EXPECT_EQ(*decode_wait_payload(encode_wait_payload(1)), 1u);
  EXPECT_EQ(*decode_wait_payload(encode_wait_payload(300'000)), 300'000u);
  auto little_endian = encode_wait_payload(0x01020304);
  EXPECT_EQ(little_endian[0], 0x04);
  for (std::uint32_t bad : {0u, 300'001u, 0xFFFF'FFFFu})
    EXPECT_EQ(decode_wait_payload(encode_wait_payload(bad)).error().code, Errc::bad_data) << bad;
  EXPECT_EQ(decode_wait_payload(Bytes(3)).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_wait_payload(Bytes(5)).error().code, Errc::size_mismatch);
}

TEST(UserList, RoundTripsAndRejectsRaggedSizes) {
  std::vector<UserEntry> users = {{k_id, "a"}, {ClientId{}, std::string(254, 'n')}};
  auto payload = encode_user_list(users);
  EXPECT_EQ(payload.size(), 2 * 271u);
  EXPECT_EQ(*decode_user_list(payload), users);
  EXPECT_EQ(decode_user_list(ByteView(payload).first(300)).error().code, Errc::size_mismatch);
  EXPECT_TRUE(decode_user_list({})->empty());
}

TEST(Answers, RejectAnythingButTheirExactSize) {
  EXPECT_EQ(decode_register_answer(Bytes(15)).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_register_answer(Bytes(17)).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_public_key_answer(Bytes(175)).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_send_answer(Bytes(21)).error().code, Errc::size_mismatch);
  EXPECT_EQ(decode_ack_answer(Bytes(3)).error().code, Errc::size_mismatch);
  EXPECT_EQ(*decode_ack_answer(encode_ack_answer(42)), 42u);
  EXPECT_EQ(decode_public_key_request(Bytes(15)).error().code, Errc::size_mismatch);
}

TEST(PullPayload, RoundTripsSeveralMessages) {
  std::vector<PulledMessage> messages = {
      {{k_id, 1, 1, 0}, {}}, {{k_id, 2, 3, 3}, {9, 8, 7}}, {{ClientId{}, 9, 4, 1}, {5}}};
  auto decoded = decode_pull_payload(encode_pull_payload(messages));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[1].header, messages[1].header);
  EXPECT_EQ((*decoded)[1].content, messages[1].content);
}

TEST(PullPayload, TruncationAtEveryOffsetIsAnError) {
  std::vector<PulledMessage> messages = {{{k_id, 2, 3, 3}, {9, 8, 7}}};
  auto payload = encode_pull_payload(messages);
  for (std::size_t size = 1; size < payload.size(); ++size)
    EXPECT_EQ(decode_pull_payload(ByteView(payload).first(size)).error().code, Errc::truncated)
        << size;
}

TEST(PullPayload, RejectsAnInvalidMessageType) {
  std::vector<PulledMessage> messages = {{{k_id, 2, 9, 0}, {}}};
  EXPECT_EQ(decode_pull_payload(encode_pull_payload(messages)).error().code, Errc::bad_data);
}

TEST(PullPayload, ADeclaredContentLargerThanThePayloadIsTruncatedNotAllocated) {
  auto header = encode_pulled_message_header({k_id, 1, 4, 0xFFFFFFF0});
  EXPECT_EQ(decode_pull_payload(header).error().code, Errc::truncated);
}
