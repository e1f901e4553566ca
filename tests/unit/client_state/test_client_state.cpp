// The client's state.db: users and pinned keys, symmetric key history, the inbox spool and
// server protocol facts, each checked again after reopening the file.
#include <messageu/client_state/client_state.hpp>
#include <messageu/sqlite/sqlite.hpp>

#include <messageu/util/utc_time.hpp>

#include "support/temp_dir.hpp"
#include "unit/client_state/client_state_test_data.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace messageu;
using namespace messageu::client_state;
using namespace messageu::sqlite;
using messageu::test::make_id;
using messageu::test::make_key;
using messageu::test::TempDir;

namespace {

AesKeyBytes make_aes_key(Byte seed) {
  AesKeyBytes key{};
  key.fill(seed);
  return key;
}

SpooledMessage make_message(Byte sender_seed, MessageId id, MessageType type, Bytes content) {
  SpooledMessage message;
  message.message_id = id;
  message.sender = make_id(sender_seed);
  message.type = type;
  message.content_size = content.size();
  message.content = std::move(content);
  return message;
}

class ClientStateTest : public ::testing::Test {
protected:
  void SetUp() override { m_state.emplace(open()); }

  ClientState open() {
    auto state = ClientState::open(path());
    if (!state)
      throw std::runtime_error(state.error().message);
    return std::move(state).value();
  }
  // Closes and opens the file again, to check that what was stored persists.
  void reopen() {
    m_state.reset();
    m_state.emplace(open());
  }
  std::filesystem::path path() const { return m_dir / "state.db"; }
  ClientState &state() { return *m_state; }

  TempDir m_dir;
  std::optional<ClientState> m_state;
};

mode_t mode_of(const std::filesystem::path &path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777;
}

} // namespace

TEST_F(ClientStateTest, CreatesDatabaseFilesWithMode0600) {
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(1)));
  EXPECT_EQ(mode_of(path()), 0600u);
  // The write-ahead log exists while the connection is open; it holds the same secrets.
  auto wal = path().string() + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_EQ(mode_of(wal), 0600u);
}

TEST_F(ClientStateTest, UsesWriteAheadLog) {
  auto database = Database::open(path());
  ASSERT_TRUE(database);
  auto pragma = database->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(pragma);
  ASSERT_TRUE(*pragma->step());
  EXPECT_EQ(pragma->column_text(0), "wal");
}

TEST(ClientStateFile, NarrowsModeOfExistingFile) {
  TempDir dir;
  auto path = dir / "state.db";
  test::write_file(path, "");
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(ClientState::open(path));
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(ClientStateFile, RefusesFileThatIsNotADatabase) {
  TempDir dir;
  test::write_file(dir / "state.db", std::string(4096, 'x'));
  auto state = ClientState::open(dir / "state.db");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, Errc::storage);
  // The message names the file and says what to do with it.
  EXPECT_NE(state.error().message.find((dir / "state.db").string() + " is damaged"),
            std::string::npos)
      << state.error().message;
  EXPECT_NE(state.error().message.find("move it aside"), std::string::npos);
}

TEST(ClientStateFile, RefusesMissingDirectory) {
  TempDir dir;
  auto state = ClientState::open(dir / "missing" / "state.db");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, Errc::storage);
}

TEST(ClientStateFile, RefusesSchemaFromNewerVersion) {
  TempDir dir;
  ASSERT_TRUE(ClientState::open(dir / "state.db"));
  {
    auto database = Database::open(dir / "state.db");
    ASSERT_TRUE(database);
    ASSERT_TRUE(database->set_user_version(99));
  }
  auto state = ClientState::open(dir / "state.db");
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, Errc::storage);
  EXPECT_NE(state.error().message.find("newer"), std::string::npos);
}

