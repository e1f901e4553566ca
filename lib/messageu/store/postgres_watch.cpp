// The LISTEN loop of a server on a shared PostgreSQL database.
#include <messageu/store/postgres_watch.hpp>

#include <chrono>

namespace messageu::store {

namespace {

// How long one wait for notices lasts: also how long stopping the watch may take.
constexpr std::chrono::milliseconds k_wait_slice{250};
constexpr std::chrono::seconds k_retry_interval{1};

} // namespace

DatabaseWatch::DatabaseWatch(std::string uri, std::vector<std::string> channels, Handlers handlers)
    : m_uri(std::move(uri)), m_channels(std::move(channels)), m_handlers(std::move(handlers)),
      m_thread([this] { run(); }) {}

DatabaseWatch::~DatabaseWatch() {
  m_stopping = true;
  if (m_thread.joinable())
    m_thread.join();
}

void DatabaseWatch::run() {
  while (!m_stopping) {
    auto failure = listen_once();
    if (m_stopping)
      return;
    report_problem(failure);
    pause_before_retry();
  }
}

std::string DatabaseWatch::listen_once() {
  auto connection = postgres::Connection::open(m_uri);
  if (!connection)
    return connection.error().message;
  for (const auto &channel : m_channels)
    if (auto listening = connection->listen(channel); !listening)
      return listening.error().message;
  if (m_reported && m_handlers.on_problem)
    m_handlers.on_problem("following the other servers' changes again");
  m_reported = false;
  if (m_handlers.on_listening)
    m_handlers.on_listening();
  while (!m_stopping) {
    auto notices = connection->wait_for_notifications(k_wait_slice);
    if (!notices) {
      if (m_handlers.on_lost)
        m_handlers.on_lost();
      return notices.error().message;
    }
    for (const auto &notice : *notices)
      m_handlers.on_notice(notice);
  }
  return {};
}

void DatabaseWatch::report_problem(const std::string &failure) {
  if (m_reported || !m_handlers.on_problem)
    return;
  m_handlers.on_problem("cannot follow the other servers' changes until the database answers "
                        "(every request reads it meanwhile): " +
                        failure);
  m_reported = true;
}

void DatabaseWatch::pause_before_retry() {
  auto until = std::chrono::steady_clock::now() + k_retry_interval;
  while (!m_stopping && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(k_wait_slice / 5);
}

} // namespace messageu::store
