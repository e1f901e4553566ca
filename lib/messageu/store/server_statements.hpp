// The SQL of the SQLite server store, every statement prepared once per database connection
// and reused (bind, step, reset) for every request.
#pragma once

#include <messageu/store/sqlite.hpp>

namespace messageu::store {

struct ServerStatements {
  // clients
  Statement client_name_exists; // ?1 name → a row when taken
  Statement client_folded_name; // ?1 name → a row when taken but for ASCII case
  Statement client_id_exists;   // ?1 id → a row when taken
  Statement insert_client;      // ?1 id, ?2 name, ?3 public key
  Statement find_client;        // ?1 id → ID, UserName, PublicKey, LastSeen, Protected
  Statement list_clients;       // → ID, UserName in registration order
  Statement touch_client;       // ?1 id, ?2 LastSeen text
  Statement protect_client;     // ?1 id
  // messages
  Statement message_id_in_use;    // ?1 id → a row when held
  Statement insert_message;       // ?1 ID .. ?8 Seq, in column order
  Statement save_last_message_id; // ?1 id
  Statement message_content;      // ?1 id → Content, ContentSize, SpoolFile
  Statement delete_message;       // ?1 id, ?2 recipient → SpoolFile of the deleted row
  // durability switches and space reclaim
  Statement synchronous_normal;
  Statement synchronous_full;
  Statement freelist_count;

  static Result<ServerStatements> prepare(Database &database);
};

} // namespace messageu::store
