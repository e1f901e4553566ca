// The server store's SQL, in one place.
#include <messageu/store/server_statements.hpp>

// LastSeen is written by the database itself, in UTC with milliseconds.
#define MESSAGEU_NOW_SQL "strftime('%Y-%m-%d %H:%M:%f', 'now')"

namespace messageu::store {

Result<ServerStatements> ServerStatements::prepare(sqlite::Database &db) {
  auto client_name_exists = MESSAGEU_TRY(db.prepare("SELECT 1 FROM clients WHERE UserName = ?1"));
  // NOCASE folds ASCII letters only; the index clients_by_folded_name serves it.
  auto client_folded_name =
      MESSAGEU_TRY(db.prepare("SELECT 1 FROM clients WHERE UserName = ?1 COLLATE NOCASE LIMIT 1"));
  auto client_id_exists = MESSAGEU_TRY(db.prepare("SELECT 1 FROM clients WHERE ID = ?1"));
  auto insert_client =
      MESSAGEU_TRY(db.prepare("INSERT INTO clients (ID, UserName, PublicKey, LastSeen, Protected) "
                              "VALUES (?1, ?2, ?3, " MESSAGEU_NOW_SQL ", 0)"));
  auto find_client = MESSAGEU_TRY(
      db.prepare("SELECT ID, UserName, PublicKey, LastSeen, Protected FROM clients WHERE ID = ?1"));
  auto list_clients = MESSAGEU_TRY(db.prepare("SELECT ID, UserName FROM clients ORDER BY rowid"));
  auto touch_client = MESSAGEU_TRY(db.prepare("UPDATE clients SET LastSeen = ?2 WHERE ID = ?1"));
  auto protect_client = MESSAGEU_TRY(db.prepare("UPDATE clients SET Protected = 1 WHERE ID = ?1"));

  auto message_id_in_use = MESSAGEU_TRY(db.prepare("SELECT 1 FROM messages WHERE ID = ?1"));
  auto insert_message = MESSAGEU_TRY(db.prepare(
      "INSERT INTO messages (ID, ToClient, FromClient, Type, Content, ContentSize, SpoolFile, "
      "Seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  auto save_last_message_id =
      MESSAGEU_TRY(db.prepare("UPDATE store_state SET Value = ?1 WHERE Name = 'last_message_id'"));
  auto message_content = MESSAGEU_TRY(
      db.prepare("SELECT Content, ContentSize, SpoolFile FROM messages WHERE ID = ?1"));
  auto delete_message = MESSAGEU_TRY(
      db.prepare("DELETE FROM messages WHERE ID = ?1 AND ToClient = ?2 RETURNING SpoolFile"));

  auto synchronous_normal = MESSAGEU_TRY(db.prepare("PRAGMA synchronous=NORMAL"));
  auto synchronous_full = MESSAGEU_TRY(db.prepare("PRAGMA synchronous=FULL"));
  auto freelist_count = MESSAGEU_TRY(db.prepare("PRAGMA freelist_count"));

  return ServerStatements{
      std::move(client_name_exists), std::move(client_folded_name),   std::move(client_id_exists),
      std::move(insert_client),      std::move(find_client),          std::move(list_clients),
      std::move(touch_client),       std::move(protect_client),       std::move(message_id_in_use),
      std::move(insert_message),     std::move(save_last_message_id), std::move(message_content),
      std::move(delete_message),     std::move(synchronous_normal),   std::move(synchronous_full),
      std::move(freelist_count)};
}

} // namespace messageu::store

#undef MESSAGEU_NOW_SQL
