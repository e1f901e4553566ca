// The LISTEN loop of a server on a shared PostgreSQL database.
#include <messageu/store/postgres_watch.hpp>

#include <messageu/postgres/postgres.hpp>

#include <chrono>

namespace messageu::store {

namespace {

// How long one wait for notices lasts: also how long stopping the watch may take.
constexpr std::chrono::milliseconds k_wait_slice{250};
constexpr std::chrono::seconds k_retry_interval{1};

} // namespace

StoredMessagesWatch::StoredMessagesWatch(std::string uri, OnStored on_stored, OnProblem on_problem)
    : m_uri(std::move(uri)), m_on_stored(std::move(on_stored)), m_on_problem(std::move(on_problem)),
      m_thread([this] { run(); }) {}

StoredMessagesWatch::~StoredMessagesWatch() {
  m_stopping = true;
  if (m_thread.joinable())
    m_thread.join();
}

void StoredMessagesWatch::run() {
  while (!m_stopping) {
    auto failure = listen_once();
    if (m_stopping)
      return;
    if (!m_reported && m_on_problem)
      m_on_problem("waits are not woken by other servers' messages until the database answers: " +
                   failure);
    m_reported = true;
    pause_before_retry();
  }
}

std::string StoredMessagesWatch::listen_once() {
  auto connection = postgres::Connection::open(m_uri);
  if (!connection)
    return connection.error().message;
  if (auto listening = connection->listen(k_channel); !listening)
    return listening.error().message;
  if (m_reported && m_on_problem)
    m_on_problem("waits are woken by other servers' messages again");
  m_reported = false;
  while (!m_stopping) {
    auto notices = connection->wait_for_notifications(k_wait_slice);
    if (!notices)
      return notices.error().message;
    for (const auto &notice : *notices) {
      if (auto recipient = client_id_from_hex(notice.payload))
        m_on_stored(*recipient);
    }
  }
  return {};
}

void StoredMessagesWatch::pause_before_retry() {
  auto until = std::chrono::steady_clock::now() + k_retry_interval;
  while (!m_stopping && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(k_wait_slice / 5);
}

} // namespace messageu::store
