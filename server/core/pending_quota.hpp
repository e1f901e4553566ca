// The caps on what waits on the server for one recipient (--max-pending-messages and
// --max-pending-bytes), and the share of them one sender may take (--max-pending-share): a
// send that would take a recipient's pending messages above a cap, or its sender's part of
// them above the share, is refused before its content is read. So one recipient who never
// pulls cannot fill the disk for everyone, and one sender who floods a recipient is refused
// while others' messages to that recipient still get in.
//
// What is stored comes from the store at each send (it keeps those totals in memory, per
// recipient and per sender); this class adds what uploads still in progress have reserved.
//
// Not thread-safe: used from the request handler's one thread.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <map>
#include <utility>

namespace messageu::server {

inline constexpr std::uint64_t k_default_max_pending_messages = 10'000;
// 8 GiB: room for two messages of the largest size the protocol allows (4 GiB - 1 each), so
// the default never refuses a file the protocol can carry.
inline constexpr std::uint64_t k_default_max_pending_bytes = 8ull << 30;
// A quarter: a flood from one sender leaves three quarters of the recipient's room to others.
inline constexpr std::uint32_t k_default_max_pending_share = 25;
inline constexpr std::uint32_t k_max_pending_share_ceiling = 100;

struct PendingLimits {
  // 0 in either field: no cap on it.
  std::uint64_t max_messages = k_default_max_pending_messages;
  std::uint64_t max_bytes = k_default_max_pending_bytes;
  // The percentage (1 to 100) of each cap that the messages of one sender to one recipient
  // may take; 100 leaves only the recipient's caps. A sender with nothing waiting for the
  // recipient may always send one message the recipient's caps allow, so that the share never
  // refuses a file the caps would accept.
  std::uint32_t share_percent = k_default_max_pending_share;
};

class PendingQuota {
public:
  PendingQuota(store::ServerStore &store, PendingLimits limits);

  // Reserves room for one more message of `size` bytes from `sender` to `recipient`, counting
  // what is stored and what other uploads reserved. Above a cap or the sender's share →
  // Errc::unavailable (the message says which); the store's failure → Errc::storage. Nothing
  // is reserved after a failure.
  Status reserve(const ClientId &sender, const ClientId &recipient, std::uint64_t size);
  // A reserved upload ended: its message was stored (the store counts it now), discarded, or
  // its commit failed.
  void release(const ClientId &sender, const ClientId &recipient, std::uint64_t size);

  bool unlimited() const { return m_limits.max_messages == 0 && m_limits.max_bytes == 0; }

private:
  using Pair = std::pair<ClientId, ClientId>; // recipient, sender

  Status check_recipient(const store::PendingTotals &pending, std::uint64_t size) const;
  Status check_sender(const store::PendingTotals &pending, std::uint64_t size) const;

  store::ServerStore &m_store;
  PendingLimits m_limits;
  // Uploads in progress, by recipient and by (recipient, sender); entries at zero are erased.
  std::map<ClientId, store::PendingTotals> m_reserved;
  std::map<Pair, store::PendingTotals> m_reserved_by_sender;
};

} // namespace messageu::server
