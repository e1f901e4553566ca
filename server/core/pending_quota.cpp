// The per-recipient pending caps: the store's totals plus the reservations of uploads.
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
  auto stored = MESSAGEU_TRY(m_store.pending_totals(recipient));
  auto found = m_reserved.find(recipient);
  MESSAGEU_TRY(
      check(stored, found == m_reserved.end() ? store::PendingTotals{} : found->second, size));
  auto &reserved = m_reserved[recipient];
  reserved.count += 1;
  reserved.bytes += size;
  return {};
}

void PendingQuota::release(const ClientId &recipient, std::uint64_t size) {
  auto found = m_reserved.find(recipient);
  if (found == m_reserved.end())
    return;
  auto &reserved = found->second;
  reserved.count -= std::min<std::uint64_t>(reserved.count, 1);
  reserved.bytes -= std::min(reserved.bytes, size);
  if (reserved.count == 0)
    m_reserved.erase(found);
}

} // namespace messageu::server
