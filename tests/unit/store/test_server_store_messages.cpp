// The server store, messages, on each backend: batches, ids, stored order, inline and large
// contents, deletion with reclaim of the contents, per-recipient totals.
#include <messageu/sqlite/storage_error.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "store_backends.hpp"
#include "store_test_helpers.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::store;
using namespace messageu::sqlite;
using namespace messageu::store::test;

namespace {

class ServerStoreMessages : public ServerStoreTest {
protected:
  std::size_t held_content_count() { return backend().held_content_count(*store); }
};

const ClientId k_alice = client_id(1);
const ClientId k_bob = client_id(2);
const ClientId k_carol = client_id(3);

} // namespace

TEST_P(ServerStoreMessages, InsertsABatchWithUniqueIncreasingIds) {
  std::vector<NewMessage> batch;
  for (std::uint32_t i = 0; i < 64; ++i)
    batch.push_back(message(*store, k_bob, k_alice, pattern(i, i)));
  auto ids = store->insert_messages(batch);
  ASSERT_TRUE(ids) << ids.error().message;
  ASSERT_EQ(ids->size(), 64u);
  for (std::size_t i = 1; i < ids->size(); ++i)
    EXPECT_LT((*ids)[i - 1], (*ids)[i]);
  EXPECT_NE(ids->front(), 0u);
  auto more = insert_one(*store, k_bob, k_alice, pattern(3));
  EXPECT_GT(more, ids->back());
}

TEST_P(ServerStoreMessages, InsertsNothingForAnEmptyBatch) {
  auto ids = store->insert_messages({});
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
}

TEST_P(ServerStoreMessages, ListsPendingMessagesPerRecipientInStoredOrder) {
  auto first = insert_one(*store, k_bob, k_alice, pattern(10), MessageType::text);
  auto other = insert_one(*store, k_carol, k_alice, pattern(11));
  std::vector<NewMessage> batch;
  batch.push_back(message(*store, k_bob, k_carol, {}, MessageType::key_request));
  batch.push_back(message(*store, k_bob, k_alice, pattern(128), MessageType::symmetric_key));
  auto ids = store->insert_messages(batch);
  ASSERT_TRUE(ids);
  auto pending = store->pending_messages(k_bob);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending,
            (std::vector<StoredMessage>{{first, k_alice, MessageType::text, 10},
                                        {(*ids)[0], k_carol, MessageType::key_request, 0},
                                        {(*ids)[1], k_alice, MessageType::symmetric_key, 128}}));
  EXPECT_EQ(*store->pending_messages(k_carol),
            (std::vector<StoredMessage>{{other, k_alice, MessageType::text, 11}}));
}

TEST_P(ServerStoreMessages, ReportsNothingPendingForAClientWithoutMessages) {
  insert_one(*store, k_bob, k_alice, pattern(5));
  EXPECT_TRUE(store->pending_messages(k_alice)->empty());
  EXPECT_FALSE(*store->has_pending(k_alice));
  EXPECT_TRUE(*store->has_pending(k_bob));
}

TEST_P(ServerStoreMessages, ShowsNoMessageBeforeItIsInserted) {
  auto staged = message(*store, k_bob, k_alice, pattern(200'000));
  EXPECT_FALSE(*store->has_pending(k_bob));
  EXPECT_TRUE(store->pending_messages(k_bob)->empty());
  EXPECT_EQ(*store->pending_totals(k_bob), PendingTotals{});
  std::vector<NewMessage> batch;
  batch.push_back(std::move(staged));
  ASSERT_TRUE(store->insert_messages(batch));
  EXPECT_TRUE(*store->has_pending(k_bob));
}

TEST_P(ServerStoreMessages, RoundTripsInlineContents) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{128}, std::size_t{4096},
                           std::size_t{backend().inline_limit()}}) {
    auto content = pattern(size, static_cast<std::uint32_t>(size));
    auto id = insert_one(*store, k_bob, k_alice, content);
    EXPECT_EQ(read_content(*store, id), content) << size;
  }
  EXPECT_EQ(held_content_count(), 0u);
}

