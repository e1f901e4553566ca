// The per-connection coroutine and its watchdog.
#include "session.hpp"

#include "session_registry.hpp"
#include "store_thread.hpp"
#include "wait_registry.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <array>
#include <optional>
#include <variant>

namespace messageu::server {

namespace asio = boost::asio;
using Event = protocol::RequestReader::Event;

namespace {

// Headers and the small fixed payloads are read through a small buffer, so that thousands of
// idle connections cost little; a large send's content and a pull's download move through
// buffers of this size, allocated only while they stream.
constexpr std::size_t k_small_buffer_size = 8 * 1024;
constexpr std::size_t k_large_buffer_size = 256 * 1024;

using Clock = std::chrono::steady_clock;

// The peer's address, an IPv4-mapped IPv6 one as IPv4 (the same host either way); nullopt
// when the socket has no peer any more.
std::optional<asio::ip::address> peer_address(const asio::ip::tcp::socket &socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  if (error)
    return std::nullopt;
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = address.to_v6().to_v4();
  return address;
}

std::string describe_peer(const asio::ip::tcp::socket &socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  auto address = peer_address(socket);
  if (error || !address)
    return "unknown";
  if (address->is_v6())
    return fmt::format("[{}]:{}", address->to_string(), endpoint.port());
  return fmt::format("{}:{}", address->to_string(), endpoint.port());
}

std::string describe_address(const asio::ip::tcp::socket &socket) {
  auto address = peer_address(socket);
  return address ? address->to_string() : "unknown";
}

// The operation's name for the log, also for a request refused before it was classified.
std::string request_name(const protocol::RequestHeader &header) {
  if (protocol::decode_wait_request_code(header.code))
    return "wait";
  auto meaning = protocol::decode_request_code(header.code);
  return meaning ? std::string(protocol::operation_name(meaning->operation)) : "unknown";
}

// RequestHandler::begin_send, with a failure to open the upload answered as a refusal.
std::variant<Reply, UploadId> open_send(RequestHandler &handler,
                                        const protocol::RequestFrame &frame,
                                        const protocol::SendPrefix &prefix,
                                        ConnectionState &connection, ByteView content) {
  try {
    return handler.begin_send(frame, prefix, connection, content);
  } catch (const std::exception &error) {
    return Reply::error(std::string("cannot open the send: ") + error.what(), LogLevel::error);
  }
}

} // namespace

// The request being read and answered.
struct Session::Request {
  bool active = false; // its header has been read
  std::chrono::steady_clock::time_point started;
  protocol::RequestFrame frame;
  std::optional<UploadId> upload;
  std::optional<DownloadId> download;
  std::optional<Reply> refusal; // decided part-way; answered once the payload is skipped

  static Request begin(const protocol::RequestFrame &frame) {
    return Request{true, std::chrono::steady_clock::now(), frame, {}, {}, {}};
  }
};

Session::Session(asio::ip::tcp::socket socket, SessionContext &context)
    : m_socket(std::move(socket)), m_context(context), m_timer(m_socket.get_executor()),
      m_deadline(context.deadlines, Clock::now()), m_peer(describe_peer(m_socket)),
      m_address(describe_address(m_socket)), m_reader(context.limits) {}

void Session::start() {
  auto self = shared_from_this();
  auto report = [self](std::exception_ptr error) {
    if (!error)
      return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception &exception) {
      self->m_context.logger.error(
          fmt::format("peer={} session ended by an error: {}", self->m_peer, exception.what()));
    } catch (...) {
      self->m_context.logger.error(fmt::format("peer={} session ended by an error", self->m_peer));
    }
    self->close();
  };
  asio::co_spawn(m_socket.get_executor(), serve(), report);
  asio::co_spawn(m_socket.get_executor(), watchdog(), report);
}

void Session::request_stop() {
  m_stop_requested = true;
  if (m_idle)
    close();
  else if (m_waiter) // answered now with what waits, then closed
    m_waiter->timer.cancel();
}

void Session::close() {
  if (m_closed)
    return;
  m_closed = true;
  boost::system::error_code ignored;
  m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  m_socket.close(ignored);
  m_timer.cancel();
  if (m_waiter)
    m_waiter->timer.cancel();
}

