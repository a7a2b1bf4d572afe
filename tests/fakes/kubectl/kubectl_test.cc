#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/kubectl/jsonpath.h"
#include "fakes/kubectl/kube_yaml.h"
#include "fakes/kubectl/kubectl_args.h"
#include "fakes/kubectl/kubectl_backend.h"
#include "fakes/kubectl/sort_by.h"
#include "fakes/kubectl/tab_writer.h"
#include "simulator/world/world.h"
#include "tests/fakes/test_context.h"

// Golden files live in tests/fakes/kubectl/golden/. To approve new output, run with
// RUNDRILL_UPDATE_GOLDEN=1 and read every changed file against backends.md section A.

namespace rundrill::fakes {
namespace {

class TestContext : public testing::TestContext {
 public:
  explicit TestContext(uint64_t seed)
      : testing::TestContext(seed, "kubectl", SimTime(86400 * 1000)) {}
};

constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }

model::KubernetesSpec TestSpec() {
  model::KubernetesSpec spec;
  spec.namespaces = {"production", "staging", "empty"};
  model::DeploymentSpec web;
  web.namespace_name = "production";
  web.name = "web";
  web.replicas = 3;
  web.history = {{"nginx:1.24", "", {}},
                 {"nginx:1.25", "kubectl set image deployment/web web=nginx:1.25", {}}};
  web.age = SimDuration(10LL * 86400000);
  spec.deployments.push_back(web);
  model::DeploymentSpec api;
  api.namespace_name = "production";
  api.name = "api";
  api.replicas = 2;
  api.labels = {{"app", "api"}, {"tier", "backend"}};
  api.history = {{"registry.example.com/api:2.0", "", {}}};
  api.age = SimDuration(3LL * 86400000);
  api.max_surge = "1";
  api.max_unavailable = "0";
  spec.deployments.push_back(api);
  model::DeploymentSpec worker;
  worker.namespace_name = "staging";
  worker.name = "worker";
  worker.replicas = 1;
  worker.history = {{"worker:7", "", {}}};
  spec.deployments.push_back(worker);

  model::ImageSpec nginx;
  nginx.image = "nginx:1.25";
  nginx.log =
      "10.0.0.1 - - \"GET /healthz HTTP/1.1\" 200\n10.0.0.2 - - \"GET / HTTP/1.1\" 200\n"
      "10.0.0.3 - - \"GET /api HTTP/1.1\" 502\n";
  spec.images.push_back(nginx);
  model::ImageSpec bad;
  bad.image = "nginx:1.26-broken";
  bad.crashes = true;
  bad.exit_code = 1;
  bad.log = "nginx: [emerg] unknown directive \"proxy_passs\" in /etc/nginx/nginx.conf:12\n";
  spec.images.push_back(bad);
  model::ImageSpec api_bad;
  api_bad.image = "registry.example.com/api:2.1";
  api_bad.crashes = true;
  api_bad.exit_code = 2;
  api_bad.crash_after = SimDuration(1500);
  api_bad.log = "starting api 2.1\npanic: assignment to entry in nil map\n";
  spec.images.push_back(api_bad);
  model::ImageSpec late_crash;  // passes its readiness probe, then crashes
  late_crash.image = "nginx:1.27-leak";
  late_crash.crashes = true;
  late_crash.exit_code = 137;
  late_crash.crash_after = SimDuration(20000);
  late_crash.startup = SimDuration(5000);
  late_crash.log = "worker process exited on signal 9 (out of memory)\n";
  spec.images.push_back(late_crash);
  return spec;
}

// Runs kubectl command lines against one world and records a transcript.
class Session {
 public:
  explicit Session(uint64_t seed = 1) : context_(seed) {
    EXPECT_TRUE(context_.World().kube().Build(TestSpec()).ok());
    KubectlOptions options;
    options.min_latency = options.max_latency = SimDuration(200);
    backend_ = KubectlBackend(options);
  }

  CommandResponse Run(const std::vector<std::string>& args) {
    CommandRequest request;
    request.argv = {"kubectl"};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    const SimTime before = context_.Now();
    CommandResponse r = backend_.Handle(request, context_);
    transcript_ += "$ kubectl";
    for (const std::string& a : args) transcript_ += " " + a;
    transcript_ += "   # at " + FormatClock(before) + ", took " +
                   FormatDuration(context_.Now() - before) + "\n";
    Section("stdout", r.stdout_data);
    Section("stderr", r.stderr_data);
    transcript_ += "--- exit " + std::to_string(r.exit_code) + "\n\n";
    return r;
  }

  void Advance(SimTime t) {
    context_.AdvanceTo(t);
    transcript_ += "# (time advanced to " + FormatClock(t) + ")\n\n";
  }

  TestContext& context() { return context_; }
  world::KubeWorld& kube() { return context_.World().kube(); }
  const std::string& transcript() const { return transcript_; }

 private:
  void Section(const std::string& name, const std::string& text) {
    if (text.empty()) return;
    transcript_ += "--- " + name + "\n" + text;
    if (text.back() != '\n') transcript_ += "\n\\ no newline at end of " + name + "\n";
  }

