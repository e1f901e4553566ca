// One request, one response: framing on the way out (header, payload or streamed content) and
// an exact read on the way back, driven by the protocol's ResponseReader.
#include <messageu/client/server_link.hpp>

#include <messageu/client/answer_diagnosis.hpp>
#include <messageu/protocol/frame_reader.hpp>
#include <messageu/protocol/header.hpp>
#include <messageu/util/hex.hpp>

#include <array>
#include <string>

namespace messageu::client {
namespace {

using Clock = std::chrono::steady_clock;
using protocol::Operation;

// Large enough for a file transfer not to be dominated by system calls.
constexpr std::size_t k_read_buffer_size = 256 * 1024;
// A server syncs a large content to disk before it answers: allow it 1 s per 50 MiB on top of
// the usual timeout (a slow disk's pace), so that a 4 GiB file is not given up on.
constexpr std::uint64_t k_sync_allowance_bytes_per_second = 50u << 20;

std::string milliseconds_since(Clock::time_point start) {
  auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return std::to_string(static_cast<long long>(elapsed * 10) / 10) + "." +
         std::to_string(static_cast<long long>(elapsed * 10) % 10) + " ms";
}

bool is_lost_connection(const Error &error) { return error.code == Errc::connection_closed; }

// A request of at most this many bytes is written whole, in one write (PROTOCOL.md §7).
constexpr std::uint64_t k_whole_request_limit = 64 * 1024;

// The content to write with the header: all of it when the request fits the limit (gathered
// into `gathered` if the source gives it in pieces), else the source's first chunk.
Result<ByteView> first_content_chunk(ContentSource &content, std::size_t head_size,
                                     Bytes &gathered) {
  auto chunk = MESSAGEU_TRY(content.next_chunk());
  auto request_size = protocol::k_request_header_size + head_size + content.size();
  if (request_size > k_whole_request_limit || chunk.size() >= content.size())
    return chunk;
  gathered.assign(chunk.begin(), chunk.end());
  while (gathered.size() < content.size()) {
    chunk = MESSAGEU_TRY(content.next_chunk());
    if (chunk.empty())
      break;
    gathered.insert(gathered.end(), chunk.begin(), chunk.end());
  }
  return ByteView(gathered);
}

} // namespace

Error protocol_failure(const Error &error) {
  switch (error.code) {
  case Errc::truncated:
  case Errc::size_mismatch:
  case Errc::unknown_code:
  case Errc::unexpected_code:
  case Errc::bad_key: return make_error(error.code, "malformed answer: " + error.message);
  case Errc::too_large:
    return make_error(Errc::size_mismatch, "malformed answer: " + error.message);
  default: return make_error(Errc::unexpected_code, "malformed answer: " + error.message);
  }
}

ServerLink::ServerLink(LinkSettings settings, const ClientId &sender)
    : m_settings(std::move(settings)), m_sender(sender) {}
ServerLink::ServerLink(ServerLink &&) noexcept = default;
ServerLink &ServerLink::operator=(ServerLink &&) noexcept = default;
ServerLink::~ServerLink() = default;

void ServerLink::report(std::string_view line) const {
  if (m_observer)
    m_observer(line);
}

Status ServerLink::keep_connection_open() {
  m_keep_open = true;
  MESSAGEU_TRY(connection());
  return {};
}

void ServerLink::use_connection_per_request() {
  m_keep_open = false;
  m_authenticated = false;
  m_connection.reset();
}

bool ServerLink::keeps_connection_open() const { return m_keep_open; }

std::uint8_t ServerLink::header_version(Operation operation) const {
  bool extension = operation == Operation::challenge || operation == Operation::authenticate ||
                   operation == Operation::ack;
  return extension || m_authenticated ? protocol::k_authenticated_version
                                      : protocol::k_classic_version;
}

Result<transport::Connection *> ServerLink::connection() {
  if (m_connection && m_connection->is_open())
    return &*m_connection;
  // A bound connection cannot be replaced silently: a new one would not be authenticated.
  if (m_authenticated)
    return make_error(Errc::connection_closed, "the authenticated connection to " +
                                                   to_string(m_settings.endpoint) + " was closed");
  transport::RetryPolicy policy;
  policy.retries = m_settings.retries;
  policy.on_retry = [this](int attempt, const Error &error, std::chrono::milliseconds delay) {
    report("connection attempt " + std::to_string(attempt) + " failed (" + error.message +
           "), retrying in " + std::to_string(delay.count()) + " ms");
  };
  auto start = Clock::now();
  auto connected = transport::connect_with_retries(m_settings.endpoint, m_settings.timeout, policy);
  if (!connected)
    return make_error(connected.error().code, "cannot reach the server at " +
                                                  to_string(m_settings.endpoint) + ": " +
                                                  connected.error().message);
  report("connected to " + to_string(m_settings.endpoint) + " in " + milliseconds_since(start));
  m_connection.emplace(std::move(*connected));
  return &*m_connection;
}

Status ServerLink::send_request(transport::Connection &connection, const Request &request) {
  std::uint64_t payload_size = request.head.size();
  if (request.content != nullptr)
    payload_size += request.content->size();
  if (payload_size > protocol::k_max_content_size)
    return make_error(Errc::too_large, "a request of " + std::to_string(payload_size) +
                                           " bytes is more than the protocol allows");
  protocol::RequestHeader header;
  if (request.operation != Operation::register_client)
    header.client_id = m_sender;
  header.version = header_version(request.operation);
  header.code = request.wait_code != 0
                    ? request.wait_code
                    : protocol::request_code(m_settings.dialect, request.operation);
  header.payload_size = static_cast<std::uint32_t>(payload_size);
  report(
      "request " +
      std::string(request.wait_code != 0 ? "wait" : protocol::operation_name(request.operation)) +
      " (" + std::to_string(header.code) + ", version " + std::to_string(header.version) + ", " +
      std::to_string(payload_size) + " bytes)");
  ++m_requests_sent;
  return write_request(connection, header, request);
}

// Published servers read a request with one recv (PROTOCOL.md §7): the header, the payload
// head and the content (or its first chunk) leave in one gather write.
Status ServerLink::write_request(transport::Connection &connection,
                                 const protocol::RequestHeader &header, const Request &request) {
  auto encoded = protocol::encode_request_header(header);
  std::array<ByteView, 3> first{ByteView(encoded), request.head, ByteView{}};
  if (request.content == nullptr)
    return connection.write_all(std::span<const ByteView>(first.data(), 2));
  Bytes gathered; // a small content that came in several chunks, copied into one
  first[2] = MESSAGEU_TRY(first_content_chunk(*request.content, request.head.size(), gathered));
  MESSAGEU_TRY(connection.write_all(first));
  std::uint64_t sent = first[2].size();
  while (true) {
    auto chunk = MESSAGEU_TRY(request.content->next_chunk());
    if (chunk.empty())
      break;
    MESSAGEU_TRY(connection.write_all(chunk));
    sent += chunk.size();
  }
  if (sent != request.content->size())
    return make_error(Errc::internal, "the content source produced " + std::to_string(sent) +
                                          " bytes instead of " +
                                          std::to_string(request.content->size()));
  return {};
}

Result<Bytes> ServerLink::read_response(transport::Connection &connection, Operation operation,
                                        PullHandler *handler) {
  protocol::ResponseReader reader(m_settings.dialect, operation);
  std::array<Byte, protocol::k_response_header_size> head{};
  if (auto read = connection.read_exact(head); !read)
    return is_lost_connection(read.error())
               ? closed_without_answer(m_settings.endpoint, m_settings.dialect)
               : std::move(read).error();
  auto header = MESSAGEU_TRY(protocol::decode_response_header(head));
  report("response " + std::to_string(header.code) + " (" + std::to_string(header.payload_size) +
         " bytes)");
  if (auto odd = diagnose_response_header(head, header.code, m_settings.dialect)) {
    report("response header bytes: " + to_hex(head));
    connection.close(); // whatever follows is not a MessageU answer
    return *odd;
  }
  // Never read past this response: what follows is a padding server's zeros, or nothing.
  std::uint64_t remaining = header.payload_size;
  Bytes buffer;
  ByteView input(head);
  while (true) {
    switch (reader.next(input)) {
    case protocol::ResponseReader::Event::need_more: {
      if (remaining == 0)
        return make_error(Errc::internal, "the response reader wants bytes past the payload");
      buffer.resize(static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining, handler != nullptr ? k_read_buffer_size : remaining)));
      auto count = MESSAGEU_TRY(connection.read_some(buffer));
      remaining -= count;
      input = ByteView(buffer.data(), count);
      break;
    }
    case protocol::ResponseReader::Event::message_header:
      MESSAGEU_TRY(handler->on_message(reader.message_header()));
      break;
    case protocol::ResponseReader::Event::content:
      MESSAGEU_TRY(handler->on_content(reader.content()));
      break;
    case protocol::ResponseReader::Event::message_end:
      MESSAGEU_TRY(handler->on_message_end());
      break;
    case protocol::ResponseReader::Event::complete:
      return Bytes(reader.payload().begin(), reader.payload().end());
    case protocol::ResponseReader::Event::server_error:
      if (remaining != 0) // the error carried a payload: the stream position is unknown
        connection.close();
      return make_error(Errc::server_error, "server responded with an error");
    case protocol::ResponseReader::Event::bad: return protocol_failure(reader.error());
    }
  }
}

