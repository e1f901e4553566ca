// The connections parked on a WAIT (PROTOCOL.md §11), by the client they are bound to, so
// that a message stored for that client wakes them at once. A waiting connection costs its
// Waiter (a timer and a flag, in the session's coroutine frame) and one entry here: no
// thread, and nothing at all for connections that do not wait.
//
// Waiters are added and removed on the network thread; wake() may be called from any
// thread (the store thread calls it after each commit that stored messages) and does its
// work on the network thread.
#pragma once

#include <messageu/util/ids.hpp>

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstddef>
#include <map>

namespace messageu::server {

// One parked WAIT: the session sleeps on `timer` until the wait's end, and wake() cancels
// the timer early after setting `woken`.
struct Waiter {
  Waiter(const boost::asio::any_io_executor &executor, const ClientId &waiting_for)
      : client(waiting_for), timer(executor) {}

  ClientId client;
  boost::asio::steady_timer timer;
  bool woken = false;
};

class WaitRegistry {
public:
  explicit WaitRegistry(boost::asio::any_io_executor network) : m_network(std::move(network)) {}
  WaitRegistry(const WaitRegistry &) = delete;
  WaitRegistry &operator=(const WaitRegistry &) = delete;

  // Network thread. Add a waiter before looking for its messages, so that a message stored
  // in between still wakes it.
  void add(Waiter &waiter);
  void remove(Waiter &waiter);

  // Any thread: wakes every waiter of `client`. Costs nothing while nobody waits.
  void wake(const ClientId &client);

  // Network thread: how many connections wait now.
  std::size_t size() const { return m_waiters.size(); }

private:
  void wake_now(const ClientId &client);

  boost::asio::any_io_executor m_network;
  std::multimap<ClientId, Waiter *> m_waiters; // network thread only
  // The number of waiters, for wake() on other threads. Added before the waiter's pull is
  // queued on the store thread, so a commit after that pull sees it.
  std::atomic<std::size_t> m_count{0};
};

} // namespace messageu::server
