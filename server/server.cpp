// Start-up, the event loop and the orderly shutdown.
#include "server.hpp"

#include "core/read_path.hpp"
#include "core/request_handler.hpp"
#include "listener.hpp"
#include "session_registry.hpp"
#include "store_opening.hpp"
#include "store_thread.hpp"
#include "system_limits.hpp"
#include "wait_registry.hpp"

#include <messageu/store/postgres_server_store.hpp>

#include <messageu/util/exit_code.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdio>

namespace messageu::server {

namespace {

namespace asio = boost::asio;

// How long requests in flight may run on after a shutdown signal, then how long the closed
// connections get to unwind before the event loop is stopped.
constexpr std::chrono::seconds k_shutdown_grace{10};
constexpr std::chrono::seconds k_shutdown_unwind{2};
// Descriptors kept for the database, its content files and the listener.
constexpr std::uint64_t k_reserved_descriptors = 64;

std::size_t connection_limit(const ServerConfig &config, Logger &logger) {
  auto limit = raise_open_file_limit();
  if (!limit.problem.empty())
    logger.warn(fmt::format("open files limit: {}", limit.problem));
  logger.debug(fmt::format("open files limit {} (hard {})", limit.soft, limit.hard));
  if (limit.soft == 0 || limit.soft >= config.max_connections + k_reserved_descriptors)
    return config.max_connections;
  auto reduced = std::max<std::uint64_t>(
      1, limit.soft > k_reserved_descriptors ? limit.soft - k_reserved_descriptors : 1);
  logger.warn(fmt::format("--max-connections {} lowered to {}: only {} open files allowed",
                          config.max_connections, reduced, limit.soft));
  return static_cast<std::size_t>(reduced);
}

int exit_code_for(const Error &error) {
  switch (error.code) {
  case Errc::invalid_argument: return exit_status(ExitCode::usage);
  case Errc::unavailable: return exit_status(ExitCode::temporary_failure);
  case Errc::storage:
  case Errc::io_error: return exit_status(ExitCode::io_error);
  default: return exit_status(ExitCode::internal);
  }
}

class Server {
public:
  Server(const ServerConfig &config, Logger &logger) : m_config(config), m_logger(logger) {}

  int run() {
    auto max_connections = connection_limit(m_config, m_logger);
    if (auto opened = open(max_connections); !opened) {
      m_logger.error(opened.error().message);
      return exit_code_for(opened.error());
    }
    // Scripts and tests read the port from this exact line.
    std::fprintf(stderr, "listening on %s\n", m_listener->local_address().c_str());
    std::fflush(stderr);
    m_logger.info(fmt::format("database {}, max message size {}, idle timeout {} ms, "
                              "request timeout {} ms{}",
                              database_for_log(m_config.database_path), m_config.max_message_size,
                              m_config.idle_timeout.count(), m_config.request_timeout.count(),
                              m_config.require_auth   ? ", authentication required"
                              : m_config.classic_only ? ", classic protocol only"
                                                      : ""));
    wait_for_signal();
    schedule_log_flush();
    asio::co_spawn(m_io, m_listener->accept_loop(), [this](std::exception_ptr error) {
      if (error)
        m_logger.error("the listener stopped by an error");
    });
    m_io.run();
    stop_store(); // the store writes the last LastSeen times when it closes
    m_logger.info("stopped");
    m_logger.flush();
    return 0;
  }

private:
  Status open(std::size_t max_connections) {
    m_store = MESSAGEU_TRY(open_store(m_config.database_path, m_logger));
    HandlerOptions options;
    options.require_auth = m_config.require_auth;
    options.classic_only = m_config.classic_only;
    options.pending = {m_config.max_pending_messages, m_config.max_pending_bytes,
                       m_config.max_pending_share};
    options.max_request_rate = m_config.max_request_rate;
    m_handler = std::make_unique<RequestHandler>(*m_store, options);
    m_read_path = std::make_unique<ReadPath>(*m_store, options);
    m_waits = std::make_unique<WaitRegistry>(m_io.get_executor());
    m_handler->set_stored_listener([this](const ClientId &recipient) { m_waits->wake(recipient); });
    // LastSeen times wait in the store's memory; a busy store writes them with its next
    // operation a second later, an idle server here.
    m_shared_store = dynamic_cast<store::PostgresServerStore *>(m_store.get());
    m_store_thread = std::make_unique<StoreThread>(*m_handler, m_logger, [this] {
      if (m_shared_store)
        catch_up_with_other_servers();
      if (auto written = m_store->flush_touches(); !written)
        m_logger.warn("cannot write LastSeen times: " + written.error().message);
    });
    if (m_shared_store)
      follow_other_servers();
    protocol::Limits limits;
    limits.max_content_size = static_cast<std::uint32_t>(m_config.max_message_size);
    DeadlineOptions deadlines{m_config.idle_timeout, m_config.request_timeout,
                              m_config.min_receive_rate, m_config.min_send_rate};
    m_context = std::make_unique<SessionContext>(SessionContext{
        *m_store_thread, *m_read_path, m_logger, m_registry, *m_waits, limits, deadlines});
    ConnectionCaps caps{max_connections, m_config.max_connections_per_address};
    auto listener = Listener::open(m_io, m_config.bind_address, m_config.port, caps, *m_context);
    if (!listener) {
      stop_store();
      return listener.error();
    }
    m_listener = std::move(*listener);
    return {};
  }

