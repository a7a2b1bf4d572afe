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

// An image whose container passes its readiness probe and crashes later: 20s runs, 5s
// startup (first run ready 5s after creation, restarts 5s after they start).
kube::ImageBehavior SlowCrash() {
  kube::ImageBehavior image;
  image.crashes = true;
  image.crash_after = SimDuration(20000);
  image.startup = SimDuration(5000);
  return image;
}

TEST(PodLifecycle, CrashingImageIsReadyUntilEachExit) {
  const kube::ImageBehavior image = SlowCrash();
  auto at = [&](int64_t ms) {
    return kube::PodAt(image, SimTime(0), true, SimTime::min(), SimTime(ms));
  };
  // created 0; starts 2.5s; ready 5s; exits 22.5s; back-off 10s; starts 32.5s; ready 37.5s;
  // exits 52.5s; back-off 20s; starts 72.5s; ready 77.5s; exits 92.5s; back-off 40s.
  EXPECT_EQ(at(3000).status, "Running");
  EXPECT_FALSE(at(3000).ready);
  kube::PodView v = at(6000);
  EXPECT_TRUE(v.ready);
  EXPECT_EQ(v.status, "Running");
  EXPECT_EQ(v.container.ready_since, SimTime(5000));
  EXPECT_FALSE(v.container.not_ready_since);
  EXPECT_TRUE(at(22000).ready);  // the first run started at 2.5s, so it exits at 22.5s
  v = at(23000);
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.status, "Error");
  EXPECT_EQ(v.container.not_ready_since, SimTime(22500));
  v = at(33000);  // restarted, not yet passing its probe
  EXPECT_EQ(v.status, "Running");
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.container.restart_count, 1);
  v = at(38000);
  EXPECT_TRUE(v.ready);
  EXPECT_EQ(v.container.ready_since, SimTime(37500));
  EXPECT_EQ(v.container.restart_count, 1);
  v = at(53000);
  EXPECT_EQ(v.status, "CrashLoopBackOff");
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.container.restart_count, 1);
  EXPECT_EQ(v.container.not_ready_since, SimTime(52500));
  EXPECT_FALSE(at(73000).ready);
  v = at(78000);
  EXPECT_TRUE(v.ready);
  EXPECT_EQ(v.container.restart_count, 2);
  EXPECT_EQ(at(93000).status, "CrashLoopBackOff");
  EXPECT_EQ(at(133000).container.restart_count, 3);  // back-off 40s: starts again at 132.5s
  EXPECT_TRUE(at(138000).ready);

  // NextPodChange names every start, ready and exit in order.
  std::vector<int64_t> changes;
  for (SimTime t(0); changes.size() < 10;) {
    t = kube::NextPodChange(image, SimTime(0), t);
    changes.push_back(t.count());
  }
  EXPECT_EQ(changes, (std::vector<int64_t>{2500, 5000, 22500, 32500, 37500, 52500, 72500, 77500,
                                           92500, 132500}));
}

TEST(PodLifecycle, CrashingImageExitingWithinStartupIsNeverReady) {
  for (int64_t crash_after : {1500, 3000, 5000}) {
    kube::ImageBehavior image = SlowCrash();
    image.crash_after = SimDuration(crash_after);
    for (SimTime t(0); t < SimTime(600000);) {
      EXPECT_FALSE(kube::PodAt(image, SimTime(0), true, SimTime::min(), t).ready)
          << crash_after << " " << t.count();
      const SimTime next = kube::NextPodChange(image, SimTime(0), t);
      // Only starts and exits: a change every other instant is a restart or an exit.
      const kube::PodView before = kube::PodAt(image, SimTime(0), true, SimTime::min(), t);
      const kube::PodView after = kube::PodAt(image, SimTime(0), true, SimTime::min(), next);
      EXPECT_NE(before.status + std::to_string(before.container.restart_count),
                after.status + std::to_string(after.container.restart_count))
          << crash_after << " " << t.count();
      t = next;
    }
  }
}

