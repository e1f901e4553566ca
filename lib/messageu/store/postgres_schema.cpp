// Creation and version check of the PostgreSQL server schema.
#include <messageu/store/postgres_schema.hpp>

namespace messageu::store {

namespace {

constexpr std::string_view k_schema_sql = R"sql(
CREATE TABLE schema_version (version integer NOT NULL);
CREATE TABLE clients (
  id bytea PRIMARY KEY CHECK (length(id) = 16),
  name text NOT NULL UNIQUE,
  public_key bytea NOT NULL CHECK (length(public_key) = 160),
  last_seen_ms bigint NOT NULL,
  protected boolean NOT NULL DEFAULT false,
  registered bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX clients_by_folded_name
  ON clients (translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
CREATE SEQUENCE content_ids;
CREATE TABLE contents (
  id bigint PRIMARY KEY,
  size bigint NOT NULL,
  uploading boolean NOT NULL DEFAULT true,
  expires_at timestamptz
);
CREATE INDEX contents_by_expiry ON contents (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE content_chunks (
  content_id bigint NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (content_id, seq)
);
-- Contents are encrypted: compressing them wastes time.
ALTER TABLE content_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE SEQUENCE message_ids MINVALUE 1 MAXVALUE 4294967295 CYCLE;
CREATE TABLE messages (
  id bigint PRIMARY KEY CHECK (id BETWEEN 1 AND 4294967295),
  to_client bytea NOT NULL CHECK (length(to_client) = 16),
  from_client bytea NOT NULL CHECK (length(from_client) = 16),
  type smallint NOT NULL CHECK (type BETWEEN 1 AND 4),
  content_size bigint NOT NULL,
  content bytea,
  content_id bigint REFERENCES contents (id),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  deleted_at timestamptz
);
CREATE INDEX messages_by_recipient ON messages (to_client, seq) WHERE deleted_at IS NULL;
CREATE INDEX messages_by_deletion ON messages (deleted_at) WHERE deleted_at IS NOT NULL;
-- After the sequence wraps, an id may still be held by a message nobody pulled: skip it, so
-- that a repeated ACK never deletes a newer message with a recycled id.
CREATE FUNCTION next_free_message_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  candidate bigint;
BEGIN
  FOR attempt IN 1..1000000 LOOP
    candidate := nextval('message_ids');
    IF NOT EXISTS (SELECT 1 FROM messages WHERE id = candidate) THEN
      RETURN candidate;
    END IF;
  END LOOP;
  RAISE EXCEPTION 'no free message id among a million tried';
END $$;
INSERT INTO schema_version (version) VALUES (1);
)sql";

// Any number that other applications sharing the database are unlikely to lock.
constexpr std::int64_t k_schema_lock = 0x6d65737361676575; // "messageu"

Result<std::optional<std::int64_t>> schema_version(postgres::Connection &connection) {
  auto table = MESSAGEU_TRY(connection.query("SELECT to_regclass('schema_version') IS NOT NULL"));
  if (!table.boolean(0, 0))
    return std::optional<std::int64_t>{};
  auto rows = MESSAGEU_TRY(connection.query("SELECT max(version)::bigint FROM schema_version"));
  return std::optional<std::int64_t>(rows.int64(0, 0));
}

} // namespace

Status ensure_postgres_schema(postgres::Connection &connection) {
  auto transaction = MESSAGEU_TRY(postgres::Transaction::begin(connection));
  MESSAGEU_TRY(connection.query("SELECT pg_advisory_xact_lock($1)",
                                postgres::Parameters{}.int64(k_schema_lock)));
  auto version = MESSAGEU_TRY(schema_version(connection));
  if (version && *version == k_postgres_schema_version)
    return transaction.commit();
  if (version)
    return make_error(Errc::storage, "database schema version " + std::to_string(*version) +
                                         " is not the supported version " +
                                         std::to_string(k_postgres_schema_version));
  MESSAGEU_TRY(connection.exec(k_schema_sql));
  return transaction.commit();
}

} // namespace messageu::store
