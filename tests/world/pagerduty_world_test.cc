// The simulated PagerDuty account: escalation along the policy on the virtual clock, scripted
// responders, timeouts, dedup, and the same state whatever the pattern of calls.

#include "simulator/world/pagerduty/pagerduty_world.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fakes/pagerduty/pagerduty_test_util.h"

namespace rundrill::world {
namespace {

using fakes::pd_test::kKey;
using fakes::pd_test::Minutes;

// The shared account, without the acknowledgement timeout: escalation alone is under test.
model::PagerDutySpec TestSpec() {
  model::PagerDutySpec spec = fakes::pd_test::TestSpec();
  for (auto& service : spec.services) service.acknowledgement_timeout.reset();
  return spec;
}

PdTriggerEvent Event(const std::string& dedup_key = "") {
  return {kKey, dedup_key, "Checkout error rate above 5%", "web-1", "critical"};
}

std::vector<std::pair<SimTime, std::string>> Paged(const PagerDutyWorld& world) {
  std::vector<std::pair<SimTime, std::string>> out;
  for (const PdPage& p : world.pages()) out.emplace_back(p.at, p.user);
  return out;
}

PagerDutyWorld Built(const model::PagerDutySpec& spec = TestSpec()) {
  PagerDutyWorld world(7, Epoch{});
  const Status s = world.Build(spec);
  EXPECT_TRUE(s.ok()) << s.message();
  return world;
}

using Pages = std::vector<std::pair<SimTime, std::string>>;

TEST(PagerDutyWorldTest, PrimaryWhoDoesNotAckHandsOverToSecondaryAtFiveMinutes) {
  PagerDutyWorld world = Built();
  const PdTriggerOutcome out = world.Trigger(Event(), SimTime(0));
  EXPECT_TRUE(out.created);
  world.AdvanceTo(Minutes(4) + SimDuration(59999));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PPRIMRY"}}));
  EXPECT_EQ(world.NextChangeTime(), Minutes(5));
  world.AdvanceTo(Minutes(60));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PPRIMRY"}, {Minutes(5), "PSECOND"}}));
  const PdIncident& incident = world.incidents()[0];
  EXPECT_EQ(incident.status, PdStatus::kTriggered);
  EXPECT_EQ(incident.level, 1);
  ASSERT_EQ(incident.assignments.size(), 1u);
  EXPECT_EQ(incident.assignments[0].user, "PSECOND");
  // With no loops the chain ends on the last rule; only the auto-resolve timer remains.
  EXPECT_FALSE(incident.escalate_at);
  EXPECT_EQ(world.NextChangeTime(), Minutes(240));
}

TEST(PagerDutyWorldTest, ResponderAckingAtTwoMinutesStopsEscalation) {
  model::PagerDutySpec spec = TestSpec();
  spec.responders = {{"PPRIMRY", Minutes(2), std::nullopt, {}}};
  PagerDutyWorld world = Built(spec);
  world.Trigger(Event(), SimTime(0));
  world.AdvanceTo(Minutes(60));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PPRIMRY"}}));
  const PdIncident& incident = world.incidents()[0];
  EXPECT_EQ(incident.status, PdStatus::kAcknowledged);
  EXPECT_EQ(incident.last_status_change_at, Minutes(2));
  EXPECT_EQ(incident.acknowledgers, std::vector<std::string>{"PPRIMRY"});
}

TEST(PagerDutyWorldTest, ChainRepeatsNumLoopsTimes) {
  model::PagerDutySpec spec = TestSpec();
  spec.escalation_policies[0].num_loops = 1;
  PagerDutyWorld world = Built(spec);
  world.Trigger(Event(), SimTime(0));
  world.AdvanceTo(Minutes(120));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PPRIMRY"},
                                 {Minutes(5), "PSECOND"},
                                 {Minutes(10), "PPRIMRY"},
                                 {Minutes(15), "PSECOND"}}));
  EXPECT_EQ(world.pages()[2].loop, 1);
  EXPECT_EQ(world.pages()[2].level, 0);
}

TEST(PagerDutyWorldTest, AcknowledgementTimeoutPagesTheCurrentRuleAgain) {
  model::PagerDutySpec spec = TestSpec();
  spec.services[0].acknowledgement_timeout = Minutes(10);
  spec.responders = {{"PPRIMRY", Minutes(2), std::nullopt, {}}};
  PagerDutyWorld world = Built(spec);
  world.Trigger(Event(), SimTime(0));
  world.AdvanceTo(Minutes(13));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PPRIMRY"}, {Minutes(12), "PPRIMRY"}}));
  EXPECT_EQ(world.incidents()[0].status, PdStatus::kTriggered);
  EXPECT_EQ(world.pages()[1].reason, "unacknowledge");
  world.AdvanceTo(Minutes(14));
  EXPECT_EQ(world.incidents()[0].status, PdStatus::kAcknowledged);
}

