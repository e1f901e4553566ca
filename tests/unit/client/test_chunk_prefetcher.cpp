// Producing chunks one ahead on a thread of its own: order, the read-ahead itself, failures
// that stay, and stopping in the middle.
#include <messageu/client/chunk_prefetcher.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

using namespace messageu;
using messageu::client::ChunkPrefetcher;

namespace {

// Chunk n (from 0) holds 1000 + n bytes of value n; `count` chunks in all.
ChunkPrefetcher::Producer numbered_chunks(int count, std::atomic<int> &produced) {
  return [count, &produced](Bytes &chunk) -> Result<bool> {
    int number = produced++;
    chunk.assign(1000 + static_cast<std::size_t>(number), static_cast<Byte>(number));
    return number + 1 == count;
  };
}

} // namespace

TEST(ChunkPrefetcher, HandsOutEveryChunkInOrderThenEnds) {
  std::atomic<int> produced = 0;
  ChunkPrefetcher prefetcher(numbered_chunks(40, produced));
  for (int number = 0; number < 40; ++number) {
    auto chunk = prefetcher.next();
    ASSERT_TRUE(chunk) << chunk.error().message;
    ASSERT_EQ(chunk->size(), 1000u + static_cast<std::size_t>(number));
    for (auto byte : *chunk)
      ASSERT_EQ(byte, static_cast<Byte>(number));
  }
  EXPECT_TRUE(prefetcher.next()->empty());
  EXPECT_TRUE(prefetcher.next()->empty());
  EXPECT_EQ(produced, 40); // nothing produced past the last chunk
}

TEST(ChunkPrefetcher, ProducesTheNextChunkWhileTheCallerHoldsThisOne) {
  std::promise<void> second_started;
  int calls = 0;
  ChunkPrefetcher prefetcher([&](Bytes &chunk) -> Result<bool> {
    chunk.assign(10, Byte{1});
    if (++calls == 2)
      second_started.set_value();
    return calls == 2;
  });
  ASSERT_TRUE(prefetcher.next());
  // No further call to next(): the second chunk is on its way all the same.
  EXPECT_EQ(second_started.get_future().wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  EXPECT_EQ(prefetcher.next()->size(), 10u);
}

TEST(ChunkPrefetcher, ReportsAFailureAtThatChunkAndEveryLaterCall) {
  int calls = 0;
  ChunkPrefetcher prefetcher([&](Bytes &chunk) -> Result<bool> {
    if (++calls == 2)
      return make_error(Errc::io_error, "the file shrank");
    chunk.assign(10, Byte{1});
    return false;
  });
  ASSERT_TRUE(prefetcher.next());
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto chunk = prefetcher.next();
    ASSERT_FALSE(chunk);
    EXPECT_EQ(chunk.error().code, Errc::io_error);
    EXPECT_EQ(chunk.error().message, "the file shrank");
  }
  EXPECT_EQ(calls, 2);
}

TEST(ChunkPrefetcher, StopsInTheMiddleWithoutProducingMore) {
  std::atomic<int> produced = 0;
  {
    ChunkPrefetcher prefetcher(numbered_chunks(1000, produced));
    ASSERT_TRUE(prefetcher.next());
    ASSERT_TRUE(prefetcher.next());
  } // destroyed with a chunk in production or ready
  EXPECT_LE(produced, 3);
}
