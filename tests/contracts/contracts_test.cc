// Contract verdicts per provider, read from what the fakes answered in a drill: a request
// that broke the provider's contract is violated with the provider's own reason; a request
// the world turned down (NotFound, a partition, an injected 503, an unknown key) is not.

#include "simulator/contracts/contracts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/drill/drill_harness.h"

namespace rundrill::contracts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kWebhook[] = "/services/T0RUNDRILL/B0RUNDRILL/rundrillWebhookSecret0001";

constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: contracts}
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

// Runs `steps` (YAML list items, scripted: see tests/drill/scripted_step_host.h) after
// `timeline` (more scenario events) and returns the contracts.
drill::DrillResult Drill(const std::string& steps, const std::string& timeline = "") {
  return drill::testing::RunScriptedDrill(drill::testing::ScenarioFrom(kScenario + timeline),
                                          {drill::testing::RunbookFrom(steps)});
}

const ContractResult& Find(const std::vector<ContractResult>& contracts,
                           const std::string& provider) {
  for (const auto& c : contracts) {
    if (c.provider == provider) return c;
  }
  static const ContractResult kMissing;
  ADD_FAILURE() << "no contract with " << provider;
  return kMissing;
}

// A step whose scripted command is `run`, continuing on failure so later steps still run.
std::string Step(const std::string& id, const std::string& run) {
  return "  - {id: " + id + ", type: check, continue_on_failure: true, run: '" + run + "'}\n";
}

TEST(ContractsTest, UnknownKubectlFlagIsViolatedInTheFakesWords) {
  const auto result = Drill(Step("bad", "call kubectl get pods -n production --bogus"));
  const auto contracts = CheckContracts(result);
  const ContractResult& kubectl = Find(contracts, "kubectl");
  ASSERT_EQ(kubectl.interactions.size(), 1u);
  EXPECT_EQ(kubectl.consumer, "unit");
  EXPECT_EQ(kubectl.interactions[0].status, ContractStatus::kViolated);
  EXPECT_EQ(kubectl.interactions[0].reason, "error: unknown flag: --bogus");
  EXPECT_EQ(kubectl.interactions[0].description, "kubectl get pods -n production --bogus");
}

TEST(ContractsTest, KubectlNotFoundIsTheWorldNotTheContract) {
  const auto result = Drill(Step("missing", "call kubectl get deployment nope -n production") +
                            Step("fine", "call kubectl get deployment api -n production"));
  const auto kubectl_all = CheckContracts(result);
  const ContractResult& kubectl = Find(kubectl_all, "kubectl");
  ASSERT_EQ(kubectl.interactions.size(), 2u);
  EXPECT_EQ(kubectl.interactions[0].status, ContractStatus::kVerified);
  EXPECT_THAT(kubectl.interactions[0].reason, HasSubstr("NotFound"));
  EXPECT_EQ(kubectl.interactions[1].status, ContractStatus::kVerified);
  EXPECT_EQ(kubectl.Count(ContractStatus::kViolated), 0u);
}

TEST(ContractsTest, KubectlArgumentChecksAreViolations) {
  const auto result = Drill(Step("scale", "call kubectl scale deployment/api -n production") +
                            Step("logs", "call kubectl logs -n production"));
  const auto kubectl_all = CheckContracts(result);
  const ContractResult& kubectl = Find(kubectl_all, "kubectl");
  ASSERT_EQ(kubectl.interactions.size(), 2u);
  EXPECT_EQ(kubectl.interactions[0].status, ContractStatus::kViolated);
  EXPECT_THAT(kubectl.interactions[0].reason, HasSubstr("required flag(s) \"replicas\" not set"));
  EXPECT_EQ(kubectl.interactions[1].status, ContractStatus::kViolated);
  EXPECT_THAT(kubectl.interactions[1].reason, StartsWith("error: expected 'logs"));
}

TEST(ContractsTest, SlackHeaderOverBlockKitLimitIsViolated) {
  const std::string header(151, 'A');
  const std::string body =
      R"({"text":"x","blocks":[{"type":"header","text":{"type":"plain_text","text":")" + header +
      R"("}}]})";
  const auto result = Drill(Step("post", std::string("http slack POST ") + kWebhook + " " + body));
  const auto slack_all = CheckContracts(result);
  const ContractResult& slack = Find(slack_all, "slack");
  ASSERT_EQ(slack.interactions.size(), 1u);
  EXPECT_EQ(slack.interactions[0].status, ContractStatus::kViolated);
  EXPECT_THAT(slack.interactions[0].reason, StartsWith("invalid_blocks"));
  EXPECT_EQ(slack.interactions[0].description, std::string("POST ") + kWebhook);
}

