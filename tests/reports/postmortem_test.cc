// The post-mortem from hand-built drill results: each section is checked for what the drill
// knew, so a placeholder or a claim the result does not support shows up as a failure.
#include "reports/postmortem.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace rundrill::reports {
namespace {

using namespace std::chrono_literals;
using drill::AlertRecord;
using drill::DrillResult;
using drill::RunbookRecord;
using drill::StepOutcome;
using drill::StepRecord;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// The text under a "## " heading, up to the next one (or the footer).
std::string Section(const std::string& md, const std::string& heading) {
  const std::string start = "## " + heading + "\n";
  const size_t begin = md.find(start);
  if (begin == std::string::npos) return "(no section " + heading + ")";
  const size_t body = begin + start.size();
  const size_t end = std::min(md.find("\n## ", body), md.find("\n---\n", body));
  return md.substr(body, end == std::string::npos ? std::string::npos : end - body);
}

std::vector<std::string> TableRows(const std::string& section) {
  std::vector<std::string> rows;
  size_t begin = 0;
  while (begin < section.size()) {
    size_t end = section.find('\n', begin);
    if (end == std::string::npos) end = section.size();
    const std::string line = section.substr(begin, end - begin);
    if (line.rfind("|", 0) == 0) rows.push_back(line);
    begin = end + 1;
  }
  return rows;
}

StepRecord Step(std::string id, std::string type, StepOutcome outcome, SimTime start, SimTime end,
                std::string reason = "") {
  StepRecord s;
  s.id = id;
  s.type = std::move(type);
  s.name = std::move(id);
  s.outcome = outcome;
  s.started_at = start;
  s.ended_at = end;
  s.reason = std::move(reason);
  return s;
}

AlertRecord HighErrorRate() {
  AlertRecord a;
  a.alertname = "HighErrorRate";
  a.fingerprint = "904f2a94f7172f61";
  a.labels = {{"alertname", "HighErrorRate"},
              {"namespace", "production"},
              {"service", "api"},
              {"severity", "critical"}};
  a.annotations = {{"summary", "API 5xx rate above 5%"}};
  a.source = "timeline";
  a.active_at = 5min;
  a.fired_at = 5min;
  a.runbooks = {"high-error-rate"};
  a.incident_start = 0ms;
  a.incident_cause = "deploy of registry.example/api:1.5.0 at 0s (scenarios/bad-deploy.yaml:41:5)";
  a.figures.time_to_detect = 5min;
  return a;
}

// A bad deploy at 0s, the alert at 5m, a rollback at 5m1s, the alert resolved at 19m, one
// Slack message in between.
DrillResult ResolvedByRollback() {
  DrillResult r;
  r.scenario_name = "bad-deploy";
  r.scenario_path = "scenarios/bad-deploy.yaml";
  r.seed = 7;
  r.horizon = 60min;
  r.start_time = "2026-11-21T10:00:00Z";
  r.timeline = {
      {0ms, "scenario.deploy", "deploy registry.example/api:1.5.0 to production/api"},
      {5min, "alert.fired", "HighErrorRate firing (904f2a94f7172f61), routed to high-error-rate"},
      {5min, "runbook.started", "high-error-rate for HighErrorRate"},
      {5min + 1s, "step.finished", "high-error-rate/rollback succeeded"},
      {5min + 6s, "runbook.finished", "high-error-rate succeeded"},
      {19min, "alert.resolved", "HighErrorRate resolved: its condition no longer holds"},
      {60min, "drill.finished", "passed"}};
  AlertRecord a = HighErrorRate();
  a.resolved_at = 19min;
  a.figures.time_to_mitigate = 5min + 1s;
  a.figures.time_to_resolve = 19min;
  r.alerts = {a};
  RunbookRecord run;
  run.name = "high-error-rate";
  run.path = "runbooks/high-error-rate.yaml";
  run.alertname = "HighErrorRate";
  run.alert_fingerprint = a.fingerprint;
  run.alert_record = 0;
  run.outcome = "succeeded";
  run.started_at = 5min;
  run.ended_at = 5min + 6s;
  run.steps = {Step("health", "check", StepOutcome::kSucceeded, 5min, 5min),
               Step("pods", "check", StepOutcome::kSucceeded, 5min, 5min),
               Step("rollback", "action", StepOutcome::kSucceeded, 5min, 5min + 1s),
               Step("verify-rollback", "verify", StepOutcome::kSucceeded, 5min + 1s, 5min + 6s),
               Step("restart", "action", StepOutcome::kSkipped, 5min + 6s, 5min + 6s,
                    "when: condition not met")};
  r.runbooks = {run};
  r.expectations = {{"the incident is resolved", true, "resolved at +00:19:00", "x.yaml:50:3"}};
  r.figures = a.figures;
  r.final_world = {
      {"slack",
       {{"incidents",
         {{"id", "C1"},
          {"messages", json::array({{{"ts", "1.000100"},
                                     {"thread_ts", nullptr},
                                     {"text", "\nRolled back api to 1.4.2\nsecond line"},
                                     {"posted_at_ms", 302000}}})}}},
        {"quiet", {{"id", "C2"}, {"messages", json::array()}}}}},
      {"pagerduty", {{"incidents", json::array()}, {"pages", json::array()}}}};
  r.reproduce = "rundrill run scenarios/bad-deploy.yaml --seed 7";
  r.passed = true;
  return r;
}

TEST(PostmortemTest, ResolvedIncidentWithRemediation) {
  const DrillResult r = ResolvedByRollback();
  ASSERT_TRUE(HasIncident(r));
  const std::string md = RenderPostmortem(r);

  EXPECT_EQ(md.substr(0, md.find("## Timeline")),
            "# Post-Mortem: INC-904F2A94\n\n"
            "## Summary\n\n"
            "- **Title:** API 5xx rate above 5%\n"
            "- **Severity:** critical\n"
            "- **Duration:** 19 minutes\n"
            "- **Date:** 2026-11-21\n"
            "- **Status:** auto-resolved\n\n");

  const auto rows = TableRows(Section(md, "Timeline"));
  ASSERT_EQ(rows.size(), 2 + r.timeline.size() + 1) << md;  // header, rule, events, Slack
  EXPECT_EQ(rows[0], "| Time (UTC) | Action | Details |");
  EXPECT_EQ(rows[2],
            "| 2026-11-21 10:00:00 | scenario.deploy | deploy registry.example/api:1.5.0 to "
            "production/api |");
  // The message was posted at 5m2s: after the rollback, before the runbook finished.
  EXPECT_EQ(rows[5],
            "| 2026-11-21 10:05:01 | step.finished | high-error-rate/rollback succeeded |");
  EXPECT_EQ(rows[6],
            "| 2026-11-21 10:05:02 | slack.posted | #incidents: Rolled back api to 1.4.2 |");
  EXPECT_EQ(rows[7], "| 2026-11-21 10:05:06 | runbook.finished | high-error-rate succeeded |");

  const std::string cause = Section(md, "Root Cause");
  EXPECT_THAT(cause, HasSubstr("- HighErrorRate {namespace=production, service=api}: caused by the "
                               "deploy of registry.example/api:1.5.0 at 0s "
                               "(scenarios/bad-deploy.yaml:41:5); its condition held 5m later."));
  EXPECT_THAT(cause, HasSubstr("- 2026-11-21 10:00:00 scenario.deploy: deploy "
                               "registry.example/api:1.5.0 to production/api"));
  EXPECT_THAT(cause, Not(HasSubstr("_To be filled")));

  const std::string impact = Section(md, "Impact");
  EXPECT_THAT(impact, HasSubstr("| HighErrorRate | namespace=production, service=api, "
                                "severity=critical | 2026-11-21 10:05:00 | 2026-11-21 10:19:00 | "
                                "14m | 5m | 5m1s | 19m |"));
  EXPECT_THAT(impact, HasSubstr("labels tell: service api and namespace production.\n"));

  const std::string well = Section(md, "What Went Well");
  EXPECT_THAT(well, HasSubstr("- Detected automatically: HighErrorRate {namespace=production, "
                              "service=api} fired at 2026-11-21 10:05:00, 5m after the incident "
                              "began."));
  EXPECT_THAT(well, HasSubstr("- Auto-remediation: runbook `high-error-rate` step `rollback` "
                              "succeeded at 2026-11-21 10:05:01, 5m1s after the incident began, "
                              "and HighErrorRate resolved at 2026-11-21 10:19:00."));
  EXPECT_THAT(well, HasSubstr("check steps `health` and `pods`."));
  EXPECT_THAT(well, HasSubstr("verify step `verify-rollback`."));
  EXPECT_THAT(well, HasSubstr("1 Slack message in #incidents."));
  EXPECT_THAT(well, HasSubstr("The scenario's expectation was met."));

  EXPECT_EQ(Section(md, "What Could Be Improved"),
            "\n- Nothing: every step that ran succeeded, every alert resolved and every "
            "expectation was met.\n");
  const auto items = TableRows(Section(md, "Action Items"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0], "| Action | Owner | Priority | Status |");
  EXPECT_EQ(items[2], "| _None: the drill found nothing to improve._ | | | |");

  EXPECT_THAT(md, HasSubstr("\n---\n_Generated automatically by rundrill from a drill of "
                            "`scenarios/bad-deploy.yaml` (seed 7, passed); rerun it with "
                            "`rundrill run scenarios/bad-deploy.yaml --seed 7`._\n"
                            "_Review and complete within 48 hours of resolution._\n"));
  EXPECT_EQ(md.back(), '\n');
}

TEST(PostmortemTest, SectionsComeInTheGeneratorsOrder) {
  const std::string md = RenderPostmortem(ResolvedByRollback());
  size_t last = 0;
  for (const char* heading :
       {"# Post-Mortem: ", "## Summary", "## Timeline", "## Root Cause", "## Impact",
        "## What Went Well", "## What Could Be Improved", "## Action Items", "\n---\n"}) {
    const size_t at = md.find(heading);
    ASSERT_NE(at, std::string::npos) << heading;
    EXPECT_GE(at, last) << heading;
    last = at;
  }
}

TEST(PostmortemTest, FailedRunbookIsEscalatedWithActionItems) {
  DrillResult r = ResolvedByRollback();
  RunbookRecord& run = r.runbooks[0];
  run.outcome = "failed";
  run.steps = {Step("health", "check", StepOutcome::kFailed, 5min, 5min, "exit 1 | ignored"),
               Step("rollback", "action", StepOutcome::kFailed, 5min, 5min + 1s,
                    "exit 1: error: no rollout history found"),
               Step("verify-rollback", "verify", StepOutcome::kSkipped, 5min + 1s, 5min + 1s,
                    "not reached: the runbook stopped at rollback"),
               Step("hand-over", "notify", StepOutcome::kSucceeded, 5min + 1s, 5min + 2s)};
  run.steps.back().on_failure = true;
  r.alerts[0].figures.time_to_mitigate.reset();
  r.figures.time_to_mitigate.reset();
  const std::string md = RenderPostmortem(r);

  EXPECT_THAT(md, HasSubstr("- **Status:** escalated\n"));
  const std::string well = Section(md, "What Went Well");
  EXPECT_THAT(well, Not(HasSubstr("Auto-remediation")));
  EXPECT_THAT(well, Not(HasSubstr("ran to completion")));
  EXPECT_THAT(well, Not(HasSubstr("check step")));
  EXPECT_THAT(Section(md, "Impact"), HasSubstr("to mitigate — (no action step succeeded)"));

  const std::string improve = Section(md, "What Could Be Improved");
  EXPECT_THAT(improve, HasSubstr("- Runbook `high-error-rate` step `rollback` (action) failed at "
                                 "2026-11-21 10:05:01: exit 1: error: no rollout history found."));
  EXPECT_THAT(improve, HasSubstr("- Runbook `high-error-rate` step `health` (check) failed at "
                                 "2026-11-21 10:05:00: exit 1 | ignored."));
  EXPECT_THAT(improve, Not(HasSubstr("Nothing")));

  const auto items = TableRows(Section(md, "Action Items"));
  ASSERT_EQ(items.size(), 4u) << md;
  EXPECT_EQ(items[2],
            "| Review step health of runbook high-error-rate, which failed: exit 1 \\| ignored | "
            "runbooks/high-error-rate.yaml | P2 | Open |");
  EXPECT_EQ(items[3],
            "| Fix step rollback of runbook high-error-rate, which failed: exit 1: error: no "
            "rollout history found | runbooks/high-error-rate.yaml | P1 | Open |");
}

TEST(PostmortemTest, FailedStepFindingNamesTheStepAndQuotesItsStderr) {
  DrillResult r = ResolvedByRollback();
  StepRecord& health = r.runbooks[0].steps[0];
  health.name = "Hand over when nothing applies";
  health.outcome = StepOutcome::kFailed;
  health.reason = "exit code 1, expected 0";
  drill::Attempt attempt;
  attempt.exit_code = 1;
  attempt.stderr_data = "\nno automatic remediation for api\nmore detail\n";
  health.attempts = {attempt};
  const std::string md = RenderPostmortem(r);
  EXPECT_THAT(
      Section(md, "What Could Be Improved"),
      HasSubstr("- Runbook `high-error-rate` step `health` (check, \"Hand over when nothing "
                "applies\") failed at 2026-11-21 10:05:00: exit code 1, expected 0; "
                "stderr: no automatic remediation for api.\n"));
}

// A succeeded action is credited with ending the incident only when nothing else could have:
// a later verify step failing, or the scenario changing the world before the alert resolved,
// withdraws the credit.
TEST(PostmortemTest, RemediationIsCreditedOnlyWhenNothingElseEndedTheAlert) {
  {
    DrillResult r = ResolvedByRollback();
    r.timeline.push_back({10min, "scenario.set_readiness", "pods of production/api pass"});
    std::stable_sort(r.timeline.begin(), r.timeline.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    const std::string md = RenderPostmortem(r);
    EXPECT_THAT(md, HasSubstr("- **Status:** resolved\n"));
    EXPECT_THAT(Section(md, "What Went Well"), Not(HasSubstr("Auto-remediation")));
  }
  {
    DrillResult r = ResolvedByRollback();
    r.runbooks[0].steps[3].outcome = StepOutcome::kFailed;  // verify-rollback
    const std::string md = RenderPostmortem(r);
    EXPECT_THAT(Section(md, "What Went Well"), Not(HasSubstr("Auto-remediation")));
  }
  {
    // A scenario event before the fix does not withdraw it.
    DrillResult r = ResolvedByRollback();
    r.timeline.push_back({5min, "fault.latency", "api gains 200ms"});
    std::stable_sort(r.timeline.begin(), r.timeline.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    EXPECT_THAT(RenderPostmortem(r), HasSubstr("- **Status:** auto-resolved\n"));
  }
}

TEST(PostmortemTest, RecurringFindingsShareOneActionItem) {
  DrillResult r = ResolvedByRollback();
  r.runbooks[0].outcome = "failed";
  r.runbooks[0].steps[0].outcome = StepOutcome::kFailed;
  r.runbooks[0].steps[0].reason = "exit code 1, expected 0";
  r.runbooks.push_back(r.runbooks[0]);
  r.runbooks[1].steps[0].ended_at = 25min;
  const std::string md = RenderPostmortem(r);
  const std::string improve = Section(md, "What Could Be Improved");
  EXPECT_THAT(improve, HasSubstr("failed at 2026-11-21 10:05:00"));
  EXPECT_THAT(improve, HasSubstr("failed at 2026-11-21 10:25:00"));
  const auto items = TableRows(Section(md, "Action Items"));
  ASSERT_EQ(items.size(), 3u) << md;
  EXPECT_EQ(items[2],
            "| Review step health of runbook high-error-rate, which failed: exit code 1, expected "
            "0 | runbooks/high-error-rate.yaml | P2 | Open |");
}

TEST(PostmortemTest, UnresolvedIncidentIsOngoingWithP1Items) {
  DrillResult r = ResolvedByRollback();
  r.horizon = 30min;
  r.timeline = {{0ms, "scenario.deploy", "deploy registry.example/api:1.5.0 to production/api"},
                {5min, "alert.fired", "HighErrorRate firing"},
                {7min, "alert.fired", "DiskFull firing (abcdef0123456789), no runbook matches"},
                {30min, "drill.finished", "failed"}};
  r.alerts[0].resolved_at.reset();
  r.alerts[0].figures = {5min, std::nullopt, std::nullopt};
  AlertRecord disk;
  disk.alertname = "DiskFull";
  disk.fingerprint = "abcdef0123456789";
  disk.labels = {{"alertname", "DiskFull"}, {"host", "db-1"}, {"severity", "warning"}};
  disk.active_at = 7min;
  disk.fired_at = 7min;
  disk.incident_cause = "the world as it was at the start";
  disk.figures.time_to_detect = 7min;
  r.alerts.push_back(disk);
  r.runbooks[0].steps = {Step("health", "check", StepOutcome::kSucceeded, 5min, 5min)};
  r.figures = {5min, std::nullopt, std::nullopt};
  r.expectations = {
      {"the incident is resolved", false, "still firing: HighErrorRate", "x.yaml:9:3"}};
  r.passed = false;
  r.final_world = json::object();
  const std::string md = RenderPostmortem(r);

  EXPECT_THAT(md, HasSubstr("- **Duration:** ongoing at the end of the drill (30 minutes)\n"));
  EXPECT_THAT(md, HasSubstr("- **Status:** unresolved\n"));
  EXPECT_THAT(md, HasSubstr("- **Severity:** critical\n"));
  EXPECT_THAT(Section(md, "Root Cause"),
              HasSubstr("- DiskFull {host=db-1}: caused by the world as it was at the start; its "
                        "condition held 7m later."));
  const std::string impact = Section(md, "Impact");
  EXPECT_THAT(impact, HasSubstr("| still firing | 25m (until the drill ended) | 5m | — | — |"));
  EXPECT_THAT(impact, HasSubstr("to resolve — (not resolved when the drill ended)"));
  EXPECT_THAT(Section(md, "What Went Well"), Not(HasSubstr("expectation")));

  const auto items = TableRows(Section(md, "Action Items"));
  ASSERT_EQ(items.size(), 5u) << md;
  EXPECT_EQ(items[2],
            "| Make runbook high-error-rate resolve HighErrorRate | runbooks/high-error-rate.yaml "
            "| P1 | Open |");
  EXPECT_EQ(items[3],
            "| Write a runbook for DiskFull, or widen a runbook's trigger to match it | on-call "
            "team | P1 | Open |");
  EXPECT_EQ(items[4],
            "| Meet the scenario's expectation: the incident is resolved | on-call team | P2 | "
            "Open |");
  EXPECT_THAT(Section(md, "What Could Be Improved"),
              HasSubstr("- Expectation not met: the incident is resolved; found still firing: "
                        "HighErrorRate (x.yaml:9:3)."));
}

TEST(PostmortemTest, NoAlertMeansNoIncident) {
  DrillResult r = ResolvedByRollback();
  r.alerts.clear();
  r.runbooks.clear();
  EXPECT_FALSE(HasIncident(r));
  EXPECT_FALSE(HasIncident(DrillResult{}));
  // Still renders without inventing an incident, should a caller ask anyway.
  const std::string md = RenderPostmortem(DrillResult{});
  EXPECT_THAT(Section(md, "Root Cause"), HasSubstr("No alert fired"));
  EXPECT_THAT(md, Not(HasSubstr("INC-")));
}

TEST(PostmortemTest, CellsEscapePipesFoldNewlinesAndShortenLongDetails) {
  DrillResult r = ResolvedByRollback();
  r.timeline = {{5min, "step.started",
                 "high-error-rate/grep: kubectl logs api | grep -c ERROR\n  && echo done"},
                {6min, "step.finished", std::string(100, 'x') + "é"}};
  r.alerts[0].annotations["summary"] = "API errors\nspiking | again";
  r.final_world = json::object();
  const std::string md = RenderPostmortem(r);

  EXPECT_THAT(md, HasSubstr("- **Title:** API errors ⏎ spiking | again\n"));
  const auto rows = TableRows(Section(md, "Timeline"));
  ASSERT_EQ(rows.size(), 4u) << md;
  EXPECT_EQ(rows[2],
            "| 2026-11-21 10:05:00 | step.started | high-error-rate/grep: kubectl logs api \\| "
            "grep -c ERROR ⏎   && echo done |");
  // 79 characters and an ellipsis: 80 in all.
  EXPECT_EQ(rows[3], "| 2026-11-21 10:06:00 | step.finished | " + std::string(79, 'x') + "… |");
}

TEST(PostmortemTest, ShortenNeverSplitsAUtf8Character) {
  DrillResult r = ResolvedByRollback();
  std::string detail;
  for (int i = 0; i < 90; ++i) detail += "é";
  r.timeline = {{5min, "step.finished", detail}};
  r.final_world = json::object();
  const auto rows = TableRows(Section(RenderPostmortem(r), "Timeline"));
  ASSERT_EQ(rows.size(), 3u);
  std::string expected;
  for (int i = 0; i < 79; ++i) expected += "é";
  EXPECT_EQ(rows[2], "| 2026-11-21 10:05:00 | step.finished | " + expected + "… |");
}

TEST(PostmortemTest, PagerDutyEscalationAndAcknowledgementAreFoldedIn) {
  DrillResult r = ResolvedByRollback();
  r.final_world["pagerduty"] = {
      {"incidents", json::array({{{"id", "QABC123"},
                                  {"number", 1},
                                  {"title", "api p99 high"},
                                  {"urgency", "high"},
                                  {"status", "acknowledged"},
                                  {"created_at_ms", 330000},
                                  {"log", json::array({
                                              {{"at_ms", 330000},
                                               {"type", "trigger_log_entry"},
                                               {"agent", "events_api"},
                                               {"user", ""},
                                               {"summary", "Triggered: api p99 high"}},
                                              {{"at_ms", 330000},
                                               {"type", "notify_log_entry"},
                                               {"agent", "escalation"},
                                               {"user", "PALICE1"},
                                               {"summary", "Notified Alice"}},
                                              {{"at_ms", 630000},
                                               {"type", "escalate_log_entry"},
                                               {"agent", "escalation"},
                                               {"user", ""},
                                               {"summary", "Escalated to level 2"}},
                                              {{"at_ms", 630000},
                                               {"type", "notify_log_entry"},
                                               {"agent", "escalation"},
                                               {"user", "PBOB222"},
                                               {"summary", "Notified Bob"}},
                                              {{"at_ms", 690000},
                                               {"type", "acknowledge_log_entry"},
                                               {"agent", "PBOB222"},
                                               {"user", ""},
                                               {"summary", "Acknowledged"}},
                                          })},
                                  {"notes", json::array()}}})},
      {"pages", json::array({{{"at_ms", 330000},
                              {"incident", "QABC123"},
                              {"user", "PALICE1"},
                              {"level", 0},
                              {"reason", "trigger"}},
                             {{"at_ms", 630000},
                              {"incident", "QABC123"},
                              {"user", "PBOB222"},
                              {"level", 1},
                              {"reason", "escalation"}}})}};
  const std::string md = RenderPostmortem(r);

  // A page means people were pulled in, even though the alert resolved.
  EXPECT_THAT(md, HasSubstr("- **Status:** escalated\n"));
  const std::string timeline = Section(md, "Timeline");
  EXPECT_THAT(timeline, HasSubstr("| 2026-11-21 10:05:30 | pagerduty.triggered | #1: api p99 high "
                                  "(urgency high) |\n| 2026-11-21 10:05:30 | pagerduty.paged | "
                                  "Alice for #1 |\n"));
  EXPECT_THAT(timeline, HasSubstr("| 2026-11-21 10:10:30 | pagerduty.escalated | #1 to Bob, level "
                                  "2 |\n| 2026-11-21 10:11:30 | pagerduty.acknowledged | #1 by "
                                  "Bob |\n"));
  EXPECT_THAT(Section(md, "What Went Well"),
              HasSubstr("- PagerDuty incident #1 was acknowledged by Bob at 2026-11-21 10:11:30, "
                        "6m after it was triggered."));
  const std::string improve = Section(md, "What Could Be Improved");
  EXPECT_THAT(improve, HasSubstr("- PagerDuty incident #1 escalated because nobody acknowledged "
                                 "it in time: to Bob at 2026-11-21 10:10:30."));
  EXPECT_THAT(improve, HasSubstr("- PagerDuty incident #1 (api p99 high) was still acknowledged "
                                 "when the drill ended."));
}

TEST(PostmortemTest, ExpiredApprovalBecomesAnActionItemForItsRunbook) {
  DrillResult r = ResolvedByRollback();
  r.timeline.push_back(
      {6min, "approval.requested", "high-error-rate/rollback: #incident-approvals"});
  r.timeline.push_back({16min, "approval.expired", "high-error-rate/rollback: nobody answered"});
  std::stable_sort(r.timeline.begin(), r.timeline.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  const std::string md = RenderPostmortem(r);
  EXPECT_THAT(Section(md, "What Could Be Improved"),
              HasSubstr("- An approval expired at 2026-11-21 10:16:00: high-error-rate/rollback: "
                        "nobody answered."));
  const auto items = TableRows(Section(md, "Action Items"));
  ASSERT_EQ(items.size(), 3u) << md;
  EXPECT_THAT(items[2], HasSubstr("| runbooks/high-error-rate.yaml | P2 | Open |"));
}

TEST(PostmortemTest, TitleAndSeverityFallBacks) {
  DrillResult r = ResolvedByRollback();
  r.alerts[0].annotations.clear();
  r.alerts[0].labels.erase("severity");
  EXPECT_THAT(RenderPostmortem(r),
              HasSubstr("- **Title:** HighErrorRate\n- **Severity:** unknown\n"));

  // The most severe alert sets the incident's severity, whichever fired first.
  r.alerts[0].labels["severity"] = "warning";
  AlertRecord second = HighErrorRate();
  second.fingerprint = "1111111111111111";
  second.labels["severity"] = "critical";
  r.alerts.push_back(second);
  const std::string md = RenderPostmortem(r);
  EXPECT_THAT(md, HasSubstr("# Post-Mortem: INC-904F2A94\n"));
  EXPECT_THAT(md, HasSubstr("- **Severity:** critical\n"));
}

TEST(PostmortemTest, DurationRoundsToMinutesAndKeepsTheExactFigure) {
  DrillResult r = ResolvedByRollback();
  r.alerts[0].resolved_at = 5min + 15s;
  EXPECT_THAT(RenderPostmortem(r), HasSubstr("- **Duration:** 5 minutes (5m15s)\n"));
  r.alerts[0].resolved_at = 40s;
  r.alerts[0].fired_at = 20s;
  r.alerts[0].active_at = 20s;
  EXPECT_THAT(RenderPostmortem(r), HasSubstr("- **Duration:** 1 minute (40s)\n"));
  r.alerts[0].resolved_at = 20s;
  EXPECT_THAT(RenderPostmortem(r), HasSubstr("- **Duration:** less than a minute (20s)\n"));
}

TEST(PostmortemTest, SameResultGivesSameBytes) {
  const DrillResult r = ResolvedByRollback();
  DrillResult copy = r;
  // The same world built in another order: JSON objects keep sorted keys, so no difference.
  copy.final_world = json::object();
  copy.final_world["pagerduty"] = r.final_world["pagerduty"];
  copy.final_world["slack"]["quiet"] = r.final_world["slack"]["quiet"];
  copy.final_world["slack"]["incidents"] = r.final_world["slack"]["incidents"];
  const std::string first = RenderPostmortem(r);
  EXPECT_EQ(first, RenderPostmortem(r));
  EXPECT_EQ(first, RenderPostmortem(copy));
}

TEST(PostmortemTest, SlackMessagesAtTheSameInstantKeepChannelAndPostingOrder) {
  DrillResult r = ResolvedByRollback();
  r.timeline = {{5min, "step.finished", "high-error-rate/notify succeeded"}};
  auto message = [](const std::string& text) {
    return json{{"ts", "1.0"}, {"thread_ts", nullptr}, {"text", text}, {"posted_at_ms", 300000}};
  };
  r.final_world["slack"] = {
      {"b-channel", {{"messages", json::array({message("b1"), message("b2")})}}},
      {"a-channel", {{"messages", json::array({message("a1")})}}}};
  const auto rows = TableRows(Section(RenderPostmortem(r), "Timeline"));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_THAT(rows[2], HasSubstr("| step.finished |"));
  EXPECT_THAT(rows[3], HasSubstr("| #a-channel: a1 |"));
  EXPECT_THAT(rows[4], HasSubstr("| #b-channel: b1 |"));
  EXPECT_THAT(rows[5], HasSubstr("| #b-channel: b2 |"));
}

}  // namespace
}  // namespace rundrill::reports
