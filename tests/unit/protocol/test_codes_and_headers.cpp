// The dialect table, header codecs and request classification.
#include <messageu/protocol/header.hpp>

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::protocol;

TEST(Dialect, NamesRoundTrip) {
  for (const auto &info : k_dialects)
    EXPECT_EQ(dialect_from_name(info.name), info.dialect);
  EXPECT_FALSE(dialect_from_name("2024"));
  EXPECT_FALSE(dialect_from_name(""));
}

TEST(Dialect, CodesAreBasePlusOperation) {
  EXPECT_EQ(request_code(Dialect::v2025a, Operation::register_client), 600);
  EXPECT_EQ(request_code(Dialect::v2022, Operation::pull_messages), 1104);
  EXPECT_EQ(request_code(Dialect::v2021c, Operation::send_message), 1003);
  EXPECT_EQ(request_code(Dialect::v2026, Operation::list_users), 701);
  EXPECT_EQ(response_code(Dialect::v2021c, Operation::public_key), 2002);
  EXPECT_EQ(response_code(Dialect::v2025a, Operation::ack), 2107);
  EXPECT_EQ(request_code(Dialect::v2025a, Operation::challenge), 605);
}

TEST(Dialect, EveryRequestCodeOfEveryDialectDecodesToItself) {
  for (const auto &info : k_dialects)
    for (std::size_t i = 0; i < k_operation_count; ++i) {
      auto operation = static_cast<Operation>(i);
      auto meaning = decode_request_code(request_code(info.dialect, operation));
      ASSERT_TRUE(meaning);
      EXPECT_EQ(meaning->dialect, info.dialect);
      EXPECT_EQ(meaning->operation, operation);
    }
}

TEST(Dialect, UnknownRequestCodesDecodeToNothing) {
  for (std::uint16_t code : {0, 599, 608, 699, 708, 999, 1008, 1099, 1108, 2100, 9000, 65535})
    EXPECT_FALSE(decode_request_code(code)) << code;
}

TEST(Dialect, ResponseCodesDecodeOnlyInTheirDialect) {
  EXPECT_EQ(decode_response_code(Dialect::v2022, 2103), Operation::send_message);
  EXPECT_FALSE(decode_response_code(Dialect::v2021c, 2103));
  EXPECT_EQ(decode_response_code(Dialect::v2021c, 2004), Operation::pull_messages);
  EXPECT_FALSE(decode_response_code(Dialect::v2025a, k_error_code));
}

TEST(Dialect, AResponseCodeNamesTheDialectsThatAnswerWithIt) {
  EXPECT_EQ(dialects_answering_with(2000), std::vector<Dialect>{Dialect::v2021c});
  EXPECT_EQ(dialects_answering_with(2104),
            (std::vector<Dialect>{Dialect::v2025a, Dialect::v2022, Dialect::v2026}));
  EXPECT_TRUE(dialects_answering_with(k_error_code).empty());
  EXPECT_TRUE(dialects_answering_with(0).empty());
}

TEST(Dialect, WaitIsBasePlusEightInEveryDialect) {
  EXPECT_EQ(wait_request_code(Dialect::v2025a), 608);
  EXPECT_EQ(wait_request_code(Dialect::v2021c), 1008);
  EXPECT_FALSE(decode_request_code(wait_request_code(Dialect::v2026)));
}

TEST(RequestHeader, RoundTripsEveryField) {
  RequestHeader header{*client_id_from_hex("000102030405060708090a0b0c0d0e0f"), 3, 603, 0xA1B2C3D4};
  auto bytes = encode_request_header(header);
  EXPECT_EQ(bytes[16], 3);
  EXPECT_EQ(bytes[17], 0x5b);
  EXPECT_EQ(bytes[18], 0x02);
  EXPECT_EQ(bytes[19], 0xd4);
  EXPECT_EQ(*decode_request_header(bytes), header);
}

TEST(RequestHeader, TruncatedAtEveryOffsetIsAnError) {
  auto bytes = encode_request_header({});
  for (std::size_t size = 0; size < bytes.size(); ++size)
    EXPECT_EQ(decode_request_header(ByteView(bytes).first(size)).error().code, Errc::truncated);
}

TEST(ResponseHeader, RoundTripsAndRejectsTruncation) {
  ResponseHeader header{2, 2104, 66};
  auto bytes = encode_response_header(header);
  EXPECT_EQ(*decode_response_header(bytes), header);
  for (std::size_t size = 0; size < bytes.size(); ++size)
    EXPECT_EQ(decode_response_header(ByteView(bytes).first(size)).error().code, Errc::truncated);
}

