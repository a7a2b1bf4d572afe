// The fake REST API v2 incidents: authentication, the From rule, exact error bodies, the
// 201 shape, list filters and pagination, status changes and notes.

#include <gtest/gtest.h>

#include "fakes/pagerduty/pagerduty_rest_backend.h"
#include "tests/fakes/pagerduty/pagerduty_test_util.h"

namespace rundrill::fakes {
namespace {

using namespace pd_test;  // NOLINT: test-only helpers

constexpr char kCreate[] =
    R"({"incident":{"type":"incident","title":"Checkout 5xx above 5%",)"
    R"("service":{"id":"PWIXJZS","type":"service_reference"},"incident_key":"db-pool"}})";

class PagerDutyRestTest : public ::testing::Test {
 protected:
  PagerDutyRestTest() : world_(7, Epoch{}), backend_(world_, {SimDuration(200), SimDuration(200)}) {
    const Status s = world_.Build(TestSpec());
    EXPECT_TRUE(s.ok()) << s.message();
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& from = "ada@example.com") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers["authorization"] = std::string("Token token=") + kToken;
    request.headers["accept"] = "application/vnd.pagerduty+json;version=2";
    if (!body.empty()) request.headers["content-type"] = "application/json";
    if (!from.empty()) request.headers["from"] = from;
    return backend_.Handle(request, context_);
  }
  nlohmann::json Json(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  std::string CreateId() {
    const HttpResponse r = Call("POST", "/incidents", kCreate);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r)["incident"]["id"];
  }
  HttpResponse SetStatus(const std::string& id, const std::string& status) {
    return Call("PUT", "/incidents/" + id,
                R"({"incident":{"type":"incident","status":")" + status + R"("}})");
  }

  world::PagerDutyWorld world_;
  TestContext context_;
  PagerDutyRestBackend backend_;
};

TEST_F(PagerDutyRestTest, AuthenticationFailures) {
  const std::string kFailed = R"({"error":{"message":"Authentication failed","code":2006}})";
  HttpRequest request;
  request.method = "GET";
  request.target = "/incidents";
  EXPECT_EQ(backend_.Handle(request, context_).body, kFailed);
  request.headers["authorization"] = "Bearer " + std::string(kToken);
  EXPECT_EQ(backend_.Handle(request, context_).status, 401);
  request.headers["authorization"] = "Token token=nope";
  EXPECT_EQ(backend_.Handle(request, context_).body, kFailed);
  world_.SetCredentialState(kToken, world::CredentialState::kExpired);
  const HttpResponse expired = Call("GET", "/incidents");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body, kFailed);
}

TEST_F(PagerDutyRestTest, WritesNeedAUserInFrom) {
  const std::string kNeedFrom =
      R"({"error":{"message":"You must specify a user's email address in the \"From\" header )"
      R"(to perform this action","code":2016}})";
  HttpResponse r = Call("POST", "/incidents", kCreate, "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, kNeedFrom);
  EXPECT_EQ(Call("POST", "/incidents", kCreate, "stranger@example.com").body, kNeedFrom);
  EXPECT_EQ(Call("POST", "/incidents", kCreate, "ada").body,
            R"({"error":{"message":"Malformed \"From\" header","code":1028}})");
  EXPECT_TRUE(world_.incidents().empty());
}

TEST_F(PagerDutyRestTest, BodyMustBeJson) {
  const std::string kNotHash =
      R"({"error":{"message":"Invalid Input Provided","code":2001,"errors":["params must be a Hash"]}})";
  HttpRequest request;
  request.method = "POST";
  request.target = "/incidents";
  request.body = kCreate;
  request.headers["authorization"] = std::string("Token token=") + kToken;
  request.headers["from"] = "ada@example.com";
  EXPECT_EQ(backend_.Handle(request, context_).body, kNotHash);
  request.headers["content-type"] = "text/plain";
  EXPECT_EQ(backend_.Handle(request, context_).body, kNotHash);
  EXPECT_EQ(Call("POST", "/incidents", "[1,2]").body, kNotHash);
}