void ServerLink::finish_exchange(bool in_step) {
  // A kept connection survives a complete exchange, an answered 9000 included; after a
  // broken one the position in the stream is unknown, so it is dropped.
  if (!m_keep_open || !in_step || !m_connection->is_open())
    m_connection.reset();
}

Result<Bytes> ServerLink::run(const Request &request, PullHandler *handler) {
  auto start = Clock::now();
  auto *connection = MESSAGEU_TRY(this->connection());
  auto sent = send_request(*connection, request);
  if (!sent && !(request.content != nullptr && is_lost_connection(sent.error()))) {
    finish_exchange(false);
    if (is_lost_connection(sent.error())) // closed before it read the request
      return closed_without_answer(m_settings.endpoint, m_settings.dialect);
    return sent.error();
  }
  // A server that refuses a large content may answer before it has read all of it, then
  // close: its answer explains the failure better than the broken write does.
  auto usual_timeout = connection->timeout();
  if (request.content != nullptr)
    connection->set_timeout(
        usual_timeout +
        std::chrono::seconds(request.content->size() / k_sync_allowance_bytes_per_second));
  auto response = read_response(*connection, request.operation, handler);
  if (connection->is_open())
    connection->set_timeout(usual_timeout);
  bool answered = response || response.error().code == Errc::server_error;
  finish_exchange(sent && answered);
  if (!sent && (!response || response.error().code != Errc::server_error))
    return sent.error();
  if (response)
    report("exchange done in " + milliseconds_since(start));
  return response;
}

