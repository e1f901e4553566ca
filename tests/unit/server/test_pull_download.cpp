// PullDownload: which waiting messages fit in one response, and the payload it streams.
#include "core/pull_download.hpp"

#include <messageu/protocol/messages.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include <gtest/gtest.h>

namespace messageu::server {
namespace {

store::StoredMessage waiting(MessageId id, std::uint64_t size) {
  return {id, ClientId{}, MessageType::file, size};
}

TEST(PullDownload, CarriesEveryMessageWhenTheyFitInOneResponse) {
  PullDownload download(ClientId{}, {waiting(1, 10), waiting(2, 0), waiting(3, 1000)});
  EXPECT_EQ(download.payload_size(), 25u * 3 + 1010);
  EXPECT_EQ(download.message_ids(), (std::vector<MessageId>{1, 2, 3}));
}

TEST(PullDownload, CarriesOnlyThePrefixThatFitsAU32PayloadSize) {
  const std::uint64_t two_gib = 0x7FFF'FF00;
  PullDownload download(ClientId{}, {waiting(1, two_gib), waiting(2, two_gib), waiting(3, 4096)});
  EXPECT_EQ(download.message_ids(), (std::vector<MessageId>{1, 2}));
  EXPECT_EQ(download.payload_size(), 2 * (two_gib + 25));
}

TEST(PullDownload, StopsAtTheFirstMessageThatDoesNotFitToKeepTheStoredOrder) {
  PullDownload download(ClientId{}, {waiting(1, 0xFFFF'FFF0), waiting(2, 1)});
  EXPECT_TRUE(download.message_ids().empty());
  EXPECT_EQ(download.payload_size(), 0u);
  EXPECT_TRUE(download.finished());
}

TEST(PullDownload, IsFinishedAtOnceWhenNothingWaits) {
  auto store = store::SqliteServerStore::open_in_memory();
  ASSERT_TRUE(store);
  PullDownload download(ClientId{}, {});
  Bytes buffer(64);
  EXPECT_EQ(*download.read(**store, buffer), 0u);
  EXPECT_TRUE(download.finished());
}

TEST(PullDownload, ReportsAStorageErrorForAMessageThatIsGone) {
  auto store = store::SqliteServerStore::open_in_memory();
  ASSERT_TRUE(store);
  PullDownload download(ClientId{}, {waiting(77, 100)});
  Bytes buffer(64);
  auto read = download.read(**store, buffer);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().code, Errc::internal);
}

TEST(PullDownload, StreamsHeadersAndContentsThroughBuffersOfAnySize) {
  auto opened = store::SqliteServerStore::open_in_memory();
  ASSERT_TRUE(opened);
  auto &store = **opened;
  ClientId to{};
  to.fill(2);
  ClientId from{};
  from.fill(1);
  ASSERT_TRUE(store.add_client(to, "to", PublicKeyBytes{}));
  ASSERT_TRUE(store.add_client(from, "from", PublicKeyBytes{}));
  std::vector<protocol::PulledMessage> expected;
  std::vector<store::NewMessage> messages;
  for (std::size_t size : {0ul, 3ul, 70'000ul}) {
    Bytes content(size);
    for (std::size_t i = 0; i < size; ++i)
      content[i] = static_cast<Byte>(i % 251);
    auto sink = store.begin_content(size);
    ASSERT_TRUE(sink);
    ASSERT_TRUE((*sink)->write(content));
    ASSERT_TRUE((*sink)->finish());
    messages.push_back({to, from, MessageType::file, std::move(*sink)});
    expected.push_back({{from, 0, 4, static_cast<std::uint32_t>(size)}, content});
  }
  auto ids = store.insert_messages(messages);
  ASSERT_TRUE(ids);
  for (std::size_t i = 0; i < expected.size(); ++i)
    expected[i].header.message_id = (*ids)[i];
  auto whole = protocol::encode_pull_payload(expected);
  for (std::size_t buffer_size : {1ul, 24ul, 25ul, 26ul, 4096ul, 1ul << 20}) {
    PullDownload download(to, *store.pending_messages(to));
    ASSERT_EQ(download.payload_size(), whole.size());
    Bytes streamed;
    Bytes buffer(buffer_size);
    for (;;) {
      auto count = download.read(store, buffer);
      ASSERT_TRUE(count) << count.error().message;
      if (*count == 0)
        break;
      streamed.insert(streamed.end(), buffer.begin(),
                      buffer.begin() + static_cast<std::ptrdiff_t>(*count));
    }
    EXPECT_EQ(streamed, whole) << "buffer of " << buffer_size;
    EXPECT_TRUE(download.finished());
  }
}

} // namespace
} // namespace messageu::server