  TestContext context_;
  KubectlBackend backend_;
  std::string transcript_;
};

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path =
      std::string(RUNDRILL_SOURCE_DIR) + "/tests/fakes/kubectl/golden/" + name + ".txt";
  const char* update = std::getenv("RUNDRILL_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << "; run with RUNDRILL_UPDATE_GOLDEN=1 and review it";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "golden file " << path << " differs";
}

// ---------------------------------------------------------------------------------------
// Building blocks

TEST(KubectlTabWriter, MatchesKubectlTableRules) {
  EXPECT_EQ(kubectl::FormatTable({{"X", "N"}, {"a", "1"}}), "X     N\na     1\n");
  EXPECT_EQ(kubectl::FormatTable({{"NAME", "READY", "AGE"}, {"web-abc", "1/1", "5m"}}),
            "NAME      READY   AGE\nweb-abc   1/1     5m\n");
  // describe-style: padding 2, columns per block of consecutive lines with that cell.
  EXPECT_EQ(kubectl::TabFormat("Name:\tweb\nIPs:\n  IP:\t1.2.3.4\nLonger Key:\tx\n", 0, 2),
            "Name:  web\nIPs:\n  IP:        1.2.3.4\nLonger Key:  x\n");
}

TEST(KubectlTabWriter, HumanDuration) {
  using kubectl::HumanDuration;
  EXPECT_EQ(HumanDuration(SimDuration(-5000)), "<invalid>");
  EXPECT_EQ(HumanDuration(SimDuration(-500)), "0s");
  EXPECT_EQ(HumanDuration(Seconds(45)), "45s");
  EXPECT_EQ(HumanDuration(Seconds(119)), "119s");
  EXPECT_EQ(HumanDuration(Seconds(300)), "5m");
  EXPECT_EQ(HumanDuration(Seconds(432)), "7m12s");
  EXPECT_EQ(HumanDuration(Seconds(179 * 60)), "179m");
  EXPECT_EQ(HumanDuration(Seconds(3 * 3600 + 60 * 20)), "3h20m");
  EXPECT_EQ(HumanDuration(Seconds(10 * 3600)), "10h");
  EXPECT_EQ(HumanDuration(Seconds(51 * 3600)), "2d3h");
  EXPECT_EQ(HumanDuration(Seconds(40LL * 86400)), "40d");
  EXPECT_EQ(HumanDuration(Seconds(400LL * 86400)), "400d");
  EXPECT_EQ(HumanDuration(Seconds(3LL * 365 * 86400 + 5 * 86400)), "3y5d");
  EXPECT_EQ(HumanDuration(Seconds(9LL * 365 * 86400)), "9y");
}

TEST(KubectlArgs, FlagsBeforeAndAfterTheCommand) {
  kubectl::ParsedArgs a = kubectl::ParseArgs({"-n", "production", "get", "pods", "-o=json"});
  EXPECT_EQ(a.command, std::vector<std::string>({"get"}));
  EXPECT_EQ(a.positionals, std::vector<std::string>({"pods"}));
  EXPECT_EQ(a.Get("namespace"), "production");
  EXPECT_EQ(a.Get("output"), "json");
  a = kubectl::ParseArgs({"rollout", "status", "deploy/web", "--timeout", "30s", "-nprod"});
  EXPECT_EQ(a.command, std::vector<std::string>({"rollout", "status"}));
  EXPECT_EQ(a.Get("timeout"), "30s");
  EXPECT_EQ(a.Get("namespace"), "prod");
  a = kubectl::ParseArgs({"get", "pods", "--watch=false"});
  EXPECT_EQ(a.Get("watch"), "false");
  a = kubectl::ParseArgs({"logs", "web", "--tail", "abc"});
  EXPECT_EQ(*a.error,
            "error: invalid argument \"abc\" for \"--tail\" flag: strconv.ParseInt: parsing "
            "\"abc\": invalid syntax\nSee 'kubectl logs --help' for usage.\n");
}

TEST(KubectlArgs, IntegerFlagsParseLikeGoStrconv) {
  // pflag parses every integer flag with strconv.ParseInt(value, 0, bits).
  std::string error;
  EXPECT_EQ(kubectl::ParseGoInt("42", 64, &error), 42);
  EXPECT_EQ(kubectl::ParseGoInt("+7", 64, &error), 7);
  EXPECT_EQ(kubectl::ParseGoInt("-1", 64, &error), -1);
  EXPECT_EQ(kubectl::ParseGoInt("0x1F", 64, &error), 31);
  EXPECT_EQ(kubectl::ParseGoInt("0o17", 64, &error), 15);
  EXPECT_EQ(kubectl::ParseGoInt("017", 64, &error), 15);
  EXPECT_EQ(kubectl::ParseGoInt("0b101", 64, &error), 5);
  EXPECT_EQ(kubectl::ParseGoInt("0", 64, &error), 0);
  EXPECT_EQ(kubectl::ParseGoInt("1_000", 64, &error), 1000);
  EXPECT_EQ(kubectl::ParseGoInt("9223372036854775807", 64, &error), INT64_MAX);
  EXPECT_EQ(kubectl::ParseGoInt("-9223372036854775808", 64, &error), INT64_MIN);
  EXPECT_EQ(kubectl::ParseGoInt("2147483647", 32, &error), 2147483647);
  EXPECT_EQ(kubectl::ParseGoInt("-2147483648", 32, &error), -2147483648LL);
  for (const char* bad : {"", "+", "-", "abc", "1.5", " 1", "1 ", "0x", "08", "1__0", "_1", "1_",
                          "0x_", "--1", "+-1", "1e3"}) {
    error.clear();
    EXPECT_FALSE(kubectl::ParseGoInt(bad, 64, &error)) << bad;
    EXPECT_EQ(error, "invalid syntax") << bad;
  }
  for (const char* big : {"9223372036854775808", "-9223372036854775809", "99999999999999999999",
                          "99999999999999999999abc", "0xFFFFFFFFFFFFFFFFF"}) {
    error.clear();
    EXPECT_FALSE(kubectl::ParseGoInt(big, 64, &error)) << big;
    EXPECT_EQ(error, "value out of range") << big;
  }
  error.clear();
  EXPECT_FALSE(kubectl::ParseGoInt("2147483648", 32, &error));
  EXPECT_EQ(error, "value out of range");
  error.clear();
  EXPECT_FALSE(kubectl::ParseGoInt("99999999999", 32, &error));
  EXPECT_EQ(error, "value out of range");

  // The parsed value is kept in decimal; Int() reads it and never throws.
  const kubectl::ParsedArgs a =
      kubectl::ParseArgs({"rollout", "undo", "d/x", "--to-revision=0x10"});
  EXPECT_FALSE(a.error);
  EXPECT_EQ(a.Get("to-revision"), "16");
  EXPECT_EQ(a.Int("to-revision"), 16);
  EXPECT_EQ(a.Int("absent", -1), -1);
}

TEST(KubectlJsonPath, Subset) {
  const nlohmann::json data = nlohmann::json::parse(R"({"items":[
    {"metadata":{"name":"a","labels":{"app":"web"},"annotations":{"kubernetes.io/change-cause":"x"}},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"n":3}},
    {"metadata":{"name":"b","labels":{"app":"api"}},
     "status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}],"n":1}}]})");
  auto run = [&](const std::string& t) { return kubectl::ExecuteJsonPath(t, data).output; };
  EXPECT_EQ(run("{.items[*].metadata.name}"), "a b");
  EXPECT_EQ(run("{.items[0].status.n}"), "3");
  EXPECT_EQ(run("{.items[-1].metadata.name}"), "b");
  EXPECT_EQ(run("{.items[0:1].metadata.name}"), "a");
  EXPECT_EQ(run("{.items[0].metadata.labels}"), R"({"app":"web"})");
  EXPECT_EQ(run("{.items[0].metadata.annotations.kubernetes\\.io/change-cause}"), "x");
  EXPECT_EQ(run("{.items[0].metadata.labels['app']}"), "web");
  EXPECT_EQ(run("{.items[?(@.status.phase==\"Pending\")].metadata.name}"), "b");
  EXPECT_EQ(run("{.items[?(@.status.n>2)].metadata.name}"), "a");
  EXPECT_EQ(run("{.items[0].status.conditions[?(@.type=='Ready')].status}"), "True");
  EXPECT_EQ(run("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"),
            "a\tRunning\nb\tPending\n");
  EXPECT_EQ(run("names: {.items[*].metadata.name}!"), "names: a b!");
  EXPECT_EQ(run("{.status.foo}"), "");
  const kubectl::JsonPathResult bad = kubectl::ExecuteJsonPath("{.items[5].metadata.name}", data);
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->substr(0, 161),
            "error executing jsonpath \"{.items[5].metadata.name}\": Error executing template: "
            "array index out of bounds: index 5, length 2. Printing more information for debug");
}

