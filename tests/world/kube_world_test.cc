#include "simulator/world/kube/kube_world.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rundrill::world {
namespace {

constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }

model::KubernetesSpec WebSpec(int replicas = 3) {
  model::KubernetesSpec spec;
  model::DeploymentSpec d;
  d.namespace_name = "production";
  d.name = "web";
  d.replicas = replicas;
  d.history = {{"nginx:1.24", "", {}}, {"nginx:1.25", "deploy 1.25", {}}};
  spec.deployments.push_back(d);
  model::ImageSpec bad;
  bad.image = "nginx:bad";
  bad.crashes = true;
  bad.crash_after = SimDuration(3000);
  bad.exit_code = 2;
  spec.images.push_back(bad);
  return spec;
}

KubeWorld Built(int replicas = 3, uint64_t seed = 42) {
  KubeWorld w(seed, Epoch{});
  EXPECT_TRUE(w.Build(WebSpec(replicas)).ok());
  return w;
}

std::vector<std::string> PodNames(const KubeWorld& w, const std::string& ns = "production") {
  std::vector<std::string> out;
  for (const auto& [name, pod] : w.FindNamespace(ns)->pods) out.push_back(name);
  return out;
}

TEST(KubeWorld, BuildStartsHealthyWithHistory) {
  KubeWorld w = Built();
  const std::optional<DeploymentState> s = w.Deployment("production", "web");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->image, "nginx:1.25");
  EXPECT_EQ(s->revision, 2);
  EXPECT_EQ(s->replicas, 3);
  EXPECT_EQ(s->ready, 3);
  EXPECT_TRUE(s->healthy);
  const kube::Deployment* d = w.FindDeployment("production", "web");
  const auto rss = w.ReplicaSetsOf(*d);
  ASSERT_EQ(rss.size(), 2u);
  EXPECT_EQ(rss[0]->replicas, 0);
  EXPECT_EQ(rss[1]->replicas, 3);
  EXPECT_EQ(rss[1]->change_cause, "deploy 1.25");
  EXPECT_EQ(rss[1]->template_hash.size(), 10u);
  EXPECT_EQ(rss[1]->name, "web-" + rss[1]->template_hash);
  for (const std::string& name : PodNames(w)) {
    EXPECT_EQ(name.size(), rss[1]->name.size() + 6) << name;
    EXPECT_EQ(name.substr(0, rss[1]->name.size() + 1), rss[1]->name + "-");
  }
  EXPECT_EQ(w.NextChangeTime(), SimTime::max());
  EXPECT_FALSE(w.Deployment("production", "nope"));
}

TEST(KubeWorld, NamesAreDeterministicPerSeed) {
  EXPECT_EQ(PodNames(Built(3, 7)), PodNames(Built(3, 7)));
  EXPECT_NE(PodNames(Built(3, 7)), PodNames(Built(3, 8)));
  KubeWorld a = Built(3, 7), b = Built(3, 7);
  ASSERT_TRUE(a.SetImage("production", "web", "nginx:1.26", "").ok());
  ASSERT_TRUE(b.SetImage("production", "web", "nginx:1.26", "").ok());
  a.AdvanceTo(Seconds(120));
  b.AdvanceTo(Seconds(120));
  EXPECT_EQ(PodNames(a), PodNames(b));
  EXPECT_EQ(a.Snapshot().dump(), b.Snapshot().dump());
}

TEST(KubeWorld, CrashLoopRestartCountsFollowBackOff) {
  KubeWorld w = Built(1);
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:bad", "").ok());
  const kube::Deployment* d = w.FindDeployment("production", "web");
  const kube::ReplicaSet* bad = w.CurrentReplicaSet(*d);
  ASSERT_NE(bad, nullptr);
  ASSERT_EQ(w.PodsOf(*bad).size(), 1u);
  const std::string pod = w.PodsOf(*bad)[0]->name;
  auto at = [&](int64_t ms) {
    w.AdvanceTo(SimTime(ms));
    return w.PodStatus(*w.FindPod("production", pod));
  };
  // created 0; starts at 2.5s; exits 5.5s; back-off 10s; starts 15.5s; exits 18.5s;
  // back-off 20s; starts 38.5s; exits 41.5s; back-off 40s; starts 81.5s.
  EXPECT_EQ(at(1000).status, "ContainerCreating");
  EXPECT_EQ(at(3000).status, "Running");
  kube::PodView v = at(6000);
  EXPECT_EQ(v.status, "Error");
  EXPECT_EQ(v.container.restart_count, 0);
  EXPECT_EQ(v.container.terminated->exit_code, 2);
  v = at(16000);
  EXPECT_EQ(v.status, "Running");
  EXPECT_EQ(v.container.restart_count, 1);
  v = at(19000);
  EXPECT_EQ(v.status, "CrashLoopBackOff");
  EXPECT_EQ(v.container.restart_count, 1);
  EXPECT_EQ(v.container.last_terminated->finished, SimTime(18500));
  EXPECT_EQ(at(39000).container.restart_count, 2);
  EXPECT_EQ(at(82000).container.restart_count, 3);
  // Back-off caps at 300s: after an hour the count grows by one per ~303s.
  const int after_hour = at(3600000).container.restart_count;
  const int after_two = at(7200000).container.restart_count;
  EXPECT_EQ(after_two - after_hour, 12);
  EXPECT_FALSE(v.ready);
}

