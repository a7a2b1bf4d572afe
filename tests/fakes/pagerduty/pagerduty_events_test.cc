// The fake Events API v2: each validation error's exact body, dedup, rate limit, key faults
// and the virtual cost of a call.

#include <gtest/gtest.h>

#include "fakes/pagerduty/pagerduty_events_backend.h"
#include "tests/fakes/pagerduty/pagerduty_test_util.h"

namespace rundrill::fakes {
namespace {

using namespace pd_test;  // NOLINT: test-only helpers

constexpr SimDuration kCall{100};

class PagerDutyEventsTest : public ::testing::Test {
 protected:
  PagerDutyEventsTest() : world_(7, Epoch{}), backend_(world_, {kCall, kCall}) {
    const Status s = world_.Build(TestSpec());
    EXPECT_TRUE(s.ok()) << s.message();
  }

  HttpResponse Post(const std::string& body, const std::string& path = "/v2/enqueue") {
    HttpRequest request;
    request.method = "POST";
    request.target = path;
    request.headers = {{"content-type", "application/json"}};
    request.body = body;
    return backend_.Handle(request, context_);
  }
  HttpResponse Trigger(const std::string& dedup = "", const std::string& key = kKey) {
    return Post(
        R"({"routing_key":")" + key + R"(","event_action":"trigger",)" +
        (dedup.empty() ? "" : R"("dedup_key":")" + dedup + R"(",)") +
        R"("payload":{"summary":"Checkout 5xx above 5%","source":"web-1","severity":"critical"}})");
  }
  HttpResponse Follow(const std::string& action, const std::string& dedup) {
    return Post(R"({"routing_key":")" + std::string(kKey) + R"(","event_action":")" + action +
                R"(","dedup_key":")" + dedup + R"("})");
  }

  world::PagerDutyWorld world_;
  TestContext context_;
  PagerDutyEventsBackend backend_;
};

constexpr char kInvalidPrefix[] =
    R"({"status":"invalid event","message":"Event object is invalid","errors":)";

TEST_F(PagerDutyEventsTest, TriggerAnswers202WithTheDedupKey) {
  const HttpResponse r = Trigger("db-pool");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"status":"success","message":"Event processed","dedup_key":"db-pool"})");
  ASSERT_EQ(world_.incidents().size(), 1u);
  EXPECT_EQ(world_.incidents()[0].title, "Checkout 5xx above 5%");
  EXPECT_EQ(world_.incidents()[0].created_at, SimTime(0));
  EXPECT_EQ(context_.Now(), SimTime(100));
  ASSERT_EQ(backend_.calls().size(), 1u);
  EXPECT_EQ(backend_.calls()[0].status, 202);
}

TEST_F(PagerDutyEventsTest, TriggerWithoutDedupKeyGetsAGeneratedOne) {
  const HttpResponse r = Trigger();
  const nlohmann::json body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["dedup_key"].get<std::string>().size(), 32u);
  EXPECT_EQ(world_.incidents()[0].incident_key, body["dedup_key"]);
  Trigger();
  EXPECT_EQ(world_.incidents().size(), 2u);
}

TEST_F(PagerDutyEventsTest, RoutingKeyShapeErrors) {
  EXPECT_EQ(Trigger("", "abc-def").body,
            std::string(kInvalidPrefix) +
                R"js(["Length of 'routing_key' is incorrect (should be 32 characters)",)js"
                R"("'routing_key' cannot contain non-alphanumeric characters."]})");
  EXPECT_EQ(Trigger("", "abcdefghijklmnopqrstuvwxyz01234-").body,
            std::string(kInvalidPrefix) +
                R"(["'routing_key' cannot contain non-alphanumeric characters."]})");
  EXPECT_EQ(
      Post(R"({"event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}})")
          .body,
      std::string(kInvalidPrefix) + R"(["'routing_key' is missing or blank"]})");
}

