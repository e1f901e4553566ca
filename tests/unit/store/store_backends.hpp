// The server store backends that the shared store tests run on, each test on each backend
// (SQLite in a temporary directory, PostgreSQL in a schema of its own on the test cluster), and
// the few things those tests need to do behind a store's back.
#pragma once

#include <messageu/store/server_store.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace messageu::store::test {

class StoreBackend {
public:
  virtual ~StoreBackend() = default;

  // A store on this backend's database: the same one at each call (after the previous store
  // is gone, to test what survives a restart).
  virtual std::unique_ptr<ServerStore> open() = 0;
  // A store whose contents are not the first store's, open at the same time.
  virtual std::unique_ptr<ServerStore> open_another() = 0;
  // Contents up to this size are kept in their message's row.
  virtual std::uint64_t inline_limit() const = 0;
  // How many contents are stored apart from their message rows (spool files, chunked
  // contents) and still held by a message or by an upload.
  virtual std::size_t held_content_count(ServerStore &store) = 0;
  // Whether open_content() still reads a message for a while after its deletion (PostgreSQL:
  // a pull through another server may still be sending it).
  virtual bool keeps_deleted_messages_readable() const = 0;
  // Sets every client's LastSeen to 2000-01-01 00:00:00.000, through another connection.
  virtual void backdate_last_seen() = 0;
  // Writes what the store keeps in memory for a while (LastSeen times), if anything.
  virtual void flush(ServerStore &store) = 0;
};

struct StoreBackendParam {
  std::string name;
  bool needs_postgres = false;
  std::function<std::unique_ptr<StoreBackend>()> make;
};

// The backend's name, for gtest's messages.
inline void PrintTo(const StoreBackendParam &param, std::ostream *out) { *out << param.name; }

// SQLite and PostgreSQL.
std::vector<StoreBackendParam> store_backends();

// A test run on each backend: `store` is open on a fresh database.
class ServerStoreTest : public ::testing::TestWithParam<StoreBackendParam> {
protected:
  void SetUp() override;

  StoreBackend &backend() { return *m_backend; }
  // Closes the store and opens it again on the same database.
  void reopen();

  std::unique_ptr<StoreBackend> m_backend;
  std::unique_ptr<ServerStore> store;
};

std::string backend_name(const ::testing::TestParamInfo<StoreBackendParam> &info);

} // namespace messageu::store::test
