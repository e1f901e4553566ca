// Parsing of server.info / --server text and of myport.info.
#include <messageu/util/endpoint.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace messageu {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Letters, digits, '.', '-', '_' make host names and IPv4 addresses; ':' is let through so
// that an unbracketed IPv6 address gets its own message.
bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' ||
         c == ':';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

Error config_error(std::string_view source, std::string_view what) {
  return make_error(Errc::config, std::string(source) + ": " + std::string(what));
}

// Decimal digits only, 1..65535. Returns nullopt for anything else.
std::optional<std::uint16_t> parse_port_digits(std::string_view digits) {
  if (digits.empty() || digits.size() > 5)
    return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < 1 || value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

Result<std::uint16_t> parse_port(std::string_view digits, std::string_view source) {
  if (digits.empty())
    return config_error(source, "missing port");
  auto port = parse_port_digits(digits);
  if (!port)
    return config_error(source, "invalid port \"" + std::string(digits) +
                                    "\" (expected a number from 1 to 65535)");
  return *port;
}

// An IPv6 address as it may appear in brackets: hex digits, at least one ':', '.' for an
// embedded IPv4 address, then optionally '%' and a zone (an interface name or number).
bool is_ipv6_literal(std::string_view host) {
  auto percent = host.find('%');
  auto address = host.substr(0, percent);
  if (address.find(':') == std::string_view::npos ||
      address.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
    return false;
  if (percent == std::string_view::npos)
    return true;
  auto zone = host.substr(percent + 1);
  auto is_zone_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  };
  return !zone.empty() && std::all_of(zone.begin(), zone.end(), is_zone_char);
}

// "[v6]:port" → host "v6" and the text after the ']'.
Result<Endpoint> parse_bracketed(std::string_view text, std::string_view source) {
  auto close = text.find(']');
  if (close == std::string_view::npos)
    return config_error(source, "missing ']' after the IPv6 address");
  auto host = text.substr(1, close - 1);
  if (host.empty())
    return config_error(source, "missing host");
  if (!is_ipv6_literal(host))
    return config_error(source, "invalid IPv6 address \"" + std::string(host) + "\"");
  auto rest = text.substr(close + 1);
  if (rest.empty() || rest.front() != ':')
    return config_error(source, "missing port (expected [ADDRESS]:PORT)");
  auto port = MESSAGEU_TRY(parse_port(rest.substr(1), source));
  return Endpoint{std::string(host), port};
}

} // namespace

Result<Endpoint> parse_endpoint(std::string_view text, std::string_view source) {
  text = trim(text);
  if (text.empty())
    return config_error(source, "empty (expected HOST:PORT)");
  if (std::any_of(text.begin(), text.end(), is_space))
    return config_error(source, "unexpected whitespace (expected one line HOST:PORT)");
  if (text.front() == '[')
    return parse_bracketed(text, source);
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return config_error(source, "missing port (expected HOST:PORT)");
  auto host = text.substr(0, colon);
  if (host.empty())
    return config_error(source, "missing host (expected HOST:PORT)");
  if (!std::all_of(host.begin(), host.end(), is_host_char))
    return config_error(source, "invalid host \"" + std::string(host) + "\"");
  if (host.find(':') != std::string_view::npos)
    return config_error(source, "an IPv6 address must be in brackets, as [::1]:1234");
  auto port = MESSAGEU_TRY(parse_port(text.substr(colon + 1), source));
  return Endpoint{std::string(host), port};
}

Result<std::uint16_t> parse_port_file_text(std::string_view text) {
  auto digits = trim(text);
  auto port = parse_port_digits(digits);
  if (!port)
    return make_error(Errc::config, "myport.info: invalid port \"" + std::string(digits) +
                                        "\" (expected a number from 1 to 65535)");
  return *port;
}

std::string to_string(const Endpoint &endpoint) {
  auto port = std::to_string(endpoint.port);
  if (endpoint.host.find(':') != std::string::npos)
    return "[" + endpoint.host + "]:" + port;
  return endpoint.host + ":" + port;
}

} // namespace messageu
