// The SQLite backend of ServerStore: one database file in WAL mode with synchronous=FULL, and
// a content directory beside it ("<db>.spool/") for contents larger than the inline limit.
//
// Durability: every successful write call has committed and synced before it returns
// (touch() excepted: it keeps LastSeen in memory and writes the touches of up to a second at
// once, without a sync of its own, see ServerStore::touch and flush_touches()). A batch
// passed to insert_messages() costs one commit, so callers group concurrent sends. Each call
// that commits a change the snapshot shows publishes a new snapshot before it returns.
//
// Memory: registered clients and the headers of waiting messages (id, sender, type, size:
// about 40 bytes a message, plus about 100 bytes for each sender with messages waiting for a
// recipient) are kept in memory, read at open; contents stay on disk.
//
// Threads: not thread-safe but for snapshot() and touch(). Call the rest from one thread at a
// time (the server gives it one dedicated thread, so that network threads never wait on
// fsync). The sinks and readers it hands out never touch the database: each may be used by
// any one thread, even after the store is gone. One process at a time may open a given
// database: the content
// directory is locked while the store is open.
#pragma once

#include <messageu/store/server_store.hpp>

#include <filesystem>
#include <memory>

namespace messageu::store {

class SqliteServerStore final : public ServerStore {
public:
  // Contents up to this size are kept in their message's row; larger ones in content files.
  static constexpr std::uint64_t k_inline_content_limit = 64 * 1024;

  // Opens the database at `path`, creating it and its tables when missing, and its content
  // directory `path` + ".spool" (the name it has always had on disk). Removes content files no
  // message names (left by a crash between writing a content and inserting its message). Another
  // open store on the same database → Errc::unavailable; a file that is not this schema's database,
  // or any SQLite failure → Errc::storage.
  static Result<std::unique_ptr<SqliteServerStore>> open(const std::filesystem::path &path);
  // A private in-memory database with a temporary content directory, both gone on destruction
  // (for tests of code above the store).
  static Result<std::unique_ptr<SqliteServerStore>> open_in_memory();

  // Where the content files of `database_path` live.
  static std::filesystem::path content_directory_for(const std::filesystem::path &database_path);

  ~SqliteServerStore() override;

  Status add_client(const ClientId &id, std::string_view name,
                    const PublicKeyBytes &public_key) override;
  Result<bool> name_in_use_ignoring_case(std::string_view name) override;
  Result<std::optional<ClientRecord>> find_client(const ClientId &id) override;
  Result<std::vector<ClientSummary>> list_clients() override;
  using ServerStore::touch;
  Status touch(const ClientId &id, std::chrono::system_clock::time_point when) override;
  Status set_protected(const ClientId &id) override;
  Status flush_touches() override;
  std::shared_ptr<const ClientSnapshot> snapshot() const override;

  Result<std::unique_ptr<ContentSink>> begin_content(std::uint64_t size) override;
  Result<std::vector<MessageId>> insert_messages(std::span<NewMessage> messages) override;
  Result<std::vector<StoredMessage>> pending_messages(const ClientId &to) override;
  Result<bool> has_pending(const ClientId &to) override;
  Result<PendingTotals> pending_totals(const ClientId &to) override;
  Result<PendingFromSender> pending_totals(const ClientId &to, const ClientId &from) override;
  Result<std::unique_ptr<StoredContentReader>> open_content(MessageId id) override;
  Result<std::size_t> delete_messages(const ClientId &to, std::span<const MessageId> ids) override;

  // The directory holding this store's content files.
  const std::filesystem::path &content_directory() const;

private:
  struct Impl;
  explicit SqliteServerStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::store
