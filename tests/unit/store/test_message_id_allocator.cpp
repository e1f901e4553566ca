// Message id allocation: increasing ids, the wrap from 2^32 − 1 to 1, skipping held ids.
#include <messageu/store/message_id_allocator.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace messageu;
using namespace messageu::store;

namespace {

// An "in use" predicate over a set of held ids that counts how often it is asked.
struct HeldIds {
  std::set<MessageId> ids;
  int questions = 0;

  std::function<Result<bool>(MessageId)> predicate() {
    return [this](MessageId id) -> Result<bool> {
      ++questions;
      return ids.contains(id);
    };
  }
};

} // namespace

TEST(MessageIdAllocator, FollowsTheLastIdByOne) {
  EXPECT_EQ(following_message_id(0), 1u);
  EXPECT_EQ(following_message_id(41), 42u);
  EXPECT_EQ(following_message_id(0xFFFF'FFFEu), 0xFFFF'FFFFu);
}

TEST(MessageIdAllocator, WrapsFromTheLargestIdToOneNeverZero) {
  EXPECT_EQ(following_message_id(0xFFFF'FFFFu), 1u);
  HeldIds held;
  EXPECT_EQ(*next_message_id(0xFFFF'FFFFu, 10, held.predicate()), 1u);
}

TEST(MessageIdAllocator, GivesTheNextIdWhenItIsFree) {
  HeldIds held{{1, 2, 3}};
  EXPECT_EQ(*next_message_id(3, 4, held.predicate()), 4u);
  EXPECT_EQ(held.questions, 1);
}

TEST(MessageIdAllocator, SkipsIdsStillHeldAfterAWrap) {
  HeldIds held{{1, 2, 4, 0xFFFF'FFFFu}};
  EXPECT_EQ(*next_message_id(0xFFFF'FFFEu, held.ids.size() + 1, held.predicate()), 3u);
}

TEST(MessageIdAllocator, FindsAFreeIdWithinHeldCountPlusOneCandidates) {
  HeldIds held;
  for (MessageId id = 10; id < 20; ++id)
    held.ids.insert(id);
  auto id = next_message_id(9, held.ids.size() + 1, held.predicate());
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 20u);
  EXPECT_EQ(held.questions, 11);
}

TEST(MessageIdAllocator, ReportsAStorageErrorWhenEveryCandidateIsHeld) {
  HeldIds held{{5, 6, 7}};
  auto id = next_message_id(4, 3, held.predicate());
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, Errc::storage);
  EXPECT_EQ(held.questions, 3);
}

TEST(MessageIdAllocator, PassesOnTheErrorOfThePredicate) {
  auto failing = [](MessageId) -> Result<bool> { return make_error(Errc::storage, "disk"); };
  auto id = next_message_id(1, 100, failing);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), make_error(Errc::storage, "disk"));
}

TEST(MessageIdAllocator, MeasuresDistancesAlongTheCycle) {
  EXPECT_EQ(message_id_distance(5, 5), 0u);
  EXPECT_EQ(message_id_distance(5, 9), 4u);
  EXPECT_EQ(message_id_distance(0, 1), 1u); // 0, no id yet, stands just before 1
  EXPECT_EQ(message_id_distance(0xFFFF'FFFFu, 1), 1u);
  EXPECT_EQ(message_id_distance(0xFFFF'FFFEu, 2), 3u);
  EXPECT_EQ(message_id_distance(3, 1), 0xFFFF'FFFDu);
}

TEST(MessageIdAllocator, AdvancesAlongTheCycleAndWraps) {
  EXPECT_EQ(advance_message_id(5, 3), 8u);
  EXPECT_EQ(advance_message_id(0, 1), 1u);
  EXPECT_EQ(advance_message_id(0xFFFF'FFFFu, 1), 1u);
  // 255 steps up to 2^32 − 1, one to 1, then 3840 more.
  EXPECT_EQ(advance_message_id(0xFFFF'FF00u, 4096), 3841u);
  for (MessageId id : {1u, 77u, 0xFFFF'FFF0u})
    EXPECT_EQ(message_id_distance(id, advance_message_id(id, 4096)), 4096u);
}
