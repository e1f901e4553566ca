// The lookup thread and the caller meet in a shared state that outlives whichever leaves first.
#include <messageu/transport/resolver.hpp>

#include <utility> // before Asio: g++ 12 in C++20 mode needs it (DESIGN.md §6)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace messageu::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct PendingLookup {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<Result<Addresses>> answer;
};

// RFC 6761 §6.4: names under .invalid never resolve, and resolvers should say so at once.
bool is_under_invalid(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host.ends_with('.'))
    host.pop_back();
  return host == "invalid" || host.ends_with(".invalid");
}

Error no_such_host(const std::string &host, const std::string &reason) {
  return make_error(Errc::unknown_host, "unknown host " + host + ": " + reason);
}

// Asio folds EAI_NONAME and EAI_NODATA into host_not_found: the name has no address, which
// asking again will not change. Everything else (EAI_AGAIN, a failing DNS server) may pass.
Error lookup_error(const std::string &host, const boost::system::error_code &error) {
  if (error == asio::error::host_not_found)
    return no_such_host(host, error.message());
  return make_error(Errc::unavailable, "cannot resolve " + host + ": " + error.message());
}

} // namespace

Result<Addresses> system_lookup(const std::string &host, std::uint16_t port) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code error;
  auto results = resolver.resolve(host, std::to_string(port), error);
  if (error)
    return lookup_error(host, error);
  Addresses addresses;
  for (const auto &entry : results)
    addresses.push_back(entry.endpoint().address().to_string());
  return addresses;
}

Result<Addresses> resolve_within(const std::string &host, std::uint16_t port,
                                 std::chrono::milliseconds timeout, const Lookup &lookup) {
  boost::system::error_code not_an_address;
  (void)asio::ip::make_address(host, not_an_address);
  if (!not_an_address)
    return Addresses{host};
  if (is_under_invalid(host))
    return no_such_host(host, "a name under .invalid never resolves (RFC 6761)");

  auto pending = std::make_shared<PendingLookup>();
  std::thread([pending, lookup, host, port] {
    auto answer = lookup(host, port);
    std::lock_guard lock(pending->mutex);
    pending->answer = std::move(answer);
    pending->done.notify_all();
  }).detach(); // may outlive this call: it holds what it uses
  std::unique_lock lock(pending->mutex);
  if (!pending->done.wait_for(lock, timeout, [&] { return pending->answer.has_value(); }))
    return make_error(Errc::unavailable, "cannot resolve " + host + ": timed out after " +
                                             std::to_string(timeout.count()) + " ms");
  return std::move(*pending->answer);
}

} // namespace messageu::transport