TEST(ContractsTest, SlackPostThatArrivesIsVerified) {
  const auto result =
      Drill(Step("post", std::string("http slack POST ") + kWebhook + R"( {"text":"hello"})"));
  const auto slack_all = CheckContracts(result);
  const ContractResult& slack = Find(slack_all, "slack");
  ASSERT_EQ(slack.interactions.size(), 1u);
  EXPECT_EQ(slack.interactions[0].status, ContractStatus::kVerified);
}

// Slack never judged it (the packets were dropped), so the payload is checked locally.
TEST(ContractsTest, SlackBlockKitLimitIsCaughtEvenWithoutAnAnswer) {
  const std::string body = R"({"blocks":[{"type":"header","text":{"type":"plain_text","text":")" +
                           std::string(200, 'B') + R"("}}]})";
  const auto result =
      Drill(Step("post", std::string("http slack POST ") + kWebhook + " " + body) +
                Step("ok", std::string("http slack POST ") + kWebhook + R"( {"text":"fine"})"),
            "  - at: 0s\n    partition: {targets: [endpoint/slack], mode: drop}\n");
  const auto slack_all = CheckContracts(result);
  const ContractResult& slack = Find(slack_all, "slack");
  ASSERT_EQ(slack.interactions.size(), 2u);
  EXPECT_EQ(slack.interactions[0].status, ContractStatus::kViolated);
  EXPECT_THAT(slack.interactions[0].reason, HasSubstr("checked locally"));
  EXPECT_EQ(slack.interactions[1].status, ContractStatus::kVerified);
  EXPECT_THAT(slack.interactions[1].reason, HasSubstr("partition"));
}

TEST(ContractsTest, PagerDutyEventWithoutRoutingKeyIsViolated) {
  const auto result = Drill(Step(
      "page",
      R"(http pagerduty-events POST /v2/enqueue {"event_action":"trigger","payload":{"summary":"down","source":"api","severity":"critical"}})"));
  const auto pd_all = CheckContracts(result);
  const ContractResult& pd = Find(pd_all, "pagerduty");
  ASSERT_EQ(pd.interactions.size(), 1u);
  EXPECT_EQ(pd.interactions[0].status, ContractStatus::kViolated);
  EXPECT_EQ(pd.interactions[0].reason, "invalid event: 'routing_key' is missing or blank");
}

TEST(ContractsTest, PagerDutyMalformedJsonIsViolated) {
  const auto result = Drill(Step("page", "http pagerduty-events POST /v2/enqueue {nope"));
  const auto pd_all = CheckContracts(result);
  const ContractResult& pd = Find(pd_all, "pagerduty");
  ASSERT_EQ(pd.interactions.size(), 1u);
  EXPECT_EQ(pd.interactions[0].status, ContractStatus::kViolated);
  EXPECT_THAT(pd.interactions[0].reason, HasSubstr("JSON parse error"));
}

// A well-formed event with a key the account does not know, and one answered 503 by an
// injected outage: both are the service saying no.
TEST(ContractsTest, PagerDutyUnknownKeyAndInjected503AreVerified) {
  const std::string event =
      R"({"routing_key":"R0000000000000000000000000000000","event_action":"trigger","payload":{"summary":"down","source":"api","severity":"critical"}})";
  const auto before = Drill(Step("page", "http pagerduty-events POST /v2/enqueue " + event));
  const auto key_all = CheckContracts(before);
  const ContractResult& key = Find(key_all, "pagerduty");
  ASSERT_EQ(key.interactions.size(), 1u);
  EXPECT_EQ(key.interactions[0].call.exit_code, 400);
  EXPECT_EQ(key.interactions[0].status, ContractStatus::kVerified);
  EXPECT_EQ(key.interactions[0].reason, "Invalid routing key");

  const auto outage =
      Drill(Step("page", "http pagerduty-events POST /v2/enqueue " + event),
            "  - at: 0s\n    inject_errors: {target: endpoint/pagerduty, error: unavailable}\n");
  const auto down_all = CheckContracts(outage);
  const ContractResult& down = Find(down_all, "pagerduty");
  ASSERT_EQ(down.interactions.size(), 1u);
  EXPECT_EQ(down.interactions[0].call.exit_code, 503);
  EXPECT_EQ(down.interactions[0].status, ContractStatus::kVerified);
}

