// The PostgreSQL backend of ServerStore, for several servers sharing one database: nothing is
// cached between calls, so whatever one server writes, every other reads at once (the lookups
// it makes are indexed). Contents are bytea: inline in the message row up to
// k_inline_content_limit, else 1 MiB chunks (postgres_content.hpp).
//
// Durability: every write commits before it returns (with PostgreSQL's default
// synchronous_commit); touch() commits without waiting for the flush. insert_messages() sends
// its whole batch in one pipeline: one round trip and one commit, so callers group concurrent
// sends.
//
// Message ids come from a database sequence, so servers never hand out the same one; it cycles
// from 2^32 − 1 back to 1 and skips ids still held. A deleted message stays readable through
// open_content() for an hour (a pull through another server that listed it may still be
// sending it), then any server removes it; so are uploads abandoned for an hour.
//
// Threads: not thread-safe, like the SQLite store; the sinks and sources it hands out use its
// connection, so they must be used on the same thread (they may outlive the store). A lost
// connection makes the calls fail (Errc::storage, or Errc::unavailable while the database does
// not answer) until the database answers again: a call reconnects first when needed, at most
// once a second.
#pragma once

#include <messageu/store/server_store.hpp>

#include <memory>
#include <string>

namespace messageu::store {

class PostgresServerStore final : public ServerStore {
public:
  // Contents up to this size are kept in their message's row; larger ones in chunks.
  static constexpr std::uint64_t k_inline_content_limit = 64 * 1024;

  // Connects to `uri` (a libpq URI, postgresql://...) and creates or checks the schema. An
  // unreachable database → Errc::unavailable; a schema of an unknown version → Errc::storage.
  static Result<std::unique_ptr<PostgresServerStore>> open(const std::string &uri);
  // A store that connects (and checks the schema) on first use: for a server that starts while
  // the database is down. Until the database answers, calls fail with Errc::unavailable.
  static std::unique_ptr<PostgresServerStore> connect_later(const std::string &uri);

  // Whether `database` names a PostgreSQL database (postgresql:// or postgres://) rather than
  // a SQLite file.
  static bool is_postgres_uri(std::string_view database);

  ~PostgresServerStore() override;

  Status add_client(const ClientId &id, std::string_view name,
                    const PublicKeyBytes &public_key) override;
  Result<bool> name_in_use_ignoring_case(std::string_view name) override;
  Result<std::optional<ClientRecord>> find_client(const ClientId &id) override;
  Result<std::vector<ClientSummary>> list_clients() override;
  using ServerStore::touch;
  Status touch(const ClientId &id, std::chrono::system_clock::time_point when) override;
  Status set_protected(const ClientId &id) override;
  // Nothing to write: touch() commits at once (without waiting for the flush).
  Status flush_touches() override { return {}; }
  // Always empty: other servers change the database, so no client is published here and the
  // network thread hands every request to the store thread, which reads the database.
  std::shared_ptr<const ClientSnapshot> snapshot() const override;

  Result<std::unique_ptr<ContentSink>> begin_content(std::uint64_t size) override;
  Result<std::vector<MessageId>> insert_messages(std::span<NewMessage> messages) override;
  Result<std::vector<StoredMessage>> pending_messages(const ClientId &to) override;
  Result<bool> has_pending(const ClientId &to) override;
  Result<PendingTotals> pending_totals(const ClientId &to) override;
  Result<PendingFromSender> pending_totals(const ClientId &to, const ClientId &from) override;
  Result<std::unique_ptr<StoredContentReader>> open_content(MessageId id) override;
  Result<std::size_t> delete_messages(const ClientId &to, std::span<const MessageId> ids) override;

  // Removes the messages deleted over an hour ago and the contents whose grace period is over
  // (abandoned uploads, contents of deleted messages). delete_messages() calls it at most once
  // a minute; returns how many contents went.
  Result<std::size_t> remove_expired_contents();

private:
  struct Impl;
  explicit PostgresServerStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::store
