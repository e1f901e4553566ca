// The ceiling's listener and connection coroutines.
#include "ceiling_server.hpp"

#include <messageu/protocol/frame_reader.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <thread>

namespace messageu::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using protocol::RequestReader;

constexpr std::size_t k_read_buffer_size = 64 * 1024;

// Appends the answers to every request completed in `input`; false when the connection must
// close after they are written (broken framing, or a client's zero padding).
bool answer_requests(RequestReader &reader, ByteView input, const FixedResponses &responses,
                     Bytes &output) {
  for (;;) {
    auto event = reader.next(input);
    switch (event) {
    case RequestReader::Event::need_more: return true;
    case RequestReader::Event::header:
    case RequestReader::Event::send_prefix:
    case RequestReader::Event::content: continue;
    case RequestReader::Event::complete: {
      auto answer = responses.success(reader.frame().dialect, reader.frame().operation);
      output.insert(output.end(), answer.begin(), answer.end());
      continue;
    }
    case RequestReader::Event::rejected:
      output.insert(output.end(), responses.error().begin(), responses.error().end());
      continue;
    case RequestReader::Event::bad:
      output.insert(output.end(), responses.error().begin(), responses.error().end());
      return false;
    case RequestReader::Event::padding: return false;
    }
  }
}

asio::awaitable<void> serve_connection(tcp::socket socket, const FixedResponses &responses) {
  boost::system::error_code error;
  socket.set_option(tcp::no_delay(true), error);
  RequestReader reader;
  Bytes input(k_read_buffer_size);
  Bytes output;
  for (;;) {
    auto count = co_await socket.async_read_some(asio::buffer(input),
                                                 asio::redirect_error(asio::use_awaitable, error));
    if (error)
      co_return;
    output.clear();
    bool keep_open = answer_requests(reader, ByteView{input}.first(count), responses, output);
    if (!output.empty())
      co_await asio::async_write(socket, asio::buffer(output),
                                 asio::redirect_error(asio::use_awaitable, error));
    if (error || !keep_open)
      co_return;
  }
}

tcp::endpoint make_endpoint(const std::string &address, std::uint16_t port) {
  return {asio::ip::make_address(address), port};
}

std::unique_ptr<asio::io_context> make_context() {
  return std::make_unique<asio::io_context>(1); // each context is run by one thread
}

} // namespace

CeilingServer::CeilingServer(const std::string &address, std::uint16_t port, std::size_t threads)
    : m_contexts([&] {
        std::vector<std::unique_ptr<asio::io_context>> contexts;
        for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
          contexts.push_back(make_context());
        return contexts;
      }()),
      m_acceptor(*m_contexts.front(), make_endpoint(address, port)),
      m_signals(*m_contexts.front(), SIGINT, SIGTERM) {}

std::uint16_t CeilingServer::port() const { return m_acceptor.local_endpoint().port(); }

asio::io_context &CeilingServer::next_context() {
  auto &context = *m_contexts[m_next_context];
  m_next_context = (m_next_context + 1) % m_contexts.size();
  return context;
}

asio::awaitable<void> CeilingServer::accept_loop() {
  for (;;) {
    boost::system::error_code error;
    auto &context = next_context();
    auto socket =
        co_await m_acceptor.async_accept(context, asio::redirect_error(asio::use_awaitable, error));
    if (error == asio::error::operation_aborted)
      co_return;
    if (error) {
      // Out of descriptors, most likely: give the open connections a moment to close.
      asio::steady_timer pause(*m_contexts.front(), std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    asio::co_spawn(context, serve_connection(std::move(socket), m_responses), asio::detached);
  }
}

void CeilingServer::stop() {
  boost::system::error_code ignored;
  m_acceptor.close(ignored);
  for (auto &context : m_contexts)
    context->stop();
}

void CeilingServer::run() {
  m_signals.async_wait([this](const boost::system::error_code &, int) { stop(); });
  asio::co_spawn(*m_contexts.front(), accept_loop(), asio::detached);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto &context : m_contexts)
    guards.push_back(asio::make_work_guard(*context));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < m_contexts.size(); ++i)
    threads.emplace_back([context = m_contexts[i].get()] { context->run(); });
  m_contexts.front()->run();
  for (auto &thread : threads)
    thread.join();
}

} // namespace messageu::bench
