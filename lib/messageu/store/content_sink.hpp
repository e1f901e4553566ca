// Where a message's content goes while it arrives: a sink of a declared size, written in
// chunks and then finished (made durable), before the message that owns it is inserted
// (ServerStore::insert_messages). Contents of any size up to 4 GiB − 1 pass through a sink
// without being held whole in memory.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>

namespace messageu::store {

// Contract for every implementation: write() any number of times, then finish() once.
// A sink destroyed before its message was inserted discards what it had stored.
class ContentSink {
public:
  virtual ~ContentSink() = default;

  // The size declared when the sink was made.
  virtual std::uint64_t size() const = 0;
  // How many bytes were written so far.
  virtual std::uint64_t written() const = 0;

  // Appends `bytes`. More bytes in total than the declared size → Errc::size_mismatch (nothing
  // of this call is written); after finish() → Errc::internal; a failed write →
  // Errc::storage (is_storage_full() when space ran out).
  virtual Status write(ByteView bytes) = 0;

  // Makes the content durable (it may fsync, so it can block). Fewer bytes written than
  // declared → Errc::size_mismatch; a failed sync → Errc::storage; called twice → Errc::internal.
  virtual Status finish() = 0;

  virtual bool finished() const = 0;
};

} // namespace messageu::store
