// expect.slack and expect.pagerduty checked against a real world: messages posted and
// incidents opened through the world's own operations, then CheckExpectations.

#include "simulator/drill/expectations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/load/loader.h"
#include "simulator/model/service_defaults.h"

namespace rundrill::drill {
namespace {

constexpr SimTime Minutes(int64_t m) { return SimTime(m * 60 * 1000); }

// The default workspace and account: #incidents and #incident-approvals; PPRIMRY paged at
// once, PSECOND 5 minutes later; service PSERVIC "production".
struct Fixture {
  world::World world{7, Epoch{}};

  Fixture() {
    const Status s = world.Build(model::WorldSpec{});
    EXPECT_TRUE(s.ok()) << s.message();
  }

  std::string ChannelId(const std::string& name) { return world.slack().FindChannel(name)->id; }

  std::string Post(const std::string& channel, const std::string& text,
                   nlohmann::json blocks = nullptr, nlohmann::json attachments = nullptr) {
    return world.slack()
        .Post(ChannelId(channel), {text, std::move(blocks), std::move(attachments)}, std::nullopt,
              world::SlackSource::kWebhook, SimTime(1000))
        .ts;
  }

  void React(const std::string& channel, const std::string& ts, const std::string& name) {
    EXPECT_EQ(world.slack().AddReaction(ChannelId(channel), ts, name, "U0RUNDRILL"),
              world::ReactionResult::kAdded);
  }

  // An Events API incident on the default service; returns its id.
  std::string Page(const std::string& summary, SimTime at,
                   const std::string& severity = "critical") {
    const world::PdTriggerOutcome out = world.pagerduty().Trigger(
        {model::kDefaultPagerDutyRoutingKey, "", summary, "web-1", severity}, at);
    return out.incident_id;
  }

  std::vector<ExpectationResult> Check(const model::Expectations& expect) {
    return CheckExpectations(expect, DrillResult{}, world);
  }

  ExpectationResult CheckOne(const model::SlackExpectation& x) {
    model::Expectations expect;
    expect.slack = {x};
    const std::vector<ExpectationResult> results = Check(expect);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ExpectationResult{} : results[0];
  }

  ExpectationResult CheckOne(const model::PagerDutyExpectation& x) {
    model::Expectations expect;
    expect.pagerduty = {x};
    const std::vector<ExpectationResult> results = Check(expect);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? ExpectationResult{} : results[0];
  }
};

model::SlackExpectation Slack(const std::string& channel,
                              std::optional<std::string> text_matches = std::nullopt) {
  model::SlackExpectation x;
  x.channel = channel;
  x.text_matches = std::move(text_matches);
  return x;
}

model::CountSpec Exactly(int n) {
  model::CountSpec c;
  c.count = n;
  return c;
}

model::CountSpec AtLeast(int n) {
  model::CountSpec c;
  c.at_least = n;
  return c;
}

// ---- slack

TEST(SlackExpectationTest, NoMatchingMessageFailsAndQuotesTheLatest) {
  Fixture f;
  f.Post("incidents", "Rollout of api started");
  f.Post("incidents", "Rollout of api \"stuck\"\nat 1/3");
  model::SlackExpectation x = Slack("incidents", "rolled back");
  x.count = Exactly(1);
  x.mark = {"sc.yaml", 30, 7};
  const ExpectationResult r = f.CheckOne(x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what, "exactly 1 Slack message in #incidents matching /rolled back/");
  EXPECT_EQ(r.detail,
            "2 messages in #incidents, none matching /rolled back/; latest: \"Rollout of api "
            "\\\"stuck\\\"\\nat 1/3\"");
  EXPECT_EQ(r.source, "sc.yaml:30:7");
}

TEST(SlackExpectationTest, MatchingMessagePasses) {
  Fixture f;
  f.Post("incidents", "Rollout of api started");
  f.Post("incidents", "api rolled back to revision 2");
  f.Post("incident-approvals", "rolled back? approve");
  model::SlackExpectation x = Slack("#incidents", "rolled back");
  x.count = Exactly(1);
  const ExpectationResult r = f.CheckOne(x);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "2 messages in #incidents, 1 matching /rolled back/; latest match: \"api rolled back "
            "to revision 2\"");
}

TEST(SlackExpectationTest, CountIsExactAndAtLeastIsALowerBound) {
  Fixture f;
  f.Post("incidents", "rolled back api");
  f.Post("incidents", "rolled back web");
  model::SlackExpectation exactly_one = Slack("incidents", "rolled back");
  exactly_one.count = Exactly(1);
  EXPECT_FALSE(f.CheckOne(exactly_one).passed);
  model::SlackExpectation exactly_two = exactly_one;
  exactly_two.count = Exactly(2);
  EXPECT_TRUE(f.CheckOne(exactly_two).passed);
  model::SlackExpectation at_least_two = exactly_one;
  at_least_two.count = AtLeast(2);
  EXPECT_TRUE(f.CheckOne(at_least_two).passed);
  model::SlackExpectation at_least_three = exactly_one;
  at_least_three.count = AtLeast(3);
  const ExpectationResult r = f.CheckOne(at_least_three);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what, "at least 3 Slack messages in #incidents matching /rolled back/");
  // The default: at least one.
  EXPECT_TRUE(f.CheckOne(Slack("incidents", "web$")).passed);
  EXPECT_FALSE(f.CheckOne(Slack("incidents", "^web")).passed);
}

