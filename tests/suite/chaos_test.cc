// A game day's extra faults: the same seed gives the same faults, fitted to the world.
#include "simulator/suite/chaos.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::suite {
namespace {

model::Scenario WithHost() {
  return drill::testing::ScenarioFrom(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: chaos}
horizon: 40m
world:
  hosts: [{name: db-1}]
timeline:
  - at: 2m
    fire_alert:
      labels: {alertname: DiskFull}
)");
}

TEST(ChaosTest, SameSeedSameFaultsAnotherSeedOthers) {
  std::vector<std::string> a, b;
  const model::Scenario base = WithHost();
  const model::Scenario one = WithExtraFaults(base, 42, &a);
  WithExtraFaults(base, 42, &b);
  EXPECT_EQ(a, b);
  ASSERT_FALSE(a.empty());
  EXPECT_LE(a.size(), 2u);
  EXPECT_EQ(one.timeline.size(), base.timeline.size() + a.size());
  bool differs = false;
  for (uint64_t seed = 1; seed < 20 && !differs; ++seed) {
    std::vector<std::string> other;
    WithExtraFaults(base, seed, &other);
    differs = other != a;
  }
  EXPECT_TRUE(differs);
}

TEST(ChaosTest, FaultsFitTheWorldAndTheFirstHalfOfTheHorizon) {
  const model::Scenario base = WithHost();
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const model::Scenario s = WithExtraFaults(base, seed);
    for (size_t i = 1; i < s.timeline.size(); ++i) {
      EXPECT_LE(s.timeline[i - 1].at, s.timeline[i].at);
    }
    for (const auto& e : s.timeline) {
      if (e.kind != model::TimelineEvent::Kind::kFault) continue;
      EXPECT_LE(e.at, SimTime(20 * 60000));
      ASSERT_EQ(e.fault.targets.size(), 1u);
      const std::string target = e.fault.targets[0].ToString();
      // No cluster in this world: kubectl cannot be the target.
      EXPECT_THAT(target, ::testing::AnyOf("host/db-1", "endpoint/slack", "endpoint/pagerduty"));
      ASSERT_TRUE(e.fault.duration.has_value());
      EXPECT_GE(*e.fault.duration, SimDuration(60000));
      EXPECT_LE(*e.fault.duration, SimDuration(600000));
      EXPECT_EQ(e.mark.file, "chaos seed " + std::to_string(seed));
    }
  }
}

TEST(ChaosTest, ADateGivesOneSeed) {
  EXPECT_EQ(ChaosSeedForDate("2026-11-21"), ChaosSeedForDate("2026-11-21"));
  EXPECT_NE(ChaosSeedForDate("2026-11-21"), ChaosSeedForDate("2026-11-22"));
  EXPECT_LE(ChaosSeedForDate("2026-11-21"), 0xffffffffULL);
}

}  // namespace
}  // namespace rundrill::suite