// kubectl's --sort-by pieces, after pkg/cmd/get/sorter.go and get.go.
TEST(KubectlSortBy, RelaxedJsonPath) {
  EXPECT_EQ(kubectl::RelaxedJsonPath(".metadata.name"), "{.metadata.name}");
  EXPECT_EQ(kubectl::RelaxedJsonPath("metadata.name"), "{.metadata.name}");
  EXPECT_EQ(kubectl::RelaxedJsonPath("{.metadata.name}"), "{.metadata.name}");
  EXPECT_EQ(kubectl::RelaxedJsonPath("{metadata.name}"), "{.metadata.name}");
  EXPECT_EQ(kubectl::RelaxedJsonPath(".spec.containers[0].image"), "{.spec.containers[0].image}");
  EXPECT_FALSE(kubectl::RelaxedJsonPath("{.a}{.b}"));
  EXPECT_FALSE(kubectl::RelaxedJsonPath(""));
}

TEST(KubectlSortBy, NaturalOrderAndQuantities) {
  // fvbommel/sortorder: digit runs compare as numbers, and digits sort before letters.
  EXPECT_TRUE(kubectl::NaturalLess("pod-9", "pod-10"));
  EXPECT_FALSE(kubectl::NaturalLess("pod-10", "pod-9"));
  EXPECT_TRUE(kubectl::NaturalLess("a1", "aa"));
  EXPECT_TRUE(kubectl::NaturalLess("x1", "x01"));
  EXPECT_TRUE(kubectl::NaturalLess("abc", "abcd"));
  EXPECT_FALSE(kubectl::NaturalLess("abc", "abc"));
  EXPECT_TRUE(kubectl::NaturalLess("2026-01-01T09:59:59Z", "2026-01-01T10:00:00Z"));  // RFC 3339
  // apimachinery resource.ParseQuantity.
  EXPECT_EQ(kubectl::ParseQuantityValue("40Mi"), 40.0L * 1024 * 1024);
  EXPECT_EQ(kubectl::ParseQuantityValue("100m"), 0.1L);
  EXPECT_EQ(kubectl::ParseQuantityValue("2e3"), 2000.0L);
  EXPECT_EQ(kubectl::ParseQuantityValue("1.5k"), 1500.0L);
  EXPECT_EQ(kubectl::ParseQuantityValue("-3"), -3.0L);
  EXPECT_EQ(kubectl::ParseQuantityValue("0"), 0.0L);
  EXPECT_EQ(kubectl::ParseQuantityValue("m"), 0.0L);  // an empty number is 0
  for (const char* text : {"", "Running", "nginx:1.25", "10.244.1.12", "2026-01-01T10:00:00Z",
                           "web-7c9d8f5b6-2xkqz", "5mi", "1e", "3x"}) {
    EXPECT_FALSE(kubectl::ParseQuantityValue(text)) << text;
  }
}

