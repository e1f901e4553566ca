// server.info / --server endpoints and myport.info ports.
#include <messageu/util/endpoint.hpp>

#include <gtest/gtest.h>

using namespace messageu;

TEST(ParseEndpoint, AcceptsIpv4AndPort) {
  auto endpoint = parse_endpoint("127.0.0.1:1234");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(*endpoint, (Endpoint{"127.0.0.1", 1234}));
}

TEST(ParseEndpoint, AcceptsHostNames) {
  auto endpoint = parse_endpoint("chat.example-host.org:65535");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(*endpoint, (Endpoint{"chat.example-host.org", 65535}));
}

TEST(ParseEndpoint, AcceptsIpv6InBrackets) {
  auto endpoint = parse_endpoint("[::1]:1357");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(*endpoint, (Endpoint{"::1", 1357}));
  auto full = parse_endpoint("[fe80::1:2:3]:1");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->host, "fe80::1:2:3");
  auto zoned = parse_endpoint("[fe80::1%eth0]:1357");
  ASSERT_TRUE(zoned) << zoned.error().message;
  EXPECT_EQ(zoned->host, "fe80::1%eth0");
  EXPECT_EQ(parse_endpoint("[hello]:1").error().code, Errc::config);
}

TEST(ParseEndpoint, RejectsBracketsAroundAnythingButAnIpv6Address) {
  // Each of these would print back without brackets and no longer parse.
  EXPECT_EQ(parse_endpoint("[f%]:8").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[127.0.0.1]:8").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[abc]:8").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[::1%]:8").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[::1%a/b]:8").error().code, Errc::config);
}

TEST(ParseEndpoint, IgnoresSurroundingWhitespaceAndLineEnding) {
  EXPECT_EQ(*parse_endpoint("  127.0.0.1:1234\r\n"), (Endpoint{"127.0.0.1", 1234}));
  EXPECT_EQ(*parse_endpoint("localhost:80\n"), (Endpoint{"localhost", 80}));
}

TEST(ParseEndpoint, RejectsMissingPortWithClearMessage) {
  auto endpoint = parse_endpoint("127.0.0.1");
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().code, Errc::config);
  EXPECT_NE(endpoint.error().message.find("server.info: missing port"), std::string::npos)
      << endpoint.error().message;
  EXPECT_EQ(parse_endpoint("127.0.0.1:").error().code, Errc::config);
}

TEST(ParseEndpoint, RejectsPortsOutsideRange) {
  EXPECT_EQ(parse_endpoint("host:0").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("host:65536").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("host:123456").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("host:-1").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("host:12a").error().code, Errc::config);
}

TEST(ParseEndpoint, RejectsEmptyTextAndMissingHost) {
  EXPECT_EQ(parse_endpoint("").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint(" \n").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint(":1234").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[]:1234").error().code, Errc::config);
}

TEST(ParseEndpoint, RejectsUnbracketedIpv6AndBadBrackets) {
  auto bare = parse_endpoint("::1:1234");
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().code, Errc::config);
  EXPECT_NE(bare.error().message.find("brackets"), std::string::npos);
  EXPECT_EQ(parse_endpoint("[::1:1234").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[::1]1234").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("[::1]").error().code, Errc::config);
}

TEST(ParseEndpoint, RejectsSeveralLinesAndInvalidHostCharacters) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:1\n127.0.0.1:2").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("http://host:80").error().code, Errc::config);
  EXPECT_EQ(parse_endpoint("user@host:80").error().code, Errc::config);
}

TEST(ParseEndpoint, NamesTheSourceInItsMessage) {
  auto endpoint = parse_endpoint("nonsense", "--server");
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().message.rfind("--server: ", 0), 0u) << endpoint.error().message;
}

TEST(EndpointText, BracketsIpv6AndRoundTrips) {
  EXPECT_EQ(to_string(Endpoint{"127.0.0.1", 1234}), "127.0.0.1:1234");
  EXPECT_EQ(to_string(Endpoint{"::1", 1357}), "[::1]:1357");
  for (std::string text : {"[::1]:9", "example.org:443", "10.0.0.1:65535"})
    EXPECT_EQ(to_string(*parse_endpoint(text)), text);
}

TEST(PortFile, AcceptsDigitsWithWhitespace) {
  EXPECT_EQ(*parse_port_file_text("1234"), 1234);
  EXPECT_EQ(*parse_port_file_text(" 1357\r\n"), 1357);
  EXPECT_EQ(*parse_port_file_text("65535\n"), 65535);
}

TEST(PortFile, RejectsOutOfRangeAndNonDigits) {
  EXPECT_EQ(parse_port_file_text("").error().code, Errc::config);
  EXPECT_EQ(parse_port_file_text("0").error().code, Errc::config);
  EXPECT_EQ(parse_port_file_text("65536").error().code, Errc::config);
  EXPECT_EQ(parse_port_file_text("12 34").error().code, Errc::config);
  EXPECT_EQ(parse_port_file_text("port=1234").error().code, Errc::config);
  EXPECT_EQ(parse_port_file_text("+1234").error().code, Errc::config);
}