TEST(SlackExpectationTest, CountZeroMeansNone) {
  Fixture f;
  model::SlackExpectation none = Slack("incidents", "paging");
  none.count = Exactly(0);
  ExpectationResult r = f.CheckOne(none);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.what, "no Slack message in #incidents matching /paging/");
  EXPECT_EQ(r.detail, "no messages in #incidents");
  f.Post("incidents", "paging the secondary");
  r = f.CheckOne(none);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail,
            "1 message in #incidents, 1 matching /paging/; latest match: \"paging the "
            "secondary\"");
}

// A message posted with blocks often carries only a short fallback text.
TEST(SlackExpectationTest, TextOfBlocksAndAttachmentsIsSearched) {
  Fixture f;
  f.Post("incidents", "Incident update", nlohmann::json::parse(R"([
           {"type": "header", "text": {"type": "plain_text", "text": "api incident"}},
           {"type": "section", "text": {"type": "mrkdwn", "text": "*Status:* mitigating"},
            "fields": [{"type": "mrkdwn", "text": "*Action:* rolled back to rev 2"}]},
           {"type": "context", "elements": [{"type": "mrkdwn", "text": "by rundrill"}]}
         ])"));
  f.Post("incident-approvals", "", nullptr,
         nlohmann::json::parse(R"([{"fallback": "x", "pretext": "Approve restart?"}])"));
  EXPECT_TRUE(f.CheckOne(Slack("incidents", "api incident")).passed);
  EXPECT_TRUE(f.CheckOne(Slack("incidents", "^\\*Action:\\* rolled back")).passed);
  EXPECT_TRUE(f.CheckOne(Slack("incidents", "by rundrill")).passed);
  EXPECT_TRUE(f.CheckOne(Slack("incident-approvals", "Approve restart")).passed);
  // Keys of the blocks are not text.
  EXPECT_FALSE(f.CheckOne(Slack("incidents", "mrkdwn")).passed);
  // Each text is searched on its own, so anchors keep their meaning.
  EXPECT_FALSE(f.CheckOne(Slack("incidents", "update.*api incident")).passed);
}

TEST(SlackExpectationTest, ReactionMustBeOnAMatchingMessage) {
  Fixture f;
  const std::string ts = f.Post("incidents", "api rolled back");
  const std::string other = f.Post("incidents", "unrelated");
  f.React("incidents", other, "white_check_mark");
  model::SlackExpectation x = Slack("incidents", "rolled back");
  x.reaction = "white_check_mark";
  x.count = Exactly(1);
  ExpectationResult r = f.CheckOne(x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what,
            "exactly 1 Slack message in #incidents matching /rolled back/ with :white_check_mark:");
  EXPECT_EQ(r.detail,
            "2 messages in #incidents, 1 matching /rolled back/, none of them with "
            ":white_check_mark:; closest: \"api rolled back\"");
  f.React("incidents", ts, "eyes");
  f.React("incidents", ts, "white_check_mark");
  r = f.CheckOne(x);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "2 messages in #incidents, 1 matching /rolled back/, 1 of them with "
            ":white_check_mark:; latest match: \"api rolled back\"");
  model::SlackExpectation any_text = Slack("incidents");
  any_text.reaction = "white_check_mark";
  any_text.count = Exactly(2);
  r = f.CheckOne(any_text);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "2 messages in #incidents, 2 with :white_check_mark:; latest match: \"unrelated\"");
}

