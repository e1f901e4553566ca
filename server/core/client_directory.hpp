// What the network thread may know of the registered clients without asking the database
// thread: each client's name, public key and protected flag, whether messages may wait for
// it, and the user list already encoded. With it, the requests that only read (list, public
// key, and a pull when nothing waits) are answered where they arrive, without two thread
// hops and a queue (see ReadPath).
//
// The store thread keeps it exact: it is loaded from the store at start, and the request
// handler updates it after each change it commits (a registration, a protected flag, stored
// and deleted messages), before the reply to that change goes out. "Messages may wait" errs
// on one side only: it is set as soon as a message is stored and cleared only once the store
// says nothing waits, so a pull answered empty from here could not have carried anything.
//
// It also collects the LastSeen times of the requests answered from here, which the database
// thread takes and hands to the store.
//
// Thread-safe: one mutex, held for a copy at most.
#pragma once

#include "core/user_list.hpp"

#include <messageu/store/server_store.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace messageu::server {

struct DirectoryEntry {
  ClientId id{};
  PublicKeyBytes public_key{};
  bool is_protected = false;
  bool may_have_messages = false;
};

using Touches = std::vector<std::pair<ClientId, std::chrono::system_clock::time_point>>;

class ClientDirectory {
public:
  // Every client of the store, with whether messages wait for it. Errc::storage on failure.
  Status load(store::ServerStore &store);

  // --- written by the store thread ---

  // A client registered now: last in the list, not protected, nothing waiting.
  void add(const ClientId &id, std::string_view name, const PublicKeyBytes &public_key);
  void mark_protected(const ClientId &id);
  // Whether messages may wait for `id` (unknown ids are ignored).
  void set_may_have_messages(const ClientId &id, bool may_have_messages);

  // --- read by the network thread ---

  std::optional<DirectoryEntry> find(const ClientId &id) const;
  // The payload of a user list for `requester`: every client in registration order but the
  // requester, as views of the shared encoded list (no copy). Nullopt if the requester is
  // unknown, or if the list would not fit the u32 payload size (the store thread then
  // answers it).
  std::optional<SharedPayload> user_list_for(const ClientId &requester);

  // --- LastSeen of requests answered by the network thread ---

  void touch(const ClientId &id, std::chrono::system_clock::time_point when);
  // The touches since the last call, and forgets them.
  Touches take_touches();

  std::size_t size() const;

private:
  struct Slot {
    DirectoryEntry entry;
    std::size_t position = 0; // index in the encoded list
  };

  mutable std::mutex m_mutex;
  std::map<ClientId, Slot> m_clients;
  UserListBuilder m_list; // every client's 271-byte entry, in registration order
  std::map<ClientId, std::chrono::system_clock::time_point> m_touches;
};

} // namespace messageu::server
