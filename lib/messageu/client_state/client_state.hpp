// The client's local database, <home>/state.db (CLI.md §1): the users it knows with their
// pinned public keys (CLI.md §5), the symmetric keys shared with each peer with their history,
// the inbox spool that makes pull lose nothing (CLI.md §4), and what it learnt about each
// server's protocol (PROTOCOL.md §10 "Client"). SQLite in WAL mode with synchronous=FULL,
// so every committed change survives a crash; the file is created with mode 0600.
//
// Storage only: which key to pin and which protocol change to refuse are decided in the client
// layer (client/trust_policy.hpp), and handed in where the decision and the write must be one
// transaction.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace messageu::client_state {

// An AES-128 key as stored; the crypto layer gives it meaning.
using AesKeyBytes = std::array<Byte, k_symmetric_key_size>;

// How many keys per peer symmetric_keys() keeps: plenty for keys crossing in flight, while
// a long-lived pair does not try hundreds of stale keys on each message it cannot decrypt.
inline constexpr std::size_t k_symmetric_key_history = 16;

// One entry of a `list` answer.
struct UserListing {
  ClientId id{};
  std::string name;
};

// A user as the cache knows it. Times are seconds since the Unix epoch.
struct KnownUser {
  ClientId id{};
  std::string name;                         // empty when only the id is known (a key fetched by id)
  std::optional<PublicKeyBytes> pinned_key; // the trusted key, once fetched
  std::optional<PublicKeyBytes> offered_key; // a different key the server last offered
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;

  friend bool operator==(const KnownUser &, const KnownUser &) = default;
};

// A file content (type 4) decrypted as it arrived: the spooled message's file then holds the
// plaintext rather than the ciphertext. What is kept lets the handling of the message check
// that `key` is still the key it would choose (the tail decides, as for a ciphertext), and
// lets the ciphertext be rebuilt if not (CBC encryption under `key` reverses the decryption).
struct DecryptedContent {
  AesKeyBytes key{};     // the key the content was decrypted with
  Bytes ciphertext_tail; // the last two blocks of the ciphertext (32 bytes)
  std::uint64_t plaintext_size = 0;
  std::array<Byte, 32> sha256{}; // SHA-256 of the plaintext

  friend bool operator==(const DecryptedContent &, const DecryptedContent &) = default;
};

// A message received from the server and not yet handled. Its content is held either inline
// (`content`) or, for large contents, in a file named by `content_path` (then `content` is
// empty): the raw ciphertext under <home>/spool/, or, when `decrypted` is set, the plaintext
// in a temporary file of the save directory. `content_size` is the size of the ciphertext
// either way.
struct SpooledMessage {
  std::int64_t row_id = 0; // set by spooled_messages(); ignored by spool_messages()
  MessageId message_id = 0;
  ClientId sender{};
  MessageType type = MessageType::text;
  Bytes content;
  std::optional<std::filesystem::path> content_path;
  std::uint64_t content_size = 0;
  std::optional<DecryptedContent> decrypted; // only with content_path
  // When the message reached this client, in seconds since the Unix epoch: spool_messages()
  // records the time of spooling when it is not given. nullopt for a message spooled by a
  // messageu that did not record it (schema 3 and before). The protocol carries no send time.
  std::optional<std::int64_t> received;

  friend bool operator==(const SpooledMessage &, const SpooledMessage &) = default;
};

// What record_key() does with a public key offered for a user.
enum class KeyRecord {
  pin,   // it becomes the pinned key, and any earlier offer is forgotten
  offer, // it is remembered as the user's offered_key; the pinned key stays
};
// Chooses the KeyRecord for a key, given the user as known (nullopt when unknown).
using KeyDecision = std::function<KeyRecord(const std::optional<KnownUser> &known)>;

// What a profile has learnt about a server (keyed by its `host:port` text).
enum class ServerProtocol {
  unknown,       // never talked to with the version 3 extension
  classic,       // answered CHALLENGE with an error and has never authenticated us
  authenticated, // authenticated us at least once: never fall back to classic
};

// Checks a change of what a server speaks against what was remembered: an error refuses it.
using ProtocolCheck = std::function<Status(ServerProtocol remembered)>;