TEST(SlackExpectationTest, ChannelByIdAndDeletedChannelsStillCount) {
  Fixture f;
  f.Post("incidents", "first");
  const std::string id = f.ChannelId("incidents");
  model::SlackExpectation by_id = Slack(id, "first");
  ExpectationResult r = f.CheckOne(by_id);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.what, "at least 1 Slack message in #incidents matching /first/");
  ASSERT_TRUE(f.world.slack().Delete("incidents"));
  r = f.CheckOne(Slack("incidents", "first"));
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.detail,
            "1 message in #incidents (deleted), 1 matching /first/; latest match: \"first\"");
}

TEST(SlackExpectationTest, WithoutFiltersEveryMessageCounts) {
  Fixture f;
  f.Post("incidents", "a");
  f.Post("incidents", "b");
  const ExpectationResult r = f.CheckOne(Slack("incidents"));
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.what, "at least 1 Slack message in #incidents");
  EXPECT_EQ(r.detail, "2 messages in #incidents; latest: \"b\"");
}

// ---- pagerduty

model::PagerDutyExpectation Pd() { return model::PagerDutyExpectation{}; }

TEST(PagerDutyExpectationTest, NoIncidents) {
  Fixture f;
  model::PagerDutyExpectation x = Pd();
  x.title_matches = "checkout";
  ExpectationResult r = f.CheckOne(x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what, "at least 1 PagerDuty incident titled /checkout/");
  EXPECT_EQ(r.detail, "no PagerDuty incidents");
  x.count = Exactly(0);
  r = f.CheckOne(x);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.what, "no PagerDuty incident titled /checkout/");
}

TEST(PagerDutyExpectationTest, FiltersCountDownToWhatFailed) {
  Fixture f;
  const std::string checkout = f.Page("Checkout 5xx above 5%", Minutes(1));
  f.Page("Disk / above 90% on db-1", Minutes(2));
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(checkout, "PPRIMRY", Minutes(3)).ok());
  model::PagerDutyExpectation x = Pd();
  x.service = "production";
  x.title_matches = "[Cc]heckout";
  x.status = "resolved";
  x.urgency = "high";
  x.count = Exactly(1);
  x.mark = {"sc.yaml", 40, 7};
  ExpectationResult r = f.CheckOne(x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what,
            "exactly 1 PagerDuty incident on service production titled /[Cc]heckout/: resolved, "
            "with high urgency");
  EXPECT_EQ(r.detail,
            "2 incidents: 2 on service production, 1 titled /[Cc]heckout/, none resolved; "
            "closest: #1 \"Checkout 5xx above 5%\" (acknowledged, high urgency, service "
            "production (PSERVIC), acknowledged by PPRIMRY, PPRIMRY paged)");
  EXPECT_EQ(r.source, "sc.yaml:40:7");

  ASSERT_TRUE(f.world.pagerduty().Resolve(checkout, "PPRIMRY", Minutes(4)).ok());
  r = f.CheckOne(x);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "2 incidents: 2 on service production, 1 titled /[Cc]heckout/, 1 resolved, 1 with "
            "high urgency; latest match: #1 \"Checkout 5xx above 5%\" (resolved, high urgency, "
            "service production (PSERVIC), acknowledged by PPRIMRY, PPRIMRY paged)");
}

TEST(PagerDutyExpectationTest, ServiceByIdOrName) {
  Fixture f;
  f.Page("Checkout down", Minutes(1));
  for (const char* service : {"PSERVIC", "production"}) {
    model::PagerDutyExpectation x = Pd();
    x.service = service;
    EXPECT_TRUE(f.CheckOne(x).passed) << service;
  }
  model::PagerDutyExpectation other = Pd();
  other.service = "PNOSUCH";
  EXPECT_FALSE(f.CheckOne(other).passed);
}

