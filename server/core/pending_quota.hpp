// The per-recipient caps on what waits on the server (--max-pending-messages and
// --max-pending-bytes): a send that would take a recipient's pending messages above either cap
// is refused before its content is read, so one recipient who never pulls cannot fill the
// disk for everyone.
//
// The totals are read from the store once per recipient and then kept up to date by the
// request handler (reservations for uploads in progress, additions on commit); a deletion
// makes the next send read them again. The handler is the store's only writer, so the cached
// totals stay exact without a query per send.
//
// Not thread-safe: used from the request handler's one thread.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <map>
#include <optional>

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
  // A reserved message was not stored (discarded, or its commit failed).
  void release(const ClientId &recipient, std::uint64_t size);
  // A reserved message was stored.
  void stored(const ClientId &recipient, std::uint64_t size);
  // Some of the recipient's messages were deleted: read its totals again next time.
  void forget(const ClientId &recipient);

  bool unlimited() const { return m_limits.max_messages == 0 && m_limits.max_bytes == 0; }

private:
  struct Entry {
    std::optional<store::PendingTotals> stored; // empty: read from the store on next use
    store::PendingTotals reserved;
  };

  Status check(const store::PendingTotals &stored, const store::PendingTotals &reserved,
               std::uint64_t size) const;
  void drop_if_idle(std::map<ClientId, Entry>::iterator entry);

  store::ServerStore &m_store;
  PendingLimits m_limits;
  std::map<ClientId, Entry> m_entries;
};

} // namespace messageu::server
