// The copy of one server store into another.
#include "core/store_migration.hpp"

#include <vector>

namespace messageu::server {

namespace {

// Messages inserted per commit in the target.
constexpr std::size_t k_batch_messages = 256;
// Bytes copied per read.
constexpr std::size_t k_copy_buffer = 1 << 20;

Status copy_clients(store::ServerStore &from, store::ServerStore &to,
                    const std::vector<store::ClientSummary> &clients, MigrationCounts &counts) {
  for (const auto &summary : clients) {
    auto record = MESSAGEU_TRY(from.find_client(summary.id));
    if (!record)
      return make_error(Errc::storage, "client " + client_id_to_hex(summary.id) +
                                           " vanished from the source during the migration");
    MESSAGEU_TRY(to.add_client(record->id, record->name, record->public_key));
    if (record->is_protected)
      MESSAGEU_TRY(to.set_protected(record->id));
    ++counts.clients;
  }
  return {};
}

// A new content in `to` with the bytes of message `id` in `from`.
Result<std::unique_ptr<store::ContentSink>>
copy_content(store::ServerStore &from, store::ServerStore &to, MessageId id, Bytes &buffer) {
  auto source = MESSAGEU_TRY(from.open_content(id));
  auto sink = MESSAGEU_TRY(to.begin_content(source->size()));
  for (;;) {
    auto count = MESSAGEU_TRY(source->read(buffer));
    if (count == 0)
      break;
    MESSAGEU_TRY(sink->write(ByteView(buffer).first(count)));
  }
  MESSAGEU_TRY(sink->finish());
  return sink;
}

Status insert_batch(store::ServerStore &to, std::vector<store::NewMessage> &batch,
                    MigrationCounts &counts,
                    const std::function<void(const MigrationCounts &)> &progress) {
  if (batch.empty())
    return {};
  MESSAGEU_TRY(to.insert_messages(batch));
  counts.messages += batch.size();
  batch.clear();
  if (progress)
    progress(counts);
  return {};
}

Status copy_messages(store::ServerStore &from, store::ServerStore &to,
                     const std::vector<store::ClientSummary> &clients, MigrationCounts &counts,
                     const std::function<void(const MigrationCounts &)> &progress) {
  Bytes buffer(k_copy_buffer);
  std::vector<store::NewMessage> batch;
  for (const auto &recipient : clients) {
    for (const auto &message : MESSAGEU_TRY(from.pending_messages(recipient.id))) {
      auto content = MESSAGEU_TRY(copy_content(from, to, message.id, buffer));
      counts.content_bytes += message.content_size;
      batch.push_back({recipient.id, message.from, message.type, std::move(content)});
      if (batch.size() == k_batch_messages)
        MESSAGEU_TRY(insert_batch(to, batch, counts, progress));
    }
  }
  return insert_batch(to, batch, counts, progress);
}

} // namespace

Result<MigrationCounts>
migrate_store(store::ServerStore &from, store::ServerStore &to,
              const std::function<void(const MigrationCounts &)> &progress) {
  if (!MESSAGEU_TRY(to.list_clients()).empty())
    return make_error(Errc::invalid_argument,
                      "the target database already holds clients: migrate into an empty one");
  auto clients = MESSAGEU_TRY(from.list_clients());
  MigrationCounts counts;
  MESSAGEU_TRY(copy_clients(from, to, clients, counts));
  if (progress)
    progress(counts);
  MESSAGEU_TRY(copy_messages(from, to, clients, counts, progress));
  return counts;
}

} // namespace messageu::server
