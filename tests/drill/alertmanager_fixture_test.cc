// Real Alertmanager 0.25 webhook payloads (../shared/fixtures/alertmanager-0.25/) against the
// router and the bundled runbooks, and against the payloads rundrill writes itself: a real
// alert must start the runbook written for it, and a drill's payload must have the shape a
// runbook written against the real sender expects.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/alerting/alert.h"
#include "simulator/drill/drill.h"
#include "simulator/drill/trigger.h"
#include "simulator/load/loader.h"
#include "tests/drill/scripted_step_host.h"

namespace rundrill::drill {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const fs::path kFixtureDir =
    fs::path(RUNDRILL_SOURCE_DIR) / ".." / "shared" / "fixtures" / "alertmanager-0.25";

// The runbooks each fixture's firing alerts must start, by file name: exactly these, so a
// trigger that grows to take an alert meant for another runbook fails here too. A fixture
// added to the folder without a line here fails FixtureRoutesAreAllListed.
const std::map<std::string, std::vector<std::string>> kExpectedRoutes = {
    {"firing-high-error-rate.json", {"high-error-rate"}},
    {"firing-disk-space-low.json", {"disk-space"}},
    {"resolved-high-error-rate.json", {}},
};

// The route the real Alertmanager used when the fixtures were captured (see their README).
const std::vector<std::string> kFixtureGroupBy = {"alertname", "service"};

std::string MissingFixturesHelp() {
  return "the real Alertmanager payloads are expected in " +
         kFixtureDir.lexically_normal().string() +
         " (the shared folder beside the source tree); without them these tests cannot check "
         "routing against what the real sender emits";
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kFixtureDir, ec)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(kFixtureDir / name, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << name << ": " << MissingFixturesHelp();
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<model::Runbook> BundledRunbooks() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(fs::path(RUNDRILL_SOURCE_DIR) / "runbooks")) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<model::Runbook> runbooks;
  for (const fs::path& path : paths) {
    std::vector<load::Diagnostic> errors;
    std::optional<model::Runbook> runbook = load::LoadRunbookFile(path.string(), &errors);
    for (const auto& e : errors) ADD_FAILURE() << e.ToString();
    if (runbook) runbooks.push_back(std::move(*runbook));
  }
  return runbooks;
}

// The runbooks a notification starts, as the drill routes one: only firing alerts start
// anything, and each runbook whose trigger takes one of them starts once, in name order.
std::vector<std::string> RunbooksStarted(const std::vector<alerting::Alert>& alerts,
                                         const std::vector<model::Runbook>& runbooks) {
  std::set<std::string> started;
  for (const model::Runbook& runbook : runbooks) {
    for (const alerting::Alert& alert : alerts) {
      if (alert.Firing() && TriggerMatches(runbook.trigger, alert.labels)) {
        started.insert(runbook.name);
      }
    }
  }
  return {started.begin(), started.end()};
}

// Params a runbook takes from a label with no default: without the label the runbook stops
// before its first step, so an alert that lacks one is routed to a runbook that cannot run.
std::vector<std::string> MissingRequiredLabels(const model::Runbook& runbook,
                                               const alerting::Labels& labels) {
  std::vector<std::string> missing;
  for (const model::Param& param : runbook.params) {
    if (!param.label.empty() && !param.default_value && labels.count(param.label) == 0) {
      missing.push_back(param.label);
    }
  }
  return missing;
}

// Label maps hold data, not schema: their keys depend on the alert and on group_by.
const std::set<std::string> kLabelMaps = {"labels", "annotations", "groupLabels", "commonLabels",
                                          "commonAnnotations"};

enum class LabelKeys { kCompare, kIgnore };

std::string TypeOf(const nlohmann::json& v) { return v.type_name(); }

// Where `ours` differs in shape from `real`: keys of objects (recursively), the JSON type of
// every value, and each element of an array against the real array's first element.
void ShapeDiff(const nlohmann::json& real, const nlohmann::json& ours, const std::string& path,
               LabelKeys label_keys, std::vector<std::string>* diffs) {
  if (real.type() != ours.type()) {
    diffs->push_back(path + ": real is " + TypeOf(real) + ", ours is " + TypeOf(ours));
    return;
  }
  if (real.is_object()) {
    const std::string name = path.substr(path.find_last_of(".]") + 1);
    if (kLabelMaps.count(name) && label_keys == LabelKeys::kIgnore) {
      for (const auto& [key, value] : ours.items()) {
        if (!value.is_string()) diffs->push_back(path + "." + key + ": not a string");
      }
      return;
    }
    for (const auto& [key, value] : real.items()) {
      if (!ours.contains(key)) {
        diffs->push_back(path + "." + key + ": missing from ours");
      } else {
        ShapeDiff(value, ours[key], path + "." + key, label_keys, diffs);
      }
    }
    for (const auto& [key, value] : ours.items()) {
      if (!real.contains(key)) diffs->push_back(path + "." + key + ": not in the real payload");
    }
  } else if (real.is_array()) {
    if (real.empty() || ours.empty()) {
      if (real.empty() != ours.empty()) diffs->push_back(path + ": one array is empty");
      return;
    }
    for (size_t i = 0; i < ours.size(); ++i) {
      ShapeDiff(real[0], ours[i], path + "[" + std::to_string(i) + "]", label_keys, diffs);
    }
  }
}

