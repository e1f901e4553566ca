// The server's storage, behind one narrow interface so that the server never speaks SQL and a
// second backend (PostgreSQL, shared by several servers) can follow the SQLite one.
//
// It keeps registered clients (id, name, public key, last seen, protected flag) and the
// messages waiting for their recipients. A message's content is written through a
// ContentSink first (streamed, any size up to 4 GiB − 1), then messages are inserted in
// batches, one durable commit per batch (group commit), and read back through
// StoredContentReaders.
//
// The store is the one owner of this state. What the network thread may read without waiting
// for the store's thread (clients, keys, protected flags, who has messages waiting, the encoded
// user list) it publishes after each commit as an immutable ClientSnapshot (snapshot()); the
// LastSeen times of requests answered there go to touch(), which any thread may call.
#pragma once

#include <messageu/store/client_snapshot.hpp>
#include <messageu/store/content_sink.hpp>
#include <messageu/store/stored_content_reader.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace messageu::store {

// The largest content the protocol can carry (u32 size field).
inline constexpr std::uint64_t k_max_content_size = 0xFFFF'FFFFu;

struct ClientRecord {
  ClientId id{};
  std::string name;
  PublicKeyBytes public_key{};
  std::string last_seen; // UTC, "YYYY-MM-DD HH:MM:SS.SSS"
  bool is_protected = false;

  friend bool operator==(const ClientRecord &, const ClientRecord &) = default;
};

struct ClientSummary {
  ClientId id{};
  std::string name;

  friend bool operator==(const ClientSummary &, const ClientSummary &) = default;
};

// A message to store. `content` is a finished sink made by the same store's begin_content().
struct NewMessage {
  ClientId to{};
  ClientId from{};
  MessageType type = MessageType::text;
  std::unique_ptr<ContentSink> content;
};

// A waiting message as a pull lists it; its content is read with open_content(id).
struct StoredMessage {
  MessageId id = 0;
  ClientId from{};
  MessageType type = MessageType::text;
  std::uint64_t content_size = 0;

  friend bool operator==(const StoredMessage &, const StoredMessage &) = default;
};

// What waits for one recipient, for the server's per-recipient limits.
struct PendingTotals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;

  friend bool operator==(const PendingTotals &, const PendingTotals &) = default;
};

// What waits for one recipient, and the part of it that comes from one sender: what the
// server's per-sender share of a recipient's limits counts.
struct PendingFromSender {
  PendingTotals all;
  PendingTotals from_sender;

  friend bool operator==(const PendingFromSender &, const PendingFromSender &) = default;
};

// Every operation reports database or file failures as Errc::storage (is_storage_full() when
// space ran out). Every write is durable when the call returns successfully, except touch().
// snapshot() and touch() may be called from any thread; implementations say which threads may
// call the rest.
class ServerStore {
public:
  virtual ~ServerStore() = default;

  // --- clients ---

  // Registers a client; its LastSeen is now and it is not protected. A name already
  // registered → Errc::name_taken; an id already registered → Errc::invalid_argument.
  // The caller validates the name and key and makes the random id.
  virtual Status add_client(const ClientId &id, std::string_view name,
                            const PublicKeyBytes &public_key) = 0;
  // Whether a registered name equals `name` but for the case of ASCII letters (an exact
  // match included). Asked at every registration: keep it cheap (indexed, never a scan).
  virtual Result<bool> name_in_use_ignoring_case(std::string_view name) = 0;
  // The client with `id`, or nullopt.
  virtual Result<std::optional<ClientRecord>> find_client(const ClientId &id) = 0;
  // Every client, id and name, in registration order.
  virtual Result<std::vector<ClientSummary>> list_clients() = 0;
  // Sets the client's LastSeen to `when` (unless a later time was set already). Unknown id →
  // Errc::unknown_user. Any thread may touch a client that snapshot() holds; others only from
  // the store's thread. Not worth a sync of its own: a store may keep touches in memory and
  // write them with its next operation a second or more later, or at flush_touches(), so a
  // crash may lose the last touches (never anything else).
  virtual Status touch(const ClientId &id, std::chrono::system_clock::time_point when) = 0;
  // Sets the client's LastSeen to now.
  Status touch(const ClientId &id) { return touch(id, std::chrono::system_clock::now()); }
  // Writes the LastSeen times touch() keeps in memory, in one commit without a sync of its
  // own (a server calls it when idle; the destructor calls it). On failure the times are kept
  // for the next call.
  virtual Status flush_touches() = 0;
  // The clients as of the last commit, for readers on other threads. Any thread. A store
  // shared with other servers (PostgreSQL) also publishes what it hears they changed, and
  // marks the snapshot not up to date while it cannot hear them.
  virtual std::shared_ptr<const ClientSnapshot> snapshot() const = 0;
  // Marks the client protected (PROTOCOL.md §10), for good. Unknown id → Errc::unknown_user.
  virtual Status set_protected(const ClientId &id) = 0;

  // --- messages ---

  // A sink for a content of `size` bytes. Above k_max_content_size → Errc::too_large.
  virtual Result<std::unique_ptr<ContentSink>> begin_content(std::uint64_t size) = 0;
  // Stores the messages, in order, in one transaction with one durable commit, and returns
  // their new ids (in the same order). On success the contents belong to the stored messages;
  // on failure nothing is stored. A content not made by this store or not finished →
  // Errc::invalid_argument. The caller checks that the recipients exist.
  virtual Result<std::vector<MessageId>> insert_messages(std::span<NewMessage> messages) = 0;
  // The messages waiting for `to`, in the order they were stored. Cheap when there are none.
  virtual Result<std::vector<StoredMessage>> pending_messages(const ClientId &to) = 0;
  // Whether any message waits for `to`.
  virtual Result<bool> has_pending(const ClientId &to) = 0;
  // How many messages, and how many content bytes, wait for `to`. Asked at every send that a
  // pending cap applies to: keep it cheap.
  virtual Result<PendingTotals> pending_totals(const ClientId &to) = 0;
  // The same, with the part of it sent by `from`. Asked at every send: keep it cheap.
  virtual Result<PendingFromSender> pending_totals(const ClientId &to, const ClientId &from) = 0;
  // A reader of the message's content. No such message → Errc::invalid_argument.
  virtual Result<std::unique_ptr<StoredContentReader>> open_content(MessageId id) = 0;
  // Deletes those of `ids` that are waiting for `to` (others, and repeats, are ignored) and
  // reclaims their storage. Returns how many were deleted.
  virtual Result<std::size_t> delete_messages(const ClientId &to,
                                              std::span<const MessageId> ids) = 0;
};

} // namespace messageu::store
