// Storage errors. The "full" mark is a fixed message prefix because Error carries only a code
// and a message; both ends of that convention live in this file.
#include <messageu/sqlite/storage_error.hpp>

#include <string_view>

namespace messageu::sqlite {

namespace {
constexpr std::string_view k_full_prefix = "storage full: ";
}

Error storage_error(std::string message) { return make_error(Errc::storage, std::move(message)); }

Error storage_full_error(std::string message) {
  return make_error(Errc::storage, std::string(k_full_prefix) + message);
}

bool is_storage_full(const Error &error) {
  return error.code == Errc::storage && error.message.starts_with(k_full_prefix);
}

} // namespace messageu::sqlite
