// Incremental readers of frames fed arbitrary chunks of bytes, one for each direction. They
// hold at most one header and one fixed-size payload; message contents pass through as views
// of the caller's input, so a 4 GiB content never needs 4 GiB of memory, and "one byte at a
// time" and "the header says 4 GB" are handled here rather than in socket code.
//
// Both are driven the same way: call next(input) repeatedly; it consumes bytes from the front
// of `input` and returns the next event; need_more means `input` is used up.
#pragma once

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>

#include <optional>

namespace messageu::protocol {

// Reads requests on the server side, one after another on one connection.
class RequestReader {
public:
  enum class Event {
    need_more,   // input is used up: read more
    padding,     // an all-zero header after a complete request: close after the last reply
    header,      // a request header was classified: frame() is valid
    send_prefix, // a send's 21-byte prefix was checked: send_prefix() is valid
    content,     // a chunk of a send's content: content() views the caller's input
    complete,    // the request is complete; payload() holds a non-send payload
    rejected,    // the request was refused and its payload skipped: answer 9000, go on
    bad,         // the framing cannot be trusted (a payload above the limit, a size that
                 // cannot be right for the code, a large unknown one): answer 9000, close
  };

  explicit RequestReader(Limits limits = {}) : m_limits(limits) {}

  Event next(ByteView &input);

  const RequestFrame &frame() const { return m_frame; }
  const SendPrefix &send_prefix() const { return m_prefix; }
  ByteView content() const { return m_chunk; }
  ByteView payload() const { return m_buffer; }
  const Error &error() const { return m_error; }
  // True between requests: no byte of the next request's header has been read yet.
  bool between_requests() const {
    return (m_state == State::header || m_state == State::done) && m_buffer.empty();
  }
  // True while the header or the fixed part of a request (a non-send payload, a send's
  // 21-byte prefix) is being read; false during a send's content and a skipped payload.
  bool in_fixed_part() const {
    return m_state == State::header || m_state == State::payload || m_state == State::prefix;
  }
  // The server found the request unacceptable part-way (an unknown recipient, a full disk):
  // skip the rest of its payload, then report rejected with `error`.
  void reject_rest(Error error);

private:
  enum class State { header, payload, prefix, content, skipping, done, broken };

  Event read_header(ByteView &input);
  Event read_payload(ByteView &input);
  Event read_prefix(ByteView &input);
  Event read_content(ByteView &input);
  Event skip(ByteView &input);
  Event start_skipping(Error error, std::uint64_t remaining, ByteView &input);
  // The stream cannot be framed any further: reports bad with `error` from now on.
  Event break_off(Error error);
  // Moves bytes from input into m_buffer until it holds `size`; true when it does.
  bool fill(ByteView &input, std::size_t size);

  Limits m_limits;
  State m_state = State::header;
  bool m_seen_request = false;
  Bytes m_buffer;
  RequestFrame m_frame;
  SendPrefix m_prefix;
  ByteView m_chunk;
  std::uint64_t m_remaining = 0;
  Error m_error{Errc::internal, ""};
};

// Reads the one response a client expects to a request of `operation` in `dialect`.
class ResponseReader {
public:
  enum class Event {
    need_more,      // input is used up: read more
    message_header, // pull: the next message's header, in message_header()
    content,        // pull: a chunk of its content, in content()
    message_end,    // pull: that message is complete
    complete,       // the response is complete; payload() holds a non-pull payload
    server_error,   // the server answered 9000
    bad,            // malformed or unexpected: error() says how
  };

  // `max_payload` bounds what is buffered for non-pull responses (a list of users).
  ResponseReader(Dialect dialect, Operation operation, std::uint32_t max_payload = 64u << 20)
      : m_dialect(dialect), m_operation(operation), m_max_payload(max_payload) {}

  Event next(ByteView &input);

  const ResponseHeader &header() const { return m_header; }
  ByteView payload() const { return m_buffer; }
  const PulledMessageHeader &message_header() const { return m_message; }
  ByteView content() const { return m_chunk; }
  const Error &error() const { return m_error; }

private:
  enum class State { header, payload, message_header, content, done, broken };

  Event read_header(ByteView &input);
  Event read_message_header(ByteView &input);
  Event read_content(ByteView &input);
  Event fail(Errc code, std::string message);
  Status check_payload_size() const;
  bool fill(ByteView &input, std::size_t size);

  Dialect m_dialect;
  Operation m_operation;
  std::uint32_t m_max_payload;
  State m_state = State::header;
  Bytes m_buffer;
  ResponseHeader m_header;
  PulledMessageHeader m_message;
  ByteView m_chunk;
  std::uint64_t m_payload_left = 0;
  std::uint64_t m_content_left = 0;
  Error m_error{Errc::internal, ""};
};

} // namespace messageu::protocol