std::vector<std::string> ShapeDiff(const nlohmann::json& real, const nlohmann::json& ours,
                                   LabelKeys label_keys) {
  std::vector<std::string> diffs;
  ShapeDiff(real, ours, "", label_keys, &diffs);
  return diffs;
}

TEST(AlertmanagerFixtureTest, FixturesArePresent) {
  ASSERT_TRUE(fs::is_directory(kFixtureDir)) << MissingFixturesHelp();
  for (const auto& [name, runbooks] : kExpectedRoutes) {
    EXPECT_TRUE(fs::is_regular_file(kFixtureDir / name)) << name << ": " << MissingFixturesHelp();
  }
}

TEST(AlertmanagerFixtureTest, FixtureRoutesAreAllListed) {
  const std::vector<std::string> names = FixtureNames();
  ASSERT_FALSE(names.empty()) << MissingFixturesHelp();
  for (const std::string& name : names) {
    EXPECT_TRUE(kExpectedRoutes.count(name))
        << name << " is a new fixture: say in kExpectedRoutes which runbooks it must start";
  }
}

TEST(AlertmanagerFixtureTest, RealPayloadsStartTheRunbookWrittenForThem) {
  const std::vector<model::Runbook> runbooks = BundledRunbooks();
  ASSERT_FALSE(runbooks.empty());
  for (const auto& [name, expected] : kExpectedRoutes) {
    SCOPED_TRACE(name);
    const std::string text = ReadFixture(name);
    if (text.empty()) continue;
    auto alerts = alerting::ParseAlertmanagerPayload(text, Epoch{});
    ASSERT_TRUE(alerts.ok()) << alerts.status().message();
    ASSERT_FALSE(alerts->empty());
    EXPECT_EQ(RunbooksStarted(*alerts, runbooks), expected);
    // Each firing alert on its own starts exactly the expected runbooks, and carries every
    // label they need.
    for (const alerting::Alert& alert : *alerts) {
      if (!alert.Firing()) continue;
      EXPECT_EQ(RunbooksStarted({alert}, runbooks), expected) << alert.Name();
      for (const model::Runbook& runbook : runbooks) {
        if (std::find(expected.begin(), expected.end(), runbook.name) == expected.end()) continue;
        EXPECT_THAT(MissingRequiredLabels(runbook, alert.labels), ElementsAre())
            << alert.Name() << " → " << runbook.name;
      }
    }
  }
}

// A resolved notification names the same alert as the firing one; it must start nothing even
// though the runbook's trigger takes its labels.
TEST(AlertmanagerFixtureTest, ResolvedPayloadStartsNothing) {
  const std::vector<model::Runbook> runbooks = BundledRunbooks();
  const std::string text = ReadFixture("resolved-high-error-rate.json");
  ASSERT_FALSE(text.empty());
  auto alerts = alerting::ParseAlertmanagerPayload(text, Epoch{});
  ASSERT_TRUE(alerts.ok()) << alerts.status().message();
  ASSERT_EQ(alerts->size(), 1u);
  const alerting::Alert& alert = (*alerts)[0];
  EXPECT_FALSE(alert.Firing());
  // 2026-11-21T11:39:58Z, in ms after the default epoch (2026-01-01T00:00:00Z).
  EXPECT_EQ(alert.ends_at, SimTime((1795261198LL - 1767225600LL) * 1000));
  const auto high = std::find_if(runbooks.begin(), runbooks.end(), [](const model::Runbook& r) {
    return r.name == "high-error-rate";
  });
  ASSERT_NE(high, runbooks.end());
  EXPECT_TRUE(TriggerMatches(high->trigger, alert.labels));
  EXPECT_THAT(RunbooksStarted(*alerts, runbooks), ElementsAre());
}

