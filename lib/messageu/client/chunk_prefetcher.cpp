// The prefetching thread: two buffers, one handed out, the other being filled.
#include <messageu/client/chunk_prefetcher.hpp>

namespace messageu::client {

ChunkPrefetcher::ChunkPrefetcher(Producer produce) : m_produce(std::move(produce)) {
  m_requested = 0;
  m_thread = std::thread([this] { run(); });
}

ChunkPrefetcher::~ChunkPrefetcher() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_requested.reset(); // a chunk not started is not wanted any more
  }
  m_changed.notify_all();
  m_thread.join();
}

void ChunkPrefetcher::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [this] { return m_stopping || m_requested; });
    if (!m_requested)
      return; // stopping
    auto index = *std::exchange(m_requested, std::nullopt);
    m_producing = index;
    lock.unlock();
    auto &chunk = m_chunks[index];
    chunk.clear();
    auto outcome = m_produce(chunk);
    lock.lock();
    m_outcome = std::move(outcome);
    m_changed.notify_all();
  }
}

void ChunkPrefetcher::start_production(std::size_t index) {
  m_requested = index;
  m_changed.notify_all();
}

Result<ByteView> ChunkPrefetcher::next() {
  std::unique_lock lock(m_mutex);
  if (m_failure)
    return *m_failure;
  if (m_after_last)
    return ByteView{};
  m_changed.wait(lock, [this] { return m_outcome.has_value(); });
  auto outcome = *std::exchange(m_outcome, std::nullopt);
  auto index = *std::exchange(m_producing, std::nullopt);
  if (!outcome) {
    m_failure = outcome.error();
    return outcome.error();
  }
  if (*outcome)
    m_after_last = true;
  else
    start_production(1 - index); // the buffer handed out last time is free again
  return ByteView(m_chunks[index]);
}

} // namespace messageu::client