TEST(PagerDutyWorldTest, ScriptedResolveAndAutoResolve) {
  model::PagerDutySpec spec = TestSpec();
  spec.services[0].auto_resolve_timeout = Minutes(30);
  spec.responders = {{"PSECOND", std::nullopt, Minutes(3), {}}};
  PagerDutyWorld world = Built(spec);
  world.Trigger(Event("a"), SimTime(0));
  world.Trigger(Event("b"), Minutes(10));
  world.AdvanceTo(Minutes(60));
  // "a": escalates at 5m, secondary resolves at 8m. "b": secondary paged at 15m, resolves 18m.
  EXPECT_EQ(world.incidents()[0].resolved_at, Minutes(8));
  EXPECT_EQ(world.incidents()[0].last_status_change_by, "PSECOND");
  EXPECT_EQ(world.incidents()[1].resolved_at, Minutes(18));

  spec.responders.clear();
  PagerDutyWorld idle = Built(spec);
  idle.Trigger(Event(), SimTime(0));
  idle.AdvanceTo(Minutes(60));
  EXPECT_EQ(idle.incidents()[0].resolved_at, Minutes(30));
  EXPECT_EQ(idle.incidents()[0].last_status_change_by, kPdAgentService);
}

TEST(PagerDutyWorldTest, DedupFoldsTriggersIntoTheOpenIncident) {
  PagerDutyWorld world = Built();
  EXPECT_TRUE(world.Trigger(Event("db-pool"), SimTime(0)).created);
  const PdTriggerOutcome again = world.Trigger(Event("db-pool"), Minutes(1));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(world.incidents().size(), 1u);
  EXPECT_EQ(world.incidents()[0].deduplicated_events, 1);
  EXPECT_FALSE(world.AcknowledgeByKey(kKey, "other", Minutes(2)));
  EXPECT_EQ(world.ResolveByKey(kKey, "db-pool", Minutes(2)), world.incidents()[0].id);
  EXPECT_FALSE(world.ResolveByKey(kKey, "db-pool", Minutes(3)));
  EXPECT_TRUE(world.Trigger(Event("db-pool"), Minutes(4)).created);
  EXPECT_EQ(world.incidents()[1].number, 2);
}

TEST(PagerDutyWorldTest, GeneratedDedupKeysAreDeterministic) {
  PagerDutyWorld a = Built();
  PagerDutyWorld b = Built();
  const std::string k1 = a.Trigger(Event(), SimTime(0)).dedup_key;
  const std::string k2 = a.Trigger(Event(), SimTime(0)).dedup_key;
  EXPECT_EQ(k1.size(), 32u);
  EXPECT_NE(k1, k2);
  EXPECT_EQ(b.Trigger(Event(), SimTime(0)).dedup_key, k1);
}

TEST(PagerDutyWorldTest, SameStateWhateverTheCallPattern) {
  model::PagerDutySpec spec = TestSpec();
  spec.escalation_policies[0].num_loops = 2;
  spec.services[0].acknowledgement_timeout = Minutes(7);
  spec.responders = {{"PSECOND", Minutes(1), Minutes(50), {}}};
  auto run = [&](SimDuration step) {
    PagerDutyWorld world = Built(spec);
    world.Trigger(Event("x"), SimTime(0));
    world.Trigger(Event("y"), Minutes(3));
    for (SimTime t{0}; t <= Minutes(90); t += step) {
      world.AdvanceTo(t);
      if (t == Minutes(20)) world.AcknowledgeByKey(kKey, "y", t);
    }
    world.AdvanceTo(Minutes(90));
    return world.Snapshot();
  };
  const nlohmann::json jump = run(Minutes(10));
  EXPECT_EQ(run(SimDuration(1000)), jump);
  EXPECT_EQ(run(Minutes(1)), jump);
  EXPECT_GT(jump["pages"].size(), 4u);
}

TEST(PagerDutyWorldTest, DirectAssignmentDoesNotEscalate) {
  PagerDutyWorld world = Built();
  PdNewIncident request;
  request.title = "Manual";
  request.service_id = "PWIXJZS";
  request.assignee_ids = {"PMANAGR"};
  request.from_user = "PPRIMRY";
  ASSERT_TRUE(world.CreateIncident(request, SimTime(0)).ok());
  world.AdvanceTo(Minutes(60));
  EXPECT_EQ(Paged(world), (Pages{{SimTime(0), "PMANAGR"}}));
  EXPECT_EQ(world.incidents()[0].assigned_via, "direct_assignment");
}

TEST(PagerDutyWorldTest, BuildRejectsDanglingReferencesAndBadKeys) {
  model::PagerDutySpec spec = TestSpec();
  spec.escalation_policies[0].rules[1].targets = {"PNOBODY"};
  PagerDutyWorld a(7, Epoch{});
  EXPECT_EQ(a.Build(spec).message(),
            "escalation policy \"Checkout on-call\": unknown user \"PNOBODY\"");
  spec = TestSpec();
  spec.services[0].integration_keys = {"short"};
  PagerDutyWorld b(7, Epoch{});
  EXPECT_EQ(b.Build(spec).message(),
            "service \"checkout\": integration key \"short\" must be 32 letters and digits");
}

TEST(PagerDutyWorldTest, MissingIdsAreDerivedDeterministically) {
  model::PagerDutySpec spec = TestSpec();
  spec.services[0].id.clear();
  PagerDutyWorld a = Built(spec);
  PagerDutyWorld b = Built(spec);
  const std::string id = a.FindServiceByRoutingKey(kKey)->id;
  EXPECT_EQ(id.size(), 7u);
  EXPECT_EQ(id[0], 'P');
  EXPECT_EQ(b.FindServiceByRoutingKey(kKey)->id, id);
}

}  // namespace
}  // namespace rundrill::world
