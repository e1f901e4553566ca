// The per-recipient pending caps, with their totals cached between sends.
#include "core/pending_quota.hpp"

#include <fmt/format.h>

namespace messageu::server {

PendingQuota::PendingQuota(store::ServerStore &store, PendingLimits limits)
    : m_store(store), m_limits(limits) {}

Status PendingQuota::check(const store::PendingTotals &stored, const store::PendingTotals &reserved,
                           std::uint64_t size) const {
  auto count = stored.count + reserved.count;
  if (m_limits.max_messages != 0 && count >= m_limits.max_messages)
    return make_error(Errc::unavailable,
                      fmt::format("the recipient already has {} pending messages "
                                  "(--max-pending-messages {})",
                                  count, m_limits.max_messages));
  auto bytes = stored.bytes + reserved.bytes;
  // Written as a subtraction so that a huge size cannot overflow the sum.
  if (m_limits.max_bytes != 0 && (bytes > m_limits.max_bytes || size > m_limits.max_bytes - bytes))
    return make_error(Errc::unavailable,
                      fmt::format("the recipient's pending messages would take {} + {} bytes "
                                  "(--max-pending-bytes {})",
                                  bytes, size, m_limits.max_bytes));
  return {};
}

Status PendingQuota::reserve(const ClientId &recipient, std::uint64_t size) {
  if (unlimited())
    return {};
  auto &entry = m_entries[recipient];
  if (!entry.stored) {
    auto totals = m_store.pending_totals(recipient);
    if (!totals) {
      drop_if_idle(m_entries.find(recipient));
      return totals.error();
    }
    entry.stored = *totals;
  }
  MESSAGEU_TRY(check(*entry.stored, entry.reserved, size));
  entry.reserved.count += 1;
  entry.reserved.bytes += size;
  return {};
}

void PendingQuota::release(const ClientId &recipient, std::uint64_t size) {
  auto found = m_entries.find(recipient);
  if (found == m_entries.end())
    return;
  auto &reserved = found->second.reserved;
  reserved.count -= std::min<std::uint64_t>(reserved.count, 1);
  reserved.bytes -= std::min(reserved.bytes, size);
  drop_if_idle(found);
}

void PendingQuota::stored(const ClientId &recipient, std::uint64_t size) {
  auto found = m_entries.find(recipient);
  if (found != m_entries.end() && found->second.stored) {
    found->second.stored->count += 1;
    found->second.stored->bytes += size;
  }
  release(recipient, size);
}

void PendingQuota::forget(const ClientId &recipient) {
  auto found = m_entries.find(recipient);
  if (found == m_entries.end())
    return;
  found->second.stored.reset();
  drop_if_idle(found);
}

void PendingQuota::drop_if_idle(std::map<ClientId, Entry>::iterator entry) {
  // A recipient with nothing reserved keeps its cached totals (the common case: many sends to
  // the same recipient); one whose totals are unknown and unreserved needs no entry.
  if (entry != m_entries.end() && !entry->second.stored && entry->second.reserved.count == 0)
    m_entries.erase(entry);
}

} // namespace messageu::server