TEST_F(PagerDutyRestTest, CreateAnswers201WithTheIncident) {
  context_.AdvanceTo(Minutes(3));
  const HttpResponse r = Call("POST", "/incidents", kCreate);
  ASSERT_EQ(r.status, 201) << r.body;
  const nlohmann::json i = Json(r)["incident"];
  const std::string id = i["id"];
  EXPECT_EQ(id, world_.incidents()[0].id);
  EXPECT_EQ(i["type"], "incident");
  EXPECT_EQ(i["incident_number"], 1);
  EXPECT_EQ(i["summary"], "[#1] Checkout 5xx above 5%");
  EXPECT_EQ(i["html_url"], "https://rundrill.pagerduty.invalid/incidents/" + id);
  EXPECT_EQ(i["created_at"], "2026-01-01T00:03:00Z");
  EXPECT_EQ(i["status"], "triggered");
  EXPECT_EQ(i["incident_key"], "db-pool");
  EXPECT_EQ(i["service"]["id"], "PWIXJZS");
  EXPECT_EQ(i["assigned_via"], "escalation_policy");
  EXPECT_EQ(i["assignments"][0]["assignee"]["id"], "PPRIMRY");
  EXPECT_EQ(i["escalation_policy"]["id"], "PPOLICY");
  EXPECT_EQ(i["resolved_at"], nullptr);
  EXPECT_EQ(i["urgency"], "high");
  EXPECT_EQ(i["pending_actions"][0]["type"], "escalate");
  EXPECT_EQ(i["pending_actions"][0]["at"], "2026-01-01T00:08:00Z");
}

TEST_F(PagerDutyRestTest, CreateValidationAndDuplicateKey) {
  EXPECT_EQ(
      Call("POST", "/incidents", R"({"incident":{"type":"incident","service":{"id":"PWIXJZS"}}})")
          .body,
      R"({"error":{"message":"Invalid Input Provided","code":2001,"errors":["Title cannot be empty."]}})");
  EXPECT_EQ(
      Call("POST", "/incidents",
           R"({"incident":{"type":"incident","title":"t","service":{"id":"PNOPE00"}}})")
          .body,
      R"({"error":{"message":"Invalid Input Provided","code":2001,"errors":["Service not found"]}})");
  CreateId();
  const HttpResponse dup = Call("POST", "/incidents", kCreate);
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(dup.body, R"({"error":{"message":"Invalid Input Provided","code":2001,"errors":)"
                      R"(["Open incident with key 'db-pool' already exists for this service."]}})");
  EXPECT_EQ(world_.incidents().size(), 1u);
}

