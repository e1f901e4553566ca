// Connect and request/response exchanges over Asio coroutines, with errors as values
// (redirect_error instead of exceptions, which would be costly on the load's hot path).
#include "connection_slot.hpp"

#include <messageu/protocol/frame_reader.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace messageu::bench {
namespace {

namespace asio = boost::asio;
using protocol::ResponseReader;

// Marks a slot busy for the lifetime of one operation.
class BusyMark {
public:
  explicit BusyMark(ConnectionSlot &slot) : m_slot(slot) { m_slot.busy_since = Clock::now(); }
  ~BusyMark() { m_slot.busy_since.reset(); }
  BusyMark(const BusyMark &) = delete;
  BusyMark &operator=(const BusyMark &) = delete;

private:
  ConnectionSlot &m_slot;
};

// Feeds the pending input to the reader until it answers something other than need_more or
// a pull's per-message events, reading from the socket when the input runs out.
asio::awaitable<ExchangeStatus> read_response(ConnectionSlot &slot, ResponseReader &reader,
                                              Bytes *payload) {
  for (;;) {
    auto view = slot.input.pending();
    auto before = view.size();
    auto event = reader.next(view);
    slot.input.consume(before - view.size());
    switch (event) {
    case ResponseReader::Event::message_header:
    case ResponseReader::Event::content:
    case ResponseReader::Event::message_end: continue;
    case ResponseReader::Event::complete:
      if (payload != nullptr) {
        auto bytes = reader.payload();
        payload->assign(bytes.begin(), bytes.end());
      }
      co_return ExchangeStatus::ok;
    case ResponseReader::Event::server_error: co_return ExchangeStatus::server_error;
    case ResponseReader::Event::bad: co_return ExchangeStatus::bad_response;
    case ResponseReader::Event::need_more: break;
    }
    boost::system::error_code error;
    auto space = slot.input.space();
    auto count = co_await slot.socket.async_read_some(
        asio::buffer(space.data(), space.size()), asio::redirect_error(asio::use_awaitable, error));
    if (error)
      co_return ExchangeStatus::io_error;
    slot.input.commit(count);
  }
}

} // namespace

void InputBuffer::consume(std::size_t count) {
  m_begin += count;
  if (m_begin == m_end)
    clear();
}

MutableByteView InputBuffer::space() {
  if (m_begin == m_end)
    clear();
  return MutableByteView{m_storage}.subspan(m_end);
}

void ConnectionSlot::close() {
  boost::system::error_code ignored;
  socket.close(ignored);
}

asio::awaitable<bool> connect(ConnectionSlot &slot, const asio::ip::tcp::endpoint &server) {
  BusyMark busy(slot);
  slot.close();
  slot.input.clear();
  boost::system::error_code error;
  co_await slot.socket.async_connect(server, asio::redirect_error(asio::use_awaitable, error));
  if (error) {
    slot.close();
    co_return false;
  }
  // Requests are written whole; Nagle would only delay them behind the previous ACK.
  slot.socket.set_option(asio::ip::tcp::no_delay(true), error);
  co_return true;
}

asio::awaitable<ExchangeStatus> exchange(ConnectionSlot &slot, ByteView request,
                                         protocol::Dialect dialect, protocol::Operation operation,
                                         Bytes *payload) {
  BusyMark busy(slot);
  boost::system::error_code error;
  co_await asio::async_write(slot.socket, asio::buffer(request.data(), request.size()),
                             asio::redirect_error(asio::use_awaitable, error));
  if (error)
    co_return ExchangeStatus::io_error;
  ResponseReader reader(dialect, operation);
  co_return co_await read_response(slot, reader, payload);
}

asio::awaitable<ExchangeStatus>
exchange_on_new_connection(ConnectionSlot &slot, const asio::ip::tcp::endpoint &server,
                           ByteView request, protocol::Dialect dialect,
                           protocol::Operation operation, Bytes *payload) {
  bool connected = co_await connect(slot, server);
  if (!connected)
    co_return ExchangeStatus::io_error;
  auto status = co_await exchange(slot, request, dialect, operation, payload);
  slot.close();
  co_return status;
}

} // namespace messageu::bench
