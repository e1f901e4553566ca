// Message id allocation as a pure function of the last id and an "in use" predicate.
#include <messageu/store/message_id_allocator.hpp>

#include <messageu/sqlite/storage_error.hpp>

#include <algorithm>

namespace messageu::store {

MessageId following_message_id(MessageId id) {
  return id >= k_last_message_id ? k_first_message_id : id + 1;
}

std::uint64_t message_id_distance(MessageId from, MessageId to) {
  // Ids 1 .. 2^32 − 1 form the cycle; 0 (no id yet) stands just before 1.
  if (to >= from)
    return to - from;
  return std::uint64_t{to} + k_last_message_id - from;
}

MessageId advance_message_id(MessageId id, std::uint64_t steps) {
  auto position = (std::uint64_t{id == 0 ? k_last_message_id : id} - 1 + steps) % k_last_message_id;
  return static_cast<MessageId>(position + 1);
}

Result<MessageId> next_message_id(MessageId last, std::uint64_t max_candidates,
                                  const std::function<Result<bool>(MessageId)> &in_use) {
  // Beyond one full cycle every candidate would repeat.
  auto limit = std::min<std::uint64_t>(max_candidates, k_last_message_id);
  MessageId candidate = last;
  for (std::uint64_t tried = 0; tried < limit; ++tried) {
    candidate = following_message_id(candidate);
    if (!MESSAGEU_TRY(in_use(candidate)))
      return candidate;
  }
  return sqlite::storage_error("no free message id among " + std::to_string(max_candidates) +
                               " tried");
}

} // namespace messageu::store