std::vector<size_t> SortedOrder(const std::vector<nlohmann::json>& objects, kubectl::SortPath path,
                                const std::string& by = ".v") {
  const kubectl::SortOutcome out = kubectl::SortObjects(by, objects, path, false);
  EXPECT_FALSE(out.error) << *out.error;
  EXPECT_FALSE(out.not_modelled) << *out.not_modelled;
  return out.order;
}

TEST(KubectlSortBy, KeysCompareAsKubectlCompares) {
  using kubectl::SortPath;
  using nlohmann::json;
  const std::vector<json> sizes = {{{"v", "100Mi"}}, {{"v", "1Gi"}}, {{"v", "40Mi"}}};
  EXPECT_EQ(SortedOrder(sizes, SortPath::kList), (std::vector<size_t>{2, 0, 1}));
  const std::vector<json> names = {{{"v", "pod-10"}}, {{"v", "pod-9"}}, {{"v", "pod-1"}}};
  EXPECT_EQ(SortedOrder(names, SortPath::kList), (std::vector<size_t>{2, 1, 0}));
  const std::vector<json> counts = {{{"v", 12}}, {{"v", 3}}, {{"v", 12}}, {{"v", 0}}};
  EXPECT_EQ(SortedOrder(counts, SortPath::kTable), (std::vector<size_t>{3, 1, 0, 2}));
  // 1.5 and 1500m are the same quantity: ties keep their order.
  const std::vector<json> ties = {{{"v", "1500m"}}, {{"v", "1.5"}}, {{"v", "1"}}};
  EXPECT_EQ(SortedOrder(ties, SortPath::kList), (std::vector<size_t>{2, 0, 1}));
  // Less says an object without the field comes before any other, itself included, so one
  // insertion-sort pass (the List path) reverses those objects; the Table path sorts twice,
  // which restores their order.
  const std::vector<json> gaps = {{{"x", 1}}, {{"v", 2}}, {{"x", 2}}, {{"v", 1}}, {{"x", 3}}};
  EXPECT_EQ(SortedOrder(gaps, SortPath::kList), (std::vector<size_t>{4, 2, 0, 3, 1}));
  EXPECT_EQ(SortedOrder(gaps, SortPath::kTable), (std::vector<size_t>{0, 2, 4, 3, 1}));
  // Values kubectl cannot order end in a klog fatal line, which is not modelled.
  const kubectl::SortOutcome mixed =
      kubectl::SortObjects(".v", {{{"v", 1}}, {{"v", "a"}}}, SortPath::kList, false);
  ASSERT_TRUE(mixed.not_modelled);
  EXPECT_EQ(*mixed.not_modelled,
            "rundrill: kubectl get --sort-by 'on values of different types' is not modelled "
            "(see docs/fakes.md)");
}

TEST(KubectlYaml, GoYamlStyle) {
  const nlohmann::json v = nlohmann::json::parse(R"({
    "apiVersion":"v1","items":[{"a":1,"b":[{"c":"x"}],"e":{},"f":[]}],"kind":"List",
    "metadata":{"resourceVersion":""},
    "s":{"num":"2","bool":"true","ts":"2026-01-01T00:00:00Z","colon":"a: b","star":"*",
         "plain":"kubectl set image deployment/web web=nginx:1.25","multi":"one\ntwo\n",
         "null":null,"t":true}})");
  EXPECT_EQ(kubectl::ToYamlText(v),
            "apiVersion: v1\n"
            "items:\n"
            "- a: 1\n"
            "  b:\n"
            "  - c: x\n"
            "  e: {}\n"
            "  f: []\n"
            "kind: List\n"
            "metadata:\n"
            "  resourceVersion: \"\"\n"
            "s:\n"
            "  bool: \"true\"\n"
            "  colon: 'a: b'\n"
            "  multi: |\n"
            "    one\n"
            "    two\n"
            "  \"null\": null\n"
            "  num: \"2\"\n"
            "  plain: kubectl set image deployment/web web=nginx:1.25\n"
            "  star: '*'\n"
            "  t: true\n"
            "  ts: \"2026-01-01T00:00:00Z\"\n");
  // Long plain strings fold at a space past column 80, continuing 2 deeper than the key.
  const std::string long_text(70, 'x');
  EXPECT_EQ(
      kubectl::ToYamlText(nlohmann::json{{"message", "aaaaaaaaaa " + long_text + " tail words"}}),
      "message: aaaaaaaaaa " + long_text + "\n  tail words\n");
}

// ---------------------------------------------------------------------------------------
// Golden transcripts

