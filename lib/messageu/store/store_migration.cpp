// Store to store copy: clients first, then each recipient's messages in batches.
#include <messageu/store/store_migration.hpp>

namespace messageu::store {

namespace {

// Messages inserted per commit. Their contents are already stored by then, not in memory.
constexpr std::size_t k_batch_size = 256;
constexpr std::size_t k_copy_buffer_size = 1024 * 1024;

Status copy_client(ServerStore &from, ServerStore &to, const ClientId &id) {
  auto record = MESSAGEU_TRY(from.find_client(id));
  if (!record)
    return make_error(Errc::storage, "client " + client_id_to_hex(id) + " listed but not found");
  MESSAGEU_TRY(to.add_client(record->id, record->name, record->public_key));
  if (record->is_protected)
    MESSAGEU_TRY(to.set_protected(record->id));
  return {};
}

Result<std::unique_ptr<ContentSink>> copy_content(ServerStore &from, ServerStore &to,
                                                  const StoredMessage &message, Bytes &buffer) {
  auto source = MESSAGEU_TRY(from.open_content(message.id));
  auto sink = MESSAGEU_TRY(to.begin_content(source->size()));
  for (;;) {
    auto count = MESSAGEU_TRY(source->read(buffer));
    if (count == 0)
      break;
    MESSAGEU_TRY(sink->write(ByteView(buffer.data(), count)));
  }
  MESSAGEU_TRY(sink->finish());
  return sink;
}

Status insert_batch(ServerStore &to, std::vector<NewMessage> &batch, MigrationCounts &counts) {
  if (batch.empty())
    return {};
  MESSAGEU_TRY(to.insert_messages(batch));
  counts.messages += batch.size();
  batch.clear();
  return {};
}

Status copy_messages(ServerStore &from, ServerStore &to, const ClientId &recipient,
                     MigrationCounts &counts) {
  Bytes buffer(k_copy_buffer_size);
  std::vector<NewMessage> batch;
  for (const auto &message : MESSAGEU_TRY(from.pending_messages(recipient))) {
    auto content = MESSAGEU_TRY(copy_content(from, to, message, buffer));
    counts.content_bytes += message.content_size;
    batch.push_back({recipient, message.from, message.type, std::move(content)});
    if (batch.size() == k_batch_size)
      MESSAGEU_TRY(insert_batch(to, batch, counts));
  }
  return insert_batch(to, batch, counts);
}

} // namespace

Result<MigrationCounts> migrate_store(ServerStore &from, ServerStore &to) {
  if (!MESSAGEU_TRY(to.list_clients()).empty())
    return make_error(Errc::invalid_argument,
                      "the target database has clients already: refusing to copy into it");
  MigrationCounts counts;
  auto clients = MESSAGEU_TRY(from.list_clients());
  for (const auto &client : clients) {
    MESSAGEU_TRY(copy_client(from, to, client.id));
    ++counts.clients;
  }
  for (const auto &client : clients)
    MESSAGEU_TRY(copy_messages(from, to, client.id, counts));
  return counts;
}

} // namespace messageu::store