void Session::set_waiting_for_store(bool waiting) {
  if (waiting) {
    m_deadline.pause(Clock::now());
  } else {
    m_deadline.resume(Clock::now());
    deadline_changed();
  }
}

void Session::deadline_changed() {
  if (m_deadline.deadline() < m_timer.expiry())
    m_timer.cancel();
}

void Session::follow_reader_step() {
  auto now = Clock::now();
  auto step = m_deadline.step();
  if (m_reader.between_requests()) {
    if (step != ConnectionDeadline::Step::idle)
      m_deadline.wait_for_request(now);
  } else if (m_reader.in_fixed_part()) {
    if (step == ConnectionDeadline::Step::idle) // the next request's first bytes were here
      m_deadline.begin_request(now);
  } else if (step != ConnectionDeadline::Step::receiving) {
    m_deadline.begin_receiving(now);
  }
  deadline_changed();
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();
  while (!m_closed) {
    // Waking at least this often, the watchdog needs no new timer when a step's deadline is
    // set later than the wake-up anyway (every request's steps, usually): deadline_changed()
    // cancels the timer only for an earlier one. While paused the deadline is "never".
    auto heartbeat =
        std::min(m_context.deadlines.idle_timeout, m_context.deadlines.request_timeout);
    m_timer.expires_at(std::min(m_deadline.deadline(), Clock::now() + heartbeat));
    boost::system::error_code error;
    co_await m_timer.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (m_closed)
      break;
    if (m_deadline.expired(Clock::now())) {
      m_timeout_reason = m_deadline.reason();
      m_context.logger.debug(fmt::format("peer={} closed: {}", m_peer, m_timeout_reason));
      close();
    }
  }
}

asio::awaitable<void> Session::serve() {
  auto self = shared_from_this();
  m_context.logger.debug(fmt::format("peer={} connected", m_peer));
  Request request;
  try {
    for (bool open = true; open && !m_closed;) {
      auto event = m_reader.next(m_input);
      if (event == Event::need_more) {
        follow_reader_step();
        m_idle = !request.active;
        if (m_idle && m_stop_requested)
          break;
        open = co_await read_more(&request);
        continue;
      }
      if (event == Event::complete && request.frame.wait) {
        open = co_await serve_wait(request);
        continue;
      }
      open = co_await on_event(event, request);
    }
  } catch (...) {
    release_transfers(request);
    m_context.registry.remove(this);
    close();
    throw;
  }
  release_transfers(request);
  m_context.registry.remove(this);
  close();
  m_context.logger.debug(fmt::format("peer={} disconnected", m_peer));
}

asio::awaitable<bool> Session::read_more(Request *request) {
  bool large = request->active && request->frame.header.payload_size > k_small_buffer_size;
  auto &buffer = large ? m_large_buffer : m_small_buffer;
  if (buffer.empty())
    buffer.resize(large ? k_large_buffer_size : k_small_buffer_size);
  boost::system::error_code error;
  auto count = co_await m_socket.async_read_some(asio::buffer(buffer),
                                                 asio::redirect_error(asio::use_awaitable, error));
  if (error || count == 0) {
    if (request->active || !m_reader.between_requests())
      m_context.logger.info(fmt::format(
          "peer={} connection lost in the middle of {}{}", m_peer,
          request->active ? "a request (" + request_name(request->frame.header) + ")"
                          : "a request header",
          m_timeout_reason.empty() ? "" : ": closed by the server, " + m_timeout_reason));
    co_return false;
  }
  auto now = Clock::now();
  if (m_deadline.step() == ConnectionDeadline::Step::idle) {
    m_deadline.begin_request(now); // the first byte of a request: its clock starts
    deadline_changed();
  }
  m_deadline.progress(count, now);
  m_idle = false;
  m_input = ByteView(buffer.data(), count);
  co_return true;
}

