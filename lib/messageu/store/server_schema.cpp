// Creation and version check of the server database's schema.
#include <messageu/store/server_schema.hpp>

#include <messageu/sqlite/storage_error.hpp>

namespace messageu::store {

namespace {

constexpr std::string_view k_schema_sql = R"sql(
CREATE TABLE clients (
  ID BLOB NOT NULL PRIMARY KEY CHECK (length(ID) = 16),
  UserName TEXT NOT NULL,
  PublicKey BLOB NOT NULL CHECK (length(PublicKey) = 160),
  LastSeen TEXT NOT NULL,
  Protected INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX clients_by_name ON clients (UserName);
CREATE TABLE messages (
  ID INTEGER PRIMARY KEY CHECK (ID BETWEEN 1 AND 4294967295),
  ToClient BLOB NOT NULL CHECK (length(ToClient) = 16),
  FromClient BLOB NOT NULL CHECK (length(FromClient) = 16),
  Type INTEGER NOT NULL,
  Content BLOB,
  ContentSize INTEGER NOT NULL,
  SpoolFile TEXT,
  Seq INTEGER NOT NULL
);
CREATE TABLE store_state (
  Name TEXT NOT NULL PRIMARY KEY,
  Value INTEGER NOT NULL
);
INSERT INTO store_state (Name, Value) VALUES ('last_message_id', 0);
)sql";

Result<bool> has_tables(sqlite::Database &database) {
  auto statement = MESSAGEU_TRY(database.prepare("SELECT 1 FROM sqlite_master LIMIT 1"));
  return statement.step();
}

// Version 1 indexed messages by recipient. The store now keeps that index in memory: on disk
// it scattered every commit over as many index pages as the batch had recipients.
constexpr std::string_view k_upgrade_from_1_sql = "DROP INDEX IF EXISTS messages_by_recipient";

Status upgrade_from_1(sqlite::Database &database) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(database));
  MESSAGEU_TRY(database.exec(k_upgrade_from_1_sql));
  MESSAGEU_TRY(database.set_user_version(k_server_schema_version));
  return transaction.commit();
}

Status create_schema(sqlite::Database &database) {
  auto transaction = MESSAGEU_TRY(sqlite::Transaction::begin(database));
  MESSAGEU_TRY(database.exec(k_schema_sql));
  // user_version lives in the database header, so it commits with the tables.
  MESSAGEU_TRY(database.set_user_version(k_server_schema_version));
  return transaction.commit();
}

// Registration looks up names ignoring ASCII case (look-alike names are refused). The index
// is outside the versioned schema: a server that predates it maintains it like any other
// index, so adding it keeps older servers able to open the database.
constexpr std::string_view k_folded_name_index_sql =
    "CREATE INDEX IF NOT EXISTS clients_by_folded_name ON clients (UserName COLLATE NOCASE)";

Status ensure_versioned_schema(sqlite::Database &database) {
  // Only takes effect before the first table exists; lets deletes give pages back to the file.
  MESSAGEU_TRY(database.exec("PRAGMA auto_vacuum=INCREMENTAL"));
  auto version = MESSAGEU_TRY(database.user_version());
  if (version == k_server_schema_version)
    return {};
  if (version == 1)
    return upgrade_from_1(database);
  if (version != 0)
    return sqlite::storage_error("database schema version " + std::to_string(version) +
                                 " is not the supported version " +
                                 std::to_string(k_server_schema_version));
  if (MESSAGEU_TRY(has_tables(database)))
    return sqlite::storage_error("the database has tables but no messageu schema version");
  return create_schema(database);
}

} // namespace

Status ensure_server_schema(sqlite::Database &database) {
  MESSAGEU_TRY(ensure_versioned_schema(database));
  return database.exec(k_folded_name_index_sql);
}

} // namespace messageu::store
