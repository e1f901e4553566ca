// The PostgreSQL backend of ServerStore, for several servers sharing one database. Contents are
// bytea: inline in the message row up to k_inline_content_limit, else 1 MiB chunks
// (postgres_content.hpp).
//
// What it publishes (ClientSnapshot): other servers change the database, so the snapshot is
// kept true by following them (follow_other_servers()). Each transaction that registers or
// protects a client or stores messages NOTIFYs it; the watch LISTENs, and catch_up(), on the
// store's thread, applies what the notices name, reading it again from the database (a
// notice is only a hint: reading again makes a repeated one harmless). Before the watch
// listens, and whenever it has lost its connection, the snapshot is marked not up to date and
// every request reads the database; once it listens again, everything is reloaded. A client
// registered through another server and not heard of yet is read from the database at its
// first request (find_client() adds it). The one thing a reader may see late, by the
// notice's delay (milliseconds), is another server's change: a new name in a list, a
// protection, a message waiting (an empty pull answered meanwhile is answered again by the
// next).
//
// Durability: every write commits before it returns (with PostgreSQL's default
// synchronous_commit), except the LastSeen times, kept in memory and written at most once a
// second without waiting for the flush. insert_messages() sends its whole batch in one
// pipeline: one round trip and one commit, so callers group concurrent sends.
//
// Message ids come from a database sequence, so servers never hand out the same one; it cycles
// from 2^32 − 1 back to 1 and skips ids still held. A deleted message stays readable through
// open_content() for an hour (a pull through another server that listed it may still be
// sending it), then any server removes it; so are uploads abandoned for an hour.
//
// Threads: not thread-safe, like the SQLite store, except snapshot() and touch() (for a client
// the snapshot holds); the sinks and sources it hands out use its connection, so they must be
// used on the same thread (they may outlive the store). A lost connection makes the calls fail
// (Errc::storage, or Errc::unavailable while the database does not answer) until the database
// answers again: a call reconnects first when needed, at most once a second.
#pragma once

#include <messageu/store/server_store.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

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

  // Starts following the other servers' changes on a thread of its own (DatabaseWatch).
  // `on_news` runs on that thread each time something new waits for catch_up(), which the
  // caller then runs on the store's thread; `on_problem` is told when the database cannot be
  // followed, and when it can again. Without it, the snapshot stays not up to date.
  void follow_other_servers(std::function<void()> on_news,
                            std::function<void(const std::string &)> on_problem);
  // Stops following (before the caller's thread for catch_up() stops). Idempotent.
  void stop_following();
  // Applies the news since the last call and publishes the result; writes the LastSeen times
  // when due. Returns the recipients that other servers stored messages for (to wake their
  // waits). A failure to read leaves the snapshot not up to date until a later call reloads
  // it: worth calling when idle too.
  std::vector<ClientId> catch_up();

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
