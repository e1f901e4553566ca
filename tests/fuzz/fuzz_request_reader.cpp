// Fuzz target: RequestReader, the server's incremental request parser, fed a stream of
// requests in fuzzer-chosen chunks under fuzzer-chosen limits.
//
// Input: options (1 byte: bits 0-2 pick the content limit, bit 3 rejects every send after its
// prefix, bit 4 rejects every request right after its header, as the server does for an
// unknown recipient or a full disk) · chunk plan (4 bytes, see ChunkPlan) · the stream.
//
// Invariants: reading in chunks and reading in one piece give the same events at the same
// stream offsets with the same contents and payloads; every event agrees with the header
// codecs and payload decoders (classify_request, decode_*), a send delivers exactly its
// declared content, need_more always means the input is used up, and the reader always
// makes progress.
#include "fuzz_support.hpp"
#include "transcript.hpp"

#include <messageu/protocol/frame_reader.hpp>

#include <array>

using namespace messageu;
using namespace messageu::protocol;
using namespace messageu::fuzz;
using Event = RequestReader::Event;

namespace {

constexpr std::array<std::uint32_t, 8> k_content_limits = {
    k_max_content_size, 0, 1, 16, 1000, 65536, 1u << 20, k_max_content_size - 21};

struct Options {
  Limits limits;
  bool reject_sends = false;
  bool reject_all = false;
};

Options read_options(FuzzInput &input) {
  auto bits = input.byte();
  return Options{Limits{k_content_limits[bits & 7]}, (bits & 8) != 0, (bits & 16) != 0};
}

// What a complete non-send request's payload must satisfy, given that its header passed
// classify_request: the decoder of its operation accepts it (register may still refuse the
// name itself, and WAIT its time, with bad_data).
void check_payload(const RequestFrame &frame, ByteView payload) {
  MESSAGEU_FUZZ_CHECK(payload.size() == frame.header.payload_size);
  if (frame.wait) { // a time of 4 bytes, which may be out of range
    auto milliseconds = decode_wait_payload(payload);
    MESSAGEU_FUZZ_CHECK(milliseconds || milliseconds.error().code == Errc::bad_data);
    return;
  }
  switch (frame.operation) {
  case Operation::register_client: {
    auto request = decode_register_payload(payload);
    MESSAGEU_FUZZ_CHECK(request || request.error().code == Errc::bad_data);
    break;
  }
  case Operation::public_key: MESSAGEU_FUZZ_CHECK(decode_public_key_request(payload)); break;
  case Operation::ack: MESSAGEU_FUZZ_CHECK(decode_ack_payload(payload)); break;
  case Operation::authenticate:
    MESSAGEU_FUZZ_CHECK(payload.size() == k_authenticate_payload_size);
    break;
  default: MESSAGEU_FUZZ_CHECK(payload.empty()); break;
  }
}

// Reads a whole stream and writes down every event with the stream offset it came at.
class Reading {
public:
  explicit Reading(const Options &options) : m_options(options), m_reader(options.limits) {}

  const Bytes &read(ByteView stream, ChunkPlan plan) {
    feed_reader(m_reader, stream, plan, [this](Event event, std::size_t offset, ByteView) {
      return record(event, offset);
    });
    return m_transcript.finish();
  }

private:
  // Checks and records one event; false when the reader will read no further.
  bool record(Event event, std::size_t offset) {
    ByteWriter detail;
    detail.u32(static_cast<std::uint32_t>(offset));
    switch (event) {
    case Event::header: on_header(detail); break;
    case Event::send_prefix: on_send_prefix(detail); break;
    case Event::content:
      MESSAGEU_FUZZ_CHECK(!m_reader.content().empty());
      m_content_seen += m_reader.content().size();
      MESSAGEU_FUZZ_CHECK(m_content_seen <= m_reader.send_prefix().content_size);
      m_transcript.content(m_reader.content());
      return true;
    case Event::complete: on_complete(detail); break;
    case Event::rejected: on_rejected(detail); break;
    case Event::bad:
      MESSAGEU_FUZZ_CHECK(m_reader.error().code == Errc::too_large ||
                          m_reader.error().code == Errc::size_mismatch);
      break;
    case Event::padding: MESSAGEU_FUZZ_CHECK(offset >= 2 * k_request_header_size); break;
    case Event::need_more: break;
    }
    m_transcript.event(static_cast<std::uint8_t>(event), detail.buffer());
    return event != Event::bad && event != Event::padding;
  }

  void on_header(ByteWriter &detail) {
    const auto &frame = m_reader.frame();
    auto classified = classify_request(frame.header, m_options.limits);
    MESSAGEU_FUZZ_CHECK(classified && classified->operation == frame.operation &&
                        classified->dialect == frame.dialect);
    MESSAGEU_FUZZ_CHECK(frame.header.payload_size <= max_request_payload(m_options.limits));
    detail.bytes(encode_request_header(frame.header))
        .u8(static_cast<std::uint8_t>(frame.operation));
    m_content_seen = 0;
    m_rejected_on_purpose = false;
    if (m_options.reject_all)
      reject();
  }

  void on_send_prefix(ByteWriter &detail) {
    const auto &prefix = m_reader.send_prefix();
    MESSAGEU_FUZZ_CHECK(std::uint64_t{prefix.content_size} + k_send_prefix_size ==
                        m_reader.frame().header.payload_size);
    MESSAGEU_FUZZ_CHECK(prefix.content_size <= m_options.limits.max_content_size);
    MESSAGEU_FUZZ_CHECK(is_valid_message_type(prefix.type));
    detail.bytes(encode_send_prefix(prefix));
    if (m_options.reject_sends)
      reject();
  }

  void on_complete(ByteWriter &detail) {
    MESSAGEU_FUZZ_CHECK(!m_rejected_on_purpose);
    const auto &frame = m_reader.frame();
    if (frame.operation == Operation::send_message) {
      MESSAGEU_FUZZ_CHECK(m_content_seen == m_reader.send_prefix().content_size);
      return;
    }
    check_payload(frame, m_reader.payload());
    detail.bytes(m_reader.payload());
  }

  void on_rejected(ByteWriter &detail) {
    auto code = m_reader.error().code;
    if (m_rejected_on_purpose)
      MESSAGEU_FUZZ_CHECK(code == Errc::storage);
    else
      MESSAGEU_FUZZ_CHECK(code == Errc::unknown_code || code == Errc::size_mismatch ||
                          code == Errc::bad_data);
    detail.u8(static_cast<std::uint8_t>(code));
    m_rejected_on_purpose = false;
  }

  // What the server does when it refuses a request part-way (an unknown recipient).
  void reject() {
    m_reader.reject_rest(make_error(Errc::storage, "refused by the fuzz target"));
    m_rejected_on_purpose = true;
  }

  Options m_options;
  RequestReader m_reader;
  Transcript m_transcript;
  std::uint64_t m_content_seen = 0;
  bool m_rejected_on_purpose = false;
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
