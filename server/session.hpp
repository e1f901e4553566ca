// One client connection: a coroutine that reads requests one after another (whatever the
// TCP segmentation), has the store thread handle them, and writes the replies, plus a
// watchdog that closes the connection when its ConnectionDeadline passes (idle too long, a
// request's fixed part too slow, a content or an answer moving below the minimum rate). The
// session only moves bytes: framing is the protocol layer's RequestReader and every decision
// is the RequestHandler's.
//
// One request at a time: the next request is not read before the answer to the last one is
// written whole, so a peer that does not read its answers holds at most one answer here, and
// the send rate's deadline closes it.
#pragma once

#include "core/connection_deadline.hpp"
#include "core/connection_state.hpp"
#include "core/log.hpp"
#include "core/read_path.hpp"
#include "core/reply.hpp"

#include <messageu/protocol/frame_reader.hpp>

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

namespace messageu::server {

class RequestHandler;
class StoreThread;
class SessionRegistry;
class WaitRegistry;
struct Waiter;

// What every session shares.
struct SessionContext {
  StoreThread &store_thread;
  ReadPath &read_path; // used on the network thread
  Logger &logger;
  SessionRegistry &registry;
  WaitRegistry &waits;
  protocol::Limits limits;
  DeadlineOptions deadlines;
};

// What work run on the store thread gives back: the value it returns, or the value of the
// coroutine it returns.
template <typename T> struct StoreWorkValue {
  using type = T;
  static constexpr bool is_coroutine = false;
};
template <typename T> struct StoreWorkValue<boost::asio::awaitable<T>> {
  using type = T;
  static constexpr bool is_coroutine = true;
};
template <typename Work>
using StoreWork = StoreWorkValue<std::invoke_result_t<Work &, RequestHandler &>>;
template <typename Work> using StoreWorkResult = typename StoreWork<Work>::type;

class Session : public std::enable_shared_from_this<Session> {
public:
  Session(boost::asio::ip::tcp::socket socket, SessionContext &context);

  // Starts the session's coroutines; they keep the session alive until the connection ends.
  void start();
  // Shutdown: closes the connection now if it is waiting for a request, otherwise right
  // after the reply to the request in flight.
  void request_stop();
  // Closes the connection now.
  void close();

  const std::string &peer() const { return m_peer; }
  // The peer's IP address (an IPv4-mapped IPv6 address as IPv4): what the per-address cap
  // counts.
  const std::string &address() const { return m_address; }
  // Where this connection stands when the server is full (see ConnectionDeadline).
  std::optional<EvictionRank> eviction_rank(std::chrono::steady_clock::time_point now) const {
    return m_deadline.eviction_rank(now);
  }

private:
  struct Request;

  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<void> watchdog();
  // Reads more bytes into the input buffer; false when the connection ended.
  boost::asio::awaitable<bool> read_more(Request *request);
  // Handles one event of the request reader; false when the connection must close.
  boost::asio::awaitable<bool> on_event(protocol::RequestReader::Event event, Request &request);
  // Opens the upload (with the content's first chunk when it is already read); false when
  // the connection must close.
  boost::asio::awaitable<bool> on_send_prefix(Request &request);
  boost::asio::awaitable<void> on_content(Request &request);
  boost::asio::awaitable<Reply> complete_request(Request &request);
  // A WAIT (PROTOCOL.md §11), read whole: answered at once when messages wait, else parked
  // until one is stored for the connection's client or the time asked for runs out; false
  // when the connection must close.
  boost::asio::awaitable<bool> serve_wait(Request &request);
  // Parks the connection: from now on the waiter's timer, set to `longest`, is cancelled
  // early when the waiter is woken, the peer closes or sends more, or the server stops.
  // False when the wait must end at once instead.
  bool park(Waiter &waiter, std::chrono::milliseconds longest);
  // After the waiter's timer fired or was cancelled.
  void unpark();
  // Has the store thread answer a request whose payload is complete.
  boost::asio::awaitable<Reply> handle_on_store_thread(Request &request);
  // Writes the reply (streaming a pull's download) and logs the request; false when the
  // connection is lost or must close.
  boost::asio::awaitable<bool> answer(Request &request, Reply reply);
  // A send whose content is all in `content`: begin and commit in one store thread trip.
  boost::asio::awaitable<Reply>
  commit_whole_send(Request &request, const protocol::SendPrefix &prefix, ByteView content);
  boost::asio::awaitable<bool> write_download(Reply &reply, std::uint64_t &bytes_out);
  // Tells the handler whether the pull's response was written completely (so that it may
  // delete what it carried) and releases the download.
  boost::asio::awaitable<void> finish_download(Reply &reply, bool delivered);
  boost::asio::awaitable<bool> write_bytes(ByteView bytes);
  // Writes both in one gathered send.
  boost::asio::awaitable<bool> write_bytes(ByteView first, ByteView second);
  // Writes the header and a shared payload's views in one gathered send.
  boost::asio::awaitable<bool> write_shared(ByteView header, const store::SharedPayload &payload);
  // Writes every buffer (gathered), reporting progress to the deadline; false when the
  // connection is lost. Consumes `buffers`.
  boost::asio::awaitable<bool> write_buffers(std::span<boost::asio::const_buffer> buffers);
  void log_request(const Request &request, const Reply &reply, bool written,
                   std::uint64_t bytes_out);
  // Hands back to the handler the upload or download a broken request left open.
  void release_transfers(Request &request);

  // Runs `work(handler)` on the store thread and resumes here with what it returns (what the
  // coroutine it returns produces, when it waits there for the group commit); an exception
  // thrown there is rethrown here. The deadline is paused meanwhile.
  template <typename Work> boost::asio::awaitable<StoreWorkResult<Work>> on_store_thread(Work work);

  // Moves the deadline to the reader's step: idle between requests, the fixed part of a
  // request, or a content (or a skipped payload).
  void follow_reader_step();
  // Wakes the watchdog when the deadline moved earlier than what it waits for.
  void deadline_changed();
  // While the session waits for the store thread the deadline is paused.
  void set_waiting_for_store(bool waiting);

  boost::asio::ip::tcp::socket m_socket;
  SessionContext &m_context;
  boost::asio::steady_timer m_timer;
  ConnectionDeadline m_deadline;
  bool m_idle = true; // waiting for the first byte of a request's header
  bool m_stop_requested = false;
  bool m_closed = false;
  std::string m_peer;
  std::string m_address;
  std::string m_timeout_reason; // set when the watchdog closed the connection
  ConnectionState m_state;
  protocol::RequestReader m_reader;
  Bytes m_small_buffer;       // headers and small payloads
  Bytes m_large_buffer;       // a large send's content, only while it streams in
  ByteView m_input;           // the bytes read and not yet consumed by the reader
  Waiter *m_waiter = nullptr; // the parked WAIT, if any
};

} // namespace messageu::server
