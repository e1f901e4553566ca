// The server database's schema (PROTOCOL.md §8 names the tables and their first columns) and
// its versioning with PRAGMA user_version.
//
//   clients(ID blob 16 primary key, UserName text unique, PublicKey blob 160,
//           LastSeen text UTC "YYYY-MM-DD HH:MM:SS.SSS", Protected 0/1)
//     registration order is the rowid order.
//   messages(ID u32 primary key, ToClient blob 16, FromClient blob 16, Type 1..4,
//            Content blob (inline contents; NULL when kept in a file), ContentSize,
//            SpoolFile (file name in the content directory; NULL when inline), Seq (stored order))
//     Seq, not ID, orders a recipient's messages, because ids wrap around. No index by
//     recipient: the store reads the table once at open and keeps that index in memory.
//   store_state(Name text primary key, Value integer): 'last_message_id', the id counter:
//     ids are handed out after it (it may run ahead of the last one given, see the store).
//
// Version 1 had an index messages_by_recipient; opening such a database drops it. Any
// version gets the index clients_by_folded_name (UserName COLLATE NOCASE) at open.
#pragma once

#include <messageu/sqlite/sqlite.hpp>

#include <cstdint>

namespace messageu::store {

inline constexpr std::int64_t k_server_schema_version = 2;

// Creates the tables in a database that has none, or checks that an existing database has
// this schema (upgrading a version 1 database). A database with other tables and no version, or a
// version this code does not know → Errc::storage. Must run before the first table is created for
// auto_vacuum to apply.
Status ensure_server_schema(sqlite::Database &database);

} // namespace messageu::store