// Every operation returns a Result; database failures (full disk, corruption, a locked
// database) → Errc::storage. Statements are prepared once, when the database is opened.
// Not thread-safe: one ClientState per thread (SQLite connections are not shared).
class ClientState {
public:
  // Opens `path`, creating it (mode 0600) with its tables when missing, in WAL mode with
  // synchronous=FULL; a database of an earlier schema is upgraded in place. The directory must
  // exist. Cannot create or open → Errc::storage.
  static Result<ClientState> open(const std::filesystem::path &path);

  ClientState(ClientState &&other) noexcept;
  ClientState &operator=(ClientState &&other) noexcept;
  ClientState(const ClientState &) = delete;
  ClientState &operator=(const ClientState &) = delete;
  ~ClientState();

  // --- users -------------------------------------------------------------------------------

  // Records the users of a `list` answer in one transaction: new ids are added, known ones
  // get the listed name and a fresh last_seen. Users missing from the list are kept (their
  // pinned keys still matter).
  Status upsert_users(std::span<const UserListing> users);
  // The user with exactly this name (the most recently seen one, should several ids have
  // carried it), or nullopt.
  Result<std::optional<KnownUser>> find_user_by_name(std::string_view name);
  Result<std::optional<KnownUser>> find_user_by_id(const ClientId &id);
  // Every known user, ordered by name then id.
  Result<std::vector<KnownUser>> all_users();

  // Records `key` for `id` as `decide` chooses, in one transaction with the read of the user
  // it is shown: pin → the pinned key, offered_key cleared (an unknown id is added, with no
  // name); offer → offered_key, for a known id only. Returns the choice.
  Result<KeyRecord> record_key(const ClientId &id, const PublicKeyBytes &key,
                               const KeyDecision &decide);
  // Replaces the pinned key (for `trust`), clearing offered_key. Unknown id →
  // Errc::unknown_user.
  Status replace_pinned_key(const ClientId &id, const PublicKeyBytes &key);

  // --- symmetric keys ----------------------------------------------------------------------

  // Keeps `key` as the newest key shared with `peer`; the k_symmetric_key_history - 1 keys
  // before it stay, for messages that crossed in flight, and older ones are forgotten. Adding
  // the current newest key again changes nothing.
  Status add_symmetric_key(const ClientId &peer, const AesKeyBytes &key);
  // Every key kept for `peer`, newest first; empty when there is none.
  Result<std::vector<AesKeyBytes>> symmetric_keys(const ClientId &peer);

  // --- inbox spool -------------------------------------------------------------------------

  // Stores `messages` in one transaction, synced to disk before returning. A message already
  // in the spool is skipped, so spooling the same answer twice (a server re-delivers what was
  // not acknowledged) stores it once. "Already in the spool" means the same sender, message
  // id, type and content size, and for inline contents the same bytes: the server reuses
  // message ids once it has deleted a message, so the id alone does not identify a message.
  Status spool_messages(std::span<const SpooledMessage> messages);
  // True when a message with this sender, message id, type and content size is spooled: lets
  // pull skip streaming a large content to a spool file for a message it already holds.
  Result<bool> is_spooled(const ClientId &sender, MessageId message_id, MessageType type,
                          std::uint64_t content_size);
  // Every spooled message, in the order they were spooled, with row_id set.
  Result<std::vector<SpooledMessage>> spooled_messages();
  // Drops one spooled message by its row id (an unknown row id is not an error). The spool
  // file named by content_path, if any, is the caller's to remove or move first.
  Status remove_spooled(std::int64_t row_id);

  // --- servers -----------------------------------------------------------------------------

  Result<ServerProtocol> remembered_server_protocol(std::string_view endpoint_text);
  // Records what a server speaks, in one transaction with the read of what was remembered:
  // when `check` refuses the change, its error is returned and the record stays as it was.
  // Recording `unknown` → Errc::invalid_argument.
  Status remember_server_protocol(std::string_view endpoint_text, ServerProtocol protocol,
                                  const ProtocolCheck &check = {});
  // The dialect (its name, e.g. "2021c") found for a server by `--dialect auto`, or nullopt.
  Result<std::optional<std::string>> remembered_server_dialect(std::string_view endpoint_text);
  // Records the dialect a server speaks, replacing what was remembered; its protocol record
  // is left as it is.
  Status remember_server_dialect(std::string_view endpoint_text, std::string_view dialect_name);

private:
  struct Impl;
  explicit ClientState(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
};

} // namespace messageu::client_state