// The primary does not acknowledge, so the policy escalates to the secondary after 5m.
TEST(PagerDutyExpectationTest, PagedChecksEscalation) {
  Fixture f;
  const std::string id = f.Page("Checkout down", Minutes(1));
  model::PagerDutyExpectation x = Pd();
  x.paged = {"PPRIMRY", "Secondary On-call"};  // an id and a name, in any order
  ExpectationResult r = f.CheckOne(x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.what, "at least 1 PagerDuty incident: with PPRIMRY and Secondary On-call paged");
  EXPECT_EQ(r.detail,
            "1 incident: none with PPRIMRY and Secondary On-call paged; closest: #1 \"Checkout "
            "down\" (triggered, high urgency, service production (PSERVIC), PPRIMRY paged)");
  f.world.pagerduty().AdvanceTo(Minutes(6));
  r = f.CheckOne(x);
  EXPECT_TRUE(r.passed) << r.detail;

  model::PagerDutyExpectation acked = Pd();
  acked.acknowledged_by = "PSECOND";
  EXPECT_FALSE(f.CheckOne(acked).passed);
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(id, "PSECOND", Minutes(7)).ok());
  EXPECT_TRUE(f.CheckOne(acked).passed);
  acked.acknowledged_by = "Secondary On-call";
  EXPECT_TRUE(f.CheckOne(acked).passed);
  acked.acknowledged_by = "PPRIMRY";
  EXPECT_FALSE(f.CheckOne(acked).passed);
}

TEST(PagerDutyExpectationTest, UrgencyAndStatus) {
  Fixture f;
  world::PdNewIncident low;
  low.title = "Queue slow";
  low.service_id = "PSERVIC";
  low.urgency = "low";
  low.from_user = "PPRIMRY";
  ASSERT_TRUE(f.world.pagerduty().CreateIncident(low, Minutes(1)).ok());
  model::PagerDutyExpectation x = Pd();
  x.urgency = "high";
  EXPECT_FALSE(f.CheckOne(x).passed);
  x.urgency = "low";
  x.status = "triggered";
  EXPECT_TRUE(f.CheckOne(x).passed);
  x.status = "acknowledged";
  EXPECT_FALSE(f.CheckOne(x).passed);
}

// What the loader reads is what the checks take: a scenario's expect block against a world
// built from the same scenario.
TEST(ExpectationsTest, LoadedExpectationsCheckTheWorld) {
  std::vector<load::Diagnostic> errors;
  std::optional<model::Scenario> sc = load::ParseScenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
expect:
  slack:
    - {channel: "#incidents", text_matches: "rolled back", count: 1, reaction: ":white_check_mark:"}
  pagerduty:
    - {service: production, title_matches: checkout, paged: [PPRIMRY, PSECOND], count: 1}
    - {title_matches: disk, count: 0}
)",
                                                          "sc.yaml", &errors);
  ASSERT_TRUE(sc) << errors.at(0).ToString();
  world::World world(7, Epoch{});
  ASSERT_TRUE(world.Build(sc->world).ok());
  const std::string channel = world.slack().FindChannel("incidents")->id;
  const std::string ts = world.slack()
                             .Post(channel, {"api rolled back", nullptr, nullptr}, std::nullopt,
                                   world::SlackSource::kWebApi, SimTime(0))
                             .ts;
  world.slack().AddReaction(channel, ts, "white_check_mark", "U0RUNDRILL");
  world.pagerduty().Trigger(
      {model::kDefaultPagerDutyRoutingKey, "", "checkout errors", "web-1", "critical"}, SimTime(0));
  world.pagerduty().AdvanceTo(Minutes(10));

  const std::vector<ExpectationResult> results =
      CheckExpectations(sc->expect, DrillResult{}, world);
  ASSERT_EQ(results.size(), 3u);
  for (const ExpectationResult& r : results) EXPECT_TRUE(r.passed) << r.what << ": " << r.detail;
  EXPECT_EQ(results[0].source, "sc.yaml:6:7");
  EXPECT_EQ(results[2].what, "no PagerDuty incident titled /disk/");
}

// ---- escalated

ExpectationResult CheckEscalated(Fixture& f, const model::EscalationExpectation& x) {
  model::Expectations expect;
  expect.escalated = x;
  const std::vector<ExpectationResult> results = f.Check(expect);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? ExpectationResult{} : results[0];
}

model::EscalationExpectation Escalated(bool escalated = true) {
  model::EscalationExpectation x;
  x.escalated = escalated;
  x.mark = {"sc.yaml", 9, 14};
  return x;
}