TEST_F(PagerDutyRestTest, CriticalGoesToTheManagerThroughAPolicyOverride) {
  const HttpResponse r =
      Call("POST", "/incidents",
           R"({"incident":{"type":"incident","title":"Checkout down","urgency":"high",)"
           R"("service":{"id":"PWIXJZS","type":"service_reference"},)"
           R"("escalation_policy":{"id":"PCRITIC","type":"escalation_policy_reference"}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::vector<std::string> paged;
  for (const world::PdPage& p : world_.pages()) paged.push_back(p.user);
  EXPECT_EQ(paged, (std::vector<std::string>{"PPRIMRY", "PMANAGR"}));
}

TEST_F(PagerDutyRestTest, SelfAssignedIncidentStartsAcknowledged) {
  const HttpResponse r =
      Call("POST", "/incidents",
           R"({"incident":{"type":"incident","title":"Mine","service":{"id":"PWIXJZS"},)"
           R"("assignments":[{"assignee":{"id":"PPRIMRY","type":"user_reference"}}]}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["incident"]["status"], "acknowledged");
  EXPECT_EQ(Json(r)["incident"]["assigned_via"], "direct_assignment");
}

TEST_F(PagerDutyRestTest, GetAndNotFound) {
  const std::string id = CreateId();
  EXPECT_EQ(Json(Call("GET", "/incidents/" + id))["incident"]["id"], id);
  EXPECT_EQ(Json(Call("GET", "/incidents/1"))["incident"]["id"], id);
  const std::string kNotFound = R"({"error":{"message":"Not Found","code":2100}})";
  const HttpResponse missing = Call("GET", "/incidents/PNOTHER");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, kNotFound);
  EXPECT_EQ(Call("GET", "/services").body, kNotFound);
  EXPECT_EQ(SetStatus("PNOTHER", "resolved").body, kNotFound);
}

TEST_F(PagerDutyRestTest, ListFiltersAndPaginates) {
  const std::string first = CreateId();
  Call("POST", "/incidents",
       R"({"incident":{"type":"incident","title":"Second","service":{"id":"PWIXJZS"}}})");
  SetStatus(first, "resolved");
  nlohmann::json all = Json(Call("GET", "/incidents"));
  EXPECT_EQ(all["incidents"].size(), 2u);
  EXPECT_EQ(all["limit"], 25);
  EXPECT_EQ(all["offset"], 0);
  EXPECT_EQ(all["more"], false);
  EXPECT_EQ(all["total"], nullptr);
  nlohmann::json open =
      Json(Call("GET", "/incidents?statuses%5B%5D=triggered&statuses[]=acknowledged"));
  ASSERT_EQ(open["incidents"].size(), 1u);
  EXPECT_EQ(open["incidents"][0]["title"], "Second");
  EXPECT_EQ(Json(Call("GET", "/incidents?incident_key=db-pool"))["incidents"][0]["id"], first);
  EXPECT_EQ(Json(Call("GET", "/incidents?service_ids[]=PZZZZZZ"))["incidents"].size(), 0u);
  nlohmann::json paged = Json(Call("GET", "/incidents?limit=1&total=true"));
  EXPECT_EQ(paged["incidents"].size(), 1u);
  EXPECT_EQ(paged["more"], true);
  EXPECT_EQ(paged["total"], 2);
}

TEST_F(PagerDutyRestTest, StatusChangesAndTheirErrors) {
  const std::string id = CreateId();
  EXPECT_EQ(SetStatus(id, "snoozed").body,
            R"({"error":{"message":"Invalid Status Provided","code":1003}})");
  const HttpResponse ack = SetStatus(id, "acknowledged");
  EXPECT_EQ(ack.status, 200);
  EXPECT_EQ(Json(ack)["incident"]["status"], "acknowledged");
  EXPECT_EQ(Json(ack)["incident"]["acknowledgements"][0]["acknowledger"]["id"], "PPRIMRY");
  EXPECT_EQ(SetStatus(id, "acknowledged").body,
            R"({"error":{"message":"Incident Already Acknowledged","code":1002}})");
  EXPECT_EQ(Json(SetStatus(id, "resolved"))["incident"]["status"], "resolved");
  const HttpResponse again = SetStatus(id, "resolved");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.body, R"({"error":{"message":"Incident Already Resolved","code":1001}})");
  // The acknowledgement came at 400 ms, before the 5-minute escalation.
  EXPECT_EQ(world_.pages().size(), 1u);
}

TEST_F(PagerDutyRestTest, NotesAreAddedAndListed) {
  const std::string id = CreateId();
  const HttpResponse r = Call("POST", "/incidents/" + id + "/notes",
                              R"({"note":{"content":"Restarted pgbouncer"}})", "bo@example.com");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["note"]["content"], "Restarted pgbouncer");
  EXPECT_EQ(Json(r)["note"]["user"]["id"], "PSECOND");
  EXPECT_EQ(Json(r)["note"]["created_at"], "2026-01-01T00:00:00.200Z");
  const nlohmann::json notes = Json(Call("GET", "/incidents/" + id + "/notes"));
  ASSERT_EQ(notes["notes"].size(), 1u);
  EXPECT_EQ(Call("POST", "/incidents/" + id + "/notes", R"({"note":{"content":""}})").status, 400);
}

}  // namespace
}  // namespace rundrill::fakes
