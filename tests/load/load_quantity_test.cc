#include <gtest/gtest.h>

#include "simulator/load/quantity.h"

namespace rundrill::load {
namespace {

constexpr int64_t kKi = 1024;
constexpr int64_t kMi = kKi * 1024;
constexpr int64_t kGi = kMi * 1024;

TEST(LoadQuantityTest, ByteSizesAcceptEverySuffixForm) {
  EXPECT_EQ(ParseByteSize("0"), 0);
  EXPECT_EQ(ParseByteSize("4096"), 4096);
  EXPECT_EQ(ParseByteSize("4096B"), 4096);
  EXPECT_EQ(ParseByteSize("512M"), 512 * kMi);
  EXPECT_EQ(ParseByteSize("1.5G"), 3 * kGi / 2);
  for (const char* text : {"100G", "100Gi", "100GB", "100GiB"}) {
    EXPECT_EQ(ParseByteSize(text), 100 * kGi) << text;
  }
  EXPECT_EQ(ParseByteSize("2K"), 2 * kKi);
  EXPECT_EQ(ParseByteSize("1T"), 1024 * kGi);
  EXPECT_EQ(ParseByteSize("1P"), 1024 * 1024 * kGi);
  // Fractions of a byte round to the nearest one.
  EXPECT_EQ(ParseByteSize("0.001K"), 1);
}

TEST(LoadQuantityTest, ByteSizesRejectNegativeAndMalformed) {
  for (const char* text : {"", "-1", "-1G", "G", "1.", ".5G", "1,5G", "12X", "1 G", "1g", "1GiBB",
                           "1e9", "1Bi", "+3", "8192P"}) {
    EXPECT_FALSE(ParseByteSize(text).has_value()) << text;
  }
}

TEST(LoadQuantityTest, RatesOfBytesAndCounts) {
  std::optional<model::Rate> fill = ParseByteRate("2G/h");
  ASSERT_TRUE(fill.has_value());
  EXPECT_EQ(fill->amount, 2.0 * kGi);
  EXPECT_EQ(fill->per, SimDuration(3600000));

  std::optional<model::Rate> leak = ParseCountRate("5/m");
  ASSERT_TRUE(leak.has_value());
  EXPECT_EQ(leak->amount, 5);
  EXPECT_EQ(leak->per, SimDuration(60000));
  EXPECT_EQ(ParseCountRate("0.5/s")->per, SimDuration(1000));
  EXPECT_EQ(ParseByteRate("512K/d")->per, SimDuration(86400000));

  for (const char* text : {"2G", "2G/", "2G/w", "2G/1h", "/h", "-2G/h", "2G/h/h"}) {
    EXPECT_FALSE(ParseByteRate(text).has_value()) << text;
  }
  // Connections come one at a time: no size suffixes on counts.
  for (const char* text : {"5K/m", "5", "-5/m", "5/min"}) {
    EXPECT_FALSE(ParseCountRate(text).has_value()) << text;
  }
}

TEST(LoadQuantityTest, FormatBytesIsExactAndShort) {
  EXPECT_EQ(FormatBytes(0), "0");
  EXPECT_EQ(FormatBytes(1000), "1000");
  EXPECT_EQ(FormatBytes(1536), "1.5K");
  EXPECT_EQ(FormatBytes(100 * kGi), "100G");
  EXPECT_EQ(FormatBytes(3 * kGi / 2), "1.5G");
  EXPECT_EQ(FormatBytes(kGi + kMi), "1025M");
}

}  // namespace
}  // namespace rundrill::load
