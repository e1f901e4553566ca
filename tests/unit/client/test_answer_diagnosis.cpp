// The words for answers that are not the spoken dialect's: each names what was seen and what
// to try, and none appears for an answer the dialect expects.
#include <messageu/client/answer_diagnosis.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace messageu;
using messageu::client::closed_without_answer;
using messageu::client::diagnose_response_header;
using messageu::protocol::Dialect;

namespace {

Bytes header_bytes(std::uint16_t code) {
  return Bytes{2, static_cast<Byte>(code & 0xff), static_cast<Byte>(code >> 8), 0, 0, 0, 0};
}

std::string diagnosis(ByteView bytes, std::uint16_t code, Dialect spoken) {
  auto error = diagnose_response_header(bytes, code, spoken);
  EXPECT_TRUE(error);
  if (!error)
    return {};
  EXPECT_EQ(error->code, Errc::unexpected_code);
  return error->message;
}

} // namespace

TEST(AnswerDiagnosis, TheSpokenDialectsCodesAndTheErrorAreLeftToTheReader) {
  EXPECT_FALSE(diagnose_response_header(header_bytes(2101), 2101, Dialect::v2025a));
  EXPECT_FALSE(diagnose_response_header(header_bytes(2003), 2003, Dialect::v2021c));
  EXPECT_FALSE(diagnose_response_header(header_bytes(9000), 9000, Dialect::v2026));
}

TEST(AnswerDiagnosis, ACodeOfOneOtherDialectNamesItAndTheOptionToTry) {
  auto message = diagnosis(header_bytes(2000), 2000, Dialect::v2025a);
  EXPECT_EQ(message, "the server answered with code 2000, which belongs to dialect 2021c, not "
                     "to 2025a: try --dialect 2021c, or --dialect auto");
}

TEST(AnswerDiagnosis, ACodeOfSeveralDialectsSuggestsAuto) {
  auto message = diagnosis(header_bytes(2100), 2100, Dialect::v2021c);
  EXPECT_NE(message.find("dialects 2025a, 2022 and 2026"), std::string::npos) << message;
  EXPECT_NE(message.find("try --dialect auto"), std::string::npos) << message;
}

TEST(AnswerDiagnosis, ZerosTextAndStrangeCodesSayItIsNotMessageU) {
  Bytes zeros(7, 0);
  EXPECT_NE(diagnosis(zeros, 0, Dialect::v2025a).find("answered with zeros"), std::string::npos);
  std::string http = "HTTP/1.";
  Bytes text(http.begin(), http.end());
  auto message = diagnosis(text, 0x5454, Dialect::v2025a);
  EXPECT_NE(message.find("web server"), std::string::npos) << message;
  EXPECT_NE(diagnosis(header_bytes(4242), 4242, Dialect::v2025a).find("no MessageU dialect uses"),
            std::string::npos);
}

TEST(AnswerDiagnosis, AClosedConnectionNamesTheDialectAndAuto) {
  auto error = closed_without_answer(Endpoint{"127.0.0.1", 1357}, Dialect::v2022);
  EXPECT_EQ(error.code, Errc::connection_closed);
  EXPECT_NE(error.message.find("127.0.0.1:1357 closed the connection without answering"),
            std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("dialect 2022 (try --dialect auto)"), std::string::npos);
}