TEST(EscalatedExpectationTest, NoIncidentsMeansNoEscalation) {
  Fixture f;
  const ExpectationResult yes = CheckEscalated(f, Escalated(true));
  EXPECT_FALSE(yes.passed);
  EXPECT_EQ(yes.what, "a PagerDuty incident escalated");
  EXPECT_EQ(yes.detail, "no PagerDuty incidents");
  EXPECT_EQ(yes.source, "sc.yaml:9:14");
  const ExpectationResult no = CheckEscalated(f, Escalated(false));
  EXPECT_TRUE(no.passed);
  EXPECT_EQ(no.what, "no PagerDuty incident escalated");
}

TEST(EscalatedExpectationTest, AnAcknowledgedPageDoesNotEscalate) {
  Fixture f;
  const std::string id = f.Page("Checkout down", Minutes(1));
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(id, "PPRIMRY", Minutes(3)).ok());
  f.world.pagerduty().AdvanceTo(Minutes(20));
  const ExpectationResult yes = CheckEscalated(f, Escalated(true));
  EXPECT_FALSE(yes.passed);
  EXPECT_EQ(yes.detail, "no escalation among 1 incident");
  EXPECT_TRUE(CheckEscalated(f, Escalated(false)).passed);
}

TEST(EscalatedExpectationTest, AnUnansweredPageEscalates) {
  Fixture f;
  f.Page("Checkout down", Minutes(1));
  f.world.pagerduty().AdvanceTo(Minutes(7));
  const ExpectationResult yes = CheckEscalated(f, Escalated(true));
  EXPECT_TRUE(yes.passed) << yes.detail;
  EXPECT_EQ(yes.detail, "#1 \"Checkout down\" escalated at +00:06:00 to level 2, paging PSECOND");
  const ExpectationResult no = CheckEscalated(f, Escalated(false));
  EXPECT_FALSE(no.passed);
  EXPECT_EQ(no.detail, yes.detail);
}

TEST(EscalatedExpectationTest, LongFormNarrowsToServiceAndUser) {
  Fixture f;
  f.Page("Checkout down", Minutes(1));
  f.world.pagerduty().AdvanceTo(Minutes(7));
  model::EscalationExpectation x = Escalated();
  x.service = "production";
  x.to = "Secondary On-call";  // a user by name
  ExpectationResult r = CheckEscalated(f, x);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.what, "a PagerDuty incident on service production escalated to Secondary On-call");
  x.service = "PSERVIC";
  x.to = "PSECOND";
  EXPECT_TRUE(CheckEscalated(f, x).passed);

  x.to = "PPRIMRY";  // paged first, not by the escalation
  r = CheckEscalated(f, x);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "escalations paged only PSECOND");
}

// ---- order

model::OrderEvent SlackEvent(const std::string& channel, const std::string& text_matches) {
  model::OrderEvent e;
  e.kind = model::OrderEvent::Kind::kSlack;
  e.channel = channel;
  e.text_matches = text_matches;
  return e;
}

model::OrderEvent PdEvent(const std::string& status) {
  model::OrderEvent e;
  e.kind = model::OrderEvent::Kind::kPagerDuty;
  e.status = status;
  return e;
}

model::OrderEvent StepEvent(const std::string& runbook, const std::string& step,
                            std::optional<std::string> outcome = std::nullopt) {
  model::OrderEvent e;
  e.kind = model::OrderEvent::Kind::kStep;
  e.runbook = runbook;
  e.step = step;
  e.outcome = std::move(outcome);
  return e;
}

model::OrderEvent AlertEvent(const std::string& alertname, const std::string& state) {
  model::OrderEvent e;
  e.kind = model::OrderEvent::Kind::kAlert;
  e.alertname = alertname;
  e.status = state;
  return e;
}

