// Name resolution within a deadline, for Connection::connect. getaddrinfo cannot be
// interrupted: a host name whose lookup hangs (a DNS server that never answers) would hold
// the caller until the system resolver gives up, past any --timeout. The lookup runs on a
// thread of its own instead, left to finish by itself if the caller stops waiting at the
// deadline; an IP address needs no lookup at all.
#pragma once

#include <messageu/util/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace messageu::transport {

// Numeric addresses, as "127.0.0.1" or "::1".
using Addresses = std::vector<std::string>;

// Looks `host` up, blocking for as long as that takes. A name that does not exist →
// Errc::unknown_host "unknown host HOST: reason"; any other failure (a temporary DNS failure)
// → Errc::unavailable "cannot resolve HOST: reason".
using Lookup = std::function<Result<Addresses>(const std::string &host, std::uint16_t port)>;

// The system's resolver (getaddrinfo).
Result<Addresses> system_lookup(const std::string &host, std::uint16_t port);

// The addresses of `host`: at once for an IP address; at once Errc::unknown_host for a name
// under .invalid (RFC 6761); else from `lookup` run on another thread. No answer within
// `timeout` → Errc::unavailable "cannot resolve HOST: timed out after N ms" (the lookup goes
// on by itself, and its answer is dropped); the lookup's own error as it is.
Result<Addresses> resolve_within(const std::string &host, std::uint16_t port,
                                 std::chrono::milliseconds timeout,
                                 const Lookup &lookup = system_lookup);

} // namespace messageu::transport
