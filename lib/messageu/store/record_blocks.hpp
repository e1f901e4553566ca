// Fixed-size records (the user list's encoded entries, public keys) appended over time and read
// through immutable views that any number of threads and connections share.
//
// The records live in blocks of a fixed number of records; a block once full is never copied
// again, so a view taken after an append copies the last, partial block at most, and views
// taken before and after it share every full block. A `list` answer is such a view minus the
// requester's own entry, written as views in one gathered send: connections whose answers wait
// for a slow (or absent) reader hold one copy between them, not one each (50,000 users make a
// 13 MB answer).
//
// RecordBlocks is not thread-safe (its owner appends from one thread); views may be read from
// any thread.
#pragma once

#include <messageu/util/bytes.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace messageu::store {

// A payload written from views into buffers that `owner` keeps alive.
struct SharedPayload {
  std::shared_ptr<const void> owner;
  std::vector<ByteView> parts;
  std::size_t size = 0;

  // The parts in one buffer (a copy).
  Bytes flatten() const;
};

class RecordBlocksView {
public:
  RecordBlocksView(std::vector<std::shared_ptr<const Bytes>> blocks, std::size_t record_size,
                   std::size_t count)
      : m_blocks(std::move(blocks)), m_record_size(record_size), m_count(count) {}

  std::size_t count() const { return m_count; }
  // Bytes of every record.
  std::size_t size() const { return m_count * m_record_size; }
  // The record at `index` (< count()).
  ByteView record(std::size_t index) const;
  // Views of every record but the one at `index`, in order.
  std::vector<ByteView> without(std::size_t index) const;

private:
  std::vector<std::shared_ptr<const Bytes>> m_blocks;
  std::size_t m_record_size;
  std::size_t m_count;
};

class RecordBlocks {
public:
  // Records per block: a block of user-list entries is about 68 KiB.
  static constexpr std::size_t k_block_records = 256;

  explicit RecordBlocks(std::size_t record_size) : m_record_size(record_size) {}

  // Appends one record of record_size bytes; returns its index.
  std::size_t append(ByteView record);
  // The records as they are now: the same view until the next append.
  std::shared_ptr<const RecordBlocksView> view();
  std::size_t count() const { return m_count; }

private:
  std::size_t m_record_size;
  std::vector<std::shared_ptr<const Bytes>> m_full_blocks;
  Bytes m_last_block;
  std::size_t m_count = 0;
  std::shared_ptr<const RecordBlocksView> m_view;
};

} // namespace messageu::store
