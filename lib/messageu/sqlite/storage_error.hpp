// How the storage layers (server store, client state) report failures: every database or spool
// failure is an Errc::storage error, and a full disk is marked so that callers can tell it apart
// (the server still answers 9000, but logs and operators need to know that space ran out).
#pragma once

#include <messageu/util/result.hpp>

#include <string>

namespace messageu::sqlite {

// An Errc::storage error with `message`.
Error storage_error(std::string message);

// An Errc::storage error marked as "out of space" (SQLITE_FULL, ENOSPC, EDQUOT).
Error storage_full_error(std::string message);

// True when `error` was made by storage_full_error.
bool is_storage_full(const Error &error);

// An Errc::storage error marked as "the file is damaged or not a database" (SQLITE_CORRUPT,
// SQLITE_NOTADB): retrying cannot help, the file must be repaired or moved aside.
Error storage_damaged_error(std::string message);

// True when `error` was made by storage_damaged_error.
bool is_storage_damaged(const Error &error);

} // namespace messageu::sqlite