asio::awaitable<bool> Session::on_event(Event event, Request &request) {
  switch (event) {
  case Event::header: request = Request::begin(m_reader.frame()); co_return true;
  case Event::send_prefix: co_return co_await on_send_prefix(request);
  case Event::content: co_await on_content(request); co_return true;
  case Event::complete: co_return co_await answer(request, co_await complete_request(request));
  case Event::rejected: {
    if (!request.active) // refused from its header alone
      request = Request::begin(m_reader.frame());
    auto reply =
        request.refusal ? std::move(*request.refusal) : Reply::error(m_reader.error().message);
    co_return co_await answer(request, std::move(reply));
  }
  case Event::bad: {
    request = Request::begin(m_reader.frame());
    co_await answer(request, Reply::error(m_reader.error().message, LogLevel::info, true));
    co_return false;
  }
  case Event::padding:
    m_context.logger.debug(fmt::format("peer={} padding after a request: closing", m_peer));
    co_return false;
  case Event::need_more: break;
  }
  co_return true;
}

template <typename Work>
asio::awaitable<StoreWorkResult<Work>> Session::on_store_thread(Work work) {
  using Value = StoreWorkResult<Work>;
  auto &store = m_context.store_thread;
  set_waiting_for_store(true);
  // co_spawn reports an exception with a default-constructed value, which a Result has not:
  // the value travels in an optional.
  auto value = co_await asio::co_spawn(
      store.executor(),
      [&handler = store.handler(),
       work = std::move(work)]() mutable -> asio::awaitable<std::optional<Value>> {
        if constexpr (StoreWork<Work>::is_coroutine) {
          auto awaited = co_await work(handler);
          co_return std::optional<Value>(std::move(awaited));
        } else {
          co_return std::optional<Value>(work(handler));
        }
      },
      asio::use_awaitable);
  set_waiting_for_store(false);
  co_return std::move(*value);
}

asio::awaitable<bool> Session::on_send_prefix(Request &request) {
  auto prefix = m_reader.send_prefix();
  // A small message usually arrives whole: opening the upload and writing its first chunk in
  // one trip to the store thread saves a round trip per send.
  auto next = m_reader.next(m_input);
  auto first_chunk = next == Event::content ? m_reader.content() : ByteView{};
  if (next == Event::complete ||
      (next == Event::content && first_chunk.size() == prefix.content_size)) {
    if (next == Event::content)
      (void)m_reader.next(m_input); // consumes the end of the content (Event::complete)
    co_return co_await answer(request, co_await commit_whole_send(request, prefix, first_chunk));
  }
  auto started = co_await on_store_thread([&, prefix, first_chunk](RequestHandler &handler) {
    return handler.begin_send(request.frame, prefix, m_state, first_chunk);
  });
  if (auto *refusal = std::get_if<Reply>(&started)) {
    m_reader.reject_rest(make_error(Errc::bad_data, refusal->note));
    request.refusal = std::move(*refusal);
    co_return true;
  }
  request.upload = std::get<UploadId>(started);
  if (next == Event::content || next == Event::need_more)
    co_return true;
  co_return co_await on_event(next, request); // an empty content: the request is complete
}

asio::awaitable<Reply>
Session::commit_whole_send(Request &request, const protocol::SendPrefix &prefix, ByteView content) {
  // The whole message is here: it is opened, written and committed in one trip to the
  // store thread, in the next group commit.
  co_return co_await on_store_thread(
      [&request, prefix, content, this](RequestHandler &handler) -> asio::awaitable<Reply> {
        auto started = open_send(handler, request.frame, prefix, m_state, content);
        if (auto *refusal = std::get_if<Reply>(&started))
          co_return std::move(*refusal);
        co_return co_await m_context.store_thread.commit(std::get<UploadId>(started));
      });
}

asio::awaitable<void> Session::on_content(Request &request) {
  if (!request.upload)
    co_return;
  auto chunk = m_reader.content();
  auto upload = *request.upload;
  auto written = co_await on_store_thread(
      [upload, chunk](RequestHandler &handler) { return handler.write_content(upload, chunk); });
  if (!written) {
    release_transfers(request);
    request.refusal = Reply::error(written.error().message, LogLevel::error);
    m_reader.reject_rest(written.error());
  }
}

asio::awaitable<Reply> Session::complete_request(Request &request) {
  if (!request.upload) {
    if (auto reply = m_context.read_path.try_answer(request.frame, m_reader.payload(), m_state))
      co_return std::move(*reply);
  }
  if (request.upload) {
    auto upload = *request.upload;
    request.upload.reset();
    co_return co_await on_store_thread(
        [upload, this](RequestHandler &) { return m_context.store_thread.commit(upload); });
  }
  co_return co_await handle_on_store_thread(request);
}