// A drill of runbook high-error-rate for HighErrorRate: fired at 1m, `rollback` failed at 2m
// and succeeded at 4m (a second run), the alert resolved at 4m, noted after the step.
DrillResult RollbackDrill() {
  DrillResult result;
  AlertRecord alert;
  alert.alertname = "HighErrorRate";
  alert.fired_at = Minutes(1);
  alert.resolved_at = Minutes(4);
  result.alerts.push_back(alert);
  result.timeline.push_back({Minutes(1), "alert.fired", "HighErrorRate firing (abc), routed to"});
  for (const auto& [at, outcome] :
       {std::pair{Minutes(2), StepOutcome::kFailed}, {Minutes(4), StepOutcome::kSucceeded}}) {
    RunbookRecord run;
    run.name = "high-error-rate";
    StepRecord check;
    check.id = "check";
    check.outcome = StepOutcome::kSkipped;
    check.reason = "when: condition not met";
    check.ended_at = at;
    StepRecord step;
    step.id = "rollback";
    step.outcome = outcome;
    step.ended_at = at;
    run.steps = {check, step};
    result.runbooks.push_back(run);
    result.timeline.push_back(
        {at, "step.skipped", "high-error-rate/check skipped (condition not met)"});
    result.timeline.push_back(
        {at, "step.finished", "high-error-rate/rollback " + std::string(StepOutcomeName(outcome))});
  }
  result.timeline.push_back({Minutes(4), "alert.resolved", "HighErrorRate resolved: by itself"});
  return result;
}

ExpectationResult CheckOrder(Fixture& f, std::vector<model::OrderEvent> events,
                             const DrillResult& result = DrillResult{}) {
  model::Expectations expect;
  model::OrderExpectation x;
  x.events = std::move(events);
  x.mark = {"sc.yaml", 12, 5};
  expect.order = {x};
  const std::vector<ExpectationResult> results = CheckExpectations(expect, result, f.world);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? ExpectationResult{} : results[0];
}

void PostAt(Fixture& f, const std::string& channel, const std::string& text, SimTime at) {
  f.world.slack().Post(f.ChannelId(channel), {text, nullptr, nullptr}, std::nullopt,
                       world::SlackSource::kWebApi, at);
}

TEST(OrderExpectationTest, AcknowledgedBeforeTheStatusMessage) {
  Fixture f;
  const std::string id = f.Page("Checkout down", Minutes(1));
  PostAt(f, "incidents", "investigating", Minutes(2));
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(id, "PPRIMRY", Minutes(3)).ok());
  PostAt(f, "incidents", "checkout resolved", Minutes(5));
  const ExpectationResult r =
      CheckOrder(f, {PdEvent("acknowledged"), SlackEvent("incidents", "resolved")});
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.what,
            "in order: PagerDuty incident acknowledged, then Slack message in #incidents "
            "matching /resolved/");
  EXPECT_EQ(r.detail,
            "PagerDuty incident acknowledged at +00:03:00, Slack message in #incidents matching "
            "/resolved/ at +00:05:00");
  EXPECT_EQ(r.source, "sc.yaml:12:5");
}

TEST(OrderExpectationTest, NamesTheFirstPairOutOfOrder) {
  Fixture f;
  const std::string id = f.Page("Checkout down", Minutes(1));
  PostAt(f, "incidents", "checkout resolved", Minutes(2));
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(id, "PPRIMRY", Minutes(3)).ok());
  const ExpectationResult r = CheckOrder(
      f, {PdEvent("triggered"), PdEvent("acknowledged"), SlackEvent("#incidents", "resolved")});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail,
            "Slack message in #incidents matching /resolved/ at +00:02:00 came before PagerDuty "
            "incident acknowledged at +00:03:00");
}

TEST(OrderExpectationTest, AnEventThatNeverHappened) {
  Fixture f;
  f.Page("Checkout down", Minutes(1));
  const ExpectationResult r = CheckOrder(f, {PdEvent("triggered"), PdEvent("resolved")});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "PagerDuty incident resolved never happened");
}

TEST(OrderExpectationTest, FixBeforeResolveAtTheSameMillisecondFollowsTheTimeline) {
  Fixture f;
  const DrillResult drill = RollbackDrill();
  ExpectationResult r = CheckOrder(
      f,
      {AlertEvent("HighErrorRate", "firing"), StepEvent("high-error-rate", "rollback", "succeeded"),
       AlertEvent("HighErrorRate", "resolved")},
      drill);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "alert HighErrorRate firing at +00:01:00, step high-error-rate/rollback succeeded at "
            "+00:04:00, alert HighErrorRate resolved at +00:04:00");

  r = CheckOrder(f,
                 {AlertEvent("HighErrorRate", "resolved"),
                  StepEvent("high-error-rate", "rollback", "succeeded")},
                 drill);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail,
            "step high-error-rate/rollback succeeded at +00:04:00 came before alert HighErrorRate "
            "resolved at +00:04:00");
}