TEST_F(ClientStateTest, UpsertAddsUsersAndFindsThemByNameAndId) {
  std::vector<UserListing> listing{{make_id(1), "bob"}, {make_id(2), "carol"}};
  ASSERT_TRUE(state().upsert_users(listing));
  auto bob = state().find_user_by_name("bob");
  ASSERT_TRUE(bob);
  ASSERT_TRUE(bob->has_value());
  EXPECT_EQ((*bob)->id, make_id(1));
  EXPECT_FALSE((*bob)->pinned_key);
  EXPECT_GT((*bob)->first_seen, 0);
  EXPECT_GE((*bob)->last_seen, (*bob)->first_seen);
  auto carol = state().find_user_by_id(make_id(2));
  ASSERT_TRUE(carol && carol->has_value());
  EXPECT_EQ((*carol)->name, "carol");
}

TEST_F(ClientStateTest, UnknownUsersAreNotFound) {
  EXPECT_FALSE(state().find_user_by_name("nobody")->has_value());
  EXPECT_FALSE(state().find_user_by_id(make_id(9))->has_value());
}

TEST_F(ClientStateTest, NameLookupIsExact) {
  std::vector<UserListing> listing{{make_id(1), "Bob"}};
  ASSERT_TRUE(state().upsert_users(listing));
  EXPECT_FALSE(state().find_user_by_name("bob")->has_value());
  EXPECT_FALSE(state().find_user_by_name("Bo")->has_value());
  EXPECT_TRUE(state().find_user_by_name("Bob")->has_value());
}

TEST_F(ClientStateTest, UpsertRenamesKnownIdAndKeepsUsersNotListed) {
  std::vector<UserListing> first{{make_id(1), "bob"}, {make_id(2), "carol"}};
  ASSERT_TRUE(state().upsert_users(first));
  std::vector<UserListing> second{{make_id(1), "robert"}};
  ASSERT_TRUE(state().upsert_users(second));
  EXPECT_EQ((*state().find_user_by_id(make_id(1)))->name, "robert");
  EXPECT_FALSE(state().find_user_by_name("bob")->has_value());
  EXPECT_TRUE(state().find_user_by_id(make_id(2))->has_value());
}

TEST_F(ClientStateTest, AllUsersAreOrderedByName) {
  std::vector<UserListing> listing{
      {make_id(3), "zoe"}, {make_id(1), "adam"}, {make_id(2), "mallory"}};
  ASSERT_TRUE(state().upsert_users(listing));
  auto users = state().all_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].name, "adam");
  EXPECT_EQ((*users)[1].name, "mallory");
  EXPECT_EQ((*users)[2].name, "zoe");
}

TEST_F(ClientStateTest, RecordsAKeyAsTheDecisionChooses) {
  std::optional<KnownUser> shown = KnownUser{};
  auto pin = [&shown](const std::optional<KnownUser> &known) {
    shown = known;
    return KeyRecord::pin;
  };
  auto offer = [](const std::optional<KnownUser> &) { return KeyRecord::offer; };
  EXPECT_EQ(*state().record_key(make_id(1), make_key(1), offer), KeyRecord::offer);
  EXPECT_FALSE(*state().find_user_by_id(make_id(1)));
  EXPECT_EQ(*state().record_key(make_id(1), make_key(1), pin), KeyRecord::pin);
  EXPECT_FALSE(shown);
  ASSERT_TRUE(state().record_key(make_id(1), make_key(2), offer));
  ASSERT_TRUE(state().record_key(make_id(1), make_key(3), pin));
  EXPECT_EQ(shown->offered_key, make_key(2));
  auto user = *state().find_user_by_id(make_id(1));
  EXPECT_EQ(user->pinned_key, make_key(3));
  EXPECT_FALSE(user->offered_key);
}

TEST_F(ClientStateTest, ACheckRefusingAProtocolChangeKeepsTheRecord) {
  ASSERT_TRUE(state().remember_server_protocol("host:1", ServerProtocol::authenticated));
  ServerProtocol seen = ServerProtocol::unknown;
  auto refuse = [&seen](ServerProtocol remembered) -> Status {
    seen = remembered;
    return make_error(Errc::key_changed, "refused");
  };
  auto refused = state().remember_server_protocol("host:1", ServerProtocol::classic, refuse);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::key_changed);
  EXPECT_EQ(seen, ServerProtocol::authenticated);
  EXPECT_EQ(*state().remembered_server_protocol("host:1"), ServerProtocol::authenticated);
}

