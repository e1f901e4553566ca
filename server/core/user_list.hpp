// The user list every `list` answer is cut from, encoded once and shared: a snapshot is
// immutable, so any number of connections whose answers wait for a slow (or absent) reader
// hold one copy between them, not one each (50,000 users make a 13 MB answer). An answer is
// the snapshot minus the requester's own 271-byte entry, as views written in one gathered send.
//
// The entries live in blocks of a fixed number of entries; a block once full is never copied
// again, so a snapshot taken after a registration copies the last, partial block at most, and
// snapshots taken before and after it share every full block.
//
// UserListBuilder is not thread-safe: its owner (ClientDirectory) locks around it. Snapshots
// may be read from any thread.
#pragma once

#include <messageu/util/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace messageu::server {

// A payload written from views into a buffer that `owner` keeps alive.
struct SharedPayload {
  std::shared_ptr<const void> owner;
  std::vector<ByteView> parts;
  std::size_t size = 0;

  // The parts in one buffer (a copy).
  Bytes flatten() const;
};

class UserListSnapshot {
public:
  UserListSnapshot(std::vector<std::shared_ptr<const Bytes>> blocks, std::size_t size)
      : m_blocks(std::move(blocks)), m_size(size) {}

  // Bytes of every entry.
  std::size_t size() const { return m_size; }
  // Views of every entry but the one at byte `position` (an entry's start), in order.
  std::vector<ByteView> without_entry(std::size_t position) const;

private:
  std::vector<std::shared_ptr<const Bytes>> m_blocks;
  std::size_t m_size;
};

class UserListBuilder {
public:
  // Entries per block: about 68 KiB.
  static constexpr std::size_t k_block_entries = 256;

  // Appends one encoded entry (protocol::k_user_entry_size bytes); returns its position.
  std::size_t append(ByteView entry);
  // The list as it is now: the same snapshot until the next append.
  std::shared_ptr<const UserListSnapshot> snapshot();
  std::size_t size() const { return m_size; }

private:
  std::vector<std::shared_ptr<const Bytes>> m_full_blocks;
  Bytes m_last_block;
  std::size_t m_size = 0;
  std::shared_ptr<const UserListSnapshot> m_snapshot;
};

} // namespace messageu::server
