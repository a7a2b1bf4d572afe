#include "simulator/core/sim_time.h"

#include <gtest/gtest.h>

namespace rundrill {
namespace {

TEST(SimTimeTest, ParsesDurations) {
  EXPECT_EQ(ParseDuration("90s"), SimDuration(90000));
  EXPECT_EQ(ParseDuration("5m"), SimDuration(300000));
  EXPECT_EQ(ParseDuration("1h30m"), SimDuration(5400000));
  EXPECT_EQ(ParseDuration("250ms"), SimDuration(250));
  EXPECT_EQ(ParseDuration("1m30s500ms"), SimDuration(90500));
  EXPECT_EQ(ParseDuration("2d"), SimDuration(172800000));
  EXPECT_EQ(ParseDuration("0s"), SimDuration(0));
}

TEST(SimTimeTest, RejectsMalformedDurations) {
  for (const char* bad :
       {"", "5", "m", "5 minutes", "-5s", "1.5s", "30m1h", "5m5m", "5x", "1h 30m"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(SimTimeTest, FormatsDurationsShortest) {
  EXPECT_EQ(FormatDuration(SimDuration(0)), "0s");
  EXPECT_EQ(FormatDuration(SimDuration(5400000)), "1h30m");
  EXPECT_EQ(FormatDuration(SimDuration(90500)), "1m30s500ms");
  EXPECT_EQ(FormatDuration(SimDuration(7)), "7ms");
}

TEST(SimTimeTest, FormatsClock) {
  EXPECT_EQ(FormatClock(SimTime(0)), "+00:00:00");
  EXPECT_EQ(FormatClock(SimTime(3723000)), "+01:02:03");
  EXPECT_EQ(FormatClock(SimTime(1500)), "+00:00:01.500");
  EXPECT_EQ(FormatClock(SimTime(90000000)), "+25:00:00");
}

TEST(SimTimeTest, EpochRendersTimestamps) {
  Epoch epoch{*ParseRfc3339Utc("2026-11-19T08:43:12Z")};
  EXPECT_EQ(epoch.Rfc3339(SimTime(0)), "2026-11-19T08:43:12Z");
  EXPECT_EQ(epoch.Rfc3339(SimTime(61250)), "2026-11-19T08:44:13.250Z");
  EXPECT_EQ(epoch.Rfc1123(SimTime(0)), "Thu, 19 Nov 2026 08:43:12 +0000");
  EXPECT_EQ(epoch.Rfc3339(SimTime(-86400000)), "2026-11-18T08:43:12Z");
}

TEST(SimTimeTest, ParsesRfc3339Utc) {
  EXPECT_EQ(ParseRfc3339Utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Utc("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_FALSE(ParseRfc3339Utc("2026-01-01T00:00:00+01:00").has_value());
  EXPECT_FALSE(ParseRfc3339Utc("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(ParseRfc3339Utc("yesterday").has_value());
}

}  // namespace
}  // namespace rundrill
