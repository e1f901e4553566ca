// my.info: the user's identity as the classic client keeps it (PROTOCOL.md §8). Line 1 the
// user name, line 2 the client id as 32 hex digits, line 3 to the end the private key as
// base64 DER. Readers accept any hex case, keys wrapped over several lines, CR line endings
// and PKCS#1 keys; the writer always writes PKCS#8 base64 on one line.
#pragma once

#include <messageu/client/profile_permissions.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace messageu::client {

// Largest my.info accepted: a 1024-bit key is under 1 KiB of base64; this leaves room for
// much larger keys and generous wrapping while refusing to read a stray huge file.
inline constexpr std::size_t k_max_my_info_size = std::size_t{64} * 1024;

struct MyInfo {
  std::string name;
  ClientId id{};
  Bytes private_key_der; // PKCS#8 DER, whatever form the file held

  friend bool operator==(const MyInfo &, const MyInfo &) = default;
};

// Parses the text of a my.info file. The key is checked by loading it as an RSA private key
// and is returned re-encoded as PKCS#8. A missing line, an empty or over-long name
// (> k_max_name_length), an id that is not 32 hex digits, bad base64 or a key that does not
// load → Errc::config with a message naming the line at fault.
Result<MyInfo> parse_my_info(std::string_view text);

// The file text: "name\nid-hex\nbase64-pkcs8\n", the id in lower case, the key on one line.
std::string format_my_info(const MyInfo &info);

// Reads and parses `path`. Missing → Errc::config ("not registered: no my.info in ...");
// readable or changeable by others, or not the user's → Errc::insecure_profile (unless the
// policy lets it through, see profile_permissions.hpp); unreadable or too large →
// Errc::config; otherwise as parse_my_info (the message names the file).
Result<MyInfo> load_my_info(const std::filesystem::path &path, const PermissionPolicy &policy = {});

// Writes a new my.info atomically with mode 0600. An existing file is never replaced:
// → Errc::config ("already registered: ... exists"). Write failures as write_file_atomically.
Status save_my_info(const std::filesystem::path &path, const MyInfo &info);

} // namespace messageu::client
