// Which store a --db value names, opened: the one place the server picks its backend.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/result.hpp>

#include <memory>
#include <string>

namespace messageu::server {

// Opens (creating when missing) the store `database` names. Failure → the store's error, with
// a message naming the database.
Result<std::unique_ptr<store::ServerStore>> open_store(const std::string &database);

} // namespace messageu::server
