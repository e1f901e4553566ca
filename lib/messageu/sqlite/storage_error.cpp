// Storage errors. The "full" and "damaged" marks are fixed message prefixes because Error
// carries only a code and a message; both ends of that convention live in this file.
#include <messageu/sqlite/storage_error.hpp>

#include <string_view>

namespace messageu::sqlite {

namespace {
constexpr std::string_view k_full_prefix = "storage full: ";
constexpr std::string_view k_damaged_prefix = "database damaged: ";
} // namespace

Error storage_error(std::string message) { return make_error(Errc::storage, std::move(message)); }

Error storage_full_error(std::string message) {
  return make_error(Errc::storage, std::string(k_full_prefix) + message);
}

bool is_storage_full(const Error &error) {
  return error.code == Errc::storage && error.message.starts_with(k_full_prefix);
}

Error storage_damaged_error(std::string message) {
  return make_error(Errc::storage, std::string(k_damaged_prefix) + message);
}

bool is_storage_damaged(const Error &error) {
  return error.code == Errc::storage && error.message.starts_with(k_damaged_prefix);
}

} // namespace messageu::sqlite