asio::awaitable<Reply> Session::handle_on_store_thread(Request &request) {
  auto payload = m_reader.payload();
  co_return co_await on_store_thread([&request, payload, this](RequestHandler &handler) {
    return handler.handle(request.frame, payload, m_state);
  });
}

asio::awaitable<bool> Session::serve_wait(Request &request) {
  // While parked, this frame is all the connection holds besides an idle one's: the wait is
  // served here, straight from serve(), with one Reply.
  std::optional<Waiter> waiter;
  auto &waits = m_context.waits;
  if (m_state.bound_client) { // else refused by the handler
    // Registered before the handler looks for messages, so that one stored in between wakes it.
    waiter.emplace(m_socket.get_executor(), *m_state.bound_client);
    waits.add(*waiter);
  }
  struct Unregister {
    WaitRegistry &waits;
    std::optional<Waiter> &waiter;
    ~Unregister() {
      if (waiter)
        waits.remove(*waiter);
    }
  } unregister{waits, waiter};
  auto reply = co_await handle_on_store_thread(request);
  if (reply.wait_for && waiter) {
    // Awaited here rather than in a coroutine of its own: one frame less per waiting connection.
    if (park(*waiter, *reply.wait_for)) {
      boost::system::error_code ended;
      co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ended));
      unpark();
    }
    reply = co_await on_store_thread([&request, this](RequestHandler &handler) {
      return handler.end_wait(request.frame, m_state);
    });
  }
  co_return co_await answer(request, std::move(reply));
}

bool Session::park(Waiter &waiter, std::chrono::milliseconds longest) {
  // Bytes already read past the WAIT (a pipelined request) end it at once, like new ones.
  if (waiter.woken || m_stop_requested || m_closed || !m_input.empty())
    return false;
  auto now = Clock::now();
  m_deadline.begin_waiting(now, now + longest);
  deadline_changed();
  m_waiter = &waiter;
  // A peer that closes the connection (or sends before its answer) ends the wait early, so
  // that a vanished client does not hold its connection for the whole wait.
  m_socket.async_wait(asio::ip::tcp::socket::wait_read,
                      [self = shared_from_this()](const boost::system::error_code &error) {
                        if (!error && self->m_waiter)
                          self->m_waiter->timer.cancel();
                      });
  waiter.timer.expires_after(longest);
  // Nothing is read while parked (m_input is empty): the read buffer is made again after.
  m_small_buffer = Bytes{};
  return true;
}

void Session::unpark() {
  m_waiter = nullptr;
  boost::system::error_code ignored;
  m_socket.cancel(ignored);
}

asio::awaitable<bool> Session::answer(Request &request, Reply reply) {
  m_deadline.begin_sending(Clock::now());
  deadline_changed();
  auto header = protocol::encode_response_header(reply.header());
  std::uint64_t bytes_out = 0;
  bool written = false;
  if (reply.download) {
    written = co_await write_bytes(header);
    if (written)
      bytes_out += header.size();
    request.download = reply.download; // released by release_transfers if this throws
    // (co_await stays out of conditions: g++ 12 miscompiles some of those in coroutines.)
    if (written)
      written = co_await write_download(reply, bytes_out);
    request.download.reset();
    co_await finish_download(reply, written);
  } else if (reply.shared.owner) {
    written = co_await write_shared(header, reply.shared);
    if (written)
      bytes_out += header.size() + reply.shared.size;
  } else {
    // Header and payload leave in one send: one syscall and one packet for a small answer.
    written = co_await write_bytes(header, reply.payload);
    if (written)
      bytes_out += header.size() + reply.payload.size();
  }
  log_request(request, reply, written, bytes_out);
  request = Request{};
  m_large_buffer = Bytes{};
  m_deadline.wait_for_request(Clock::now());
  co_return written && !reply.close_after && !m_stop_requested;
}

