// The per-recipient pending caps and each sender's share of them: the store's totals plus the
// reservations of uploads.
#include "core/pending_quota.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace messageu::server {

namespace {

store::PendingTotals sum(const store::PendingTotals &left, const store::PendingTotals &right) {
  return {left.count + right.count, left.bytes + right.bytes};
}

// `percent` of `cap`, rounded down, without overflowing for any cap.
std::uint64_t share_of(std::uint64_t cap, std::uint32_t percent) {
  return cap / 100 * percent + cap % 100 * percent / 100;
}

// Whether `size` more bytes would take `bytes` above `cap`; written as a subtraction so that a
// huge size cannot overflow the sum.
bool above(std::uint64_t bytes, std::uint64_t size, std::uint64_t cap) {
  return bytes > cap || size > cap - bytes;
}

template <typename Key>
store::PendingTotals reserved_for(const std::map<Key, store::PendingTotals> &reserved,
                                  const Key &key) {
  auto found = reserved.find(key);
  return found == reserved.end() ? store::PendingTotals{} : found->second;
}

template <typename Key>
void add_reservation(std::map<Key, store::PendingTotals> &reserved, const Key &key,
                     std::uint64_t size) {
  auto &totals = reserved[key];
  totals.count += 1;
  totals.bytes += size;
}

template <typename Key>
void remove_reservation(std::map<Key, store::PendingTotals> &reserved, const Key &key,
                        std::uint64_t size) {
  auto found = reserved.find(key);
  if (found == reserved.end())
    return;
  auto &totals = found->second;
  totals.count -= std::min<std::uint64_t>(totals.count, 1);
  totals.bytes -= std::min(totals.bytes, size);
  if (totals.count == 0)
    reserved.erase(found);
}

} // namespace

PendingQuota::PendingQuota(store::ServerStore &store, PendingLimits limits)
    : m_store(store), m_limits(limits) {}

Status PendingQuota::check_recipient(const store::PendingTotals &pending,
                                     std::uint64_t size) const {
  if (m_limits.max_messages != 0 && pending.count >= m_limits.max_messages)
    return make_error(Errc::unavailable,
                      fmt::format("the recipient already has {} pending messages "
                                  "(--max-pending-messages {})",
                                  pending.count, m_limits.max_messages));
  if (m_limits.max_bytes != 0 && above(pending.bytes, size, m_limits.max_bytes))
    return make_error(Errc::unavailable,
                      fmt::format("the recipient's pending messages would take {} + {} bytes "
                                  "(--max-pending-bytes {})",
                                  pending.bytes, size, m_limits.max_bytes));
  return {};
}

Status PendingQuota::check_sender(const store::PendingTotals &pending, std::uint64_t size) const {
  // The first message of a sender is bounded by the recipient's caps alone.
  if (pending.count == 0 || m_limits.share_percent >= k_max_pending_share_ceiling)
    return {};
  auto percent = m_limits.share_percent;
  auto max_messages = share_of(m_limits.max_messages, percent);
  if (m_limits.max_messages != 0 && pending.count >= max_messages)
    return make_error(Errc::unavailable,
                      fmt::format("this sender already has {} of the {} messages it may have "
                                  "waiting for the recipient (--max-pending-share {}% of "
                                  "--max-pending-messages {})",
                                  pending.count, max_messages, percent, m_limits.max_messages));
  auto max_bytes = share_of(m_limits.max_bytes, percent);
  if (m_limits.max_bytes != 0 && above(pending.bytes, size, max_bytes))
    return make_error(Errc::unavailable,
                      fmt::format("this sender's messages waiting for the recipient would take "
                                  "{} + {} of the {} bytes it may have (--max-pending-share {}% "
                                  "of --max-pending-bytes {})",
                                  pending.bytes, size, max_bytes, percent, m_limits.max_bytes));
  return {};
}

Status PendingQuota::reserve(const ClientId &sender, const ClientId &recipient,
                             std::uint64_t size) {
  if (unlimited())
    return {};
  auto stored = MESSAGEU_TRY(m_store.pending_totals(recipient, sender));
  Pair pair{recipient, sender};
  MESSAGEU_TRY(check_recipient(sum(stored.all, reserved_for(m_reserved, recipient)), size));
  MESSAGEU_TRY(
      check_sender(sum(stored.from_sender, reserved_for(m_reserved_by_sender, pair)), size));
  add_reservation(m_reserved, recipient, size);
  add_reservation(m_reserved_by_sender, pair, size);
  return {};
}

void PendingQuota::release(const ClientId &sender, const ClientId &recipient, std::uint64_t size) {
  remove_reservation(m_reserved, recipient, size);
  remove_reservation(m_reserved_by_sender, Pair{recipient, sender}, size);
}

} // namespace messageu::server
