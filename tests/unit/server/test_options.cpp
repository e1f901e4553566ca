// The command line of messageu-server (CLI.md §7).
#include "core/options.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/util/version.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace messageu::server {
namespace {

ParsedCommandLine parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "messageu-server");
  std::vector<const char *> argv;
  for (const auto &argument : arguments)
    argv.push_back(argument.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(ServerOptions, UsesTheDocumentedDefaults) {
  auto parsed = parse({"--port", "4000"});
  ASSERT_TRUE(parsed.config);
  const auto &config = *parsed.config;
  EXPECT_EQ(config.port, 4000);
  EXPECT_EQ(config.bind_address, "");
  EXPECT_EQ(config.database_path, "defensive.db");
  EXPECT_EQ(config.max_message_size, 4294967295u);
  EXPECT_EQ(config.idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(config.log_level, LogLevel::info);
  EXPECT_FALSE(config.require_auth);
  EXPECT_EQ(config.max_pending_messages, 10'000u);
  EXPECT_EQ(config.max_pending_bytes, 8'589'934'592u);
  // The default must admit a message of the largest content the protocol allows.
  EXPECT_GE(config.max_pending_bytes, std::uint64_t{protocol::k_max_content_size});
  EXPECT_EQ(config.max_request_rate, 0u);
  EXPECT_EQ(config.request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config.min_receive_rate, 4096u);
  EXPECT_EQ(config.min_send_rate, 4096u);
  EXPECT_EQ(config.max_connections, 10'000u);
  EXPECT_EQ(config.max_connections_per_address, 64u);
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST(ServerOptions, ReadsTheConnectionBounds) {
  auto parsed = parse({"--port", "1", "--request-timeout", "1.5", "--min-receive-rate", "0",
                       "--min-send-rate", "100", "--max-connections-per-address", "5"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->request_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(parsed.config->min_receive_rate, 0u);
  EXPECT_EQ(parsed.config->min_send_rate, 100u);
  EXPECT_EQ(parsed.config->max_connections_per_address, 5u);
}

TEST(ServerOptions, RefusesConnectionBoundsThatCannotWork) {
  EXPECT_EQ(parse({"--port", "1", "--request-timeout", "0"}).exit_code,
            exit_status(ExitCode::usage));
  EXPECT_EQ(parse({"--port", "1", "--min-receive-rate", "-1"}).exit_code,
            exit_status(ExitCode::usage));
  EXPECT_EQ(parse({"--port", "1", "--min-send-rate", "fast"}).exit_code,
            exit_status(ExitCode::usage));
  EXPECT_EQ(parse({"--port", "1", "--max-connections-per-address", "0"}).exit_code,
            exit_status(ExitCode::usage));
}

TEST(ServerOptions, ReadsEveryOption) {
  auto parsed = parse({"--port", "0", "--bind", "127.0.0.1", "--db", "/tmp/x.db",
                       "--max-message-size", "1048576", "--idle-timeout", "2.5",
                       "--max-connections", "12", "--log-level", "debug", "--require-auth"});
  ASSERT_TRUE(parsed.config);
  const auto &config = *parsed.config;
  EXPECT_EQ(config.port, 0);
  EXPECT_EQ(config.bind_address, "127.0.0.1");
  EXPECT_EQ(config.database_path, "/tmp/x.db");
  EXPECT_EQ(config.max_message_size, 1048576u);
  EXPECT_EQ(config.idle_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(config.max_connections, 12u);
  EXPECT_EQ(config.log_level, LogLevel::debug);
  EXPECT_TRUE(config.require_auth);
}

TEST(ServerOptions, TakesTheDatabaseFromMessageuDbUnlessDbIsGiven) {
  ::setenv("MESSAGEU_DB", "postgresql://messageu@db/messageu", 1);
  auto from_environment = parse({"--port", "0"});
  auto from_option = parse({"--port", "0", "--db", "/tmp/x.db"});
  ::unsetenv("MESSAGEU_DB");
  ASSERT_TRUE(from_environment.config && from_option.config);
  EXPECT_EQ(from_environment.config->database_path, "postgresql://messageu@db/messageu");
  EXPECT_EQ(from_option.config->database_path, "/tmp/x.db");
  EXPECT_EQ(parse({"--port", "0"}).config->database_path, "defensive.db");
}

TEST(ServerOptions, ReadsTheSourceToMigrateFrom) {
  auto parsed = parse({"--port", "0", "--migrate-from", "/tmp/old.db", "--db", "/tmp/new.db"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->migrate_from, "/tmp/old.db");
  EXPECT_FALSE(parse({"--port", "0"}).config->migrate_from);
}

TEST(ServerOptions, ReadsTheLimitOptions) {
  auto parsed = parse({"--port", "1", "--max-pending-messages", "50", "--max-pending-bytes",
                       "17179869184", "--max-request-rate", "2000"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->max_pending_messages, 50u);
  EXPECT_EQ(parsed.config->max_pending_bytes, 17'179'869'184u);
  EXPECT_EQ(parsed.config->max_request_rate, 2000u);
}

TEST(ServerOptions, AcceptsZeroToTurnALimitOff) {
  auto parsed = parse({"--port", "1", "--max-pending-messages", "0", "--max-pending-bytes", "0",
                       "--max-request-rate", "0"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->max_pending_messages, 0u);
  EXPECT_EQ(parsed.config->max_pending_bytes, 0u);
  EXPECT_EQ(parsed.config->max_request_rate, 0u);
}

TEST(ServerOptions, RefusesANegativeOrNonIntegerLimit) {
  for (const char *option : {"--max-pending-messages", "--max-pending-bytes", "--max-request-rate"})
    for (const char *value : {"-1", "2.5", "many", ""}) {
      auto parsed = parse({"--port", "1", option, value});
      EXPECT_FALSE(parsed.config) << option << " " << value;
      EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage)) << option << " " << value;
    }
}

TEST(ServerOptions, RefusesARequestRateAboveItsRange) {
  auto parsed = parse({"--port", "1", "--max-request-rate", "4294967296"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, GivesEachSenderAQuarterOfTheRecipientCapsByDefault) {
  auto parsed = parse({"--port", "1"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->max_pending_share, 25u);
}

TEST(ServerOptions, ReadsAPendingShareFromOneToOneHundredPercent) {
  for (std::uint32_t share : {1u, 40u, 100u}) {
    auto parsed = parse({"--port", "1", "--max-pending-share", std::to_string(share)});
    ASSERT_TRUE(parsed.config) << share;
    EXPECT_EQ(parsed.config->max_pending_share, share);
  }
  for (const char *value : {"0", "101", "-5", "2.5", "4294967321", ""}) {
    auto parsed = parse({"--port", "1", "--max-pending-share", value});
    EXPECT_FALSE(parsed.config) << value;
    EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage)) << value;
  }
}

TEST(ServerOptions, ReadsThePortFromThePortFile) {
  test::TempDir dir;
  test::write_file(dir / "myport.info", "1234\n");
  auto parsed = parse({"--port-file", (dir / "myport.info").string()});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->port, 1234);
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST(ServerOptions, PrefersPortOverThePortFile) {
  test::TempDir dir;
  test::write_file(dir / "myport.info", "1234\n");
  auto parsed = parse({"--port-file", (dir / "myport.info").string(), "--port", "5678"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->port, 5678);
}

TEST(ServerOptions, WarnsAndUses1357WhenThePortFileIsMissing) {
  test::TempDir dir;
  auto parsed = parse({"--port-file", (dir / "myport.info").string()});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->port, 1357);
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_NE(parsed.warnings[0].find("1357"), std::string::npos);
}

TEST(ServerOptions, RefusesAPortFileThatHoldsNoPort) {
  test::TempDir dir;
  test::write_file(dir / "myport.info", "not a port\n");
  auto parsed = parse({"--port-file", (dir / "myport.info").string()});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::config));
}

TEST(ServerOptions, RefusesAMaximumMessageSizeAboveFourGibibytesMinusOne) {
  auto parsed = parse({"--port", "1", "--max-message-size", "4294967296"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, RefusesANonPositiveIdleTimeout) {
  EXPECT_EQ(parse({"--port", "1", "--idle-timeout", "0"}).exit_code, exit_status(ExitCode::usage));
  EXPECT_EQ(parse({"--port", "1", "--idle-timeout", "-3"}).exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, RefusesAnUnknownLogLevel) {
  auto parsed = parse({"--port", "1", "--log-level", "verbose"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, RefusesAnUnknownOptionAndAPortOutOfRange) {
  EXPECT_EQ(parse({"--port", "1", "--frobnicate"}).exit_code, exit_status(ExitCode::usage));
  EXPECT_EQ(parse({"--port", "65536"}).exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, ServesVersionThreeUnlessToldToBeAClassicServer) {
  EXPECT_FALSE(parse({"--port", "1"}).config->classic_only);
  EXPECT_FALSE(parse({"--port", "1", "--protocol", "3"}).config->classic_only);
  EXPECT_TRUE(parse({"--port", "1", "--protocol", "2"}).config->classic_only);
  EXPECT_EQ(parse({"--port", "1", "--protocol", "4"}).exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, RefusesRequireAuthOnAClassicServer) {
  auto parsed = parse({"--port", "1", "--protocol", "2", "--require-auth"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, exit_status(ExitCode::usage));
}

TEST(ServerOptions, ExitsWithZeroAfterHelpAndVersion) {
  auto help = parse({"--help"});
  EXPECT_FALSE(help.config);
  EXPECT_EQ(help.exit_code, 0);
  auto version = parse({"--version"});
  EXPECT_FALSE(version.config);
  EXPECT_EQ(version.exit_code, 0);
}

TEST(ServerOptions, PrintsTheProjectVersion) {
  testing::internal::CaptureStdout();
  auto version = parse({"--version"});
  auto printed = testing::internal::GetCapturedStdout();
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(printed, "messageu-server " + std::string(k_version) + "\n");
}

} // namespace
} // namespace messageu::server