TEST(ContractsTest, PagerDutyRestWrongEndpointIsViolated) {
  const auto result = Drill(Step("list", "http pagerduty-api GET /incidents") +
                            Step("bogus", "http pagerduty-api DELETE /incidents/P1/notes"));
  const auto pd_all = CheckContracts(result);
  const ContractResult& pd = Find(pd_all, "pagerduty");
  ASSERT_EQ(pd.interactions.size(), 2u);
  // No token header in scripted calls: 401, which the world's credentials decide.
  EXPECT_EQ(pd.interactions[0].status, ContractStatus::kVerified);
  EXPECT_EQ(pd.interactions[0].call.exit_code, 401);
}

TEST(ContractsTest, SshBadOptionIsViolatedAndRefusedHostIsNot) {
  const auto result = Drill(Step("bad", "call ssh -o Bogus=yes db-1 uptime") +
                            Step("unknown", "call ssh nowhere.example uptime"));
  const auto ssh_all = CheckContracts(result);
  const ContractResult& ssh = Find(ssh_all, "ssh");
  ASSERT_EQ(ssh.interactions.size(), 2u);
  EXPECT_EQ(ssh.interactions[0].status, ContractStatus::kViolated);
  EXPECT_EQ(ssh.interactions[0].reason, "command-line: line 0: Bad configuration option: bogus");
  EXPECT_EQ(ssh.interactions[1].status, ContractStatus::kVerified);
}

TEST(ContractsTest, UnmodelledProgramsAreNotModelled) {
  const auto result = Drill(Step("db", "call psql -c select"));
  const auto psql_all = CheckContracts(result);
  const ContractResult& psql = Find(psql_all, "stub:psql");
  ASSERT_EQ(psql.interactions.size(), 1u);
  EXPECT_EQ(psql.interactions[0].status, ContractStatus::kNotModelled);
  EXPECT_THAT(psql.interactions[0].reason, HasSubstr("not modelled"));
}

TEST(ContractsTest, GroupedByRunbookThenProviderInNameOrder) {
  const auto result =
      Drill(Step("a", "call sleep 1") + Step("b", "call kubectl get pods") +
            Step("c", std::string("http slack POST ") + kWebhook + R"( {"text":"x"})") +
            Step("d", "call kubectl get pods -n production"));
  std::vector<std::string> providers;
  for (const auto& c : CheckContracts(result)) providers.push_back(c.consumer + "--" + c.provider);
  EXPECT_THAT(providers, ElementsAre("unit--kubectl", "unit--slack", "unit--sleep"));
  const auto all = CheckContracts(result);
  EXPECT_EQ(Find(all, "kubectl").interactions.size(), 2u);
}

// Stands in for the real client: records what it was asked and rejects --bogus.
class FakeParser : public KubectlParser {
 public:
  RealClientVerdict Check(const std::vector<std::string>& args) override {
    asked.push_back(args);
    RealClientVerdict v;
    const bool bogus = std::find(args.begin(), args.end(), "--bogus") != args.end();
    v.kind = bogus ? RealClientVerdict::Kind::kRejected : RealClientVerdict::Kind::kAccepted;
    v.detail = bogus ? "Error: unknown flag: --bogus" : "connection refused";
    v.client = "kubectl fake";
    return v;
  }
  std::vector<std::vector<std::string>> asked;
};

TEST(ContractsTest, RealParserIsAskedOncePerDistinctArgv) {
  const auto result = Drill(Step("a", "call kubectl get pods -n production") +
                            Step("b", "call kubectl get pods -n production") +
                            Step("c", "call kubectl get pods --bogus"));
  FakeParser parser;
  const auto kubectl_all = CheckContracts(result, &parser);
  const ContractResult& kubectl = Find(kubectl_all, "kubectl");
  ASSERT_EQ(kubectl.interactions.size(), 3u);
  EXPECT_THAT(parser.asked, ElementsAre(std::vector<std::string>{"get", "pods", "-n", "production"},
                                        std::vector<std::string>{"get", "pods", "--bogus"}));
  ASSERT_TRUE(kubectl.interactions[1].real_client);
  EXPECT_EQ(kubectl.interactions[1].real_client->kind, RealClientVerdict::Kind::kAccepted);
  EXPECT_EQ(kubectl.interactions[2].real_client->kind, RealClientVerdict::Kind::kRejected);
  EXPECT_EQ(kubectl.RealClientRejections(), 1u);
}

TEST(ContractsTest, WithoutARealClientTheVerdictSaysSo) {
  const auto result = Drill(Step("a", "call kubectl get pods -n production"));
  const auto kubectl_all = CheckContracts(result);
  const ContractResult& kubectl = Find(kubectl_all, "kubectl");
  ASSERT_TRUE(kubectl.interactions[0].real_client);
  EXPECT_EQ(kubectl.interactions[0].real_client->kind, RealClientVerdict::Kind::kNotInstalled);
  EXPECT_EQ(kubectl.interactions[0].real_client->detail, "real client not installed");
}