Result<Bytes> ServerLink::exchange(Operation operation, ByteView payload, bool idempotent) {
  return in_dialect(
      operation,
      [&]() -> Result<Bytes> {
        int attempts = idempotent && !m_keep_open ? 1 + std::max(m_settings.retries, 0) : 1;
        for (int attempt = 1;; ++attempt) {
          auto response = run(Request{operation, payload, nullptr}, nullptr);
          if (response || attempt >= attempts || !is_lost_connection(response.error()))
            return response;
          report("connection lost (" + response.error().message + "), asking again");
        }
      },
      /*repeatable=*/true);
}

Result<Bytes> ServerLink::exchange_streamed(Operation operation, ByteView prefix,
                                            ContentSource &content) {
  bool started = false;
  auto attempt = [&] {
    if (started) // only a restartable content is sent again (in_dialect's `repeatable`)
      content.restart();
    started = true;
    return run(Request{operation, prefix, &content}, nullptr);
  };
  return in_dialect(operation, attempt, content.restartable());
}

Status ServerLink::exchange_pull(PullHandler &handler) {
  MESSAGEU_TRY(in_dialect(
      Operation::pull_messages,
      [&] {
        return run(Request{Operation::pull_messages, {}, nullptr}, &handler);
      },
      /*repeatable=*/true));
  return {};
}

Status ServerLink::exchange_wait(std::uint32_t milliseconds, PullHandler &handler) {
  auto payload = protocol::encode_wait_payload(milliseconds);
  MESSAGEU_TRY(settle_dialect());
  auto *kept = MESSAGEU_TRY(connection());
  // The answer may take the whole wait: the usual timeout starts counting after it.
  kept->set_timeout(m_settings.timeout + std::chrono::milliseconds(milliseconds));
  auto code = protocol::wait_request_code(m_settings.dialect);
  auto waited = run(Request{Operation::pull_messages, payload, nullptr, code}, &handler);
  if (m_connection && m_connection->is_open())
    m_connection->set_timeout(m_settings.timeout);
  MESSAGEU_TRY(std::move(waited));
  return {};
}

} // namespace messageu::client
