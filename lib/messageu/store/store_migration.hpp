// Copying what one server store holds into another, empty one: how an existing SQLite
// database moves to PostgreSQL (messageu-server --migrate-from). It goes through the
// ServerStore interface only, so it works between any two backends.
#pragma once

#include <messageu/store/server_store.hpp>

#include <cstdint>

namespace messageu::store {

struct MigrationCounts {
  std::size_t clients = 0;
  std::size_t messages = 0;
  std::uint64_t content_bytes = 0;
};

// Copies every client of `from` (id, name, public key, protection; in registration order;
// LastSeen starts again at the copy, since no store sets it back) and every waiting message
// (sender, type, content, streamed; in stored order for each recipient) into `to`. Messages get new
// ids from `to`. A `to` that has clients already → Errc::invalid_argument, with nothing copied.
// Other failures are the stores' (Errc::storage); what was copied before one stays.
Result<MigrationCounts> migrate_store(ServerStore &from, ServerStore &to);

} // namespace messageu::store