TEST_F(ClientStateTest, ReplacingKeyOfUnknownUserIsUnknownUser) {
  EXPECT_EQ(state().replace_pinned_key(make_id(5), make_key(1)).error().code, Errc::unknown_user);
}

TEST_F(ClientStateTest, SymmetricKeysComeNewestFirstPerPeer) {
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(1)));
  ASSERT_TRUE(state().add_symmetric_key(make_id(2), make_aes_key(9)));
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(2)));
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(3)));
  reopen();
  auto keys = state().symmetric_keys(make_id(1));
  ASSERT_TRUE(keys);
  EXPECT_EQ(*keys, (std::vector<AesKeyBytes>{make_aes_key(3), make_aes_key(2), make_aes_key(1)}));
  EXPECT_EQ(*state().symmetric_keys(make_id(2)), (std::vector<AesKeyBytes>{make_aes_key(9)}));
  EXPECT_TRUE(state().symmetric_keys(make_id(3))->empty());
}

TEST_F(ClientStateTest, AddingNewestKeyAgainChangesNothingButOlderKeyBecomesNewest) {
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(1)));
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(2)));
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(2)));
  EXPECT_EQ(state().symmetric_keys(make_id(1))->size(), 2u);
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(1)));
  EXPECT_EQ(state().symmetric_keys(make_id(1))->front(), make_aes_key(1));
}

TEST_F(ClientStateTest, KeyHistoryKeepsOnlyTheNewestKeys) {
  for (std::size_t i = 0; i < k_symmetric_key_history + 5; ++i)
    ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(static_cast<Byte>(i))));
  auto keys = *state().symmetric_keys(make_id(1));
  ASSERT_EQ(keys.size(), k_symmetric_key_history);
  EXPECT_EQ(keys.front(), make_aes_key(static_cast<Byte>(k_symmetric_key_history + 4)));
  EXPECT_EQ(keys.back(), make_aes_key(5));
}

TEST_F(ClientStateTest, SpoolKeepsMessagesInOrderAcrossReopen) {
  std::vector<SpooledMessage> messages{
      make_message(1, 10, MessageType::key_request, {}),
      make_message(2, 11, MessageType::text, {1, 2, 3}),
      make_message(1, 12, MessageType::symmetric_key, Bytes(128, 0xab)),
  };
  auto before = unix_seconds_now();
  ASSERT_TRUE(state().spool_messages(messages));
  auto after = unix_seconds_now();
  reopen();
  auto spooled = state().spooled_messages();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->size(), 3u);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto expected = messages[i];
    expected.row_id = (*spooled)[i].row_id;
    // Spooling records when each message arrived.
    ASSERT_TRUE((*spooled)[i].received) << i;
    EXPECT_GE(*(*spooled)[i].received, before);
    EXPECT_LE(*(*spooled)[i].received, after);
    expected.received = (*spooled)[i].received;
    EXPECT_EQ((*spooled)[i], expected) << i;
  }
  EXPECT_LT((*spooled)[0].row_id, (*spooled)[1].row_id);
  EXPECT_LT((*spooled)[1].row_id, (*spooled)[2].row_id);
}

TEST_F(ClientStateTest, SpoolingSameMessagesTwiceStoresThemOnce) {
  std::vector<SpooledMessage> messages{make_message(1, 10, MessageType::text, {1, 2}),
                                       make_message(2, 10, MessageType::text, {3})};
  ASSERT_TRUE(state().spool_messages(messages));
  ASSERT_TRUE(state().spool_messages(messages));
  // The same message twice within one answer, too.
  std::vector<SpooledMessage> doubled{make_message(3, 1, MessageType::text, {5}),
                                      make_message(3, 1, MessageType::text, {5})};
  ASSERT_TRUE(state().spool_messages(doubled));
  EXPECT_EQ(state().spooled_messages()->size(), 3u);
}

