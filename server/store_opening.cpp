// The server's choice of backend.
#include "store_opening.hpp"

#include <messageu/store/sqlite_server_store.hpp>

#include <fmt/format.h>

namespace messageu::server {

Result<std::unique_ptr<store::ServerStore>> open_store(const std::string &database) {
  auto store = store::SqliteServerStore::open(database);
  if (!store)
    return make_error(store.error().code, fmt::format("cannot open the database {}: {}", database,
                                                      store.error().message));
  return std::unique_ptr<store::ServerStore>(std::move(*store));
}

} // namespace messageu::server
