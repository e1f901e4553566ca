// The parked WAITs and their wake-up.
#include "wait_registry.hpp"

#include <boost/asio/post.hpp>

namespace messageu::server {

void WaitRegistry::add(Waiter &waiter) {
  m_waiters.emplace(waiter.client, &waiter);
  m_count.fetch_add(1);
}

void WaitRegistry::remove(Waiter &waiter) {
  auto [first, last] = m_waiters.equal_range(waiter.client);
  for (auto entry = first; entry != last; ++entry) {
    if (entry->second == &waiter) {
      m_waiters.erase(entry);
      m_count.fetch_sub(1);
      return;
    }
  }
}

void WaitRegistry::wake(const ClientId &client) {
  if (m_count.load() == 0)
    return;
  boost::asio::post(m_network, [this, client] { wake_now(client); });
}

void WaitRegistry::wake_now(const ClientId &client) {
  auto [first, last] = m_waiters.equal_range(client);
  for (auto entry = first; entry != last; ++entry) {
    entry->second->woken = true;
    entry->second->timer.cancel();
  }
}

} // namespace messageu::server
