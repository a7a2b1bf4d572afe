// The contract files: their names, their fixed layout, and the same bytes for the same drill.

#include "reports/contracts_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::reports {
namespace {

using ::testing::ElementsAre;

constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: contracts-json}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
)";

drill::DrillResult Drill() {
  return drill::testing::RunScriptedDrill(
      drill::testing::ScenarioFrom(kScenario),
      {drill::testing::RunbookFrom(
          "  - {id: look, type: check, run: 'call kubectl get pods -n production'}\n"
          "  - {id: bad, type: check, continue_on_failure: true, run: 'call kubectl get pods "
          "--bogus'}\n"
          "  - {id: page, type: notify, continue_on_failure: true, run: 'http pagerduty-events "
          "POST /v2/enqueue {}'}\n"
          "  - {id: db, type: check, continue_on_failure: true, run: 'call psql -c x'}\n")});
}

TEST(ContractsJsonTest, FileNamesAreSafeEverywhere) {
  contracts::ContractResult c;
  c.consumer = "db restart/v2";
  c.provider = "stub:psql";
  EXPECT_EQ(ContractFileName(c), "db_restart_v2--stub_psql.json");
  c.consumer = "unit";
  c.provider = "kubectl";
  EXPECT_EQ(ContractFileName(c), "unit--kubectl.json");
}

TEST(ContractsJsonTest, PactLikeLayoutInAFixedOrder) {
  const drill::DrillResult result = Drill();
  const auto contracts = contracts::CheckContracts(result);
  std::vector<std::string> names;
  for (const auto& c : contracts) names.push_back(ContractFileName(c));
  EXPECT_THAT(names,
              ElementsAre("unit--kubectl.json", "unit--pagerduty.json", "unit--stub_psql.json"));

  const nlohmann::ordered_json doc = ContractToJson(contracts[0], result);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("consumer", "provider", "interactions", "summary", "metadata"));
  EXPECT_EQ(doc["consumer"]["name"], "unit");
  EXPECT_EQ(doc["provider"]["name"], "kubectl");
  EXPECT_EQ(doc["metadata"]["rundrill"]["schema"], 1);
  EXPECT_EQ(doc["metadata"]["seed"], 5);
  EXPECT_EQ(doc["metadata"]["scenario"]["name"], "contracts-json");
  ASSERT_EQ(doc["interactions"].size(), 2u);
  const auto& bad = doc["interactions"][1];
  EXPECT_EQ(bad["description"], "kubectl get pods --bogus");
  EXPECT_EQ(bad["request"]["argv"], nlohmann::ordered_json({"kubectl", "get", "pods", "--bogus"}));
  EXPECT_EQ(bad["response"]["exit_code"], 1);
  EXPECT_EQ(bad["verification"]["status"], "violated");
  EXPECT_EQ(bad["verification"]["reason"], "error: unknown flag: --bogus");
  EXPECT_EQ(bad["real_client"]["status"], "not-installed");
  EXPECT_EQ(doc["summary"]["violated"], 1);

  const nlohmann::ordered_json pd = ContractToJson(contracts[1], result);
  EXPECT_EQ(pd["interactions"][0]["request"]["method"], "POST");
  EXPECT_EQ(pd["interactions"][0]["request"]["path"], "/v2/enqueue");
  EXPECT_EQ(pd["interactions"][0]["response"]["status"], 400);
  EXPECT_FALSE(pd["interactions"][0].contains("real_client"));
}

TEST(ContractsJsonTest, SameDrillSameBytes) {
  const drill::DrillResult first = Drill();
  const drill::DrillResult second = Drill();
  const auto a = contracts::CheckContracts(first);
  const auto b = contracts::CheckContracts(second);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(RenderContractJson(a[i], first), RenderContractJson(b[i], second));
  }
}

TEST(ContractsJsonTest, InvalidUtf8InOutputIsReplacedNotThrown) {
  drill::DrillResult result;
  drill::Interaction call;
  call.runbook = "unit";
  call.argv = {"kubectl", "get", "pods"};
  call.stdout_data = "bad \xff\xfe bytes";
  result.transcript.push_back(call);
  const auto contracts = contracts::CheckContracts(result);
  ASSERT_EQ(contracts.size(), 1u);
  const std::string text = RenderContractJson(contracts[0], result);
  EXPECT_NE(text.find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
}

}  // namespace
}  // namespace rundrill::reports
