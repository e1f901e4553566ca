// Profile directory resolution and layout.
#include <messageu/client/profile.hpp>

#include <messageu/util/files.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace messageu::client {
namespace {

// server.info is one short line; anything far larger is not a server.info.
constexpr std::size_t k_max_server_info_size = 4096;

std::optional<std::string> non_empty(const char *value) {
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string(value);
}

bool is_set(const std::optional<std::string> &value) { return value && !value->empty(); }

std::optional<std::string> home_from_password_database() {
  auto *entry = ::getpwuid(::getuid());
  return entry ? non_empty(entry->pw_dir) : std::nullopt;
}

} // namespace

Environment Environment::from_process() {
  Environment environment;
  environment.messageu_home = non_empty(std::getenv("MESSAGEU_HOME"));
  environment.xdg_config_home = non_empty(std::getenv("XDG_CONFIG_HOME"));
  environment.home = non_empty(std::getenv("HOME"));
  if (!environment.home)
    environment.home = home_from_password_database();
  return environment;
}

std::filesystem::path resolve_home(std::optional<std::string> home_option,
                                   const Environment &environment) {
  if (is_set(home_option))
    return *home_option;
  if (is_set(environment.messageu_home))
    return *environment.messageu_home;
  // The XDG specification says a relative $XDG_CONFIG_HOME is invalid and to be ignored.
  if (is_set(environment.xdg_config_home) &&
      std::filesystem::path(*environment.xdg_config_home).is_absolute())
    return std::filesystem::path(*environment.xdg_config_home) / "messageu";
  if (is_set(environment.home))
    return std::filesystem::path(*environment.home) / ".config" / "messageu";
  return std::filesystem::path(".config") / "messageu";
}

Profile::Profile(std::filesystem::path home) : m_home(std::move(home)) {}

bool Profile::is_registered() const {
  std::error_code ignored;
  return std::filesystem::exists(my_info_path(), ignored);
}

Result<Endpoint> Profile::server_endpoint(const std::optional<std::string> &override_text) const {
  if (override_text)
    return parse_endpoint(*override_text, "--server");
  auto path = server_info_path();
  auto text = read_file(path, k_max_server_info_size);
  if (!text) {
    if (text.error().code == Errc::file_not_found)
      return make_error(Errc::config, "no server configured: write HOST:PORT to " + path.string() +
                                          " or pass --server HOST:PORT");
    return make_error(Errc::config, text.error().message);
  }
  return parse_endpoint(*text, path.string());
}

Status Profile::ensure_directory() const {
  std::error_code error;
  if (std::filesystem::is_directory(m_home, error))
    return {};
  // Parents such as ~/.config are made with the usual permissions; only the profile itself,
  // which holds the private key, is closed to others.
  auto parent = m_home.parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, error);
  if (::mkdir(m_home.c_str(), 0700) == 0)
    ::chmod(m_home.c_str(), 0700); // exactly 0700, whatever the umask took away
  else if (errno != EEXIST)
    return make_error(Errc::cannot_create, "cannot create the profile directory " +
                                               m_home.string() + ": " + std::strerror(errno));
  if (!std::filesystem::is_directory(m_home, error))
    return make_error(Errc::cannot_create, m_home.string() + " exists and is not a directory");
  return {};
}

} // namespace messageu::client
