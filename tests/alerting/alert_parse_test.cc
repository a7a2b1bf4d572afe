// ParseAlertmanagerPayload: reading a webhook body back into alerts, and refusing what is
// not one with a message that names the field.

#include <gtest/gtest.h>

#include <string>

#include "simulator/alerting/alert.h"

namespace rundrill::alerting {
namespace {

// One firing alert, one resolved; the minimum a version 4 body needs, plus what rundrill
// ignores.
constexpr char kPayload[] = R"({
  "receiver": "runbooks", "status": "firing", "version": "4", "groupKey": "{}:{}",
  "truncatedAlerts": 0,
  "alerts": [
    {"status": "firing", "labels": {"alertname": "HighErrorRate", "service": "api"},
     "annotations": {"summary": "5xx"}, "startsAt": "2026-01-01T00:01:00.250999Z",
     "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "x"},
    {"status": "resolved", "labels": {"alertname": "DiskSpaceLow"}, "annotations": null,
     "startsAt": "2026-01-01T01:00:00+01:00", "endsAt": "2026-01-01T00:02:00Z"}
  ]
})";

std::string Error(const std::string& json) {
  auto alerts = ParseAlertmanagerPayload(json, Epoch{});
  if (alerts.ok()) return "<parsed without error>";
  EXPECT_EQ(alerts.status().code(), Status::Code::kInvalidInput);
  return alerts.status().message();
}

// kPayload's first alert with `field` replaced by `value` (raw JSON), or removed when
// `value` is empty.
std::string WithAlertField(const std::string& field, const std::string& value) {
  nlohmann::json payload = nlohmann::json::parse(kPayload);
  if (value.empty()) {
    payload["alerts"][0].erase(field);
  } else {
    payload["alerts"][0][field] = nlohmann::json::parse(value);
  }
  return payload.dump();
}

TEST(AlertParseTest, ReadsAlertsInPayloadOrder) {
  auto alerts = ParseAlertmanagerPayload(kPayload, Epoch{});
  ASSERT_TRUE(alerts.ok()) << alerts.status().message();
  ASSERT_EQ(alerts->size(), 2u);
  const Alert& firing = (*alerts)[0];
  EXPECT_EQ(firing.Name(), "HighErrorRate");
  EXPECT_EQ(firing.labels, (Labels{{"alertname", "HighErrorRate"}, {"service", "api"}}));
  EXPECT_EQ(firing.annotations, (Labels{{"summary", "5xx"}}));
  EXPECT_EQ(firing.starts_at, SimTime(60250));  // sub-millisecond digits dropped
  EXPECT_TRUE(firing.Firing());
  const Alert& resolved = (*alerts)[1];
  EXPECT_TRUE(resolved.annotations.empty());  // Go writes a nil map as null
  EXPECT_EQ(resolved.starts_at, SimTime(0));  // 01:00 at +01:00 is midnight UTC
  EXPECT_EQ(resolved.ends_at, SimTime(120000));
  EXPECT_FALSE(resolved.Firing());
}

TEST(AlertParseTest, TimesAreRelativeToTheEpoch) {
  Epoch epoch;
  epoch.unix_seconds += 3600;
  auto alerts = ParseAlertmanagerPayload(kPayload, epoch);
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ((*alerts)[0].starts_at, SimTime(60250 - 3600000));
}

// What rundrill writes, it reads back.
TEST(AlertParseTest, RoundTripsAlertmanagerPayload) {
  Alert a;
  a.labels = {{"alertname", "X"}, {"host", "db-1"}};
  a.annotations = {{"summary", "s"}};
  a.starts_at = SimTime(1500);
  Alert b = a;
  b.labels["host"] = "db-2";
  b.ends_at = SimTime(9000);
  const std::string json =
      AlertmanagerPayload({a, b}, {"alertname"}, Epoch{}, AlertSource{}).dump();
  auto alerts = ParseAlertmanagerPayload(json, Epoch{});
  ASSERT_TRUE(alerts.ok()) << alerts.status().message();
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ((*alerts)[0].labels, a.labels);
  EXPECT_EQ((*alerts)[0].annotations, a.annotations);
  EXPECT_EQ((*alerts)[0].starts_at, a.starts_at);
  EXPECT_FALSE((*alerts)[0].ends_at.has_value());
  EXPECT_EQ((*alerts)[1].ends_at, b.ends_at);
}

TEST(AlertParseTest, RejectsWhatIsNotAVersion4Body) {
  EXPECT_EQ(Error("{\"alerts\": ["),
            "Alertmanager payload is not JSON: [json.exception.parse_error.101] parse error at "
            "line 1, column 13: syntax error while parsing value - unexpected end of input; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(Error("[]"), "Alertmanager payload must be a JSON object, got an array");
  EXPECT_EQ(Error(R"({"alerts": []})"), "Alertmanager payload: version: missing");
  EXPECT_EQ(Error(R"({"version": "3", "alerts": []})"),
            "Alertmanager payload: version: must be \"4\", got \"3\"");
  EXPECT_EQ(Error(R"({"version": 4, "alerts": []})"),
            "Alertmanager payload: version: must be \"4\", got a number");
  EXPECT_EQ(Error(R"({"version": "4"})"), "Alertmanager payload: alerts: missing");
  EXPECT_EQ(Error(R"({"version": "4", "alerts": {}})"),
            "Alertmanager payload: alerts: must be an array, got an object");
  EXPECT_EQ(Error(R"({"version": "4", "alerts": ["firing"]})"),
            "Alertmanager payload: alerts[0]: must be an object, got a string");
}

TEST(AlertParseTest, RejectsBrokenAlerts) {
  EXPECT_EQ(Error(WithAlertField("labels", "")), "Alertmanager payload: alerts[0].labels: missing");
  EXPECT_EQ(Error(WithAlertField("labels", "null")),
            "Alertmanager payload: alerts[0].labels: missing");
  EXPECT_EQ(Error(WithAlertField("labels", "[\"alertname\"]")),
            "Alertmanager payload: alerts[0].labels: must be an object of strings, got an array");
  EXPECT_EQ(Error(WithAlertField("labels", R"({"alertname": "X", "replica": 2})")),
            "Alertmanager payload: alerts[0].labels.replica: must be a string, got a number");
  EXPECT_EQ(Error(WithAlertField("labels", R"({"service": "api"})")),
            "Alertmanager payload: alerts[0].labels: has no \"alertname\"");
  EXPECT_EQ(Error(WithAlertField("annotations", "\"summary\"")),
            "Alertmanager payload: alerts[0].annotations: must be an object of strings, got a "
            "string");
  EXPECT_EQ(Error(WithAlertField("status", "")), "Alertmanager payload: alerts[0].status: missing");
  EXPECT_EQ(Error(WithAlertField("status", "\"pending\"")),
            "Alertmanager payload: alerts[0].status: must be \"firing\" or \"resolved\", got "
            "\"pending\"");
  EXPECT_EQ(Error(WithAlertField("status", "true")),
            "Alertmanager payload: alerts[0].status: must be \"firing\" or \"resolved\", got a "
            "boolean");
  EXPECT_EQ(Error(WithAlertField("startsAt", "")),
            "Alertmanager payload: alerts[0].startsAt: missing");
  EXPECT_EQ(Error(WithAlertField("startsAt", "1767225600")),
            "Alertmanager payload: alerts[0].startsAt: must be an RFC 3339 timestamp string, got "
            "a number");
  for (const char* bad :
       {"\"2026-01-01 00:00:00Z\"", "\"2026-01-01T00:00:00\"", "\"2026-01-01T00:00:00.Z\"",
        "\"2026-01-01T00:00:00+1:00\"", "\"2026-13-01T00:00:00Z\"", "\"yesterday\""}) {
    const std::string text = nlohmann::json::parse(bad).get<std::string>();
    EXPECT_EQ(Error(WithAlertField("startsAt", bad)),
              "Alertmanager payload: alerts[0].startsAt: invalid timestamp \"" + text +
                  "\" (use RFC 3339, like 2026-11-21T11:39:54.048Z)");
  }
  EXPECT_EQ(Error(WithAlertField("endsAt", "null")),
            "Alertmanager payload: alerts[0].endsAt: must be an RFC 3339 timestamp string, got "
            "null");
}

TEST(AlertParseTest, ResolvedAlertNeedsItsEndTime) {
  nlohmann::json payload = nlohmann::json::parse(kPayload);
  payload["alerts"][1]["endsAt"] = "0001-01-01T00:00:00Z";
  EXPECT_EQ(Error(payload.dump()),
            "Alertmanager payload: alerts[1].endsAt: a resolved alert needs the time it ended, "
            "got the zero time");
}

}  // namespace
}  // namespace rundrill::alerting
