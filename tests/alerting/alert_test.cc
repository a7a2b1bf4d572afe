#include "simulator/alerting/alert.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rundrill::alerting {
namespace {

nlohmann::ordered_json LoadFixture(const std::string& name) {
  std::ifstream file(std::string(RUNDRILL_SOURCE_DIR) + "/../shared/fixtures/alertmanager-0.25/" +
                     name);
  EXPECT_TRUE(file.good()) << name;
  return nlohmann::ordered_json::parse(file);
}

Alert AlertLike(const nlohmann::ordered_json& fixture_alert) {
  Alert alert;
  for (auto& [k, v] : fixture_alert["labels"].items()) alert.labels[k] = v.get<std::string>();
  for (auto& [k, v] : fixture_alert["annotations"].items()) {
    alert.annotations[k] = v.get<std::string>();
  }
  return alert;
}

// The fingerprints in the fixtures were computed by a real Alertmanager.
TEST(AlertTest, FingerprintMatchesRealAlertmanager) {
  for (const char* name : {"firing-high-error-rate.json", "firing-disk-space-low.json",
                           "resolved-high-error-rate.json"}) {
    const auto fixture = LoadFixture(name);
    const auto& a = fixture["alerts"][0];
    EXPECT_EQ(Fingerprint(AlertLike(a).labels), a["fingerprint"].get<std::string>()) << name;
  }
}

// Everything but the wall-clock timestamps, URLs and receiver name equals the real payload,
// field order included.
TEST(AlertTest, PayloadHasTheShapeOfTheRealOne) {
  const auto fixture = LoadFixture("firing-high-error-rate.json");
  Alert alert = AlertLike(fixture["alerts"][0]);
  alert.starts_at = SimTime(0);
  auto payload = AlertmanagerPayload({alert}, {"alertname", "service"}, Epoch{},
                                     AlertSource{"runbooks", "http://vm:19093"});
  auto expected = fixture;
  expected["alerts"][0]["startsAt"] = "2026-01-01T00:00:00Z";
  expected["alerts"][0]["generatorURL"] = "";
  EXPECT_EQ(payload.dump(), expected.dump());
}

TEST(AlertTest, ResolvedPayloadCarriesEndTime) {
  const auto fixture = LoadFixture("resolved-high-error-rate.json");
  Alert alert = AlertLike(fixture["alerts"][0]);
  alert.starts_at = SimTime(0);
  alert.ends_at = SimTime(4000);
  auto payload = AlertmanagerPayload({alert}, {"alertname", "service"}, Epoch{},
                                     AlertSource{"runbooks", "http://vm:19093"});
  EXPECT_EQ(payload["status"], "resolved");
  EXPECT_EQ(payload["alerts"][0]["status"], "resolved");
  EXPECT_EQ(payload["alerts"][0]["endsAt"], "2026-01-01T00:00:04Z");
  EXPECT_EQ(payload["groupKey"], fixture["groupKey"]);
}

TEST(AlertTest, FiringAlertHasZeroEndTime) {
  Alert alert;
  alert.labels = {{"alertname", "X"}};
  auto payload = AlertmanagerPayload({alert}, {"alertname"}, Epoch{}, AlertSource{});
  EXPECT_EQ(payload["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(payload["groupKey"], "{}:{alertname=\"X\"}");
  EXPECT_EQ(payload["version"], "4");
}

}  // namespace
}  // namespace rundrill::alerting
