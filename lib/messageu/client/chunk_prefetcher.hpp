// Produces chunks on a thread of its own, one chunk ahead of the consumer, so that making
// chunk n + 1 (reading a file and encrypting it) overlaps the consumer's use of chunk n
// (sending it). The counterpart of BackgroundWriter for the sending side.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <array>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace messageu::client {

class ChunkPrefetcher {
public:
  // Fills `chunk` (given empty) with the next chunk, which is not empty; true when it is the
  // last one. Runs on the prefetcher's thread, one call at a time.
  using Producer = std::function<Result<bool>(Bytes &chunk)>;

  // Starts the thread, which starts on the first chunk at once.
  explicit ChunkPrefetcher(Producer produce);
  ChunkPrefetcher(const ChunkPrefetcher &) = delete;
  ChunkPrefetcher &operator=(const ChunkPrefetcher &) = delete;
  // Waits for the chunk in production, if any, and stops the thread.
  ~ChunkPrefetcher();

  // The next chunk, valid until the next call, and the production of the one after it
  // started; an empty view after the last chunk. A failed production → its error, at this
  // call and every later one.
  Result<ByteView> next();

private:
  void run();
  void start_production(std::size_t index); // with the mutex held

  Producer m_produce;
  std::array<Bytes, 2> m_chunks;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::optional<std::size_t> m_requested; // the buffer to fill next
  std::optional<std::size_t> m_producing; // the buffer being filled, until its outcome is set
  std::optional<Result<bool>> m_outcome;  // of the last production, until next() takes it
  std::optional<Error> m_failure;         // sticky, once a production failed
  bool m_after_last = false;              // the last chunk was handed out
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace messageu::client
