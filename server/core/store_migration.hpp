// Copies one server store into another (messageu-server --migrate-from): every client with its
// name, key and protected flag, in registration order, and every waiting message with its
// sender, type and content, in each recipient's order. Contents are streamed, never held whole.
// Works on any two ServerStore backends (SQLite to PostgreSQL is what operators need).
//
// What changes: message ids are the target's own (a client that pulled a message with an
// acknowledged pull and had not ACKed it yet gets it again, as after any lost ACK), and
// LastSeen becomes the time of the migration.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace messageu::server {

struct MigrationCounts {
  std::uint64_t clients = 0;
  std::uint64_t messages = 0;
  std::uint64_t content_bytes = 0;
};

// Copies `from` into `to`. A target that holds any client → Errc::invalid_argument, nothing
// written; a failure of either store → its error (what was copied before stays in the target,
// which the operator empties before trying again). `progress`, if set, is told after each
// batch.
Result<MigrationCounts>
migrate_store(store::ServerStore &from, store::ServerStore &to,
              const std::function<void(const MigrationCounts &)> &progress = {});

} // namespace messageu::server