TEST(KubeWorld, RolloutProgressesInVirtualTime) {
  KubeWorld w = Built(3);
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:1.26", "").ok());
  // 25%/25% of 3: surge 1, unavailable 0 → one new pod at a time.
  DeploymentState s = *w.Deployment("production", "web");
  EXPECT_EQ(s.revision, 3);
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(s.total, 4);
  EXPECT_EQ(s.ready, 3);
  EXPECT_EQ(w.NextChangeTime(), Seconds(2) + SimDuration(500));
  w.AdvanceTo(Seconds(5));  // first new pod ready → one old pod goes, second new pod
  s = *w.Deployment("production", "web");
  EXPECT_EQ(s.updated, 2);
  EXPECT_EQ(s.total, 4);
  EXPECT_EQ(s.ready, 3);
  w.AdvanceTo(Seconds(15));
  s = *w.Deployment("production", "web");
  EXPECT_TRUE(s.healthy);
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.image, "nginx:1.26");
  EXPECT_EQ(w.NextChangeTime(), SimTime::max());
}

TEST(KubeWorld, StalledRolloutHitsProgressDeadline) {
  KubeWorld w = Built(3);
  w.AdvanceTo(Seconds(60));
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:bad", "").ok());
  w.AdvanceTo(Seconds(600));
  DeploymentState s = *w.Deployment("production", "web");
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(s.ready, 3);  // old pods keep serving
  EXPECT_FALSE(s.healthy);
  const kube::Deployment* d = w.FindDeployment("production", "web");
  EXPECT_EQ(d->conditions[1].reason, "ReplicaSetUpdated");
  w.AdvanceTo(Seconds(660));
  d = w.FindDeployment("production", "web");
  EXPECT_EQ(d->conditions[1].type, "Progressing");
  EXPECT_EQ(d->conditions[1].status, "False");
  EXPECT_EQ(d->conditions[1].reason, "ProgressDeadlineExceeded");
  EXPECT_EQ(d->conditions[1].last_transition, Seconds(660));
}

TEST(KubeWorld, UndoReusesReplicaSetAndBumpsRevision) {
  KubeWorld w = Built(3);
  const kube::Deployment* d = w.FindDeployment("production", "web");
  const std::string old_rs = w.ReplicaSetsOf(*d)[0]->name;
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:bad", "bad deploy").ok());
  w.AdvanceTo(Seconds(30));
  StatusOr<UndoOutcome> undo = w.Undo("production", "web", 0);
  ASSERT_TRUE(undo.ok());
  EXPECT_EQ(*undo, UndoOutcome::kRolledBack);
  d = w.FindDeployment("production", "web");
  const kube::ReplicaSet* current = w.CurrentReplicaSet(*d);
  EXPECT_EQ(current->revision, 4);
  EXPECT_EQ(current->change_cause, "deploy 1.25");
  EXPECT_EQ(w.ReplicaSetsOf(*d).size(), 3u);
  w.AdvanceTo(Seconds(60));
  EXPECT_TRUE(w.Deployment("production", "web")->healthy);
  EXPECT_EQ(w.Deployment("production", "web")->image, "nginx:1.25");
  // Revision 1 → the first RS comes back with revision 5.
  undo = w.Undo("production", "web", 1);
  ASSERT_TRUE(undo.ok());
  EXPECT_EQ(*undo, UndoOutcome::kRolledBack);
  EXPECT_EQ(w.FindReplicaSet("production", old_rs)->revision, 5);
  EXPECT_EQ(*w.Undo("production", "web", 5), UndoOutcome::kSkipped);
  EXPECT_EQ(*w.Undo("production", "web", 9), UndoOutcome::kRevisionNotFound);
  EXPECT_FALSE(w.Undo("production", "nope", 0).ok());
}

TEST(KubeWorld, UndoWithoutHistory) {
  KubeWorld w(1, Epoch{});
  model::KubernetesSpec spec = WebSpec(1);
  spec.deployments[0].history.resize(1);
  ASSERT_TRUE(w.Build(spec).ok());
  EXPECT_EQ(*w.Undo("production", "web", 0), UndoOutcome::kNoHistory);
}

