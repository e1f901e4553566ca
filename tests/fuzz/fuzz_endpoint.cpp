// Fuzz target: parse_endpoint (server.info and --server, `host:port` or `[v6]:port`) and
// parse_port_file_text (myport.info) on arbitrary text.
//
// Input: the text, as it is.
//
// Invariants: every refusal is Errc::config and names its source; an accepted endpoint has a
// non-empty host without whitespace and a port from 1 to 65535, and to_string() writes it in
// a form that parses back to the same endpoint; an accepted port prints back to itself.
#include "fuzz_support.hpp"

#include <messageu/util/endpoint.hpp>

#include <algorithm>
#include <cctype>
#include <string>

using namespace messageu;

namespace {

constexpr std::string_view k_source = "fuzzed.info";

void check_endpoint(std::string_view text) {
  auto endpoint = parse_endpoint(text, k_source);
  if (!endpoint) {
    MESSAGEU_FUZZ_CHECK(endpoint.error().code == Errc::config);
    MESSAGEU_FUZZ_CHECK(endpoint.error().message.starts_with(k_source));
    return;
  }
  MESSAGEU_FUZZ_CHECK(endpoint->port != 0 && !endpoint->host.empty());
  MESSAGEU_FUZZ_CHECK(std::none_of(endpoint->host.begin(), endpoint->host.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  }));
  auto again = parse_endpoint(to_string(*endpoint), k_source);
  MESSAGEU_FUZZ_CHECK(again && *again == *endpoint);
}

void check_port_file(std::string_view text) {
  auto port = parse_port_file_text(text);
  if (!port) {
    MESSAGEU_FUZZ_CHECK(port.error().code == Errc::config);
    return;
  }
  MESSAGEU_FUZZ_CHECK(*port != 0);
  auto again = parse_port_file_text(std::to_string(*port));
  MESSAGEU_FUZZ_CHECK(again && *again == *port);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  auto text = as_chars(ByteView(data, size));
  check_endpoint(text);
  check_port_file(text);
  return 0;
}
