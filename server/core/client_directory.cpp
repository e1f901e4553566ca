// The network thread's copy of the registered clients.
#include "core/client_directory.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>

#include <algorithm>
#include <limits>

namespace messageu::server {

namespace {

// The payload size is a u32: a list longer than that could say is not answered from here.
constexpr std::size_t k_max_list_size = std::numeric_limits<std::uint32_t>::max();

} // namespace

Status ClientDirectory::load(store::ServerStore &store) {
  auto clients = MESSAGEU_TRY(store.list_clients());
  for (const auto &client : clients) {
    auto record = MESSAGEU_TRY(store.find_client(client.id));
    if (!record)
      continue; // not there any more: nothing to answer for it
    add(record->id, record->name, record->public_key);
    if (record->is_protected)
      mark_protected(record->id);
    set_may_have_messages(record->id, MESSAGEU_TRY(store.has_pending(record->id)));
  }
  return {};
}

void ClientDirectory::add(const ClientId &id, std::string_view name,
                          const PublicKeyBytes &public_key) {
  protocol::UserEntry user{id, std::string(name)};
  auto encoded = protocol::encode_user_list(std::span(&user, 1));
  std::lock_guard lock(m_mutex);
  auto [slot, added] = m_clients.try_emplace(id);
  if (!added)
    return; // ids are unique: the store refused a second one already
  slot->second.entry = DirectoryEntry{id, public_key, false, false};
  slot->second.position = m_list.append(encoded);
}

void ClientDirectory::mark_protected(const ClientId &id) {
  std::lock_guard lock(m_mutex);
  if (auto found = m_clients.find(id); found != m_clients.end())
    found->second.entry.is_protected = true;
}

void ClientDirectory::set_may_have_messages(const ClientId &id, bool may_have_messages) {
  std::lock_guard lock(m_mutex);
  if (auto found = m_clients.find(id); found != m_clients.end())
    found->second.entry.may_have_messages = may_have_messages;
}

std::optional<DirectoryEntry> ClientDirectory::find(const ClientId &id) const {
  std::lock_guard lock(m_mutex);
  auto found = m_clients.find(id);
  if (found == m_clients.end())
    return std::nullopt;
  return found->second.entry;
}

std::optional<SharedPayload> ClientDirectory::user_list_for(const ClientId &requester) {
  std::lock_guard lock(m_mutex);
  auto found = m_clients.find(requester);
  if (found == m_clients.end())
    return std::nullopt;
  auto size = m_list.size() - protocol::k_user_entry_size;
  if (size > k_max_list_size)
    return std::nullopt;
  auto list = m_list.snapshot();
  auto parts = list->without_entry(found->second.position);
  return SharedPayload{std::move(list), std::move(parts), size};
}

void ClientDirectory::touch(const ClientId &id, std::chrono::system_clock::time_point when) {
  std::lock_guard lock(m_mutex);
  auto [touched, added] = m_touches.try_emplace(id, when);
  if (!added)
    touched->second = std::max(touched->second, when);
}

Touches ClientDirectory::take_touches() {
  std::map<ClientId, std::chrono::system_clock::time_point> taken;
  {
    std::lock_guard lock(m_mutex);
    taken.swap(m_touches);
  }
  return Touches(taken.begin(), taken.end());
}

std::size_t ClientDirectory::size() const {
  std::lock_guard lock(m_mutex);
  return m_clients.size();
}

} // namespace messageu::server
