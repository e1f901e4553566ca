// Inputs found by the fuzz targets (tests/fuzz/) that broke an invariant of the util layer,
// one test per finding, named after it. The same inputs are kept in the target's corpus
// (tests/fuzz/corpus/<target>/regression-*), which the fuzz_replay_* tests run.
#include <messageu/util/endpoint.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace messageu;

// fuzz_endpoint: "[f%]:8" is accepted as host "f%", which to_string() writes unbracketed as
// "f%:8" (it brackets only hosts with a ':'), which parse_endpoint() refuses ("invalid host"):
// a bracketed host without a ':' is not an IPv6 literal. Whatever parse_endpoint accepts must
// be written back in a form it reads again.
TEST(EndpointFuzzRegression, BracketedHostWithoutColonWritesBackReadably) {
  for (std::string text : {"[f%]:8", "[f%2]:80", "[%]:8", "[1%eth0]:1357"}) {
    auto endpoint = parse_endpoint(text);
    if (!endpoint) {
      EXPECT_EQ(endpoint.error().code, Errc::config) << text;
      continue;
    }
    auto written = to_string(*endpoint);
    auto again = parse_endpoint(written);
    if (!again) {
      ADD_FAILURE() << text << " was accepted, but not its written form " << written << ": "
                    << again.error().message;
      continue;
    }
    EXPECT_EQ(*again, *endpoint) << text;
  }
}
