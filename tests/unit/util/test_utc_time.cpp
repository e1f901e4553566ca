// RFC 3339 UTC formatting of the times the client shows.
#include <messageu/util/utc_time.hpp>

#include <gtest/gtest.h>

using messageu::rfc3339_utc;

TEST(Rfc3339Utc, FormatsTheEpochAndALeapDay) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(951'782'400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(1'796'599'820), "2026-12-06T23:30:20Z");
}