TEST_F(PagerDutyEventsTest, PayloadErrors) {
  const HttpResponse r = Post(R"({"routing_key":")" + std::string(kKey) +
                              R"(","event_action":"trigger","payload":{}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, std::string(kInvalidPrefix) + R"(["'payload.summary' is missing or blank",)"
                                                  R"("'payload.source' is missing or blank",)"
                                                  R"("'payload.severity' is missing or blank"]})");
  EXPECT_EQ(
      Post(
          R"({"routing_key":")" + std::string(kKey) +
          R"(","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"CRITICAL"}})")
          .body,
      std::string(kInvalidPrefix) +
          R"(["'payload.severity' must be one of critical, error, warning or info"]})");
  EXPECT_EQ(
      Post(R"({"routing_key":")" + std::string(kKey) + R"(","event_action":"acknowledge"})").body,
      std::string(kInvalidPrefix) + R"(["'dedup_key' is missing or blank"]})");
  EXPECT_EQ(Post(R"({"routing_key":")" + std::string(kKey) + R"(","event_action":"page"})").body,
            std::string(kInvalidPrefix) +
                R"(["'event_action' must be one of trigger, acknowledge or resolve"]})");
  EXPECT_TRUE(world_.incidents().empty());
}

TEST_F(PagerDutyEventsTest, UnknownKeyAndNonJson) {
  const HttpResponse unknown = Trigger("", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, std::string(kInvalidPrefix) + R"(["Invalid routing key"]})");
  const HttpResponse garbage = Post("routing_key=abc");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.body,
            R"({"status":"Unrecognized object","message":"Event object format is unrecognized",)"
            R"("errors":["JSON parse error"]})");
  EXPECT_EQ(Post("{}", "/v1/enqueue").status, 404);
}

TEST_F(PagerDutyEventsTest, ExpiredOrRevokedKeyIsAnInvalidRoutingKey) {
  world_.SetCredentialState(kKey, world::CredentialState::kRevoked);
  EXPECT_EQ(Trigger().body, std::string(kInvalidPrefix) + R"(["Invalid routing key"]})");
  world_.SetCredentialState(kKey, world::CredentialState::kValid);
  EXPECT_EQ(Trigger().status, 202);
}

TEST_F(PagerDutyEventsTest, FollowUpsApplyToTheOpenIncidentOrAreDropped) {
  EXPECT_EQ(Follow("acknowledge", "nothing-open").status, 202);
  EXPECT_TRUE(world_.incidents().empty());
  Trigger("db-pool");
  Trigger("db-pool");
  ASSERT_EQ(world_.incidents().size(), 1u);
  EXPECT_EQ(Follow("acknowledge", "db-pool").status, 202);
  EXPECT_EQ(world_.incidents()[0].status, world::PdStatus::kAcknowledged);
  EXPECT_EQ(Follow("resolve", "db-pool").status, 202);
  EXPECT_EQ(world_.incidents()[0].status, world::PdStatus::kResolved);
  EXPECT_EQ(Follow("resolve", "db-pool").status, 202);
  Trigger("db-pool");
  EXPECT_EQ(world_.incidents().size(), 2u);
}

TEST_F(PagerDutyEventsTest, RateLimitIs120EventsPerMinutePerKey) {
  for (int i = 0; i < PagerDutyEventsBackend::kEventsPerMinute; ++i) {
    ASSERT_EQ(Trigger("same").status, 202) << i;
  }
  const HttpResponse limited = Trigger("same");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body,
            R"({"status":"throttle event","message":"Requests for this service are arriving too )"
            R"(quickly.  Please retry later.","errors":["Request Limit Exceeded"]})");
  // The first event arrived at 0 ms; it leaves the window at 60 s.
  context_.AdvanceTo(SimTime(60000));
  EXPECT_EQ(Trigger("same").status, 202);
}

TEST_F(PagerDutyEventsTest, EscalationRunsOnTheVirtualClockBetweenCalls) {
  Trigger("db-pool");
  context_.AdvanceTo(Minutes(6));
  Follow("acknowledge", "db-pool");
  std::vector<std::string> paged;
  for (const world::PdPage& p : world_.pages()) paged.push_back(p.user);
  EXPECT_EQ(paged, (std::vector<std::string>{"PPRIMRY", "PSECOND"}));
  EXPECT_EQ(world_.pages()[1].at, Minutes(5));
}

TEST(PagerDutyEventsLatencyTest, EachCallCostsBetween100And250Ms) {
  world::PagerDutyWorld world(7, Epoch{});
  ASSERT_TRUE(world.Build(TestSpec()).ok());
  PagerDutyEventsBackend backend(world);
  TestContext context;
  for (int i = 0; i < 20; ++i) {
    const SimTime before = context.Now();
    HttpRequest request;
    request.method = "POST";
    request.target = "/v2/enqueue";
    request.body = "{}";
    backend.Handle(request, context);
    const SimDuration took = context.Now() - before;
    EXPECT_GE(took, SimDuration(100));
    EXPECT_LE(took, SimDuration(250));
  }
}

}  // namespace
}  // namespace rundrill::fakes