  // On a shared database, what other servers change reaches this one's snapshot through the
  // store's thread, and their messages wake the waits here too.
  void follow_other_servers() {
    m_shared_store->follow_other_servers(
        [this] {
          asio::post(m_store_thread->executor(), [this] { catch_up_with_other_servers(); });
        },
        [this](const std::string &problem) { m_logger.warn(problem); });
  }

  void stop_store() {
    if (m_shared_store)
      m_shared_store->stop_following();
    m_store_thread->stop();
  }

  // On the store's thread.
  void catch_up_with_other_servers() {
    for (const auto &recipient : m_shared_store->catch_up())
      m_waits->wake(recipient);
  }

  // Request lines gather in the logger's memory; they reach the log this often.
  void schedule_log_flush() {
    m_log_flush.expires_after(k_log_flush_interval);
    m_log_flush.async_wait([this](const boost::system::error_code &error) {
      if (error)
        return;
      m_logger.flush();
      schedule_log_flush();
    });
  }

  void wait_for_signal() {
    m_signals.async_wait([this](const boost::system::error_code &error, int signal_number) {
      if (error)
        return;
      if (m_stopping) {
        m_logger.warn(fmt::format("signal {} again: closing every connection now", signal_number));
        m_registry.close_all();
        m_io.stop();
        return;
      }
      begin_shutdown(signal_number);
      wait_for_signal();
    });
  }

  void begin_shutdown(int signal_number) {
    m_stopping = true;
    m_logger.info(fmt::format("signal {}: no new connections; finishing {} open ones",
                              signal_number, m_registry.size()));
    m_listener->close();
    m_grace.expires_after(k_shutdown_grace);
    m_grace.async_wait([this](const boost::system::error_code &error) {
      if (error)
        return;
      m_logger.warn(fmt::format("closing {} connections still busy", m_registry.size()));
      m_registry.close_all();
      m_grace.expires_after(k_shutdown_unwind);
      m_grace.async_wait([this](const boost::system::error_code &) { m_io.stop(); });
    });
    m_registry.stop_all([this] {
      m_grace.cancel();
      m_signals.cancel();
      m_io.stop();
    });
  }

  const ServerConfig &m_config;
  Logger &m_logger;
  // Destroyed in reverse: the event loop (and every session with it) before the store thread,
  // the store thread before the handler and the store it uses.
  std::unique_ptr<store::ServerStore> m_store;
  std::unique_ptr<RequestHandler> m_handler;
  std::unique_ptr<ReadPath> m_read_path;
  std::unique_ptr<StoreThread> m_store_thread;
  SessionRegistry m_registry;
  std::unique_ptr<SessionContext> m_context;
  // Outlives the event loop: a session's coroutine destroyed with it leaves the registry.
  std::unique_ptr<WaitRegistry> m_waits;
  asio::io_context m_io{1};
  std::unique_ptr<Listener> m_listener;
  asio::signal_set m_signals{m_io, SIGINT, SIGTERM};
  // Before the event loop and the registry it wakes through: it stops first.
  store::PostgresServerStore *m_shared_store = nullptr; // m_store, on PostgreSQL only
  asio::steady_timer m_grace{m_io};
  asio::steady_timer m_log_flush{m_io};
  bool m_stopping = false;
};

} // namespace

int run_server(const ServerConfig &config, Logger &logger) {
  // A peer that resets mid-write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  Server server(config, logger);
  return server.run();
}

} // namespace messageu::server
