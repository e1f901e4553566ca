// The Errc → exit status mapping of CLI.md §6.
#include <messageu/client/exit_code.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace messageu;
using messageu::exit_status;
using messageu::client::exit_code_for;

TEST(ExitCode, MapsEachDocumentedFailureToItsStatus) {
  EXPECT_EQ(exit_status(exit_code_for(Errc::invalid_argument)), 64);
  EXPECT_EQ(exit_status(exit_code_for(Errc::bad_data)), 65);
  EXPECT_EQ(exit_status(exit_code_for(Errc::too_large)), 65);
  EXPECT_EQ(exit_status(exit_code_for(Errc::file_not_found)), 66);
  EXPECT_EQ(exit_status(exit_code_for(Errc::unknown_user)), 67);
  EXPECT_EQ(exit_status(exit_code_for(Errc::unknown_host)), 68);
  EXPECT_EQ(exit_status(exit_code_for(Errc::server_error)), 69);
  EXPECT_EQ(exit_status(exit_code_for(Errc::internal)), 70);
  EXPECT_EQ(exit_status(exit_code_for(Errc::cannot_create)), 73);
  EXPECT_EQ(exit_status(exit_code_for(Errc::io_error)), 74);
  EXPECT_EQ(exit_status(exit_code_for(Errc::unavailable)), 75);
  EXPECT_EQ(exit_status(exit_code_for(Errc::unexpected_code)), 76);
  EXPECT_EQ(exit_status(exit_code_for(Errc::key_changed)), 77);
  EXPECT_EQ(exit_status(exit_code_for(Errc::insecure_profile)), 77);
  EXPECT_EQ(exit_status(exit_code_for(Errc::config)), 78);
}

TEST(ExitCode, MapsAPartlyDoneCommandToOne) {
  EXPECT_EQ(exit_status(exit_code_for(Errc::partial)), 1);
  EXPECT_EQ(errc_name(Errc::partial), "partial");
}

TEST(ExitCode, TreatsMalformedServerAnswersAsProtocolErrors) {
  for (auto code : {Errc::truncated, Errc::size_mismatch, Errc::unknown_code, Errc::unexpected_code,
                    Errc::bad_key})
    EXPECT_EQ(exit_status(exit_code_for(code)), 76) << errc_name(code);
}

TEST(ExitCode, TreatsLostConnectionsAndDatabaseFailuresAsRetryableOrLocal) {
  EXPECT_EQ(exit_status(exit_code_for(Errc::connection_closed)), 75);
  EXPECT_EQ(exit_status(exit_code_for(Errc::storage)), 74);
  EXPECT_EQ(exit_status(exit_code_for(Errc::name_taken)), 69);
  EXPECT_EQ(exit_status(exit_code_for(Errc::decrypt_failed)), 65);
}

TEST(ExitCode, NeverMapsAFailureToSuccess) {
  for (int value = 0; value <= static_cast<int>(Errc::partial); ++value) {
    auto status = exit_status(exit_code_for(static_cast<Errc>(value)));
    EXPECT_TRUE(status == 1 || (status >= 64 && status <= 78)) << value;
  }
}