TEST(RequestHeader, AllZerosIsPadding) {
  EXPECT_TRUE(is_padding_header({ClientId{}, 0, 0, 0}));
  EXPECT_FALSE(is_padding_header({ClientId{}, 2, 600, 415}));
}

namespace {
RequestHeader header_for(std::uint16_t code, std::uint32_t size) {
  return {ClientId{}, 2, code, size};
}
} // namespace

TEST(ClassifyRequest, AcceptsTheFixedSizesOfEachOperation) {
  EXPECT_TRUE(classify_request(header_for(600, 415), {}));
  EXPECT_TRUE(classify_request(header_for(601, 0), {}));
  EXPECT_TRUE(classify_request(header_for(602, 16), {}));
  EXPECT_TRUE(classify_request(header_for(603, 21), {}));
  EXPECT_TRUE(classify_request(header_for(604, 0), {}));
  EXPECT_TRUE(classify_request(header_for(605, 0), {}));
  EXPECT_TRUE(classify_request(header_for(606, 32), {}));
  EXPECT_TRUE(classify_request(header_for(607, 8), {}));
}

TEST(ClassifyRequest, RejectsWrongFixedSizes) {
  for (auto [code, size] : std::vector<std::pair<std::uint16_t, std::uint32_t>>{{600, 414},
                                                                                {600, 416},
                                                                                {601, 1},
                                                                                {602, 15},
                                                                                {602, 17},
                                                                                {603, 20},
                                                                                {604, 4},
                                                                                {605, 1},
                                                                                {606, 31},
                                                                                {607, 3},
                                                                                {607, 65537 * 4}})
    EXPECT_EQ(classify_request(header_for(code, size), {}).error().code, Errc::size_mismatch)
        << code << " " << size;
}

TEST(ClassifyRequest, AWaitIsAPullMarkedWaitWithAFourBytePayloadInEveryDialect) {
  for (auto dialect : {Dialect::v2025a, Dialect::v2022, Dialect::v2021c, Dialect::v2026}) {
    auto frame = classify_request(header_for(wait_request_code(dialect), 4), {});
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->wait);
    EXPECT_EQ(frame->dialect, dialect);
    EXPECT_EQ(frame->operation, Operation::pull_messages);
    EXPECT_EQ(classify_request(header_for(wait_request_code(dialect), 0), {}).error().code,
              Errc::size_mismatch);
  }
  EXPECT_FALSE(classify_request(header_for(604, 0), {})->wait);
}

TEST(ClassifyRequest, RejectsUnknownCodes) {
  EXPECT_EQ(classify_request(header_for(609, 0), {}).error().code, Errc::unknown_code);
  EXPECT_EQ(classify_request(header_for(0, 0), {}).error().code, Errc::unknown_code);
  EXPECT_EQ(classify_request(header_for(609, k_max_skipped_payload), {}).error().code,
            Errc::unknown_code);
}

TEST(ClassifyRequest, AnUnknownCodeAboveTheLargestFixedPayloadIsTooLargeToSkip) {
  EXPECT_EQ(classify_request(header_for(609, k_max_skipped_payload + 1), {}).error().code,
            Errc::too_large);
  EXPECT_EQ(classify_request(header_for(0, 0xFFFFFFFF), {}).error().code, Errc::too_large);
}

TEST(ClassifyRequest, RejectsPayloadAboveLimitBeforeAnythingElse) {
  Limits limits{1000};
  EXPECT_TRUE(classify_request(header_for(603, 1021), limits));
  EXPECT_EQ(classify_request(header_for(603, 262144 + 1), limits).error().code, Errc::too_large);
  EXPECT_EQ(classify_request(header_for(603, 2000), limits).error().code, Errc::too_large);
  EXPECT_EQ(classify_request(header_for(9999, 0xFFFFFFFF), limits).error().code, Errc::too_large);
}

TEST(ClassifyRequest, AcceptsTheLargestContentTheProtocolAllows) {
  // 21 + 4 GiB - 1 does not fit the u32 payload size; the largest send a header can declare
  // is 4 GiB - 1 bytes of payload.
  auto frame = classify_request(header_for(1103, 0xFFFFFFFF), {});
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->dialect, Dialect::v2022);
}
