// Fuzz target: ResponseReader, the client's incremental response parser, for every operation
// and dialect, fed in fuzzer-chosen chunks. The pull payload, a stream of messages whose
// contents pass through without being buffered, gets the closest checks.
//
// Input: operation (1 byte, mod 8) · dialect (1 byte, mod 4, in k_dialects order) · buffering
// limit for non-pull payloads (1 byte, picks from k_max_payloads) · chunk plan (4 bytes) ·
// the bytes the server sent.
//
// Invariants: chunked and one-piece readings give the same events at the same offsets; a
// completed response re-encodes to the bytes read and its payload passes the operation's
// decoder (for pull: the streamed messages are exactly what decode_pull_payload finds, and a
// pull the reader refuses is refused by decode_pull_payload too); the reader never asks for
// bytes beyond the declared payload; need_more means the input is used up.
#include "fuzz_support.hpp"
#include "transcript.hpp"

#include <messageu/protocol/frame_reader.hpp>

#include <algorithm>
#include <array>
#include <vector>

using namespace messageu;
using namespace messageu::protocol;
using namespace messageu::fuzz;
using Event = ResponseReader::Event;

namespace {

constexpr std::array<std::uint32_t, 8> k_max_payloads = {
    64u << 20, 0,        k_user_entry_size, 2 * k_user_entry_size, 10 * k_user_entry_size,
    4096,      1u << 20, 0xFFFFFFFFu};

struct Options {
  Dialect dialect;
  Operation operation;
  std::uint32_t max_payload;
};

Options read_options(FuzzInput &input) {
  auto operation = static_cast<Operation>(input.byte() % k_operation_count);
  auto dialect = k_dialects[input.byte() % k_dialects.size()].dialect;
  return Options{dialect, operation, k_max_payloads[input.byte() % k_max_payloads.size()]};
}

// A non-pull payload the reader accepted must pass its decoder, and re-encode to itself.
void check_payload(Operation operation, ByteView payload) {
  auto same = [&](const Bytes &encoded) {
    return encoded.size() == payload.size() &&
           std::equal(encoded.begin(), encoded.end(), payload.begin());
  };
  switch (operation) {
  case Operation::register_client:
    MESSAGEU_FUZZ_CHECK(same(encode_register_answer(*decode_register_answer(payload))));
    break;
  case Operation::list_users: {
    auto users = decode_user_list(payload);
    MESSAGEU_FUZZ_CHECK(users && users->size() * k_user_entry_size == payload.size());
    break;
  }
  case Operation::public_key:
    MESSAGEU_FUZZ_CHECK(same(encode_public_key_answer(*decode_public_key_answer(payload))));
    break;
  case Operation::send_message:
    MESSAGEU_FUZZ_CHECK(same(encode_send_answer(*decode_send_answer(payload))));
    break;
  case Operation::ack:
    MESSAGEU_FUZZ_CHECK(same(encode_ack_answer(*decode_ack_answer(payload))));
    break;
  case Operation::challenge: MESSAGEU_FUZZ_CHECK(payload.size() == k_challenge_size); break;
  case Operation::authenticate: MESSAGEU_FUZZ_CHECK(payload.empty()); break;
  case Operation::pull_messages: MESSAGEU_FUZZ_CHECK(false); break;
  }
}

// Reads one response from a stream and writes down every event with its stream offset.
class Reading {
public:
  explicit Reading(const Options &options)
      : m_options(options), m_reader(options.dialect, options.operation, options.max_payload) {}

  const Bytes &read(ByteView stream, ChunkPlan plan) {
    m_stream = stream;
    auto end =
        feed_reader(m_reader, stream, plan, [this](Event event, std::size_t offset, ByteView rest) {
          m_offset = offset;
          if (record(event))
            return true;
          check_finished(rest);
          return false;
        });
    if (end) {
      m_offset = *end;
      check_unfinished();
    }
    return m_transcript.finish();
  }

private:
  // Checks and records one event; false once the response is over.
  bool record(Event event) {
    ByteWriter detail;
    detail.u32(static_cast<std::uint32_t>(m_offset));
    switch (event) {
    case Event::message_header: on_message_header(detail); break;
    case Event::content:
      MESSAGEU_FUZZ_CHECK(!m_reader.content().empty());
      m_messages.back().content.insert(m_messages.back().content.end(), m_reader.content().begin(),
                                       m_reader.content().end());
      MESSAGEU_FUZZ_CHECK(m_messages.back().content.size() <=
                          m_messages.back().header.content_size);
      m_transcript.content(m_reader.content());
      return true;
    case Event::message_end:
      MESSAGEU_FUZZ_CHECK(m_messages.back().content.size() ==
                          m_messages.back().header.content_size);
      break;
    case Event::complete: on_complete(detail); break;
    case Event::server_error:
      MESSAGEU_FUZZ_CHECK(m_reader.header().code == k_error_code);
      MESSAGEU_FUZZ_CHECK(m_offset == k_response_header_size);
      break;
    case Event::bad: on_bad(detail); break;
    case Event::need_more: break;
    }
    m_transcript.event(static_cast<std::uint8_t>(event), detail.buffer());
    return event == Event::message_header || event == Event::message_end;
  }