TEST(OrderExpectationTest, StepOutcomesPickTheRun) {
  Fixture f;
  const DrillResult drill = RollbackDrill();
  // Without an outcome, the first time the step ran (failed at 2m) counts.
  ExpectationResult r = CheckOrder(f,
                                   {StepEvent("high-error-rate", "rollback"),
                                    StepEvent("high-error-rate", "rollback", "succeeded")},
                                   drill);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_EQ(r.detail,
            "step high-error-rate/rollback ran at +00:02:00, step high-error-rate/rollback "
            "succeeded at +00:04:00");
  // A skip is an event too, at the moment the runbook decided it.
  r = CheckOrder(f,
                 {StepEvent("high-error-rate", "check", "skipped"),
                  StepEvent("high-error-rate", "rollback", "failed")},
                 drill);
  EXPECT_TRUE(r.passed) << r.detail;
  r = CheckOrder(f,
                 {StepEvent("high-error-rate", "rollback", "timed_out"),
                  AlertEvent("HighErrorRate", "resolved")},
                 drill);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "step high-error-rate/rollback timed_out never happened");
}

TEST(OrderExpectationTest, SameMillisecondInDifferentRecordsIsNotInOrder) {
  Fixture f;
  PostAt(f, "incidents", "rolled back", Minutes(4));
  const ExpectationResult r = CheckOrder(f,
                                         {StepEvent("high-error-rate", "rollback", "succeeded"),
                                          SlackEvent("incidents", "rolled back")},
                                         RollbackDrill());
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail,
            "step high-error-rate/rollback succeeded at +00:04:00 and Slack message in "
            "#incidents matching /rolled back/ at +00:04:00, in no recorded order");
}

TEST(OrderExpectationTest, MessagesOfOneChannelKeepTheirOrder) {
  Fixture f;
  PostAt(f, "incidents", "first", Minutes(4));
  PostAt(f, "incidents", "second", Minutes(4));
  EXPECT_TRUE(
      CheckOrder(f, {SlackEvent("incidents", "first"), SlackEvent("incidents", "second")}).passed);
  EXPECT_FALSE(
      CheckOrder(f, {SlackEvent("incidents", "second"), SlackEvent("incidents", "first")}).passed);
}

TEST(OrderExpectationTest, PagerDutyFiltersAndBadRegex) {
  Fixture f;
  const std::string disk = f.Page("Disk full on db-1", Minutes(1));
  const std::string checkout = f.Page("Checkout down", Minutes(2));
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(disk, "PPRIMRY", Minutes(3)).ok());
  ASSERT_TRUE(f.world.pagerduty().Acknowledge(checkout, "PPRIMRY", Minutes(4)).ok());
  model::OrderEvent checkout_acked = PdEvent("acknowledged");
  checkout_acked.service = "production";
  checkout_acked.text_matches = "Checkout";
  model::OrderEvent disk_acked = PdEvent("acknowledged");
  disk_acked.text_matches = "Disk";
  ExpectationResult r = CheckOrder(f, {disk_acked, checkout_acked});
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_FALSE(CheckOrder(f, {checkout_acked, disk_acked}).passed);

  disk_acked.text_matches = "Disk(";
  r = CheckOrder(f, {disk_acked, checkout_acked});
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.detail, ::testing::StartsWith("invalid regex /Disk(/"));
}

// ---- steps_not_ran

TEST(StepsNotRanExpectationTest, SkippedOrAbsentPassesRanFails) {
  Fixture f;
  model::Expectations expect;
  model::RunbookExpectation rb;
  rb.runbook = "high-error-rate";
  rb.steps_not_ran = {"check", "restart", "rollback"};
  expect.runbooks = {rb};
  std::vector<ExpectationResult> results = CheckExpectations(expect, RollbackDrill(), f.world);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_EQ(results[0].what, "step high-error-rate/check did not run");
  EXPECT_EQ(results[0].detail, "skipped: when: condition not met");
  EXPECT_TRUE(results[1].passed);
  EXPECT_EQ(results[1].detail, "not in the run");
  EXPECT_FALSE(results[2].passed);
  EXPECT_EQ(results[2].detail, "it succeeded");

  results = CheckExpectations(expect, DrillResult{}, f.world);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[2].passed);
  EXPECT_EQ(results[2].detail, "the runbook did not run");
}

}  // namespace
}  // namespace rundrill::drill