// The texts kubectl 1.32 prints, as found by running it against a dead server.
TEST(RealKubectlTest, ClassifiesUsageErrorsAsRejected) {
  const std::map<std::string, std::string> rejected = {
      {"Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n",
       "Error: unknown flag: --bogus"},
      {"Error: unknown shorthand flag: 'Z' in -Z\nSee 'kubectl get --help' for usage.\n",
       "Error: unknown shorthand flag: 'Z' in -Z"},
      {"Error: unknown command \"frobnicate\" for \"kubectl\"\n",
       "Error: unknown command \"frobnicate\" for \"kubectl\""},
      {"Error: invalid argument \"x\" for \"--to-revision\" flag: strconv.ParseInt: parsing "
       "\"x\": invalid syntax\nSee 'kubectl rollout undo --help' for usage.\n",
       "Error: invalid argument \"x\" for \"--to-revision\" flag: strconv.ParseInt: parsing "
       "\"x\": invalid syntax"},
      {"E1121 18:10:24.908478   10148 run.go:72] \"command failed\" err=\"required flag(s) "
       "\\\"replicas\\\" not set\"\n",
       "\"command failed\" err=\"required flag(s) \\\"replicas\\\" not set\""},
      {"error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is "
       "a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
       "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'."},
  };
  for (const auto& [stderr_data, detail] : rejected) {
    const RealClientVerdict v = ClassifyKubectlOutput(1, stderr_data);
    EXPECT_EQ(v.kind, RealClientVerdict::Kind::kRejected) << stderr_data;
    EXPECT_EQ(v.detail, detail);
  }
}

TEST(RealKubectlTest, ClassifiesConnectionErrorsAsAccepted) {
  const RealClientVerdict v = ClassifyKubectlOutput(
      1,
      "E1121 18:10:24.078076   10118 memcache.go:265] \"Unhandled Error\" err=\"couldn't get "
      "current server API group list: Get \\\"https://127.0.0.1:1/api?timeout=1s\\\": dial tcp "
      "127.0.0.1:1: connect: connection refused\"\nThe connection to the server 127.0.0.1:1 was "
      "refused - did you specify the right host or port?\n");
  EXPECT_EQ(v.kind, RealClientVerdict::Kind::kAccepted);
  EXPECT_EQ(v.detail,
            "The connection to the server 127.0.0.1:1 was refused - did you specify the right "
            "host or port?");
  EXPECT_EQ(ClassifyKubectlOutput(0, "").kind, RealClientVerdict::Kind::kAccepted);
  const RealClientVerdict file =
      ClassifyKubectlOutput(1, "error: the path \"x.yaml\" does not exist\n");
  EXPECT_EQ(file.kind, RealClientVerdict::Kind::kInconclusive);
  EXPECT_EQ(file.detail, "error: the path \"x.yaml\" does not exist");
}

TEST(RealKubectlTest, SafeArgsNeverNameAnotherServer) {
  EXPECT_THAT(SafeKubectlArgs({"get", "pods", "--server=https://prod.example:6443"}),
              ElementsAre("--request-timeout=1s", "get", "pods", "--server=https://127.0.0.1:1"));
  EXPECT_THAT(SafeKubectlArgs({"-s", "https://prod.example", "get", "pods"}),
              ElementsAre("--request-timeout=1s", "-s", "https://127.0.0.1:1", "get", "pods"));
  EXPECT_THAT(SafeKubectlArgs({"get", "-shttps://prod.example", "pods"}),
              ElementsAre("--request-timeout=1s", "get", "-s=https://127.0.0.1:1", "pods"));
  EXPECT_THAT(SafeKubectlArgs({"--kubeconfig", "/home/me/.kube/config", "get", "pods"}),
              ElementsAre("--request-timeout=1s", "--kubeconfig", "@KUBECONFIG@", "get", "pods"));
  EXPECT_THAT(
      SafeKubectlArgs({"--context=prod", "get", "pods", "--", "--server=x"}),
      ElementsAre("--request-timeout=1s", "--context=rundrill", "get", "pods", "--", "--server=x"));
  // A plugin name must come first, or kubectl refuses the line for that reason alone.
  EXPECT_THAT(SafeKubectlArgs({"frobnicate", "x"}), ElementsAre("frobnicate", "x"));
}

}  // namespace
}  // namespace rundrill::contracts
