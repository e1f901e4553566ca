// What the network thread may know of the registered clients without asking the store's
// thread: each client's public key and protected flag, whether messages wait for it, and the
// user list already encoded. With it, the requests that only read (list, public key, and a
// pull when nothing waits) are answered where they arrive (see the server's ReadPath).
//
// The store is the only writer. It keeps a SnapshotPublisher, tells it each change it
// commits, and publishes a new immutable ClientSnapshot after the commit and before the call
// that made the change returns; the current snapshot is swapped in whole, so a reader sees
// one commit's state or the next's, never a mix. Nothing else patches it. Because the
// publication precedes the reply to a send, a pull answered "nothing waits" from a snapshot
// could not have carried a message whose sender already had its 2103.
//
// Cost: the clients are kept in 256 shards by the first byte of their (random) id; a change
// copies the shards it touches (about 24 bytes per client in them), and a registration the
// last, partial block of the user list and of the keys. A publication copies 258 pointers.
#pragma once

#include <messageu/store/record_blocks.hpp>
#include <messageu/util/ids.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace messageu::store {

struct PublishedClient {
  ClientId id{};
  PublicKeyBytes public_key{};
  bool is_protected = false;
  bool has_messages = false;
};

class ClientSnapshot {
public:
  static constexpr std::size_t k_shards = 256;

  // The client with `id`, or nullopt (also when the snapshot is not up to date).
  std::optional<PublishedClient> find(const ClientId &id) const;
  // Whether `id` is registered (clients are never removed): true even when not up to date.
  bool contains(const ClientId &id) const { return entry(id) != nullptr; }
  // The payload of a user list for `requester`: every client in registration order but the
  // requester, as views of the shared encoded list (no copy). Nullopt if the requester is
  // unknown, if the list would not fit the u32 payload size, or if the snapshot is not up to
  // date.
  std::optional<SharedPayload> user_list_for(const ClientId &requester) const;
  // Registered clients.
  std::size_t size() const;

private:
  friend class SnapshotPublisher;

  struct Entry {
    ClientId id{};
    std::uint32_t index = 0; // registration order: the entry in the list and the keys
    bool is_protected = false;
    bool has_messages = false;
  };
  using Shard = std::vector<Entry>; // sorted by id

  static std::size_t shard_of(const ClientId &id) { return id[0]; }
  const Entry *entry(const ClientId &id) const;

  std::array<std::shared_ptr<const Shard>, k_shards> m_shards{};
  std::shared_ptr<const RecordBlocksView> m_list; // encoded user-list entries
  std::shared_ptr<const RecordBlocksView> m_keys;
  bool m_up_to_date = true;
};

class SnapshotPublisher {
public:
  SnapshotPublisher();

  // --- the store's thread: changes committed since the last publish() ---

  // A client registered (or loaded at open): last in the list.
  void add_client(const ClientId &id, std::string_view name, const PublicKeyBytes &public_key,
                  bool is_protected = false, bool has_messages = false);
  // Whether `id` was added (published or not yet).
  bool knows(const ClientId &id) const;
  // Unknown ids are ignored by these two.
  void set_protected(const ClientId &id);
  void set_has_messages(const ClientId &id, bool has_messages);
  // Whether readers may answer from the snapshot (true at first). A store that cannot keep it
  // true for a while (it no longer hears of other servers' changes) sets it false: find() and
  // user_list_for() then answer nothing and every request reads the store, while contains()
  // still says which clients exist.
  void set_up_to_date(bool up_to_date);
  // Makes the changes visible as one new snapshot; nothing happens when there were none.
  void publish();

  // --- any thread ---

  std::shared_ptr<const ClientSnapshot> current() const;

private:
  // The shard of `id` in the snapshot being prepared, copied first if it is published.
  ClientSnapshot::Shard &writable_shard(const ClientId &id);
  ClientSnapshot::Entry *writable_entry(const ClientId &id);

  ClientSnapshot m_next;
  // The shards changed since the last publication (not shared with any reader yet).
  std::array<std::shared_ptr<ClientSnapshot::Shard>, ClientSnapshot::k_shards> m_changed_shards{};
  RecordBlocks m_list;
  RecordBlocks m_keys;
  bool m_changed = false;

  mutable std::mutex m_mutex; // held for a pointer copy
  std::shared_ptr<const ClientSnapshot> m_current;
};

} // namespace messageu::store
