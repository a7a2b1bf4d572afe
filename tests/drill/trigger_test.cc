#include "simulator/drill/trigger.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace rundrill::drill {
namespace {

// The labels of the first alert of a real Alertmanager payload.
Labels FixtureLabels(const std::string& name) {
  std::ifstream file(std::string(RUNDRILL_SOURCE_DIR) + "/../shared/fixtures/alertmanager-0.25/" +
                     name);
  const auto payload = nlohmann::json::parse(file);
  Labels labels;
  for (auto& [k, v] : payload["alerts"][0]["labels"].items()) labels[k] = v.get<std::string>();
  return labels;
}

TEST(TriggerTest, MatchesAlertnameExactlyOrByPattern) {
  const Labels high = FixtureLabels("firing-high-error-rate.json");
  const Labels disk = FixtureLabels("firing-disk-space-low.json");

  model::Trigger exact;
  exact.alertname = "HighErrorRate";
  EXPECT_TRUE(TriggerMatches(exact, high));
  EXPECT_FALSE(TriggerMatches(exact, disk));

  model::Trigger pattern;
  pattern.alertname_matches = ".*(ErrorRate|5xx).*";
  EXPECT_TRUE(TriggerMatches(pattern, high));
  EXPECT_FALSE(TriggerMatches(pattern, disk));

  model::Trigger partial;  // the pattern must match the whole name
  partial.alertname_matches = "Error";
  EXPECT_FALSE(TriggerMatches(partial, high));
}

TEST(TriggerTest, EveryLabelMustBeEqual) {
  const Labels high = FixtureLabels("firing-high-error-rate.json");
  model::Trigger trigger;
  trigger.alertname = "HighErrorRate";
  trigger.labels = {{"severity", "critical"}, {"namespace", "production"}};
  EXPECT_TRUE(TriggerMatches(trigger, high));
  trigger.labels["severity"] = "warning";
  EXPECT_FALSE(TriggerMatches(trigger, high));
  trigger.labels = {{"team", "payments"}};  // absent label
  EXPECT_FALSE(TriggerMatches(trigger, high));
}

}  // namespace
}  // namespace rundrill::drill