asio::awaitable<bool> Session::write_download(Reply &reply, std::uint64_t &bytes_out) {
  auto download = *reply.download;
  Bytes buffer(k_large_buffer_size);
  for (std::uint64_t streamed = 0; streamed < reply.streamed_size;) {
    auto chunk = co_await on_store_thread([download, &buffer](RequestHandler &handler) {
      return handler.read_download(download, buffer);
    });
    if (!chunk || *chunk == 0) {
      // The client sees a short response and a closed connection; since the response was
      // not written completely, nothing is deleted.
      m_context.logger.error(fmt::format("peer={} pull response cut short: {}", m_peer,
                                         chunk ? "no more data" : chunk.error().message));
      co_return false;
    }
    bool sent = co_await write_bytes(ByteView(buffer.data(), *chunk));
    if (!sent)
      co_return false;
    streamed += *chunk;
    bytes_out += *chunk;
  }
  co_return true;
}

asio::awaitable<void> Session::finish_download(Reply &reply, bool delivered) {
  // Only a response written completely may delete what it carried (PROTOCOL.md §4).
  auto download = *reply.download;
  auto finished = co_await on_store_thread([download, delivered](RequestHandler &handler) {
    return handler.finish_download(download, delivered);
  });
  if (!finished) {
    reply.note = finished.error().message;
    reply.level = LogLevel::error;
  }
}

asio::awaitable<bool> Session::write_bytes(ByteView bytes) {
  std::array<asio::const_buffer, 1> buffers{asio::buffer(bytes.data(), bytes.size())};
  co_return co_await write_buffers(buffers);
}

asio::awaitable<bool> Session::write_bytes(ByteView first, ByteView second) {
  std::array<asio::const_buffer, 2> buffers{asio::buffer(first.data(), first.size()),
                                            asio::buffer(second.data(), second.size())};
  co_return co_await write_buffers(buffers);
}

asio::awaitable<bool> Session::write_shared(ByteView header, const store::SharedPayload &payload) {
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(payload.parts.size() + 1);
  buffers.push_back(asio::buffer(header.data(), header.size()));
  for (auto part : payload.parts)
    buffers.push_back(asio::buffer(part.data(), part.size()));
  co_return co_await write_buffers(buffers);
}

asio::awaitable<bool> Session::write_buffers(std::span<asio::const_buffer> buffers) {
  // Piece by piece rather than async_write, so that every piece the peer takes counts as
  // progress against the send rate's deadline.
  while (!buffers.empty()) {
    if (buffers.front().size() == 0) {
      buffers = buffers.subspan(1);
      continue;
    }
    boost::system::error_code error;
    auto count = co_await m_socket.async_write_some(
        buffers, asio::redirect_error(asio::use_awaitable, error));
    if (error)
      co_return false;
    m_deadline.progress(count, Clock::now());
    for (; count > 0 && !buffers.empty(); buffers = buffers.subspan(1)) {
      if (count < buffers.front().size()) {
        buffers.front() += count;
        break;
      }
      count -= buffers.front().size();
    }
  }
  co_return true;
}

void Session::log_request(const Request &request, const Reply &reply, bool written,
                          std::uint64_t bytes_out) {
  RequestLogEntry entry;
  entry.peer = m_peer;
  const auto &header = request.frame.header;
  auto meaning = protocol::decode_request_code(header.code);
  if (!meaning || meaning->operation != protocol::Operation::register_client)
    entry.client = header.client_id;
  entry.request = request_name(header);
  entry.request_code = header.code;
  entry.response_code = written ? reply.code : 0;
  entry.bytes_in = protocol::k_request_header_size + std::uint64_t{header.payload_size};
  entry.bytes_out = bytes_out;
  entry.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - request.started);
  entry.note = reply.note;
  if (!written && entry.note.empty())
    entry.note = m_timeout_reason.empty() ? "connection lost while answering"
                                          : "closed while answering: " + m_timeout_reason;
  entry.level = reply.level;
  m_context.logger.request(entry);
}

void Session::release_transfers(Request &request) {
  auto &store = m_context.store_thread;
  if (auto upload = std::exchange(request.upload, std::nullopt))
    asio::post(store.executor(),
               [&handler = store.handler(), upload = *upload] { handler.discard_upload(upload); });
  if (auto download = std::exchange(request.download, std::nullopt))
    asio::post(store.executor(), [&handler = store.handler(), download = *download] {
      (void)handler.finish_download(download, false);
    });
}

} // namespace messageu::server