  void on_message_header(ByteWriter &detail) {
    MESSAGEU_FUZZ_CHECK(m_options.operation == Operation::pull_messages);
    const auto &header = m_reader.message_header();
    MESSAGEU_FUZZ_CHECK(is_valid_message_type(header.type));
    m_messages.push_back(PulledMessage{header, {}});
    detail.bytes(encode_pulled_message_header(header));
  }

  void on_complete(ByteWriter &detail) {
    const auto &header = m_reader.header();
    MESSAGEU_FUZZ_CHECK(header.code == response_code(m_options.dialect, m_options.operation));
    MESSAGEU_FUZZ_CHECK(m_offset == k_response_header_size + std::uint64_t{header.payload_size});
    auto read = m_stream.first(m_offset);
    auto payload = read.subspan(k_response_header_size);
    if (m_options.operation == Operation::pull_messages) {
      // The streamed messages are the whole payload, and the one-shot decoder agrees.
      MESSAGEU_FUZZ_CHECK(encode_pull_payload(m_messages) == Bytes(payload.begin(), payload.end()));
      auto decoded = decode_pull_payload(payload);
      MESSAGEU_FUZZ_CHECK(decoded && decoded->size() == m_messages.size());
    } else {
      MESSAGEU_FUZZ_CHECK(m_reader.payload().size() == payload.size() &&
                          std::equal(payload.begin(), payload.end(), m_reader.payload().begin()));
      check_payload(m_options.operation, payload);
    }
    // The header codec gives back the bytes read (the reader lets any server version pass).
    auto encoded = encode_response_header(header);
    MESSAGEU_FUZZ_CHECK(std::equal(encoded.begin(), encoded.end(), read.begin()));
    detail.bytes(payload);
  }

  void on_bad(ByteWriter &detail) {
    auto code = m_reader.error().code;
    MESSAGEU_FUZZ_CHECK(code == Errc::unexpected_code || code == Errc::size_mismatch ||
                        code == Errc::too_large || code == Errc::truncated ||
                        code == Errc::bad_data);
    // A pull the reader refuses mid-payload is refused by the one-shot decoder too, once the
    // whole declared payload is at hand.
    auto declared = k_response_header_size + std::uint64_t{m_reader.header().payload_size};
    if (m_options.operation == Operation::pull_messages && code != Errc::unexpected_code &&
        m_stream.size() >= declared)
      MESSAGEU_FUZZ_CHECK(!decode_pull_payload(
          m_stream.subspan(k_response_header_size, m_reader.header().payload_size)));
    detail.u8(static_cast<std::uint8_t>(code));
  }

  // After the last event the reader stays where it is, consuming nothing more.
  void check_finished(ByteView rest) {
    auto again = rest;
    auto last = m_reader.next(again);
    MESSAGEU_FUZZ_CHECK(again.size() == rest.size());
    MESSAGEU_FUZZ_CHECK(last == Event::complete || last == Event::bad);
  }

  // The stream ended before the response did: the reader only asked for declared bytes.
  void check_unfinished() {
    if (m_offset < k_response_header_size)
      return;
    auto declared = k_response_header_size + std::uint64_t{m_reader.header().payload_size};
    MESSAGEU_FUZZ_CHECK(m_stream.size() < declared);
  }

  Options m_options;
  ResponseReader m_reader;
  Transcript m_transcript;
  ByteView m_stream;
  std::size_t m_offset = 0;
  std::vector<PulledMessage> m_messages;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  FuzzInput input(data, size);
  auto options = read_options(input);
  ChunkPlan plan(input);
  auto stream = input.rest();
  auto in_chunks = Reading(options).read(stream, plan);
  auto in_one_piece = Reading(options).read(stream, ChunkPlan());
  MESSAGEU_FUZZ_CHECK(in_chunks == in_one_piece);
  return 0;
}
