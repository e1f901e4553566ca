// Resolution within a deadline: addresses need no lookup, a name goes through the lookup, and
// a lookup that hangs is left behind at the deadline instead of holding the caller.
#include <messageu/transport/resolver.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

using namespace messageu;
using namespace messageu::transport;
using namespace std::chrono_literals;

namespace {

// A lookup that blocks until released, shared with the thread that runs it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  bool finished = false;

  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
  bool wait_finished() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [this] { return finished; });
  }
};

Lookup gated_lookup(std::shared_ptr<Gate> gate) {
  return [gate](const std::string &, std::uint16_t) -> Result<Addresses> {
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [&] { return gate->open; });
    gate->finished = true;
    gate->changed.notify_all();
    return Addresses{"127.0.0.1"};
  };
}

} // namespace

TEST(Resolver, TakesAnIpAddressAsItIsWithoutALookup) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Lookup counting = [calls](const std::string &, std::uint16_t) -> Result<Addresses> {
    ++*calls;
    return Addresses{};
  };
  for (std::string host : {"127.0.0.1", "::1", "192.0.2.7"}) {
    auto addresses = resolve_within(host, 1234, 1s, counting);
    ASSERT_TRUE(addresses) << addresses.error().message;
    EXPECT_EQ(*addresses, Addresses{host});
  }
  EXPECT_EQ(*calls, 0);
}

TEST(Resolver, GivesTheAddressesTheLookupFinds) {
  auto gate = std::make_shared<Gate>();
  gate->release();
  auto addresses = resolve_within("server.example", 1357, 10s, gated_lookup(gate));
  ASSERT_TRUE(addresses) << addresses.error().message;
  EXPECT_EQ(*addresses, Addresses{"127.0.0.1"});
}

TEST(Resolver, StopsWaitingForALookupThatHangsAtTheDeadline) {
  auto gate = std::make_shared<Gate>();
  auto addresses = resolve_within("hanging.example", 1357, 50ms, gated_lookup(gate));
  ASSERT_FALSE(addresses);
  EXPECT_EQ(addresses.error().code, Errc::unavailable);
  EXPECT_EQ(addresses.error().message, "cannot resolve hanging.example: timed out after 50 ms");
  // The lookup was still blocked when the call returned; once let go, it ends by itself.
  gate->release();
  EXPECT_TRUE(gate->wait_finished());
}

TEST(Resolver, PassesTheLookupsErrorOn) {
  for (auto code : {Errc::unavailable, Errc::unknown_host}) {
    Lookup failing = [code](const std::string &host, std::uint16_t) -> Result<Addresses> {
      return make_error(code, "cannot resolve " + host + ": Host not found");
    };
    auto addresses = resolve_within("missing.example", 1, 10s, failing);
    ASSERT_FALSE(addresses);
    EXPECT_EQ(addresses.error().code, code);
    EXPECT_EQ(addresses.error().message, "cannot resolve missing.example: Host not found");
  }
}

TEST(Resolver, ANameUnderInvalidIsAnUnknownHostWithoutALookup) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Lookup counting = [calls](const std::string &, std::uint16_t) -> Result<Addresses> {
    ++*calls;
    return Addresses{"192.0.2.1"};
  };
  for (std::string host : {"nosuchhost.invalid", "NoSuchHost.INVALID.", "invalid"}) {
    auto addresses = resolve_within(host, 1357, 10s, counting);
    ASSERT_FALSE(addresses) << host;
    EXPECT_EQ(addresses.error().code, Errc::unknown_host) << host;
    EXPECT_EQ(addresses.error().message,
              "unknown host " + host + ": a name under .invalid never resolves (RFC 6761)");
  }
  EXPECT_EQ(*calls, 0);
  // Only the last label counts: these are ordinary names, looked up.
  for (std::string host : {"invalid.example", "notinvalid"})
    EXPECT_TRUE(resolve_within(host, 1357, 10s, counting)) << host;
  EXPECT_EQ(*calls, 2);
}

TEST(Resolver, TheSystemLookupFindsLocalhostOnLoopback) {
  auto addresses = resolve_within("localhost", 4242, 10s);
  ASSERT_TRUE(addresses) << addresses.error().message;
  ASSERT_FALSE(addresses->empty());
  for (const auto &address : *addresses)
    EXPECT_TRUE(address == "127.0.0.1" || address == "::1") << address;
}
