// The SQLite and PostgreSQL backends of the shared store tests.
#include "store_backends.hpp"

#include <messageu/sqlite/sqlite.hpp>
#include <messageu/store/postgres_server_store.hpp>
#include <messageu/store/sqlite_server_store.hpp>

#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace messageu::store::test {

namespace {

template <typename Store>
std::unique_ptr<ServerStore> opened(Result<std::unique_ptr<Store>> store) {
  EXPECT_TRUE(store) << store.error().message;
  if (!store)
    return nullptr;
  return std::move(store).value();
}

class SqliteBackend final : public StoreBackend {
public:
  std::unique_ptr<ServerStore> open() override {
    return opened(SqliteServerStore::open(database_path()));
  }
  std::unique_ptr<ServerStore> open_another() override {
    return opened(SqliteServerStore::open_in_memory());
  }
  std::uint64_t inline_limit() const override { return SqliteServerStore::k_inline_content_limit; }
  bool keeps_deleted_messages_readable() const override { return false; }

  std::size_t held_content_count(ServerStore &store) override {
    std::size_t count = 0;
    auto &sqlite_store = dynamic_cast<SqliteServerStore &>(store);
    for (const auto &entry : std::filesystem::directory_iterator(sqlite_store.content_directory()))
      count += entry.path().filename().string().starts_with("content-");
    return count;
  }

  void backdate_last_seen() override {
    auto other = sqlite::Database::open(database_path());
    ASSERT_TRUE(other && other->exec("UPDATE clients SET LastSeen = '2000-01-01 00:00:00.000'"));
  }

  void flush(ServerStore &store) override {
    ASSERT_TRUE(dynamic_cast<SqliteServerStore &>(store).flush_touches());
  }

private:
  std::filesystem::path database_path() const { return m_dir / "server.db"; }

  messageu::test::TempDir m_dir;
};

class PostgresBackend final : public StoreBackend {
public:
  PostgresBackend() {
    auto schema = messageu::test::PostgresTestSchema::create();
    EXPECT_TRUE(schema) << schema.error().message;
    if (schema)
      m_schema = std::move(*schema);
  }

  std::unique_ptr<ServerStore> open() override {
    return opened(PostgresServerStore::open(m_schema->uri()));
  }
  std::unique_ptr<ServerStore> open_another() override { return open(); }
  std::uint64_t inline_limit() const override {
    return PostgresServerStore::k_inline_content_limit;
  }
  bool keeps_deleted_messages_readable() const override { return true; }

  std::size_t held_content_count(ServerStore &) override {
    return static_cast<std::size_t>(
        query_int64("SELECT count(*) FROM contents WHERE expires_at IS NULL OR uploading"));
  }

  void backdate_last_seen() override {
    query_int64("WITH changed AS (UPDATE clients SET last_seen_ms = 946684800000 RETURNING 1) "
                "SELECT count(*) FROM changed");
  }

  void flush(ServerStore &) override {}

private:
  std::int64_t query_int64(const std::string &sql) {
    return messageu::test::postgres_query_int64(m_schema->uri(), sql);
  }

  std::unique_ptr<messageu::test::PostgresTestSchema> m_schema;
};

} // namespace

std::vector<StoreBackendParam> store_backends() {
  return {{"SQLite", false, [] { return std::make_unique<SqliteBackend>(); }},
          {"PostgreSQL", true, [] { return std::make_unique<PostgresBackend>(); }}};
}

std::string backend_name(const ::testing::TestParamInfo<StoreBackendParam> &info) {
  return info.param.name;
}

void ServerStoreTest::SetUp() {
  if (GetParam().needs_postgres)
    MESSAGEU_SKIP_WITHOUT_POSTGRES();
  m_backend = GetParam().make();
  store = m_backend->open();
  ASSERT_TRUE(store);
}

void ServerStoreTest::reopen() {
  store.reset();
  store = m_backend->open();
  ASSERT_TRUE(store);
}

} // namespace messageu::store::test
