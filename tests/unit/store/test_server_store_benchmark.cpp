// A measurement, not a test: rows stored per second by SqliteServerStore::insert_messages on a
// database file, one message per commit versus batches (group commit). Disabled by default;
// run it with
//   unit_store --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*'
// It prints its figures and asserts only that the inserts succeeded.
#include <messageu/store/sqlite_server_store.hpp>

#include "store_test_helpers.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::store::test;

namespace {

// Inserts `rows` messages of `content_size` bytes in batches of `batch_size`; rows per second.
double rows_per_second(SqliteServerStore &store, std::size_t rows, std::size_t batch_size,
                       std::size_t content_size) {
  auto content = pattern(content_size);
  auto start = std::chrono::steady_clock::now();
  for (std::size_t done = 0; done < rows; done += batch_size) {
    std::vector<NewMessage> batch;
    for (std::size_t i = 0; i < batch_size; ++i)
      batch.push_back(message(store, client_id(2), client_id(1), content));
    auto ids = store.insert_messages(batch);
    EXPECT_TRUE(ids) << ids.error().message;
    if (!ids)
      return 0;
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<double>(rows) / elapsed.count();
}

} // namespace

TEST(SqliteServerStoreBenchmark, DISABLED_PrintsRowsPerSecondForBatchSizes) {
  messageu::test::TempDir dir;
  auto store = SqliteServerStore::open(dir / "bench.db");
  ASSERT_TRUE(store) << store.error().message;
  struct Case {
    std::size_t batch_size;
    std::size_t rows;
  };
  for (auto [batch_size, rows] :
       {Case{1, 2000}, Case{16, 16'000}, Case{64, 64'000}, Case{256, 128'000}}) {
    double rate = rows_per_second(**store, rows, batch_size, 200);
    std::printf("batch %4zu: %8.0f rows/s (%zu rows of 200 bytes, synchronous=FULL, WAL)\n",
                batch_size, rate, rows);
  }
  std::vector<NewMessage> batch;
  auto large = pattern(8 * 1024 * 1024);
  auto start = std::chrono::steady_clock::now();
  batch.push_back(message(**store, client_id(2), client_id(1), large));
  ASSERT_TRUE((*store)->insert_messages(batch));
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("kept in a file 8 MiB content: %.0f MiB/s staged and stored\n", 8 / elapsed.count());
}
