// The PostgreSQL server database's schema and its versioning (table schema_version). Tables
// are created in the first schema of the connection's search_path.
//
//   clients(id bytea 16 primary key, name text unique, public_key bytea 160,
//           last_seen_ms bigint (Unix milliseconds), protected boolean,
//           registered identity (registration order))
//     indexed by name folded to lower case ASCII (look-alike names at registration).
//   contents(id bigint primary key, size bigint, uploading boolean, expires_at timestamptz)
//     a content too large to be inline: an upload in progress (uploading), then owned by a
//     message (expires_at NULL), then, once its message is deleted, kept until expires_at for
//     a pull that may still be reading it. Any server removes the contents past expires_at,
//     uploads abandoned by a server that died included.
//   content_chunks(content_id, seq, data bytea up to 1 MiB): the bytes of a content, in order.
//   messages(id bigint 1..2^32-1 primary key, to_client bytea 16, from_client bytea 16,
//            type smallint 1..4, content_size bigint, content bytea (inline contents, else
//            NULL), content_id (else NULL), seq identity (stored order), deleted_at)
//     indexed by (to_client, seq) for the messages waiting; ids from the cycling sequence
//     message_ids through next_free_message_id(), which skips ids still held after a wrap. A
//     deleted message keeps its row for an hour (deleted_at set), so that a pull through
//     another server that listed it may still send it; then any server removes it.
#pragma once

#include <messageu/postgres/postgres.hpp>

#include <cstdint>

namespace messageu::store {

inline constexpr std::int64_t k_postgres_schema_version = 1;

// Creates the schema in a database (schema) that has none, or checks that an existing one has
// this version. Several servers starting at once are serialised by an advisory lock. A
// version this code does not know → Errc::storage.
Status ensure_postgres_schema(postgres::Connection &connection);

} // namespace messageu::store
