// Message ids (PROTOCOL.md §4): u32 values unique among the messages the server holds. They
// are handed out in increasing order from a persisted counter, wrap from 2^32 − 1 back to 1
// (0 is never used), and skip ids still held, so that an id is not reused soon after its
// message was deleted (a repeated ACK must not delete a newer message with a recycled id).
#pragma once

#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <functional>

namespace messageu::store {

inline constexpr MessageId k_first_message_id = 1;
inline constexpr MessageId k_last_message_id = 0xFFFF'FFFFu;

// The id after `id` in the cycle 1, 2, ..., 2^32 − 1, 1, ...
MessageId following_message_id(MessageId id);

// How many steps of the cycle lead from `from` to `to` (0 when they are equal).
std::uint64_t message_id_distance(MessageId from, MessageId to);

// The id `steps` after `id` in the cycle.
MessageId advance_message_id(MessageId id, std::uint64_t steps);

// The first id after `last` (in cycle order) for which `in_use` answers false, trying at most
// `max_candidates` ids. With `max_candidates` = (ids held) + 1 one is always free. None free
// among those tried → Errc::storage; an error from `in_use` is returned as it is.
Result<MessageId> next_message_id(MessageId last, std::uint64_t max_candidates,
                                  const std::function<Result<bool>(MessageId)> &in_use);

} // namespace messageu::store