TEST_F(ClientStateTest, ReusedMessageIdWithOtherContentIsANewMessage) {
  std::vector<SpooledMessage> first{make_message(1, 10, MessageType::text, {1, 2})};
  std::vector<SpooledMessage> second{make_message(1, 10, MessageType::text, {3, 4})};
  ASSERT_TRUE(state().spool_messages(first));
  ASSERT_TRUE(state().spool_messages(second));
  EXPECT_EQ(state().spooled_messages()->size(), 2u);
}

TEST_F(ClientStateTest, SpoolHoldsLargeContentsAsFilePaths) {
  auto message = make_message(1, 77, MessageType::file, {});
  message.content_path = m_dir / "spool" / "77.content";
  message.content_size = 5'000'000'000;
  std::vector<SpooledMessage> messages{message};
  EXPECT_FALSE(*state().is_spooled(message.sender, 77, MessageType::file, 5'000'000'000));
  ASSERT_TRUE(state().spool_messages(messages));
  EXPECT_TRUE(*state().is_spooled(message.sender, 77, MessageType::file, 5'000'000'000));
  EXPECT_FALSE(*state().is_spooled(message.sender, 77, MessageType::file, 10));
  EXPECT_FALSE(*state().is_spooled(message.sender, 78, MessageType::file, 5'000'000'000));
  ASSERT_TRUE(state().spool_messages(messages));
  auto spooled = *state().spooled_messages();
  ASSERT_EQ(spooled.size(), 1u);
  EXPECT_EQ(spooled[0].content_path, message.content_path);
  EXPECT_EQ(spooled[0].content_size, 5'000'000'000u);
  EXPECT_TRUE(spooled[0].content.empty());
}

TEST_F(ClientStateTest, RemovingSpooledMessageDropsOnlyThatOne) {
  std::vector<SpooledMessage> messages{make_message(1, 1, MessageType::text, {1}),
                                       make_message(1, 2, MessageType::text, {2})};
  ASSERT_TRUE(state().spool_messages(messages));
  auto spooled = *state().spooled_messages();
  ASSERT_TRUE(state().remove_spooled(spooled[0].row_id));
  EXPECT_TRUE(state().remove_spooled(spooled[0].row_id));
  EXPECT_TRUE(state().remove_spooled(123456));
  reopen();
  auto left = *state().spooled_messages();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message_id, 2u);
}

TEST_F(ClientStateTest, EmptySpoolIsEmpty) {
  ASSERT_TRUE(state().spool_messages({}));
  EXPECT_TRUE(state().spooled_messages()->empty());
}

TEST_F(ClientStateTest, ServerProtocolIsUnknownUntilRemembered) {
  EXPECT_EQ(*state().remembered_server_protocol("127.0.0.1:1"), ServerProtocol::unknown);
  ASSERT_TRUE(state().remember_server_protocol("127.0.0.1:1", ServerProtocol::classic));
  reopen();
  EXPECT_EQ(*state().remembered_server_protocol("127.0.0.1:1"), ServerProtocol::classic);
  EXPECT_EQ(*state().remembered_server_protocol("127.0.0.1:2"), ServerProtocol::unknown);
}

TEST_F(ClientStateTest, ForgettingServerProtocolIsInvalid) {
  EXPECT_EQ(state().remember_server_protocol("host:1", ServerProtocol::unknown).error().code,
            Errc::invalid_argument);
}

TEST_F(ClientStateTest, ServerDialectIsRememberedBesideTheProtocol) {
  EXPECT_EQ(*state().remembered_server_dialect("host:1"), std::nullopt);
  ASSERT_TRUE(state().remember_server_dialect("host:1", "2021c"));
  EXPECT_EQ(*state().remembered_server_protocol("host:1"), ServerProtocol::unknown);
  ASSERT_TRUE(state().remember_server_protocol("host:1", ServerProtocol::authenticated));
  ASSERT_TRUE(state().remember_server_dialect("host:1", "2026"));
  reopen();
  EXPECT_EQ(*state().remembered_server_dialect("host:1"), std::optional<std::string>("2026"));
  EXPECT_EQ(*state().remembered_server_protocol("host:1"), ServerProtocol::authenticated);
  EXPECT_EQ(*state().remembered_server_dialect("host:2"), std::nullopt);
}

TEST_F(ClientStateTest, TwoConnectionsSeeEachOthersWrites) {
  auto second = ClientState::open(path());
  ASSERT_TRUE(second);
  ASSERT_TRUE(state().add_symmetric_key(make_id(1), make_aes_key(1)));
  EXPECT_EQ(second->symmetric_keys(make_id(1))->size(), 1u);
}

TEST_F(ClientStateTest, SpoolKeepsWhatADecryptedFileNeedsAcrossReopen) {
  auto message = make_message(2, 90, MessageType::file, {});
  message.content_path = m_dir / "downloads" / ".messageu-0-abc.part";
  message.content_size = 1'048'592;
  DecryptedContent decrypted;
  decrypted.key = make_aes_key(7);
  decrypted.ciphertext_tail = Bytes(32, 0x5a);
  decrypted.plaintext_size = 1'048'580;
  decrypted.sha256.fill(0xc3);
  message.decrypted = decrypted;
  auto raw = make_message(2, 91, MessageType::file, {});
  raw.content_path = m_dir / "spool" / "incoming-1";
  raw.content_size = 100'000;
  std::vector<SpooledMessage> messages{message, raw};
  ASSERT_TRUE(state().spool_messages(messages));
  reopen();
  auto spooled = *state().spooled_messages();
  ASSERT_EQ(spooled.size(), 2u);
  ASSERT_TRUE(spooled[0].decrypted);
  EXPECT_EQ(*spooled[0].decrypted, decrypted);
  EXPECT_EQ(spooled[0].content_path, message.content_path);
  EXPECT_EQ(spooled[0].content_size, 1'048'592u);
  EXPECT_FALSE(spooled[1].decrypted);
  EXPECT_TRUE(*state().is_spooled(message.sender, 90, MessageType::file, 1'048'592));
}

namespace {

// A state.db as schema `version` (1 or 2) made it, then `rows` run on it.
void make_old_state_db(const std::filesystem::path &path, std::int64_t version,
                       std::string_view rows) {
  auto database = Database::open(path);
  ASSERT_TRUE(database);
  ASSERT_TRUE(database->exec(R"sql(
    CREATE TABLE users (id BLOB PRIMARY KEY NOT NULL, name TEXT NOT NULL DEFAULT '',
      pinned_key BLOB, offered_key BLOB, first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL);
    CREATE TABLE symmetric_keys (sequence INTEGER PRIMARY KEY AUTOINCREMENT,
      peer BLOB NOT NULL, key BLOB NOT NULL, added INTEGER NOT NULL);
    CREATE TABLE spool (sequence INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id INTEGER NOT NULL, sender BLOB NOT NULL, type INTEGER NOT NULL,
      content BLOB, content_path TEXT, content_size INTEGER NOT NULL);
    CREATE TABLE servers (endpoint TEXT PRIMARY KEY NOT NULL, protocol INTEGER NOT NULL,
      updated INTEGER NOT NULL);
  )sql"));
  if (version >= 2) {
    ASSERT_TRUE(database->exec("ALTER TABLE spool ADD COLUMN plaintext_key BLOB; "
                               "ALTER TABLE spool ADD COLUMN plaintext_tail BLOB; "
                               "ALTER TABLE spool ADD COLUMN plaintext_size INTEGER; "
                               "ALTER TABLE spool ADD COLUMN plaintext_sha256 BLOB;"));
  }
  if (version >= 3) {
    ASSERT_TRUE(database->exec("ALTER TABLE servers ADD COLUMN dialect TEXT;"));
  }
  ASSERT_TRUE(database->exec(rows));
  ASSERT_TRUE(database->set_user_version(version));
}

} // namespace

TEST(ClientStateFile, UpgradesASchema1DatabaseKeepingItsSpool) {
  TempDir dir;
  // The tables as the first schema made them, with one spooled raw file.
  make_old_state_db(dir / "state.db", 1, R"sql(
    INSERT INTO spool (message_id, sender, type, content, content_path, content_size)
      VALUES (5, zeroblob(16), 4, NULL, '/spool/incoming-old', 70000);
  )sql");
  auto state = ClientState::open(dir / "state.db");
  ASSERT_TRUE(state) << state.error().message;
  auto spooled = *state->spooled_messages();
  ASSERT_EQ(spooled.size(), 1u);
  EXPECT_EQ(spooled[0].message_id, 5u);
  EXPECT_EQ(spooled[0].content_path, std::filesystem::path("/spool/incoming-old"));
  EXPECT_FALSE(spooled[0].decrypted);

  auto message = make_message(3, 6, MessageType::file, {});
  message.content_path = dir / ".messageu-0-x.part";
  message.content_size = 80'000;
  message.decrypted = DecryptedContent{make_aes_key(1), Bytes(32, 1), 79'990, {}};
  std::vector<SpooledMessage> messages{message};
  ASSERT_TRUE(state->spool_messages(messages));
  state = ClientState::open(dir / "state.db"); // opens as is the second time
  ASSERT_TRUE(state) << state.error().message;
  spooled = *state->spooled_messages();
  ASSERT_EQ(spooled.size(), 2u);
  ASSERT_TRUE(spooled[1].decrypted);
  EXPECT_EQ(spooled[1].decrypted->plaintext_size, 79'990u);
}

TEST(ClientStateFile, UpgradesASchema2DatabaseKeepingItsServers) {
  TempDir dir;
  // The tables as the second schema made them: servers without a dialect.
  make_old_state_db(dir / "state.db", 2,
                    "INSERT INTO servers (endpoint, protocol, updated) VALUES ('host:1', 2, 0);");
  auto state = ClientState::open(dir / "state.db");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state->remembered_server_protocol("host:1"), ServerProtocol::authenticated);
  EXPECT_EQ(*state->remembered_server_dialect("host:1"), std::nullopt);
  ASSERT_TRUE(state->remember_server_dialect("host:1", "2022"));
  state = ClientState::open(dir / "state.db"); // opens as is the second time
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state->remembered_server_dialect("host:1"), std::optional<std::string>("2022"));
  EXPECT_EQ(*state->remembered_server_protocol("host:1"), ServerProtocol::authenticated);
}

TEST(ClientStateFile, UpgradesASchema3DatabaseRecordingReceivedTimesFromThenOn) {
  TempDir dir;
  // The tables as the third schema made them: spool rows without a received time.
  make_old_state_db(dir / "state.db", 3, R"sql(
    INSERT INTO spool (message_id, sender, type, content, content_size)
      VALUES (8, zeroblob(16), 3, x'00112233445566778899aabbccddeeff', 16);
  )sql");
  auto state = ClientState::open(dir / "state.db");
  ASSERT_TRUE(state) << state.error().message;
  auto spooled = *state->spooled_messages();
  ASSERT_EQ(spooled.size(), 1u);
  EXPECT_EQ(spooled[0].message_id, 8u);
  EXPECT_EQ(spooled[0].received, std::nullopt); // not recorded then, and not made up now

  auto message = make_message(4, 9, MessageType::text, Bytes(16, 7));
  message.received = 1'800'000'000;
  std::vector<SpooledMessage> messages{message};
  ASSERT_TRUE(state->spool_messages(messages));
  state = ClientState::open(dir / "state.db"); // opens as is the second time
  ASSERT_TRUE(state) << state.error().message;
  spooled = *state->spooled_messages();
  ASSERT_EQ(spooled.size(), 2u);
  EXPECT_EQ(spooled[1].received, std::optional<std::int64_t>(1'800'000'000));
}
