// The inbox's delivery: messages come in the order they arrived, a delivered message loses
// its row and then its file, and a kept one stays for the next pull.
#include <messageu/client/inbox.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using messageu::client::Inbox;
using messageu::test::TempDir;

namespace {

class InboxTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto state = client_state::ClientState::open(m_directory / "state.db");
    ASSERT_TRUE(state) << state.error().message;
    m_state.emplace(std::move(*state));
    m_inbox.emplace(*m_state, m_directory / "spool");
  }

  // A text message kept inline, or a content held in `file` when one is given.
  static client_state::SpooledMessage
  message(MessageId id, std::optional<std::filesystem::path> file = std::nullopt) {
    client_state::SpooledMessage spooled;
    spooled.message_id = id;
    spooled.sender.fill(0x33);
    spooled.type = file ? MessageType::file : MessageType::text;
    spooled.content = file ? Bytes{} : Bytes{static_cast<Byte>(id)};
    spooled.content_path = std::move(file);
    spooled.content_size = 1;
    return spooled;
  }

  std::vector<MessageId> delivery_order() {
    std::vector<MessageId> ids;
    EXPECT_TRUE(m_inbox->start_delivery());
    while (const auto *next = m_inbox->next())
      ids.push_back(next->message_id);
    return ids;
  }

  TempDir m_directory;
  std::optional<client_state::ClientState> m_state;
  std::optional<Inbox> m_inbox;
};

} // namespace

TEST_F(InboxTest, DeliversInTheOrderMessagesArrived) {
  std::vector<client_state::SpooledMessage> first{message(9), message(3)};
  std::vector<client_state::SpooledMessage> second{message(5)};
  ASSERT_TRUE(m_inbox->add(first));
  ASSERT_TRUE(m_inbox->add(second));
  EXPECT_EQ(delivery_order(), (std::vector<MessageId>{9, 3, 5}));
  EXPECT_EQ(m_inbox->taken_count(), 3u);
  EXPECT_TRUE(*m_inbox->holds(message(3).sender, 3, MessageType::text, 1));
}

TEST_F(InboxTest, ADeliveredMessageLosesItsRowAndItsFile) {
  auto file = m_directory / "content";
  messageu::test::write_file(file, "x");
  std::vector<client_state::SpooledMessage> messages{message(1, file), message(2)};
  ASSERT_TRUE(m_inbox->add(messages));
  ASSERT_TRUE(m_inbox->start_delivery());
  const auto *first = m_inbox->next();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(m_inbox->delivered(*first));
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(delivery_order(), (std::vector<MessageId>{2}));
}

TEST_F(InboxTest, AKeptMessageStaysForTheNextDelivery) {
  std::vector<client_state::SpooledMessage> messages{message(1), message(2)};
  ASSERT_TRUE(m_inbox->add(messages));
  ASSERT_TRUE(m_inbox->start_delivery());
  const auto *first = m_inbox->next();
  const auto *second = m_inbox->next();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(m_inbox->next(), nullptr);
  m_inbox->keep(*first);
  ASSERT_TRUE(m_inbox->delivered(*second));
  EXPECT_EQ(m_inbox->kept_count(), 1u);
  EXPECT_EQ(delivery_order(), (std::vector<MessageId>{1}));
  EXPECT_EQ(m_inbox->kept_count(), 0u);
}
