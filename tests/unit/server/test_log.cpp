// The server's log: request lines, level names and filtering.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace messageu::server {
namespace {

std::string read_all(std::FILE *file) {
  std::rewind(file);
  std::string text;
  char buffer[512];
  while (auto count = std::fread(buffer, 1, sizeof buffer, file))
    text.append(buffer, count);
  return text;
}

TEST(RequestLogEntry, SaysWhoAskedWhatAndHowItEndedWithAnIdPrefixOnly) {
  RequestLogEntry entry;
  entry.peer = "127.0.0.1:5000";
  ClientId id{};
  id.fill(0xab);
  entry.client = id;
  entry.request = "send";
  entry.request_code = 603;
  entry.response_code = 2103;
  entry.bytes_in = 44;
  entry.bytes_out = 27;
  entry.duration = std::chrono::microseconds(153);
  EXPECT_EQ(format_request_entry(entry),
            "peer=127.0.0.1:5000 client=abababab request=send(603) result=2103 in=44 out=27 "
            "us=153");
}

TEST(RequestLogEntry, MarksAnUnansweredRequestAndCarriesTheNote) {
  RequestLogEntry entry;
  entry.peer = "p";
  entry.request = "pull";
  entry.request_code = 604;
  entry.note = "connection lost";
  auto line = format_request_entry(entry);
  EXPECT_NE(line.find("client=- "), std::string::npos);
  EXPECT_NE(line.find("result=none"), std::string::npos);
  EXPECT_NE(line.find("note=\"connection lost\""), std::string::npos);
}

TEST(LogLevel, RoundTripsEveryNameAndRefusesOthers) {
  for (auto level : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug})
    EXPECT_EQ(log_level_from_name(log_level_name(level)), level);
  EXPECT_FALSE(log_level_from_name("verbose"));
  EXPECT_FALSE(log_level_from_name("INFO"));
}

TEST(Logger, WritesOnlyLinesAtOrAboveItsLevel) {
  std::FILE *sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  {
    Logger logger(LogLevel::warn, sink);
    logger.debug("hidden debug");
    logger.info("hidden info");
    logger.warn("shown warning");
    logger.error("shown error");
  }
  auto text = read_all(sink);
  std::fclose(sink);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find(" warn shown warning\n"), std::string::npos);
  EXPECT_NE(text.find(" error shown error\n"), std::string::npos);
}

TEST(Logger, WritesRequestLinesAtTheirOwnLevel) {
  std::FILE *sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::warn, sink);
  RequestLogEntry routine;
  routine.request = "list";
  logger.request(routine);
  RequestLogEntry failed_proof;
  failed_proof.request = "authenticate";
  failed_proof.level = LogLevel::warn;
  logger.request(failed_proof);
  auto text = read_all(sink);
  std::fclose(sink);
  EXPECT_EQ(text.find("request=list"), std::string::npos);
  EXPECT_NE(text.find("request=authenticate"), std::string::npos);
}

TEST(Logger, GathersInfoLinesUntilFlushedAndWritesWarningsAtOnce) {
  std::FILE *sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::info, sink);
  logger.info("first routine line");
  EXPECT_EQ(read_all(sink), "");
  logger.flush();
  EXPECT_NE(read_all(sink).find(" info first routine line\n"), std::string::npos);
  logger.info("second routine line");
  logger.warn("a warning");
  auto text = read_all(sink);
  // The warning takes the gathered line with it, in order.
  auto second = text.find("second routine line");
  auto warning = text.find(" warn a warning\n");
  ASSERT_NE(second, std::string::npos);
  ASSERT_NE(warning, std::string::npos);
  EXPECT_LT(second, warning);
  std::fclose(sink);
}

TEST(Logger, WritesWhatItGatheredWhenDestroyedOrPastItsLimit) {
  std::FILE *sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  {
    Logger logger(LogLevel::debug, sink);
    std::string line(1000, 'x');
    for (int i = 0; i < 100; ++i) // 100 KB: past the 64 KiB kept in memory
      logger.debug(line);
    EXPECT_GE(read_all(sink).size(), 64u * 1024);
    logger.debug("last line");
    EXPECT_EQ(read_all(sink).find("last line"), std::string::npos);
  }
  EXPECT_NE(read_all(sink).find(" debug last line\n"), std::string::npos);
  std::fclose(sink);
}

} // namespace
} // namespace messageu::server
