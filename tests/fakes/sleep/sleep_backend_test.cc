#include "fakes/sleep/sleep_backend.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fakes/test_context.h"

namespace rundrill::fakes {
namespace {

constexpr SimTime kDeadline = SimTime(600 * 1000);

CommandResponse Sleep(testing::TestContext& context, const std::vector<std::string>& operands) {
  CommandRequest request;
  request.argv = {"sleep"};
  request.argv.insert(request.argv.end(), operands.begin(), operands.end());
  SleepBackend backend;
  return backend.Handle(request, context);
}

TEST(SleepInterval, SuffixesAndDecimals) {
  EXPECT_EQ(ParseSleepInterval("5"), SimDuration(5000));
  EXPECT_EQ(ParseSleepInterval("1.5m"), SimDuration(90000));
  EXPECT_EQ(ParseSleepInterval("0.5s"), SimDuration(500));
  EXPECT_EQ(ParseSleepInterval("2h"), SimDuration(7200000));
  EXPECT_EQ(ParseSleepInterval("1d"), SimDuration(86400000));
  EXPECT_FALSE(ParseSleepInterval("x"));
  EXPECT_FALSE(ParseSleepInterval("5x"));
  EXPECT_FALSE(ParseSleepInterval("-1"));
  EXPECT_FALSE(ParseSleepInterval(""));
}

// GNU sleep reads its operand with strtod, so "inf" and "infinity" in any case, with or
// without a suffix, and an overflowing number are an endless sleep; "nan" is invalid.
TEST(SleepInterval, InfinityIsAnEndlessSleep) {
  const std::optional<SimDuration> endless = ParseSleepInterval("inf");
  ASSERT_TRUE(endless);
  EXPECT_GT(*endless, SimDuration(int64_t{1000} * 86400 * 365 * 1000));  // past 1000 years
  for (const char* operand :
       {"infinity", "INF", "Infinity", "infs", "infm", "infinityd", "1e999"}) {
    EXPECT_EQ(ParseSleepInterval(operand), endless) << operand;
  }
  EXPECT_FALSE(ParseSleepInterval("nan"));
  EXPECT_FALSE(ParseSleepInterval("infx"));
  EXPECT_FALSE(ParseSleepInterval("-inf"));
}

TEST(SleepBackend, AdvancesVirtualTimeBySumOfOperands) {
  testing::TestContext context(1, "sleep", kDeadline);
  const CommandResponse r = Sleep(context, {"1m", "30s"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stderr_data, "");
  EXPECT_EQ(context.Now(), SimTime(90 * 1000));
}

// In a drill, the step's virtual deadline stops an endless sleep, as it stops a long one.
TEST(SleepBackend, InfiniteSleepRunsUntilTheStepDeadline) {
  for (const std::vector<std::string>& operands :
       std::vector<std::vector<std::string>>{{"infinity"}, {"inf"}, {"10s", "inf"}}) {
    testing::TestContext context(1, "sleep", kDeadline);
    const CommandResponse r = Sleep(context, operands);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.stderr_data, "");
    EXPECT_EQ(context.Now(), kDeadline);
  }
}

TEST(SleepBackend, ErrorsAnswerAsGnuSleep) {
  testing::TestContext context(1, "sleep", kDeadline);
  CommandResponse r = Sleep(context, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
  r = Sleep(context, {"nan"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "sleep: invalid time interval \u2018nan\u2019\n"
            "Try 'sleep --help' for more information.\n");
  r = Sleep(context, {"--help"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data, "rundrill: sleep '--help' is not modelled (see docs/fakes.md)\n");
  EXPECT_EQ(context.Now(), SimTime(0));
}

}  // namespace
}  // namespace rundrill::fakes
