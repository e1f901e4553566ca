// Reading and writing my.info (PROTOCOL.md §8).
#include <messageu/client/my_info.hpp>

#include <messageu/crypto/rsa.hpp>
#include <messageu/util/base64.hpp>
#include <messageu/util/files.hpp>

#include <algorithm>
#include <cctype>

namespace messageu::client {
namespace {

Error config_error(std::string message) { return make_error(Errc::config, std::move(message)); }

// Splits off the first line (without its '\n' and a trailing '\r'); nullopt when `text` has
// no line left.
std::optional<std::string_view> take_line(std::string_view &text) {
  if (text.empty())
    return std::nullopt;
  auto end = text.find('\n');
  auto line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

Result<std::string> parse_name(std::optional<std::string_view> line) {
  if (!line || line->empty())
    return config_error("my.info line 1: missing user name");
  if (line->size() > k_max_name_length)
    return config_error("my.info line 1: user name longer than " +
                        std::to_string(k_max_name_length) + " characters");
  auto printable = [](char c) { return c >= 0x20 && c < 0x7f; };
  if (!std::all_of(line->begin(), line->end(), printable))
    return config_error("my.info line 1: user name holds non-printable characters");
  return std::string(*line);
}

Result<ClientId> parse_id(std::optional<std::string_view> line) {
  if (!line || trim(*line).empty())
    return config_error("my.info line 2: missing client id");
  auto id = client_id_from_hex(trim(*line));
  if (!id)
    return config_error("my.info line 2: the client id must be 32 hex digits");
  return *id;
}

// Lines 3 to the end, base64 with any whitespace; returns the key as PKCS#8 DER.
Result<Bytes> parse_private_key(std::string_view rest) {
  if (trim(rest).empty())
    return config_error("my.info line 3: missing private key");
  auto der = base64_decode(rest);
  if (!der)
    return config_error("my.info line 3: the private key is not valid base64");
  auto key = crypto::RsaPrivateKey::from_der(*der);
  if (!key)
    return config_error("my.info line 3: the private key is not a valid RSA-1024 key (" +
                        key.error().message + ")");
  return key->to_pkcs8_der();
}

} // namespace

Result<MyInfo> parse_my_info(std::string_view text) {
  MyInfo info;
  info.name = MESSAGEU_TRY(parse_name(take_line(text)));
  info.id = MESSAGEU_TRY(parse_id(take_line(text)));
  info.private_key_der = MESSAGEU_TRY(parse_private_key(text));
  return info;
}

std::string format_my_info(const MyInfo &info) {
  return info.name + "\n" + client_id_to_hex(info.id) + "\n" + base64_encode(info.private_key_der) +
         "\n";
}

Result<MyInfo> load_my_info(const std::filesystem::path &path, const PermissionPolicy &policy) {
  auto text = read_file(path, k_max_my_info_size, [&](int fd) {
    return check_permissions(fd, path, ProfileEntry::my_info, policy);
  });
  if (!text && text.error().code == Errc::insecure_profile)
    return std::move(text).error();
  if (!text) {
    if (text.error().code == Errc::file_not_found && !std::filesystem::exists(path))
      return config_error("not registered: no my.info in " + path.parent_path().string() +
                          " (run `messageu register NAME`)");
    return config_error("cannot read " + path.string() + ": " + text.error().message);
  }
  auto info = parse_my_info(*text);
  if (!info)
    return config_error(path.string() + ": " + info.error().message);
  return info;
}

Status save_my_info(const std::filesystem::path &path, const MyInfo &info) {
  auto already_registered = [&] {
    return config_error("already registered: " + path.string() + " exists");
  };
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored))
    return already_registered();
  auto created = create_file_atomically(path, std::string_view(format_my_info(info)), 0600);
  // Another process may have registered between the check and the create.
  if (!created && created.error().code == Errc::cannot_create &&
      std::filesystem::exists(path, ignored))
    return already_registered();
  return created;
}

} // namespace messageu::client
