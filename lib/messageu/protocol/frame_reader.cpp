// The incremental request and response readers.
#include <messageu/protocol/frame_reader.hpp>

#include <algorithm>
#include <string>

namespace messageu::protocol {
namespace {

// Moves up to `wanted` bytes from the front of `input` into `buffer` (which already holds
// some); returns true once the buffer holds `size` bytes.
bool fill_buffer(Bytes &buffer, ByteView &input, std::size_t size) {
  auto take = std::min(size - buffer.size(), input.size());
  buffer.insert(buffer.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
  input = input.subspan(take);
  return buffer.size() == size;
}

ByteView take_front(ByteView &input, std::uint64_t limit) {
  auto count = static_cast<std::size_t>(std::min<std::uint64_t>(limit, input.size()));
  auto chunk = input.first(count);
  input = input.subspan(count);
  return chunk;
}

} // namespace

// --- RequestReader -------------------------------------------------------------------------

bool RequestReader::fill(ByteView &input, std::size_t size) {
  return fill_buffer(m_buffer, input, size);
}

RequestReader::Event RequestReader::next(ByteView &input) {
  switch (m_state) {
  case State::done:
    m_buffer.clear();
    m_state = State::header;
    return next(input);
  case State::header: return read_header(input);
  case State::payload: return read_payload(input);
  case State::prefix: return read_prefix(input);
  case State::content: return read_content(input);
  case State::skipping: return skip(input);
  case State::broken: return Event::bad;
  }
  return Event::bad;
}

RequestReader::Event RequestReader::read_header(ByteView &input) {
  if (!fill(input, k_request_header_size))
    return Event::need_more;
  auto header = *decode_request_header(m_buffer);
  m_buffer.clear();
  m_frame = RequestFrame{header, k_default_dialect, Operation::register_client};
  if (m_seen_request && is_padding_header(header)) {
    m_state = State::broken;
    return Event::padding;
  }
  m_seen_request = true;
  auto frame = classify_request(header, m_limits);
  if (!frame) {
    if (frame.error().code != Errc::unknown_code)
      return break_off(frame.error());
    return start_skipping(frame.error(), header.payload_size, input);
  }
  m_frame = *frame;
  m_state = m_frame.operation == Operation::send_message ? State::prefix : State::payload;
  return Event::header;
}

RequestReader::Event RequestReader::read_payload(ByteView &input) {
  if (!fill(input, m_frame.header.payload_size))
    return Event::need_more;
  m_state = State::done;
  return Event::complete;
}

RequestReader::Event RequestReader::read_prefix(ByteView &input) {
  if (!fill(input, k_send_prefix_size))
    return Event::need_more;
  auto prefix = decode_send_prefix(m_buffer, m_frame.header.payload_size);
  m_buffer.clear();
  // A content size that disagrees with the payload size leaves no size to trust; an invalid
  // type in a well-framed send is skipped like any refused request.
  if (!prefix && prefix.error().code == Errc::size_mismatch)
    return break_off(prefix.error());
  if (!prefix)
    return start_skipping(prefix.error(), m_frame.header.payload_size - k_send_prefix_size, input);
  m_prefix = *prefix;
  m_remaining = m_prefix.content_size;
  m_state = State::content;
  return Event::send_prefix;
}

RequestReader::Event RequestReader::read_content(ByteView &input) {
  if (m_remaining == 0) {
    m_state = State::done;
    return Event::complete;
  }
  if (input.empty())
    return Event::need_more;
  m_chunk = take_front(input, m_remaining);
  m_remaining -= m_chunk.size();
  return Event::content;
}

RequestReader::Event RequestReader::break_off(Error error) {
  m_error = std::move(error);
  m_buffer.clear();
  m_state = State::broken;
  return Event::bad;
}

RequestReader::Event RequestReader::start_skipping(Error error, std::uint64_t remaining,
                                                   ByteView &input) {
  m_error = std::move(error);
  m_remaining = remaining;
  m_buffer.clear();
  m_state = State::skipping;
  return skip(input);
}

RequestReader::Event RequestReader::skip(ByteView &input) {
  m_remaining -= take_front(input, m_remaining).size();
  if (m_remaining != 0)
    return Event::need_more;
  m_state = State::done;
  return Event::rejected;
}

void RequestReader::reject_rest(Error error) {
  std::uint64_t remaining = 0;
  if (m_state == State::content)
    remaining = m_remaining;
  else if (m_state == State::payload || m_state == State::prefix)
    remaining = m_frame.header.payload_size - m_buffer.size();
  m_error = std::move(error);
  m_remaining = remaining;
  m_buffer.clear();
  m_state = State::skipping;
}

// --- ResponseReader ------------------------------------------------------------------------

bool ResponseReader::fill(ByteView &input, std::size_t size) {
  return fill_buffer(m_buffer, input, size);
}

ResponseReader::Event ResponseReader::fail(Errc code, std::string message) {
  m_error = make_error(code, std::move(message));
  m_state = State::broken;
  return Event::bad;
}

ResponseReader::Event ResponseReader::next(ByteView &input) {
  switch (m_state) {
  case State::header: return read_header(input);
  case State::payload:
    if (!fill(input, m_header.payload_size))
      return Event::need_more;
    m_state = State::done;
    return Event::complete;
  case State::message_header: return read_message_header(input);
  case State::content: return read_content(input);
  case State::done: return Event::complete;
  case State::broken: return Event::bad;
  }
  return Event::bad;
}

Status ResponseReader::check_payload_size() const {
  auto size = m_header.payload_size;
  auto exact = [&](std::size_t expected) -> Status {
    if (size != expected)
      return make_error(Errc::size_mismatch, "response payload of " + std::to_string(size) +
                                                 " bytes, expected " + std::to_string(expected));
    return {};
  };
  switch (m_operation) {
  case Operation::register_client: return exact(k_client_id_size);
  case Operation::public_key: return exact(k_public_key_response_size);
  case Operation::send_message: return exact(k_send_response_size);
  case Operation::challenge: return exact(k_challenge_size);
  case Operation::authenticate: return exact(0);
  case Operation::ack: return exact(4);
  case Operation::pull_messages: return {};
  case Operation::list_users:
    if (size % k_user_entry_size != 0)
      return make_error(Errc::size_mismatch, "user list size is not a multiple of 271");
    if (size > m_max_payload)
      return make_error(Errc::too_large,
                        "user list above " + std::to_string(m_max_payload) + " bytes");
    return {};
  }
  return make_error(Errc::internal, "unhandled operation");
}

ResponseReader::Event ResponseReader::read_header(ByteView &input) {
  if (!fill(input, k_response_header_size))
    return Event::need_more;
  m_header = *decode_response_header(m_buffer);
  m_buffer.clear();
  if (m_header.code == k_error_code) {
    m_error = make_error(Errc::server_error, "server responded with an error");
    m_state = State::done;
    return Event::server_error;
  }
  auto operation = decode_response_code(m_dialect, m_header.code);
  if (operation != m_operation)
    return fail(Errc::unexpected_code, "unexpected response code " + std::to_string(m_header.code) +
                                           ", expected " +
                                           std::to_string(response_code(m_dialect, m_operation)));
  if (auto size = check_payload_size(); !size)
    return fail(size.error().code, size.error().message);
  if (m_operation == Operation::pull_messages) {
    m_payload_left = m_header.payload_size;
    m_state = State::message_header;
    return next(input);
  }
  m_state = State::payload;
  return next(input);
}

ResponseReader::Event ResponseReader::read_message_header(ByteView &input) {
  if (m_payload_left == 0) {
    m_state = State::done;
    return Event::complete;
  }
  if (m_payload_left < k_pulled_message_header_size)
    return fail(Errc::truncated, "pull response ends inside a message header");
  if (!fill(input, k_pulled_message_header_size))
    return Event::need_more;
  auto header = decode_pulled_message_header(m_buffer);
  m_buffer.clear();
  if (!header)
    return fail(header.error().code, header.error().message);
  m_payload_left -= k_pulled_message_header_size;
  if (header->content_size > m_payload_left)
    return fail(Errc::truncated, "a pulled message's content runs past the response's end");
  m_message = *header;
  m_content_left = header->content_size;
  m_state = State::content;
  return Event::message_header;
}

ResponseReader::Event ResponseReader::read_content(ByteView &input) {
  if (m_content_left == 0) {
    m_state = State::message_header;
    return Event::message_end;
  }
  if (input.empty())
    return Event::need_more;
  m_chunk = take_front(input, m_content_left);
  m_content_left -= m_chunk.size();
  m_payload_left -= m_chunk.size();
  return Event::content;
}

} // namespace messageu::protocol