TEST(KubeWorld, DeletedPodIsReplaced) {
  KubeWorld w = Built(2);
  w.AdvanceTo(Seconds(100));
  const std::vector<std::string> before = PodNames(w);
  ASSERT_TRUE(w.DeletePod("production", before[0]).ok());
  const std::vector<std::string> after = PodNames(w);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(w.FindPod("production", before[0]), nullptr);
  std::string fresh = after[0] == before[1] ? after[1] : after[0];
  EXPECT_NE(fresh, before[0]);
  EXPECT_EQ(w.FindPod("production", fresh)->created, Seconds(100));
  EXPECT_EQ(w.Deployment("production", "web")->ready, 1);
  w.AdvanceTo(Seconds(105));
  EXPECT_EQ(w.Deployment("production", "web")->ready, 2);
  EXPECT_FALSE(w.DeletePod("production", "nope").ok());
}

TEST(KubeWorld, ReadinessFailureKeepsPodsRunningNotReady) {
  KubeWorld w = Built(2);
  ASSERT_TRUE(
      w.SetReadiness("production", "web", false, "HTTP probe failed with statuscode: 503").ok());
  const DeploymentState s = *w.Deployment("production", "web");
  EXPECT_EQ(s.ready, 0);
  EXPECT_EQ(s.total, 2);
  for (const auto& [name, pod] : w.FindNamespace("production")->pods) {
    const kube::PodView v = w.PodStatus(pod);
    EXPECT_EQ(v.status, "Running");
    EXPECT_FALSE(v.ready);
    EXPECT_EQ(v.container.restart_count, 0);
  }
  ASSERT_TRUE(w.SetReadiness("production", "web", true, "").ok());
  EXPECT_TRUE(w.Deployment("production", "web")->healthy);
}

TEST(KubeWorld, ScaleRestartPause) {
  KubeWorld w = Built(2);
  ASSERT_TRUE(w.Scale("production", "web", 4).ok());
  EXPECT_EQ(w.Deployment("production", "web")->total, 4);
  EXPECT_EQ(w.Deployment("production", "web")->ready, 2);
  w.AdvanceTo(Seconds(10));
  EXPECT_TRUE(w.Deployment("production", "web")->healthy);

  ASSERT_TRUE(w.SetPaused("production", "web", true).ok());
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:1.26", "").ok());
  w.AdvanceTo(Seconds(60));
  EXPECT_EQ(w.Deployment("production", "web")->updated, 0);  // paused: nothing rolls
  ASSERT_TRUE(w.SetPaused("production", "web", false).ok());
  w.AdvanceTo(Seconds(120));
  EXPECT_TRUE(w.Deployment("production", "web")->healthy);
  EXPECT_EQ(w.Deployment("production", "web")->image, "nginx:1.26");

  const int revision = w.Deployment("production", "web")->revision;
  ASSERT_TRUE(w.Restart("production", "web").ok());
  const kube::Deployment* d = w.FindDeployment("production", "web");
  EXPECT_EQ(d->pod_template.annotations.at("kubectl.kubernetes.io/restartedAt"),
            "2026-01-01T00:02:00Z");
  EXPECT_EQ(w.Deployment("production", "web")->revision, revision + 1);
  w.AdvanceTo(Seconds(200));
  EXPECT_TRUE(w.Deployment("production", "web")->healthy);
}

TEST(KubeWorld, EventsRecordScalingAndPodLifecycle) {
  KubeWorld w = Built(1);
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:bad", "").ok());
  w.AdvanceTo(Seconds(120));
  std::vector<std::string> reasons;
  int back_off_count = 0;
  for (const kube::Event& e : w.Events("production")) {
    reasons.push_back(e.reason);
    if (e.reason == "BackOff") back_off_count = e.count;
  }
  EXPECT_EQ(reasons[0], "ScalingReplicaSet");
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "SuccessfulCreate"), reasons.end());
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "Started"), reasons.end());
  EXPECT_EQ(back_off_count, 3);  // exits at 18.5s, 41.5s and 84.5s began back-off windows
}

TEST(KubeWorld, OperationsRejectUnknownTargets) {
  KubeWorld w = Built(1);
  EXPECT_EQ(w.SetImage("nope", "web", "x", "").message(), "unknown namespace \"nope\"");
  EXPECT_EQ(w.SetLogs("production", "api", "x").message(),
            "unknown deployment \"api\" in namespace \"production\"");
  EXPECT_FALSE(w.SetReadiness("production", "api", false, "").ok());
  EXPECT_FALSE(w.Scale("production", "web", -1).ok());
}

}  // namespace
}  // namespace rundrill::world