TEST(PodLifecycle, ReadinessFailureOverridesTheCrashLoopWindow) {
  const kube::ImageBehavior image = SlowCrash();
  // The probe fails from 10s on: ready 5s..10s, then never again while it fails.
  auto failing = [&](int64_t ms) {
    return kube::PodAt(image, SimTime(0), false, SimTime(10000), SimTime(ms));
  };
  EXPECT_TRUE(kube::PodAt(image, SimTime(0), true, SimTime::min(), SimTime(12000)).ready);
  kube::PodView v = failing(12000);
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.status, "Running");
  EXPECT_EQ(v.container.not_ready_since, SimTime(10000));
  EXPECT_FALSE(failing(38000).ready);
  EXPECT_EQ(failing(38000).container.not_ready_since, SimTime(10000));
  // It passes again from 40s: the run that started at 32.5s is ready from then on.
  auto recovered = [&](int64_t ms) {
    return kube::PodAt(image, SimTime(0), true, SimTime(40000), SimTime(ms));
  };
  EXPECT_FALSE(recovered(38000).ready);
  v = recovered(41000);
  EXPECT_TRUE(v.ready);
  EXPECT_EQ(v.container.ready_since, SimTime(40000));
}

TEST(KubeWorld, RolloutProgressesThroughImageThatCrashesAfterReadiness) {
  model::KubernetesSpec spec = WebSpec(3);
  model::ImageSpec slow;
  slow.image = "nginx:slow-crash";
  slow.crashes = true;
  slow.crash_after = SimDuration(20000);
  slow.startup = SimDuration(5000);
  spec.images.push_back(slow);
  KubeWorld w(42, Epoch{});
  ASSERT_TRUE(w.Build(spec).ok());
  ASSERT_TRUE(w.SetImage("production", "web", "nginx:slow-crash", "").ok());
  // 25%/25% of 3: surge 1, unavailable 0. Each new pod passes readiness 5s after it is
  // created, which lets the controller replace one old pod at a time.
  EXPECT_EQ(w.NextChangeTime(), SimTime(2500));
  w.AdvanceTo(SimTime(2500));
  EXPECT_EQ(w.NextChangeTime(), Seconds(5));  // the first new pod becomes ready
  w.AdvanceTo(Seconds(5));
  DeploymentState s = *w.Deployment("production", "web");
  EXPECT_EQ(s.updated, 2);
  EXPECT_EQ(s.ready, 3);
  w.AdvanceTo(Seconds(15));
  s = *w.Deployment("production", "web");
  EXPECT_TRUE(s.healthy);  // the bad deploy passed readiness: the rollout completed
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.updated, 3);
  const kube::Deployment* d = w.FindDeployment("production", "web");
  EXPECT_EQ(d->conditions[1].reason, "NewReplicaSetAvailable");
  EXPECT_EQ(w.ReplicaSetsOf(*d)[1]->replicas, 0);  // nginx:1.25 is gone
  // Pods created at 0s, 5s and 10s exit at 22.5s, 27.5s and 32.5s.
  EXPECT_EQ(w.NextChangeTime(), SimTime(22500));
  w.AdvanceTo(Seconds(23));
  EXPECT_EQ(w.Deployment("production", "web")->ready, 2);
  EXPECT_FALSE(w.Deployment("production", "web")->healthy);
  w.AdvanceTo(Seconds(33));
  s = *w.Deployment("production", "web");
  EXPECT_EQ(s.ready, 0);
  EXPECT_EQ(s.available, 0);
  EXPECT_EQ(s.total, 3);
  // The first pod's second run passes its probe at 37.5s.
  w.AdvanceTo(Seconds(38));
  EXPECT_EQ(w.Deployment("production", "web")->ready, 1);
  int restarts = 0;
  for (const auto& [name, pod] : w.FindNamespace("production")->pods) {
    restarts += w.PodStatus(pod).container.restart_count;
  }
  EXPECT_EQ(restarts, 2);  // the third pod exited at 32.5s and restarts at 42.5s
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