TEST(KubectlGolden, GetTables) {
  Session s;
  s.Advance(Seconds(1800));
  s.Run({"get", "pods"});
  s.Run({"get", "pods", "-n", "production"});
  s.Run({"-n", "production", "get", "pods", "-o", "wide"});
  s.Run({"get", "pods", "-A"});
  s.Run({"get", "pods", "--all-namespaces", "--no-headers"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=api,tier=backend", "--show-labels"});
  s.Run({"get", "pods", "-n", "production", "-l", "app!=api"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=nope"});
  s.Run({"get", "pods", "-n", "empty"});
  s.Run({"get", "pods", "-n", "nope"});
  s.Run({"get", "deployments", "-n", "production"});
  s.Run({"get", "deploy", "-n", "production", "-o", "wide"});
  s.Run({"get", "deployment/web", "-n", "production"});
  s.Run({"get", "deployment", "web", "nope", "-n", "production"});
  s.Run({"get", "rs", "-n", "production"});
  s.Run({"get", "replicasets", "-n", "production", "-o", "wide"});
  s.Run({"get", "namespaces"});
  s.Run({"get", "events", "-n", "production"});
  ExpectGolden("get_tables", s.transcript());
}

TEST(KubectlGolden, RolloutOfBadImageAndUndo) {
  Session s;
  s.Advance(Seconds(600));
  s.Run({"set", "image", "deployment/web", "web=nginx:1.26-broken", "-n", "production"});
  s.Run({"rollout", "status", "deployment/web", "-n", "production", "--timeout=30s"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  s.Advance(Seconds(900));
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  s.Run({"rollout", "status", "deploy/web", "-n", "production", "--watch=false"});
  s.Run({"rollout", "status", "deploy/web", "-n", "production"});
  s.Run({"get", "deploy", "web", "-n", "production"});
  s.Run({"rollout", "history", "deployment/web", "-n", "production"});
  s.Run({"rollout", "undo", "deployment/web", "-n", "production"});
  s.Run({"rollout", "status", "deployment", "web", "-n", "production"});
  s.Run({"rollout", "history", "deployment/web", "-n", "production"});
  s.Run({"rollout", "history", "deployment/web", "-n", "production", "--revision=3"});
  s.Run({"rollout", "history", "deployment/web", "-n", "production", "--revision=9"});
  s.Run({"rollout", "undo", "deployment/web", "-n", "production", "--to-revision=4"});
  s.Run({"rollout", "undo", "deployment/web", "-n", "production", "--to-revision=7"});
  s.Run({"get", "events", "-n", "production", "-o", "wide"});
  ExpectGolden("rollout_bad_image_undo", s.transcript());
  EXPECT_TRUE(s.kube().Deployment("production", "web")->healthy);
}

// A bad image whose pods pass readiness before they crash: the rollout completes, then the
// pods crash-loop, ready only in the window of each run between startup and the exit.
TEST(KubectlGolden, RolloutPassesReadinessThenCrashLoops) {
  Session s;
  s.Advance(Seconds(600));
  s.Run({"set", "image", "deployment/web", "web=nginx:1.27-leak", "-n", "production"});
  s.Run({"rollout", "status", "deployment/web", "-n", "production"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  s.Advance(Seconds(640));
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  s.Run({"get", "deploy", "web", "-n", "production"});
  s.Run({"rollout", "status", "deploy/web", "-n", "production", "--watch=false"});
  s.Run({"rollout", "status", "deploy/web", "-n", "production", "--timeout=60s"});
  const world::kube::Deployment* web = s.kube().FindDeployment("production", "web");
  const std::string pod = s.kube().PodsOf(*s.kube().CurrentReplicaSet(*web))[0]->name;
  s.Run({"get", "pod", pod, "-n", "production", "-o",
         "jsonpath={range .status.conditions[*]}{.type}={.status} since "
         "{.lastTransitionTime}{\"\\n\"}{end}"});
  s.Run({"describe", "pod", pod, "-n", "production"});
  ExpectGolden("rollout_passes_readiness_then_crashes", s.transcript());
}

TEST(KubectlGolden, RestartPauseResumeScaleDelete) {
  Session s;
  s.Advance(Seconds(60));
  s.Run({"rollout", "restart", "deployment/api", "-n", "production"});
  s.Run({"rollout", "restart", "deployment/api", "-n", "production"});
  s.Run({"rollout", "status", "deployment/api", "-n", "production"});
  s.Run({"rollout", "pause", "deployment/api", "-n", "production"});
  s.Run({"rollout", "pause", "deployment/api", "-n", "production"});
  s.Run({"rollout", "restart", "deployment/api", "-n", "production"});
  s.Run({"rollout", "undo", "deployment/api", "-n", "production"});
  s.Run({"rollout", "resume", "deployment/api", "-n", "production"});
  s.Run({"rollout", "resume", "deployment/api", "-n", "production"});
  s.Run({"rollout", "history", "deploy/api", "-n", "production"});
  s.Run({"scale", "deployment/web", "--replicas=5", "-n", "production"});
  s.Run({"scale", "deployment", "web", "--replicas", "2", "--current-replicas=3", "-n",
         "production"});
  s.Run({"get", "deploy", "web", "-n", "production"});
  s.Run({"rollout", "status", "deployment/web", "-n", "production"});
  s.Run({"scale", "deployment/nope", "--replicas=1", "-n", "production"});
  s.Run({"scale", "deployment/web", "-n", "production"});
  const std::string victim =
      s.kube().PodsOf(*s.kube().FindDeployment("staging", "worker"))[0]->name;
  s.Run({"delete", "pod", victim, "-n", "staging"});
  s.Run({"get", "pods", "-n", "staging"});
  s.Run({"delete", "pod", "nope", "-n", "staging"});
  s.Run({"delete", "pod", "nope", "-n", "staging", "--ignore-not-found"});
  s.Run({"delete", "pods", "-l", "app=worker", "-n", "staging", "--force", "--grace-period=0"});
  s.Run({"delete", "pod", "-n", "staging"});
  s.Run({"auth", "can-i", "delete", "pods", "-n", "staging"});
  ExpectGolden("restart_pause_scale_delete", s.transcript());
}

// --sort-by, as kubectl's get.go and sorter.go print it: tables sort their rows (each
// request's Table on its own, so names given on the command line keep their order), the
// other formats sort the List of everything found (a lone named object is left alone).
TEST(KubectlGolden, SortBy) {
  Session s;
  s.Advance(Seconds(600));
  // The replacement of a deleted pod is the newest one.
  const std::string victim =
      s.kube().PodsOf(*s.kube().FindDeployment("production", "web"))[0]->name;
  s.Run({"delete", "pod", victim, "-n", "production"});
  s.Advance(Seconds(900));
  s.Run({"get", "pods", "-n", "production", "--sort-by=.metadata.creationTimestamp"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web",
         "--sort-by=.metadata.creationTimestamp", "-o", "jsonpath={.items[0].metadata.name}"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web",
         "--sort-by={.metadata.creationTimestamp}", "-o", "jsonpath={.items[-1].metadata.name}"});
  s.Run({"get", "pods", "-A", "--sort-by", "metadata.name", "--no-headers"});
  s.Run({"get", "pods", "-n", "production", "--sort-by=.status.podIP", "-o", "wide"});
  s.Run({"get", "deploy", "-n", "production", "--sort-by=.spec.replicas"});
  s.Run({"get", "deploy", "-A", "--sort-by=.spec.replicas", "-o", "name"});
  s.Run({"get", "deploy", "-A", "--sort-by=.metadata.name", "-o",
         "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"});
  s.Run({"get", "deployment", "web", "api", "-n", "production", "--sort-by=.metadata.name"});
  s.Run({"get", "deployment", "web", "api", "-n", "production", "--sort-by=.metadata.name", "-o",
         "name"});
  s.Run({"get", "deployment", "web", "-n", "production", "--sort-by=.metadata.name"});
  s.Run({"get", "deployment", "web", "-n", "production", "--sort-by=.metadata.foo", "-o", "name"});
  s.Run({"get", "deployment", "web", "-n", "production", "--sort-by=.metadata.foo"});
  s.Run({"get", "pods", "-n", "production", "--sort-by=.metadata.foo"});
  s.Run({"get", "pods", "-n", "production", "--sort-by=.metadata.foo", "-o", "json"});
  s.Run({"get", "deployment", "web", "nope", "api", "-n", "production", "--sort-by=.metadata.foo",
         "-o", "name"});
  s.Run({"get", "deployment", "web", "nope", "-n", "production", "--sort-by=.metadata.foo"});
  s.Run({"get", "deployment", "web", "nope", "api", "-n", "production", "--sort-by=.metadata.name",
         "-o", "name"});
  s.Run({"get", "pods", "-n", "empty", "--sort-by=.metadata.foo"});
  s.Run({"get", "pods", "-n", "empty", "--sort-by=.metadata.foo", "-o", "name"});
  s.Run({"get", "pods", "-n", "production", "--sort-by={.a}{.b}", "-o", "name"});
  s.Run({"get", "pods", "-n", "production", "--sort-by=.spec.containers[3].name", "-o", "name"});
  s.Run({"get", "pods", "-n", "production", "--sort-by=.spec.containers[3].name"});
  s.Run({"get", "deploy", "-n", "production", "--sort-by=.spec.template", "-o", "name"});
  s.Run({"get", "deploy", "-n", "production", "--sort-by=", "-o", "name"});
  ExpectGolden("sort_by", s.transcript());
}

TEST(KubectlGolden, StalledRolloutExceedsDeadline) {
  Session s;
  s.Run({"set", "image", "deployment/api", "api=registry.example.com/api:2.1", "-n", "production",
         "--record"});
  s.Run({"rollout", "status", "deployment/api", "-n", "production"});
  s.Run({"get", "deploy", "api", "-n", "production", "-o",
         "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=api"});
  s.Run({"rollout", "history", "deployment/api", "-n", "production"});
  ExpectGolden("stalled_rollout", s.transcript());
}

TEST(KubectlGolden, OutputFormats) {
  Session s;
  s.Advance(Seconds(120));
  s.Run({"get", "deployment", "web", "-n", "production", "-o", "json"});
  s.Run({"get", "pods", "-n", "staging", "-o", "json"});
  s.Run({"get", "rs", "-n", "staging", "-o", "yaml"});
  s.Run({"get", "deploy", "worker", "-n", "staging", "-o", "yaml"});
  s.Run({"get", "pods", "-n", "empty", "-o", "json"});
  s.Run({"get", "pods", "-n", "production", "-o", "name"});
  s.Run({"get", "deploy,rs", "-n", "production", "-o", "name"});
  s.Run({"get", "deploy", "-A", "-o", "name"});
  s.Run({"get", "pods", "-n", "production", "-o", "jsonpath={.items[*].metadata.name}"});
  s.Run({"get", "deployment", "web", "-n", "production", "-o", "jsonpath={.status.readyReplicas}"});
  s.Run({"get", "deployment", "web", "-n", "production", "-o",
         "jsonpath={.spec.template.spec.containers[0].image}"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web", "-o",
         "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"});
  s.Run({"get", "pods", "-n", "production", "-o", "jsonpath={.items[9].metadata.name}"});
  s.Run({"get", "deployment", "web", "-n", "production", "-o", "jsonpath={.status.foo}"});
  s.Run({"get", "pods", "-n", "production", "-o", "badformat"});
  s.Run({"get", "pods", "-n", "production", "-o", "custom-columns=NAME:.metadata.name"});
  ExpectGolden("output_formats", s.transcript());
}

TEST(KubectlGolden, DescribeAndLogs) {
  Session s;
  ASSERT_TRUE(s.kube().SetImage("production", "api", "registry.example.com/api:2.1", "").ok());
  s.Advance(Seconds(300));
  const world::kube::Deployment* api = s.kube().FindDeployment("production", "api");
  const std::string crashing = s.kube().PodsOf(*s.kube().CurrentReplicaSet(*api))[0]->name;
  const std::string healthy =
      s.kube().PodsOf(*s.kube().FindDeployment("production", "web"))[0]->name;
  s.Run({"describe", "pod", healthy, "-n", "production"});
  s.Run({"describe", "pod", crashing, "-n", "production"});
  s.Run({"describe", "deployment", "api", "-n", "production"});
  s.Run({"get", "pod", crashing, "-n", "production", "-o", "yaml"});
  s.Run({"describe", "pod", "nosuch", "-n", "production"});
  s.Run({"logs", crashing, "-n", "production"});
  s.Run({"logs", crashing, "-n", "production", "--previous"});
  s.Run({"logs", crashing, "-n", "production", "--tail=1"});
  s.Run({"logs", "deployment/web", "-n", "production", "--tail", "2"});
  s.Run({"logs", healthy, "-n", "production", "-c", "sidecar"});
  s.Run({"logs", healthy, "-n", "production", "-p"});
  s.Run({"logs", "nosuch", "-n", "production"});
  s.Run({"logs", "deploy/nosuch", "-n", "production"});
  s.Run({"logs", "-l", "app=web", "-n", "production"});
  s.Run({"logs", "-l", "app=nope", "-n", "production"});
  s.Run({"logs", crashing, "-n", "production", "-f"});
  ExpectGolden("describe_logs", s.transcript());
}

TEST(KubectlGolden, ReadinessOutage) {
  Session s;
  s.Advance(Seconds(120));
  ASSERT_TRUE(s.kube()
                  .SetReadiness("production", "web", false,
                                "readiness probe failed: GET /ready: database db-main unreachable")
                  .ok());
  ASSERT_TRUE(
      s.kube().SetLogs("production", "web", "level=error msg=\"database ping failed\"\n").ok());
  s.Advance(Seconds(180));
  s.Run({"get", "deployment", "web", "-n", "production", "-o", "jsonpath={.status.readyReplicas}"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  const std::string pod = s.kube().PodsOf(*s.kube().FindDeployment("production", "web"))[0]->name;
  s.Run({"describe", "pod", pod, "-n", "production"});
  s.Run({"rollout", "restart", "deployment/web", "-n", "production"});
  s.Run({"rollout", "status", "deployment/web", "-n", "production", "--timeout=1m"});
  s.Run({"logs", "deployment/web", "-n", "production"});
  ASSERT_TRUE(s.kube().SetReadiness("production", "web", true, "").ok());
  s.Run({"rollout", "status", "deployment/web", "-n", "production", "--timeout=1m"});
  s.Run({"get", "pods", "-n", "production", "-l", "app=web"});
  ExpectGolden("readiness_outage", s.transcript());
}

TEST(KubectlGolden, Errors) {
  Session s;
  s.Run({"get", "pods", "--foo"});
  s.Run({"get", "pods", "-x"});
  s.Run({"rollout", "undo", "deployment/web", "--bogus=1"});
  s.Run({"get"});
  s.Run({"get", "services"});
  s.Run({"get", "pods", "--watch"});
  s.Run({"get", "pods", "--field-selector=status.phase=Running"});
  s.Run({"exec", "web", "--", "ls"});
  s.Run({"port-forward", "svc/web", "8080:80"});
  s.Run({"frobnicate"});
  s.Run({"rollout", "status"});
  s.Run({"rollout", "status", "deployment/nope", "-n", "production"});
  s.Run({"rollout", "status", "daemonset/fluentd", "-n", "kube-system"});
  s.Run({"rollout", "restart", "deployment/nope", "-n", "production"});
  s.Run({"delete", "deployment", "web", "-n", "production"});
  s.Run({"set", "image", "deployment/web", "sidecar=envoy:1", "-n", "production"});
  s.Run({"get", "pods", "-n"});
  s.Run({"get", "pod", "nope", "-n", "production"});
  s.Run({"get", "pods", "nope", "-A"});
  s.Run({});
  ExpectGolden("errors", s.transcript());
}

// Integer flag values are checked as pflag does and answered as kubectl answers them.
TEST(KubectlGolden, IntegerFlagErrors) {
  Session s;
  s.Run({"scale", "deployment/api", "--replicas=abc", "-n", "production"});
  s.Run({"scale", "deployment/api", "--replicas=99999999999999999999", "-n", "production"});
  s.Run({"scale", "deployment/api", "--replicas=99999999999", "-n", "production"});
  s.Run({"scale", "deployment/api", "--replicas", "2", "--current-replicas=x", "-n", "production"});
  s.Run({"scale", "deployment/api", "--replicas=2", "--current-replicas=99999999999", "-n",
         "production"});
  s.Run({"scale", "deployment/api", "--replicas=0x3", "-n", "production"});
  s.Run({"rollout", "undo", "deployment/web", "--to-revision=x", "-n", "production"});
  s.Run({"rollout", "undo", "deployment/web", "--to-revision=99999999999", "-n", "production"});
  s.Run({"rollout", "undo", "deployment/web", "--to-revision=-1", "-n", "production"});
  s.Run({"rollout", "history", "deployment/web", "--revision=1e3", "-n", "production"});
  s.Run({"rollout", "history", "deployment/web", "--revision=99999999999", "-n", "production"});
  s.Run({"rollout", "status", "deployment/web", "--revision=99999999999", "-n", "production"});
  s.Run({"logs", "deployment/web", "--tail=x", "-n", "production"});
  s.Run({"logs", "deployment/web", "--tail=9223372036854775808", "-n", "production"});
  s.Run({"logs", "deployment/web", "--tail=9223372036854775807", "-n", "production"});
  s.Run({"delete", "pod", "nope", "--grace-period=soon", "-n", "production"});
  s.Run({"delete", "pod", "nope", "--force", "--grace-period=99999999999", "-n", "production"});
  s.Run({"get", "pods", "--chunk-size=1_0_", "-n", "production"});
  ExpectGolden("integer_flags", s.transcript());
}

// ---------------------------------------------------------------------------------------
// Behaviour

TEST(KubectlBackend, BadIntegerFlagAnswersLikeKubectl) {
  Session s;
  CommandResponse r = s.Run({"scale", "deployment/api", "--replicas=abc", "-n", "production"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data,
            "error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing "
            "\"abc\": invalid syntax\nSee 'kubectl scale --help' for usage.\n");
  // --replicas is an IntVar (int64): only past int64 is it out of range for the flag.
  r = s.Run({"scale", "deployment/api", "--replicas=99999999999999999999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "error: invalid argument \"99999999999999999999\" for \"--replicas\" flag: "
            "strconv.ParseInt: parsing \"99999999999999999999\": value out of range\nSee "
            "'kubectl scale --help' for usage.\n");
  r = s.Run({"rollout", "undo", "deployment/web", "--to-revision=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "error: invalid argument \"x\" for \"--to-revision\" flag: strconv.ParseInt: "
            "parsing \"x\": invalid syntax\nSee 'kubectl rollout undo --help' for usage.\n");
  r = s.Run({"logs", "web", "--tail=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "error: invalid argument \"x\" for \"--tail\" flag: strconv.ParseInt: parsing "
            "\"x\": invalid syntax\nSee 'kubectl logs --help' for usage.\n");
  r = s.Run({"logs", "web", "--tail=9223372036854775808"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "error: invalid argument \"9223372036854775808\" for \"--tail\" flag: "
            "strconv.ParseInt: parsing \"9223372036854775808\": value out of range\nSee "
            "'kubectl logs --help' for usage.\n");
}

TEST(KubectlBackend, InvalidUtf8FromTheUserDoesNotBreakJsonOutput) {
  Session s;
  CommandResponse r = s.Run(
      {"set", "image", "deployment/web", "web=nginx:1.25\xff", "--record", "-n", "production"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  r = s.Run({"get", "deployment", "web", "-n", "production", "-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  EXPECT_NE(r.stdout_data.find("nginx:1.25\xEF\xBF\xBD"), std::string::npos);
  r = s.Run({"get", "deployment", "web", "-n", "production", "-o",
             "jsonpath={.spec.template.spec.containers}"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  // The error text dumps the whole object.
  r = s.Run({"get", "deployment", "web", "-n", "production", "-o",
             "jsonpath={.spec.template.spec.containers[5]}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_data.find("array index out of bounds: index 5, length 1"), std::string::npos)
      << r.stderr_data;
}

TEST(KubectlBackend, LatencyDrawnWithinBoundsAndDeterministic) {
  auto times = [](uint64_t seed) {
    TestContext context(seed);
    EXPECT_TRUE(context.World().kube().Build(TestSpec()).ok());
    KubectlBackend backend;
    std::vector<int64_t> out;
    for (int i = 0; i < 5; ++i) {
      const SimTime before = context.Now();
      CommandRequest request;
      request.argv = {"kubectl", "get", "pods"};
      backend.Handle(request, context);
      out.push_back((context.Now() - before).count());
      EXPECT_GE(out.back(), 100);
      EXPECT_LE(out.back(), 300);
    }
    return out;
  };
  EXPECT_EQ(times(3), times(3));
  EXPECT_EQ(KubectlBackend().Program(), "kubectl");
}

TEST(KubectlBackend, RolloutStatusStopsWhenTheStepDeadlineComes) {
  Session s;
  s.context().horizon = Seconds(20);
  s.Run({"set", "image", "deployment/web", "web=nginx:1.26-broken", "-n", "production"});
  const CommandResponse r = s.Run({"rollout", "status", "deployment/web", "-n", "production"});
  EXPECT_EQ(s.context().Now(), Seconds(20));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_data,
            "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been "
            "updated...\n");
}

TEST(KubectlBackend, RolloutStatusWithoutTimeoutGivesUpAfterMaxWait) {
  TestContext context(5);
  ASSERT_TRUE(context.World().kube().Build(TestSpec()).ok());
  context.horizon = Seconds(7 * 86400);
  KubectlOptions options;
  options.min_latency = options.max_latency = SimDuration(100);
  options.max_wait = Seconds(3600);
  KubectlBackend backend(options);
  ASSERT_TRUE(context.World().kube().SetPaused("production", "web", true).ok());
  ASSERT_TRUE(context.World().kube().SetImage("production", "web", "nginx:1.26", "").ok());
  CommandRequest request;
  request.argv = {"kubectl", "rollout", "status", "deployment/web", "-n", "production"};
  const CommandResponse r = backend.Handle(request, context);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "rundrill: kubectl rollout status gave up after 1h of virtual time without --timeout "
            "(real kubectl would wait for ever)\n");
  EXPECT_EQ(context.Now(), Seconds(3600) + SimDuration(100));
}

TEST(KubectlBackend, SameSeedSameTranscript) {
  auto run = [](uint64_t seed) {
    Session s(seed);
    s.Run({"set", "image", "deployment/web", "web=nginx:1.26", "-n", "production"});
    s.Run({"rollout", "status", "deployment/web", "-n", "production"});
    s.Run({"get", "pods", "-A", "-o", "wide"});
    return s.transcript();
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

}  // namespace
}  // namespace rundrill::fakes
