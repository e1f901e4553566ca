// RequestReader and ResponseReader fed arbitrary chunks: one byte at a time, random splits,
// several frames back to back, malformed frames skipped, oversized ones refused.
#include <messageu/protocol/frame_reader.hpp>

#include <gtest/gtest.h>

#include <random>

using namespace messageu;
using namespace messageu::protocol;
using RequestEvent = RequestReader::Event;
using ResponseEvent = ResponseReader::Event;

namespace {

const ClientId k_alice = *client_id_from_hex("64f3f63985f04beb81a0e43321880182");
const ClientId k_bob = *client_id_from_hex("0123456789abcdeffedcba9876543210");

// What a reader saw, summarised as text so that whole sequences compare in one assertion.
struct RequestLog {
  std::vector<std::string> events;
  Bytes content;
  std::vector<Bytes> payloads;
};

std::string describe(RequestReader &reader, RequestEvent event) {
  switch (event) {
  case RequestEvent::header:
    return "header " + std::string(operation_name(reader.frame().operation));
  case RequestEvent::send_prefix: return "prefix " + std::to_string(reader.send_prefix().type);
  case RequestEvent::complete: return "complete";
  case RequestEvent::rejected: return "rejected " + std::string(errc_name(reader.error().code));
  case RequestEvent::padding: return "padding";
  case RequestEvent::bad: return "bad " + std::string(errc_name(reader.error().code));
  default: return "?";
  }
}

// Cuts `stream` into chunks whose sizes come from `chunk_size()` and hands each to `consume`,
// which returns false to stop early.
template <typename ChunkSize, typename Consume>
void for_each_chunk(ByteView stream, ChunkSize chunk_size, Consume consume) {
  while (!stream.empty()) {
    auto size = std::min<std::size_t>(chunk_size(), stream.size());
    ByteView chunk = stream.first(size);
    stream = stream.subspan(size);
    if (!consume(chunk))
      return;
  }
}

// Feeds `stream` in chunks whose sizes come from `chunk_size()`.
template <typename ChunkSize>
RequestLog feed_requests(ByteView stream, ChunkSize chunk_size, Limits limits = {}) {
  RequestReader reader(limits);
  RequestLog log;
  for_each_chunk(stream, chunk_size, [&](ByteView chunk) {
    for (;;) {
      auto event = reader.next(chunk);
      if (event == RequestEvent::need_more)
        return true;
      if (event == RequestEvent::content) {
        log.content.insert(log.content.end(), reader.content().begin(), reader.content().end());
        continue;
      }
      if (event == RequestEvent::complete)
        log.payloads.emplace_back(reader.payload().begin(), reader.payload().end());
      log.events.push_back(describe(reader, event));
      if (event == RequestEvent::bad || event == RequestEvent::padding)
        return false;
    }
  });
  return log;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto &part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes send_request(std::size_t content_size) {
  Bytes content(content_size);
  for (std::size_t i = 0; i < content_size; ++i)
    content[i] = static_cast<Byte>(i * 7);
  return encode_request(k_alice, Dialect::v2025a, Operation::send_message,
                        encode_send_payload(k_bob, MessageType::file, content));
}

Bytes raw_request(std::uint16_t code, std::uint32_t declared, std::size_t actual) {
  auto header = encode_request_header({k_alice, 2, code, declared});
  Bytes out(header.begin(), header.end());
  out.resize(out.size() + actual, 0xEE);
  return out;
}

} // namespace

TEST(RequestReader, ReadsSeveralRequestsOneByteAtATime) {
  auto stream = concat({encode_request(k_alice, Dialect::v2022, Operation::list_users, {}),
                        send_request(1000),
                        encode_request(k_alice, Dialect::v2021c, Operation::public_key,
                                       encode_public_key_request(k_bob))});
  auto log = feed_requests(stream, [] { return 1; });
  EXPECT_EQ(log.events,
            (std::vector<std::string>{"header list", "complete", "header send", "prefix 4",
                                      "complete", "header public_key", "complete"}));
  auto send = send_request(1000);
  EXPECT_EQ(log.content, Bytes(send.begin() + 23 + 21, send.end()));
  ASSERT_EQ(log.payloads.size(), 3u);
  EXPECT_EQ(log.payloads[2], Bytes(k_bob.begin(), k_bob.end()));
}

TEST(RequestReader, GivesTheSameResultForRandomChunking) {
  auto stream = concat({send_request(5000), send_request(0), send_request(17)});
  auto whole = feed_requests(stream, [&] { return stream.size(); });
  std::mt19937 random(12345);
  for (int round = 0; round < 50; ++round) {
    auto log = feed_requests(stream, [&] { return 1 + random() % 700; });
    EXPECT_EQ(log.events, whole.events);
    EXPECT_EQ(log.content, whole.content);
  }
}

TEST(RequestReader, SkipsTheDeclaredPayloadOfAnUnknownCodeAndGoesOn) {
  auto stream = concat({raw_request(4242, 10, 10),
                        encode_request(k_alice, Dialect::v2025a, Operation::pull_messages, {})});
  auto log = feed_requests(stream, [] { return 3; });
  EXPECT_EQ(log.events,
            (std::vector<std::string>{"rejected unknown_code", "header pull", "complete"}));
}

TEST(RequestReader, BreaksOffAtAWrongFixedSizeWithoutReadingThePayload) {
  // list, register, public key, pull, CHALLENGE, AUTHENTICATE and ACK with a size that cannot
  // be right: reported at the header, and nothing after it is read as a request.
  for (auto [operation, size] :
       std::vector<std::pair<Operation, std::uint32_t>>{{Operation::list_users, 0xFFFFFFFF},
                                                        {Operation::list_users, 5},
                                                        {Operation::register_client, 0xFFFFFFFF},
                                                        {Operation::public_key, 17},
                                                        {Operation::pull_messages, 0xFFFFFFFF},
                                                        {Operation::challenge, 1},
                                                        {Operation::authenticate, 0xFFFFFFFF},
                                                        {Operation::ack, 0xFFFFFFFF},
                                                        {Operation::ack, 6},
                                                        {Operation::send_message, 20}}) {
    auto code = request_code(Dialect::v2025a, operation);
    auto stream = concat({raw_request(code, size, 0),
                          encode_request(k_alice, Dialect::v2025a, Operation::list_users, {})});
    auto log = feed_requests(stream, [] { return 64; });
    EXPECT_EQ(log.events, (std::vector<std::string>{"bad size_mismatch"}))
        << code << " declaring " << size;
  }
}

TEST(RequestReader, SkipsASmallPayloadOfAnUnknownCodeUpToTheLargestFixedPayload) {
  auto stream = concat({raw_request(4242, k_max_skipped_payload, k_max_skipped_payload),
                        encode_request(k_alice, Dialect::v2025a, Operation::list_users, {})});
  auto log = feed_requests(stream, [] { return 4096; });
  EXPECT_EQ(log.events,
            (std::vector<std::string>{"rejected unknown_code", "header list", "complete"}));
}

TEST(RequestReader, BreaksOffAtAnUnknownCodeWithALargePayload) {
  for (std::uint32_t size : {static_cast<std::uint32_t>(k_max_skipped_payload + 1), 0xFFFFFFFFu}) {
    auto log = feed_requests(raw_request(4242, size, 0), [] { return 23; });
    EXPECT_EQ(log.events, (std::vector<std::string>{"bad too_large"})) << size;
  }
}

TEST(RequestReader, BreaksOffAtASendWhoseContentSizeDisagrees) {
  auto payload = encode_send_payload(k_bob, MessageType::text, Bytes(32, 1));
  store_le32(payload.data() + 17, 31); // content size now disagrees with the payload size
  auto stream = concat({encode_request(k_alice, Dialect::v2025a, Operation::send_message, payload),
                        encode_request(k_alice, Dialect::v2025a, Operation::list_users, {})});
  auto log = feed_requests(stream, [] { return 10; });
  EXPECT_EQ(log.events, (std::vector<std::string>{"header send", "bad size_mismatch"}));
  EXPECT_TRUE(log.content.empty());
}

TEST(RequestReader, RejectsASendOfAnInvalidType) {
  auto payload = encode_send_payload(k_bob, MessageType::text, Bytes(16, 1));
  payload[16] = 7;
  auto log = feed_requests(
      encode_request(k_alice, Dialect::v2025a, Operation::send_message, payload), [] { return 1; });
  EXPECT_EQ(log.events, (std::vector<std::string>{"header send", "rejected bad_data"}));
}

TEST(RequestReader, RefusesAPayloadAboveTheLimitWithoutWaitingForIt) {
  // A header that declares 4 GiB and then nothing: the reader answers at once.
  auto log = feed_requests(
      raw_request(603, 0xFFFFFFFF, 0), [] { return 23; }, Limits{1 << 20});
  EXPECT_EQ(log.events, (std::vector<std::string>{"bad too_large"}));
}

TEST(RequestReader, AnAllZeroHeaderAfterARequestIsPadding) {
  auto request = encode_request(k_alice, Dialect::v2025a, Operation::list_users, {});
  auto padded = request;
  padded.resize(1024, 0);
  auto log = feed_requests(padded, [] { return 1024; });
  EXPECT_EQ(log.events, (std::vector<std::string>{"header list", "complete", "padding"}));
}

TEST(RequestReader, AnAllZeroFirstHeaderIsAnUnknownRequestNotPadding) {
  auto log = feed_requests(Bytes(23, 0), [] { return 23; });
  EXPECT_EQ(log.events, (std::vector<std::string>{"rejected unknown_code"}));
}

TEST(RequestReader, RejectRestSkipsTheRemainingContent) {
  auto stream = concat(
      {send_request(100), encode_request(k_alice, Dialect::v2025a, Operation::list_users, {})});
  RequestReader reader;
  ByteView input = stream;
  EXPECT_EQ(reader.next(input), RequestEvent::header);
  EXPECT_EQ(reader.next(input), RequestEvent::send_prefix);
  reader.reject_rest(make_error(Errc::unknown_user, "no such recipient"));
  EXPECT_EQ(reader.next(input), RequestEvent::rejected);
  EXPECT_EQ(reader.error().code, Errc::unknown_user);
  EXPECT_EQ(reader.next(input), RequestEvent::header);
  EXPECT_EQ(reader.frame().operation, Operation::list_users);
}

TEST(RequestReader, NeverBuffersContent) {
  // A 1 MiB content passes through as views of the input.
  auto stream = send_request(1 << 20);
  RequestReader reader;
  ByteView input = stream;
  std::size_t seen = 0;
  for (auto event = reader.next(input); event != RequestEvent::complete;
       event = reader.next(input)) {
    ASSERT_NE(event, RequestEvent::need_more);
    if (event == RequestEvent::content) {
      EXPECT_GE(reader.content().data(), stream.data());
      EXPECT_LT(reader.content().data(), stream.data() + stream.size());
      seen += reader.content().size();
    }
  }
  EXPECT_EQ(seen, 1u << 20);
}

namespace {

struct PullLog {
  std::vector<PulledMessageHeader> headers;
  std::vector<Bytes> contents;
  ResponseEvent last = ResponseEvent::need_more;
  Error error{Errc::internal, ""};
};

template <typename ChunkSize>
PullLog feed_pull(ByteView stream, ChunkSize chunk_size, Dialect dialect = Dialect::v2025a) {
  ResponseReader reader(dialect, Operation::pull_messages);
  PullLog log;
  for_each_chunk(stream, chunk_size, [&](ByteView chunk) {
    for (;;) {
      auto event = reader.next(chunk);
      if (event == ResponseEvent::need_more)
        return true;
      if (event == ResponseEvent::message_header) {
        log.headers.push_back(reader.message_header());
        log.contents.emplace_back();
      } else if (event == ResponseEvent::content) {
        log.contents.back().insert(log.contents.back().end(), reader.content().begin(),
                                   reader.content().end());
      } else if (event != ResponseEvent::message_end) {
        log.last = event;
        log.error = reader.error();
        return false;
      }
    }
  });
  return log;
}

Bytes pull_response(const std::vector<PulledMessage> &messages, Dialect dialect = Dialect::v2025a) {
  return encode_response(dialect, Operation::pull_messages, encode_pull_payload(messages));
}

} // namespace

TEST(ResponseReader, StreamsAPullOfSeveralMessagesInAnyChunking) {
  std::vector<PulledMessage> messages = {{{k_alice, 1, 1, 0}, {}},
                                         {{k_bob, 2, 4, 3000}, Bytes(3000, 0x5a)},
                                         {{k_alice, 3, 3, 16}, Bytes(16, 0x11)}};
  auto stream = pull_response(messages);
  std::mt19937 random(7);
  for (int round = 0; round < 30; ++round) {
    auto log = feed_pull(stream, [&] { return 1 + random() % 400; });
    EXPECT_EQ(log.last, ResponseEvent::complete);
    ASSERT_EQ(log.headers.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(log.headers[i], messages[i].header);
      EXPECT_EQ(log.contents[i], messages[i].content);
    }
  }
}

TEST(ResponseReader, AnEmptyPullIsComplete) {
  auto log = feed_pull(pull_response({}), [] { return 1; });
  EXPECT_EQ(log.last, ResponseEvent::complete);
  EXPECT_TRUE(log.headers.empty());
}

TEST(ResponseReader, IgnoresBytesAfterTheResponse) {
  auto stream = pull_response({{{k_alice, 1, 1, 0}, {}}});
  stream.resize(1024, 0);
  auto log = feed_pull(stream, [] { return 1024; });
  EXPECT_EQ(log.last, ResponseEvent::complete);
  EXPECT_EQ(log.headers.size(), 1u);
}

TEST(ResponseReader, AMessageRunningPastThePayloadIsTruncated) {
  auto stream = pull_response({{{k_alice, 1, 3, 16}, Bytes(16, 1)}});
  store_le32(stream.data() + 7 + 21, 17); // claims one byte more than the payload holds
  auto log = feed_pull(stream, [] { return 5; });
  EXPECT_EQ(log.last, ResponseEvent::bad);
  EXPECT_EQ(log.error.code, Errc::truncated);
}

TEST(ResponseReader, APayloadEndingInsideAMessageHeaderIsTruncated) {
  auto stream = pull_response({{{k_alice, 1, 1, 0}, {}}});
  store_le32(stream.data() + 3, 24);
  stream.resize(7 + 24);
  EXPECT_EQ(feed_pull(stream, [] { return 100; }).error.code, Errc::truncated);
}

TEST(ResponseReader, RejectsAnotherDialectsCode) {
  auto stream = pull_response({}, Dialect::v2021c);
  auto log = feed_pull(
      stream, [] { return 100; }, Dialect::v2025a);
  EXPECT_EQ(log.error.code, Errc::unexpected_code);
}

TEST(ResponseReader, ReportsServerErrors) {
  auto stream = encode_error_response();
  auto log = feed_pull(stream, [] { return 1; });
  EXPECT_EQ(log.last, ResponseEvent::server_error);
  EXPECT_EQ(log.error.code, Errc::server_error);
}

TEST(ResponseReader, ChecksExactSizesOfFixedAnswers) {
  auto answer = encode_response(Dialect::v2025a, Operation::send_message, Bytes(19));
  ResponseReader reader(Dialect::v2025a, Operation::send_message);
  ByteView input = answer;
  EXPECT_EQ(reader.next(input), ResponseEvent::bad);
  EXPECT_EQ(reader.error().code, Errc::size_mismatch);
}

TEST(ResponseReader, BoundsTheUserList) {
  auto answer = encode_response(Dialect::v2025a, Operation::list_users, Bytes(271 * 4));
  ResponseReader reader(Dialect::v2025a, Operation::list_users, 271 * 3);
  ByteView input = answer;
  EXPECT_EQ(reader.next(input), ResponseEvent::bad);
  EXPECT_EQ(reader.error().code, Errc::too_large);
}

TEST(ResponseReader, ReadsAFixedAnswerByteByByte) {
  auto answer =
      encode_response(Dialect::v2026, Operation::register_client, encode_register_answer(k_bob));
  ResponseReader reader(Dialect::v2026, Operation::register_client);
  ResponseEvent event = ResponseEvent::need_more;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    ByteView one = ByteView(answer).subspan(i, 1);
    event = reader.next(one);
    if (i + 1 < answer.size()) {
      EXPECT_EQ(event, ResponseEvent::need_more);
    }
  }
  EXPECT_EQ(event, ResponseEvent::complete);
  EXPECT_EQ(*decode_register_answer(reader.payload()), k_bob);
}
