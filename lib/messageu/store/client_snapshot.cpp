// The clients' snapshot and its publication.
#include <messageu/store/client_snapshot.hpp>

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>

#include <algorithm>
#include <limits>
#include <span>

namespace messageu::store {

namespace {

// The payload size is a u32: a list longer than that could say is not answered from a snapshot.
constexpr std::size_t k_max_list_size = std::numeric_limits<std::uint32_t>::max();

bool id_less(const ClientId &left, const ClientId &right) { return left < right; }

} // namespace

const ClientSnapshot::Entry *ClientSnapshot::entry(const ClientId &id) const {
  const auto &shard = m_shards[shard_of(id)];
  if (!shard)
    return nullptr;
  auto found = std::lower_bound(
      shard->begin(), shard->end(), id,
      [](const Entry &entry, const ClientId &key) { return id_less(entry.id, key); });
  if (found == shard->end() || found->id != id)
    return nullptr;
  return &*found;
}

std::optional<PublishedClient> ClientSnapshot::find(const ClientId &id) const {
  const auto *found = entry(id);
  if (!found || !m_up_to_date)
    return std::nullopt;
  PublishedClient client{id, {}, found->is_protected, found->has_messages};
  auto key = m_keys->record(found->index);
  std::copy(key.begin(), key.end(), client.public_key.begin());
  return client;
}

std::optional<SharedPayload> ClientSnapshot::user_list_for(const ClientId &requester) const {
  const auto *found = entry(requester);
  if (!found || !m_up_to_date)
    return std::nullopt;
  auto size = m_list->size() - protocol::k_user_entry_size;
  if (size > k_max_list_size)
    return std::nullopt;
  return SharedPayload{m_list, m_list->without(found->index), size};
}

std::size_t ClientSnapshot::size() const { return m_list->count(); }

SnapshotPublisher::SnapshotPublisher()
    : m_list(protocol::k_user_entry_size), m_keys(k_public_key_size) {
  m_next.m_list = m_list.view();
  m_next.m_keys = m_keys.view();
  m_current = std::make_shared<const ClientSnapshot>(m_next);
}

ClientSnapshot::Shard &SnapshotPublisher::writable_shard(const ClientId &id) {
  auto number = ClientSnapshot::shard_of(id);
  auto &changed = m_changed_shards[number];
  if (!changed) {
    const auto &published = m_next.m_shards[number];
    changed = published ? std::make_shared<ClientSnapshot::Shard>(*published)
                        : std::make_shared<ClientSnapshot::Shard>();
  }
  m_changed = true;
  return *changed;
}

ClientSnapshot::Entry *SnapshotPublisher::writable_entry(const ClientId &id) {
  if (!m_changed_shards[ClientSnapshot::shard_of(id)] && !m_next.entry(id))
    return nullptr; // unknown, and nothing to copy for it
  auto &shard = writable_shard(id);
  auto found = std::lower_bound(shard.begin(), shard.end(), id,
                                [](const ClientSnapshot::Entry &entry, const ClientId &key) {
                                  return id_less(entry.id, key);
                                });
  if (found == shard.end() || found->id != id)
    return nullptr;
  return &*found;
}

void SnapshotPublisher::add_client(const ClientId &id, std::string_view name,
                                   const PublicKeyBytes &public_key, bool is_protected,
                                   bool has_messages) {
  protocol::UserEntry user{id, std::string(name)};
  auto index = m_list.append(protocol::encode_user_list(std::span(&user, 1)));
  m_keys.append(public_key);
  auto &shard = writable_shard(id);
  auto position = std::lower_bound(shard.begin(), shard.end(), id,
                                   [](const ClientSnapshot::Entry &entry, const ClientId &key) {
                                     return id_less(entry.id, key);
                                   });
  shard.insert(position, ClientSnapshot::Entry{id, static_cast<std::uint32_t>(index), is_protected,
                                               has_messages});
}

bool SnapshotPublisher::knows(const ClientId &id) const {
  const auto &changed = m_changed_shards[ClientSnapshot::shard_of(id)];
  if (!changed)
    return m_next.entry(id) != nullptr;
  return std::binary_search(
      changed->begin(), changed->end(), ClientSnapshot::Entry{id},
      [](const ClientSnapshot::Entry &left, const ClientSnapshot::Entry &right) {
        return id_less(left.id, right.id);
      });
}

void SnapshotPublisher::set_protected(const ClientId &id) {
  auto *known = m_next.entry(id);
  if (known && known->is_protected && !m_changed_shards[ClientSnapshot::shard_of(id)])
    return; // no change: no copy
  if (auto *entry = writable_entry(id))
    entry->is_protected = true;
}

void SnapshotPublisher::set_has_messages(const ClientId &id, bool has_messages) {
  auto *known = m_next.entry(id);
  if (known && known->has_messages == has_messages &&
      !m_changed_shards[ClientSnapshot::shard_of(id)])
    return; // no change: no copy
  if (auto *entry = writable_entry(id))
    entry->has_messages = has_messages;
}

void SnapshotPublisher::set_up_to_date(bool up_to_date) {
  if (m_next.m_up_to_date == up_to_date)
    return;
  m_next.m_up_to_date = up_to_date;
  m_changed = true;
}

void SnapshotPublisher::publish() {
  if (!m_changed)
    return;
  for (std::size_t number = 0; number < ClientSnapshot::k_shards; ++number) {
    if (auto &changed = m_changed_shards[number])
      m_next.m_shards[number] = std::move(changed);
  }
  m_changed_shards = {};
  m_next.m_list = m_list.view();
  m_next.m_keys = m_keys.view();
  m_changed = false;
  auto snapshot = std::make_shared<const ClientSnapshot>(m_next);
  std::lock_guard lock(m_mutex);
  m_current = std::move(snapshot);
}

std::shared_ptr<const ClientSnapshot> SnapshotPublisher::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

} // namespace messageu::store
