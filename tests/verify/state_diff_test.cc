#include "simulator/verify/state_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rundrill::verify {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

std::vector<std::string> Lines(const std::vector<DiffEntry>& diff) {
  std::vector<std::string> out;
  for (const auto& d : diff) out.push_back(FormatDiffEntry(d));
  return out;
}

TEST(StateDiffTest, ReportsChangedAddedAndRemovedLeavesInPathOrder) {
  const json before = {{"deployments", {{"api", {{"replicas", 3}, {"image", "api:1"}}}}},
                       {"messages", json::array({"a"})}};
  const json after = {{"deployments", {{"api", {{"replicas", 4}, {"paused", true}}}}},
                      {"messages", json::array({"a", "b"})}};
  EXPECT_THAT(Lines(DiffSnapshots(before, after, {})),
              ElementsAre("deployments.api.image: \"api:1\" → (absent)",
                          "deployments.api.paused: (absent) → true",
                          "deployments.api.replicas: 3 → 4", "messages[1]: (absent) → \"b\""));
}

TEST(StateDiffTest, EqualSnapshotsHaveNoDiff) {
  const json world = {{"a", {{"b", json::array({1, 2, {{"c", nullptr}}})}}}};
  EXPECT_TRUE(DiffSnapshots(world, world, {}).empty());
}

TEST(StateDiffTest, IgnoreRulesMatchOneOrAnyRunOfSegments) {
  EXPECT_TRUE(PathMatches("slack.*.messages[*].ts", "slack.incidents.messages[3].ts"));
  EXPECT_FALSE(PathMatches("slack.*.messages[*].ts", "slack.incidents.messages[3].text"));
  EXPECT_TRUE(PathMatches("kubernetes.**.events", "kubernetes.namespaces.prod.events"));
  EXPECT_TRUE(PathMatches("**.ts", "ts"));
  EXPECT_FALSE(PathMatches("a.*", "a"));
  const json before = {
      {"slack", {{"c", {{"messages", json::array({{{"ts", "1"}, {"text", "x"}}})}}}}}};
  const json after = {
      {"slack", {{"c", {{"messages", json::array({{{"ts", "2"}, {"text", "y"}}})}}}}}};
  EXPECT_THAT(Lines(DiffSnapshots(before, after, VolatileFields())),
              ElementsAre("slack.c.messages[0].text: \"x\" → \"y\""));
}

TEST(StateDiffTest, LongValuesAreCut) {
  const std::string long_text(300, 'x');
  const auto diff = DiffSnapshots(json{{"a", 1}}, json{{"a", long_text}}, {});
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_LT(FormatDiffEntry(diff[0]).size(), 140u);
  EXPECT_EQ(diff[0].after, long_text);  // the entry keeps the whole value
}

}  // namespace
}  // namespace rundrill::verify
