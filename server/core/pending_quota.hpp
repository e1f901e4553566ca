// The per-recipient caps on what waits on the server (--max-pending-messages and
// --max-pending-bytes): a send that would take a recipient's pending messages above either cap
// is refused before its content is read, so one recipient who never pulls cannot fill the
// disk for everyone.
//
// What is stored comes from the store at each send (it keeps those totals in memory); this
// class adds what uploads still in progress have reserved.
//
// Not thread-safe: used from the request handler's one thread.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <map>

namespace messageu::server {

inline constexpr std::uint64_t k_default_max_pending_messages = 10'000;
// 8 GiB: room for two messages of the largest size the protocol allows (4 GiB - 1 each), so
// the default never refuses a file the protocol can carry.
inline constexpr std::uint64_t k_default_max_pending_bytes = 8ull << 30;

// 0 in either field: no cap on it.
struct PendingLimits {
  std::uint64_t max_messages = k_default_max_pending_messages;
  std::uint64_t max_bytes = k_default_max_pending_bytes;
};

class PendingQuota {
public:
  PendingQuota(store::ServerStore &store, PendingLimits limits);

  // Reserves room for one more message of `size` bytes to `recipient`, counting what is
  // stored and what other uploads reserved. Above a cap → Errc::unavailable (the message says
  // which cap); the store's failure → Errc::storage. Nothing is reserved after a failure.
  Status reserve(const ClientId &recipient, std::uint64_t size);
  // A reserved upload ended: its message was stored (the store counts it now), discarded, or
  // its commit failed.
  void release(const ClientId &recipient, std::uint64_t size);

  bool unlimited() const { return m_limits.max_messages == 0 && m_limits.max_bytes == 0; }

private:
  Status check(const store::PendingTotals &stored, const store::PendingTotals &reserved,
               std::uint64_t size) const;

  store::ServerStore &m_store;
  PendingLimits m_limits;
  std::map<ClientId, store::PendingTotals> m_reserved; // recipients with uploads in progress
};

} // namespace messageu::server
