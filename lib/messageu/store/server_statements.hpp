// The SQL of the SQLite server store, every statement prepared once per database connection
// and reused (bind, step, reset) for every request.
#pragma once

#include <messageu/sqlite/sqlite.hpp>

namespace messageu::store {

struct ServerStatements {
  // clients
  sqlite::Statement client_name_exists; // ?1 name → a row when taken
  sqlite::Statement client_folded_name; // ?1 name → a row when taken but for ASCII case
  sqlite::Statement client_id_exists;   // ?1 id → a row when taken
  sqlite::Statement insert_client;      // ?1 id, ?2 name, ?3 public key
  sqlite::Statement find_client;        // ?1 id → ID, UserName, PublicKey, LastSeen, Protected
  sqlite::Statement list_clients;       // → ID, UserName in registration order
  sqlite::Statement touch_client;       // ?1 id, ?2 LastSeen text
  sqlite::Statement protect_client;     // ?1 id
  // messages
  sqlite::Statement message_id_in_use;    // ?1 id → a row when held
  sqlite::Statement insert_message;       // ?1 ID .. ?8 Seq, in column order
  sqlite::Statement save_last_message_id; // ?1 id
  sqlite::Statement message_content;      // ?1 id → Content, ContentSize, SpoolFile
  sqlite::Statement delete_message;       // ?1 id, ?2 recipient → SpoolFile of the deleted row
  // durability switches and space reclaim
  sqlite::Statement synchronous_normal;
  sqlite::Statement synchronous_full;
  sqlite::Statement freelist_count;

  static Result<ServerStatements> prepare(sqlite::Database &database);
};

} // namespace messageu::store
