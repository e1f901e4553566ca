// The first step of pull: a response's messages land in the spool (inline or in spool files)
// only when committed, uncommitted files are removed, and a repeated acknowledged pull does
// not store a message twice.
#include <messageu/client/spool_writer.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using messageu::client::SpoolWriter;
using messageu::test::TempDir;

namespace {

class SpoolWriterTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto state = store::ClientState::open(m_directory / "state.db");
    ASSERT_TRUE(state) << state.error().message;
    m_state.emplace(std::move(*state));
  }

  // Feeds one message in chunks of `chunk` bytes.
  static void feed(SpoolWriter &writer, MessageId id, MessageType type, const Bytes &content,
                   std::size_t chunk = 1000) {
    protocol::PulledMessageHeader header;
    header.sender.fill(0x11);
    header.message_id = id;
    header.type = static_cast<std::uint8_t>(type);
    header.content_size = static_cast<std::uint32_t>(content.size());
    ASSERT_TRUE(writer.on_message(header));
    for (std::size_t offset = 0; offset < content.size(); offset += chunk)
      ASSERT_TRUE(writer.on_content(
          ByteView(content).subspan(offset, std::min(chunk, content.size() - offset))));
    ASSERT_TRUE(writer.on_message_end());
  }

  std::vector<std::filesystem::path> spool_files() const {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(spool_directory()))
      for (const auto &entry : std::filesystem::directory_iterator(spool_directory()))
        files.push_back(entry.path());
    return files;
  }

  std::filesystem::path spool_directory() const { return m_directory / "spool"; }

  TempDir m_directory;
  std::optional<store::ClientState> m_state;
};

Bytes filled(std::size_t size, Byte value) { return Bytes(size, value); }

} // namespace

TEST_F(SpoolWriterTest, StoresSmallContentsInlineAndLargeOnesInFiles) {
  auto small = filled(100, 1);
  auto large = filled(SpoolWriter::k_inline_limit + 1, 2);
  {
    SpoolWriter writer(*m_state, spool_directory(), false);
    feed(writer, 7, MessageType::text, small);
    feed(writer, 8, MessageType::file, large, 4096);
    ASSERT_TRUE(writer.commit());
    EXPECT_EQ(writer.pulled_ids(), (std::vector<MessageId>{7, 8}));
    EXPECT_EQ(writer.new_message_count(), 2u);
  }
  auto spooled = m_state->spooled_messages();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->size(), 2u);
  EXPECT_EQ((*spooled)[0].content, small);
  EXPECT_FALSE((*spooled)[0].content_path);
  ASSERT_TRUE((*spooled)[1].content_path);
  EXPECT_EQ((*spooled)[1].content_size, large.size());
  EXPECT_EQ(std::filesystem::file_size(*(*spooled)[1].content_path), large.size());
}

TEST_F(SpoolWriterTest, RemovesItsFilesWhenNeverCommitted) {
  {
    SpoolWriter writer(*m_state, spool_directory(), false);
    feed(writer, 1, MessageType::file, filled(SpoolWriter::k_inline_limit * 2, 3));
    EXPECT_EQ(spool_files().size(), 1u);
  }
  EXPECT_TRUE(spool_files().empty());
  EXPECT_TRUE(m_state->spooled_messages()->empty());
}

TEST_F(SpoolWriterTest, StoresARedeliveredMessageOnce) {
  auto large = filled(SpoolWriter::k_inline_limit * 2, 4);
  for (int pull = 0; pull < 2; ++pull) {
    SpoolWriter writer(*m_state, spool_directory(), true);
    feed(writer, 5, MessageType::text, filled(10, 9));
    feed(writer, 6, MessageType::file, large);
    ASSERT_TRUE(writer.commit());
    EXPECT_EQ(writer.pulled_ids(), (std::vector<MessageId>{5, 6}));
  }
  EXPECT_EQ(m_state->spooled_messages()->size(), 2u);
  EXPECT_EQ(spool_files().size(), 1u);
}

TEST_F(SpoolWriterTest, RemovesOrphanedSpoolFilesButKeepsSpooledOnes) {
  {
    SpoolWriter writer(*m_state, spool_directory(), false);
    feed(writer, 1, MessageType::file, filled(SpoolWriter::k_inline_limit * 2, 5));
    ASSERT_TRUE(writer.commit());
  }
  auto kept = spool_files();
  ASSERT_EQ(kept.size(), 1u);
  messageu::test::write_file(spool_directory() / "incoming-left-by-a-killed-pull", "x");
  messageu::test::write_file(spool_directory() / "unrelated", "y");
  ASSERT_TRUE(SpoolWriter::remove_orphans(*m_state, spool_directory()));
  auto files = spool_files();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::filesystem::path>{kept[0], spool_directory() / "unrelated"}));
}