TEST_P(ServerStoreMessages, RoundTripsALargeContentInChunks) {
  auto content = pattern(5 * 1024 * 1024, 77);
  auto id = insert_one(*store, k_bob, k_alice, content);
  EXPECT_EQ(held_content_count(), 1u);
  auto source = store->open_content(id);
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->size(), content.size());
  EXPECT_EQ(read_all(**source, 65536), content);
}

TEST_P(ServerStoreMessages, StoresAContentOneByteAboveTheInlineLimitApart) {
  auto content = pattern(backend().inline_limit() + 1);
  auto id = insert_one(*store, k_bob, k_alice, content);
  EXPECT_EQ(held_content_count(), 1u);
  EXPECT_EQ(read_content(*store, id), content);
}

TEST_P(ServerStoreMessages, RefusesAContentAboveTheProtocolMaximum) {
  auto sink = store->begin_content(k_max_content_size + 1);
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().code, Errc::too_large);
}

TEST_P(ServerStoreMessages, RefusesAnUnfinishedContentAndStoresNoneOfTheBatch) {
  std::vector<NewMessage> batch;
  batch.push_back(message(*store, k_bob, k_alice, pattern(10)));
  auto unfinished = store->begin_content(100'000);
  ASSERT_TRUE(unfinished && (*unfinished)->write(pattern(100'000)));
  batch.push_back(NewMessage{k_bob, k_alice, MessageType::file, std::move(unfinished).value()});
  auto ids = store->insert_messages(batch);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().code, Errc::invalid_argument);
  EXPECT_FALSE(*store->has_pending(k_bob));
  batch.clear(); // dropping the staged contents removes their files
  EXPECT_EQ(held_content_count(), 0u);
}

TEST_P(ServerStoreMessages, RefusesAContentMadeByAnotherStore) {
  auto other = backend().open_another();
  std::vector<NewMessage> batch;
  batch.push_back(message(*other, k_bob, k_alice, pattern(10)));
  auto ids = store->insert_messages(batch);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().code, Errc::invalid_argument);
  batch.clear();
  batch.push_back(NewMessage{k_bob, k_alice, MessageType::text, nullptr});
  EXPECT_EQ(store->insert_messages(batch).error().code, Errc::invalid_argument);
}

TEST_P(ServerStoreMessages, DeletesMessagesAndReleasesTheirContents) {
  auto small = insert_one(*store, k_bob, k_alice, pattern(10));
  auto large = insert_one(*store, k_bob, k_alice, pattern(300'000));
  auto kept = insert_one(*store, k_bob, k_alice, pattern(400'000));
  ASSERT_EQ(held_content_count(), 2u);
  std::vector<MessageId> ids{small, large};
  auto deleted = store->delete_messages(k_bob, ids);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 2u);
  EXPECT_EQ(held_content_count(), 1u);
  EXPECT_EQ(*store->pending_messages(k_bob),
            (std::vector<StoredMessage>{{kept, k_alice, MessageType::text, 400'000}}));
  if (!backend().keeps_deleted_messages_readable()) {
    EXPECT_EQ(store->open_content(large).error().code, Errc::invalid_argument);
  }
}

TEST_P(ServerStoreMessages, DeletesOnlyTheRecipientsOwnMessagesAndCountsEachOnce) {
  auto for_bob = insert_one(*store, k_bob, k_alice, pattern(10));
  auto for_carol = insert_one(*store, k_carol, k_alice, pattern(10));
  std::vector<MessageId> ids{for_bob, for_bob, for_carol, 999'999};
  EXPECT_EQ(*store->delete_messages(k_bob, ids), 1u);
  EXPECT_EQ(*store->delete_messages(k_bob, ids), 0u); // repeating is harmless
  EXPECT_TRUE(*store->has_pending(k_carol));
  EXPECT_EQ(*store->delete_messages(k_bob, {}), 0u);
}

TEST_P(ServerStoreMessages, KeepsAnOpenedContentReadableAfterItsMessageIsDeleted) {
  auto content = pattern(200'000, 5);
  auto id = insert_one(*store, k_bob, k_alice, content);
  auto source = store->open_content(id);
  ASSERT_TRUE(source);
  std::vector<MessageId> ids{id};
  ASSERT_EQ(*store->delete_messages(k_bob, ids), 1u);
  EXPECT_EQ(held_content_count(), 0u);
  EXPECT_EQ(read_all(**source), content);
}

TEST_P(ServerStoreMessages, DoesNotReuseTheIdOfADeletedMessage) {
  auto first = insert_one(*store, k_bob, k_alice, pattern(1));
  std::vector<MessageId> ids{first};
  ASSERT_EQ(*store->delete_messages(k_bob, ids), 1u);
  EXPECT_GT(insert_one(*store, k_bob, k_alice, pattern(1)), first);
}

TEST_P(ServerStoreMessages, ReportsAnUnknownMessageId) {
  auto source = store->open_content(12345);
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, Errc::invalid_argument);
}

TEST_P(ServerStoreMessages, TotalsPendingMessagesAndBytesPerRecipient) {
  insert_one(*store, k_bob, k_alice, pattern(100));
  insert_one(*store, k_bob, k_carol, pattern(70'000));
  insert_one(*store, k_carol, k_alice, pattern(5));
  EXPECT_EQ(*store->pending_totals(k_bob), (PendingTotals{2, 70'100}));
  EXPECT_EQ(*store->pending_totals(k_carol), (PendingTotals{1, 5}));
  EXPECT_EQ(*store->pending_totals(k_alice), (PendingTotals{0, 0}));
}

TEST_P(ServerStoreMessages, TotalsEachSendersPartOfARecipientsPendingMessages) {
  insert_one(*store, k_bob, k_alice, pattern(100));
  insert_one(*store, k_bob, k_alice, pattern(20));
  insert_one(*store, k_bob, k_carol, pattern(70'000));
  insert_one(*store, k_carol, k_bob, pattern(5));
  EXPECT_EQ(*store->pending_totals(k_bob, k_alice), (PendingFromSender{{3, 70'120}, {2, 120}}));
  EXPECT_EQ(*store->pending_totals(k_bob, k_carol), (PendingFromSender{{3, 70'120}, {1, 70'000}}));
  EXPECT_EQ(*store->pending_totals(k_bob, k_bob), (PendingFromSender{{3, 70'120}, {}}));
  EXPECT_EQ(*store->pending_totals(k_carol, k_alice), (PendingFromSender{{1, 5}, {}}));
  EXPECT_EQ(*store->pending_totals(k_alice, k_bob), PendingFromSender{});
}

TEST_P(ServerStoreMessages, TakesDeletedMessagesOffTheirSendersTotals) {
  auto first = insert_one(*store, k_bob, k_alice, pattern(100));
  insert_one(*store, k_bob, k_alice, pattern(20));
  auto carols = insert_one(*store, k_bob, k_carol, pattern(5));
  std::vector<MessageId> ids{first, carols};
  ASSERT_EQ(*store->delete_messages(k_bob, ids), 2u);
  EXPECT_EQ(*store->pending_totals(k_bob, k_alice), (PendingFromSender{{1, 20}, {1, 20}}));
  EXPECT_EQ(*store->pending_totals(k_bob, k_carol), (PendingFromSender{{1, 20}, {}}));
  // Deleting a message held for someone else changes nothing.
  std::vector<MessageId> others{first};
  ASSERT_EQ(*store->delete_messages(k_carol, others), 0u);
  EXPECT_EQ(store->pending_totals(k_bob, k_alice)->from_sender, (PendingTotals{1, 20}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerStoreMessages, ::testing::ValuesIn(store_backends()),
                         backend_name);