// What rundrill writes for the same alerts, grouped as the real route grouped them, has
// every key of the real payload and no other, with the same types, and the same values where
// they do not depend on the wall clock.
TEST(AlertmanagerFixtureTest, GeneratedPayloadHasTheRealShape) {
  const std::vector<std::string> names = FixtureNames();
  ASSERT_FALSE(names.empty()) << MissingFixturesHelp();
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string text = ReadFixture(name);
    ASSERT_FALSE(text.empty());
    // Not const: operator[] on a const json with a missing key is undefined, and a missing
    // key is exactly what this test is here to report.
    nlohmann::json real = nlohmann::json::parse(text);
    auto alerts = alerting::ParseAlertmanagerPayload(text, Epoch{});
    ASSERT_TRUE(alerts.ok()) << alerts.status().message();
    nlohmann::json ours = nlohmann::json::parse(
        alerting::AlertmanagerPayload(*alerts, kFixtureGroupBy, Epoch{},
                                      alerting::AlertSource{real["receiver"].get<std::string>(),
                                                            real["externalURL"].get<std::string>()})
            .dump());
    EXPECT_THAT(ShapeDiff(real, ours, LabelKeys::kCompare), ElementsAre());
    for (const char* key : {"version", "status", "groupKey", "groupLabels", "commonLabels",
                            "commonAnnotations", "truncatedAlerts"}) {
      EXPECT_EQ(ours[key], real[key]) << key;
    }
    ASSERT_EQ(ours["alerts"].size(), real["alerts"].size());
    for (size_t i = 0; i < real["alerts"].size(); ++i) {
      for (const char* key : {"status", "labels", "annotations", "fingerprint"}) {
        EXPECT_EQ(ours["alerts"][i][key], real["alerts"][i][key]) << key;
      }
      if (real["alerts"][i]["status"] == "firing") {
        EXPECT_EQ(ours["alerts"][i]["endsAt"], real["alerts"][i]["endsAt"]);
      }
    }
  }
}

// The check above would notice drift: a payload with a key dropped, one added, or a type
// changed does not pass it.
TEST(AlertmanagerFixtureTest, ShapeDiffCatchesDrift) {
  const std::string text = ReadFixture("firing-high-error-rate.json");
  ASSERT_FALSE(text.empty());
  const nlohmann::json real = nlohmann::json::parse(text);
  EXPECT_THAT(ShapeDiff(real, real, LabelKeys::kCompare), ElementsAre());
  nlohmann::json dropped = real;
  dropped["alerts"][0].erase("fingerprint");
  EXPECT_THAT(ShapeDiff(real, dropped, LabelKeys::kCompare),
              ElementsAre(".alerts[0].fingerprint: missing from ours"));
  nlohmann::json added = real;
  added["groupKeys"] = "x";
  EXPECT_THAT(ShapeDiff(real, added, LabelKeys::kCompare),
              ElementsAre(".groupKeys: not in the real payload"));
  nlohmann::json retyped = real;
  retyped["truncatedAlerts"] = "0";
  EXPECT_THAT(ShapeDiff(real, retyped, LabelKeys::kCompare),
              ElementsAre(".truncatedAlerts: real is number, ours is string"));
  nlohmann::json relabelled = real;
  relabelled["commonLabels"]["team"] = "payments";
  EXPECT_THAT(ShapeDiff(real, relabelled, LabelKeys::kIgnore), ElementsAre());
  relabelled["commonLabels"]["team"] = 1;
  EXPECT_THAT(ShapeDiff(real, relabelled, LabelKeys::kIgnore),
              ElementsAre(".commonLabels.team: not a string"));
}

// The payload a drill hands to the runbook it starts (the file RUNDRILL_ALERT_FILE names):
// the real shape, and read back it starts the same runbook.
TEST(AlertmanagerFixtureTest, DrillPayloadHasTheRealShape) {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::ParseScenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 10m
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, history: [{image: registry.example/api:1.0.0}]}
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api, namespace: production, severity: critical}
      annotations: {summary: API 5xx rate above 5%}
)",
                                      "unit.yaml", &errors);
  ASSERT_TRUE(scenario) << errors.at(0).ToString();
  auto runbook = load::ParseRunbook(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: unit}
trigger: {alertname_matches: ".*ErrorRate.*"}
steps:
  - {id: look, type: check, run: out x}
)",
                                    "unit.yaml", &errors);
  ASSERT_TRUE(runbook) << errors.at(0).ToString();

  testing::HostJournal journal;
  DrillOptions options;
  options.seed = 5;
  options.make_host = [&journal](const std::vector<std::string>&) {
    return StatusOr<std::unique_ptr<exec::StepHost>>(
        std::make_unique<testing::ScriptedStepHost>(&journal));
  };
  auto result = RunDrill(*scenario, {*runbook}, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(journal.files.size(), 1u);
  const std::string& payload = journal.files.begin()->second;

  const std::string text = ReadFixture("firing-high-error-rate.json");
  ASSERT_FALSE(text.empty());
  const nlohmann::json real = nlohmann::json::parse(text);
  // The drill groups by its own route, so only the label maps' keys may differ.
  EXPECT_THAT(ShapeDiff(real, nlohmann::json::parse(payload), LabelKeys::kIgnore), ElementsAre());

  auto alerts = alerting::ParseAlertmanagerPayload(payload, Epoch{});
  ASSERT_TRUE(alerts.ok()) << alerts.status().message();
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].labels, scenario->timeline[0].alert.labels);
  EXPECT_EQ((*alerts)[0].starts_at, SimTime(60000));  // fired at 1m
  EXPECT_EQ(RunbooksStarted(*alerts, BundledRunbooks()),
            (std::vector<std::string>{"high-error-rate"}));
}

}  // namespace
}  // namespace rundrill::drill
