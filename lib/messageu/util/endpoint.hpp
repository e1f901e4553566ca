// Server addresses as the profile and the command line write them: `host:port` in
// server.info or --server (PROTOCOL.md §8), and the bare port number of the server's
// myport.info. Parsing is pure: no name resolution happens here.
#pragma once

#include <messageu/util/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace messageu {

// A host (IPv4 literal, IPv6 literal without brackets, or a host name) and a TCP port.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;

  friend bool operator==(const Endpoint &, const Endpoint &) = default;
};

// Parses `host:port`, `[ipv6]:port`. Surrounding whitespace and a trailing newline or CR are
// ignored. The port is 1..65535 in decimal digits; the host is non-empty and holds no spaces.
// Any other text → Errc::config with a message saying what is wrong ("server.info: missing
// port"); `source` names where the text came from for that message.
Result<Endpoint> parse_endpoint(std::string_view text, std::string_view source = "server.info");

// Parses the content of myport.info: decimal digits with optional surrounding whitespace and
// newline, 1..65535, else Errc::config.
Result<std::uint16_t> parse_port_file_text(std::string_view text);

// `host:port`, with the host in brackets when it is an IPv6 literal (contains ':').
std::string to_string(const Endpoint &endpoint);

} // namespace messageu
