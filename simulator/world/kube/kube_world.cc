#include "simulator/world/kube/kube_world.h"

#include <algorithm>
#include <set>

#include "simulator/world/kube/names.h"

namespace rundrill::world {
namespace {

constexpr char kRestartedAt[] = "kubectl.kubernetes.io/restartedAt";

// kube timestamps have one-second resolution; stamps written into objects are floored so
// that two actions within one second see the same value, as kubectl does.
SimTime FloorToSecond(SimTime t) {
  const int64_t ms = t.count();
  const int64_t floored = ms >= 0 ? ms / 1000 * 1000 : -((-ms + 999) / 1000 * 1000);
  return SimTime(floored);
}

}  // namespace

KubeWorld::KubeWorld(uint64_t seed, Epoch epoch)
    : seed_(seed), epoch_(epoch), root_(Random(seed).Split("kube")) {}

Status KubeWorld::Build(const model::KubernetesSpec& spec) {
  if (!namespaces_.empty()) return Status::Internal("KubeWorld::Build called twice");
  cluster_ = spec.cluster;
  for (const model::ImageSpec& image : spec.images) {
    kube::ImageBehavior b;
    b.crashes = image.crashes;
    b.crash_after = image.crash_after;
    b.exit_code = image.exit_code;
    b.startup = image.startup;
    b.log = image.log;
    images_[image.image] = b;
  }
  // Namespaces are older than anything in them; 30 days before the scenario by default.
  SimTime oldest = SimTime(-30LL * 86400000);
  for (const model::DeploymentSpec& d : spec.deployments) oldest = std::min(oldest, -d.age);
  EnsureNamespace("default", oldest);
  for (const std::string& ns : spec.namespaces) EnsureNamespace(ns, oldest);

  for (const model::DeploymentSpec& spec_d : spec.deployments) {
    const std::string where = "deployment " + spec_d.namespace_name + "/" + spec_d.name;
    if (spec_d.name.empty() || spec_d.namespace_name.empty()) {
      return Status::InvalidInput("a deployment needs a name and a namespace");
    }
    if (spec_d.history.empty()) return Status::InvalidInput(where + " has no revision history");
    if (spec_d.replicas < 0) return Status::InvalidInput(where + " has negative replicas");
    if (!kube::ParseIntOrPercent(spec_d.max_surge) ||
        !kube::ParseIntOrPercent(spec_d.max_unavailable)) {
      return Status::InvalidInput(where + ": max_surge/max_unavailable must be N or N%");
    }
    kube::Namespace& ns = EnsureNamespace(spec_d.namespace_name, oldest);
    if (ns.deployments.count(spec_d.name) != 0) {
      return Status::InvalidInput(where + " is declared twice");
    }
    kube::Deployment d;
    d.name = spec_d.name;
    d.namespace_name = spec_d.namespace_name;
    d.uid = kube::StableUid("deployment/" + d.namespace_name + "/" + d.name);
    d.created = -spec_d.age;
    d.replicas = spec_d.replicas;
    d.selector = spec_d.labels;
    if (d.selector.empty()) d.selector["app"] = d.name;
    d.pod_template.container = spec_d.container.empty() ? d.name : spec_d.container;
    d.pod_template.labels = d.selector;
    d.max_surge = spec_d.max_surge;
    d.max_unavailable = spec_d.max_unavailable;
    d.generation = 0;

    // Revisions are spread evenly over the deployment's life; the last one is live.
    const int64_t n = static_cast<int64_t>(spec_d.history.size());
    kube::ReplicaSet* live = nullptr;
    SimTime live_since{0};
    for (int64_t i = 0; i < n; ++i) {
      const model::RevisionSpec& rev = spec_d.history[static_cast<size_t>(i)];
      const SimTime at = d.created + spec_d.age * i / n;
      d.pod_template.image = rev.image;
      d.change_cause = rev.change_cause;
      ++d.generation;
      const std::string hash = kube::TemplateHash(d.pod_template);
      const std::string rs_name = d.name + "-" + hash;
      auto it = ns.replica_sets.find(rs_name);
      if (it == ns.replica_sets.end()) {
        kube::ReplicaSet rs;
        rs.name = rs_name;
        rs.namespace_name = ns.name;
        rs.deployment = d.name;
        rs.uid = kube::StableUid("replicaset/" + ns.name + "/" + rs_name);
        rs.template_hash = hash;
        rs.pod_template = d.pod_template;
        rs.created = at;
        rs.names = root_.Split("pods/" + ns.name + "/" + rs_name);
        it = ns.replica_sets.emplace(rs_name, std::move(rs)).first;
      }
      it->second.revision = MaxRevision(ns, d) + 1;
      it->second.change_cause = rev.change_cause;
      live = &it->second;
      live_since = at;
    }
    d.observed_generation = d.generation;
    live->replicas = d.replicas;
    for (int i = 0; i < d.replicas; ++i) CreatePod(ns, *live, live_since);
    const kube::ImageBehavior image = Image(d.pod_template.image);
    d.last_progress = image.crashes ? live_since : live_since + image.startup;
    ns.deployments.emplace(d.name, std::move(d));
  }
  // Nothing of the past is in the event log: real clusters keep events for one hour only.
  for (auto& [name, ns] : namespaces_) ns.events.clear();
  for (auto& [name, ns] : namespaces_) {
    for (auto& [dname, d] : ns.deployments) {
      // The live state is already settled: not progress made now.
      d.progress_signature = ProgressSignature(ns, d);
      UpdateConditions(ns, d);
    }
  }
  ReconcileAll();
  return Status::Ok();
}

kube::Namespace& KubeWorld::EnsureNamespace(const std::string& ns, SimTime created) {
  auto it = namespaces_.find(ns);
  if (it != namespaces_.end()) return it->second;
  kube::Namespace n;
  n.name = ns;
  n.created = created;
  return namespaces_.emplace(ns, std::move(n)).first->second;
}

StatusOr<kube::Deployment*> KubeWorld::MutableDeployment(const std::string& ns,
                                                         const std::string& name) {
  auto it = namespaces_.find(ns);
  if (it == namespaces_.end()) return Status::InvalidInput("unknown namespace \"" + ns + "\"");
  auto d = it->second.deployments.find(name);
  if (d == it->second.deployments.end()) {
    return Status::InvalidInput("unknown deployment \"" + name + "\" in namespace \"" + ns + "\"");
  }
  return &d->second;
}

void KubeWorld::AdvanceTo(SimTime t) {
  if (t <= now_) return;
  for (;;) {
    const SimTime next = NextChangeTime();
    if (next > t) break;
    now_ = next;
    ReconcileAll();
  }
  now_ = t;
  ReconcileAll();
}

SimTime KubeWorld::NextChangeTime() const {
  SimTime next = SimTime::max();
  for (const auto& [nsname, ns] : namespaces_) {
    for (const auto& [name, pod] : ns.pods) {
      next = std::min(next, kube::NextPodChange(Image(pod.pod_template.image), pod.created, now_));
    }
    for (const auto& [name, d] : ns.deployments) {
      const std::optional<SimTime> deadline = DeadlineOf(d);
      if (deadline && *deadline > now_) next = std::min(next, *deadline);
    }
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Operations

Status KubeWorld::SetImage(const std::string& ns, const std::string& deployment,
                           const std::string& image, const std::string& change_cause) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  if (!change_cause.empty()) (*d)->change_cause = change_cause;
  if ((*d)->pod_template.image != image) {
    (*d)->pod_template.image = image;
    ++(*d)->generation;
  }
  ReconcileAll();
  return Status::Ok();
}

Status KubeWorld::SetLogs(const std::string& ns, const std::string& deployment,
                          const std::string& text) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  kube::Namespace& n = namespaces_.at(ns);
  for (auto& [name, pod] : n.pods) {
    if (pod.deployment == deployment) pod.log_override = text;
  }
  const std::string current = deployment + "-" + kube::TemplateHash((*d)->pod_template);
  auto rs = n.replica_sets.find(current);
  if (rs != n.replica_sets.end()) rs->second.log_override = text;
  return Status::Ok();
}

Status KubeWorld::SetReadiness(const std::string& ns, const std::string& deployment, bool ready,
                               const std::string& reason) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  if (ready && !(*d)->readiness_ok) {
    // The probe failures already reported stay in the event log after the probe recovers.
    kube::Namespace& n = namespaces_.at(ns);
    for (const kube::Pod* pod : PodsOf(**d)) {
      std::vector<kube::Event> lifecycle;
      AppendPodEvents(*pod, lifecycle);
      for (kube::Event& e : lifecycle) {
        if (e.reason != "Unhealthy") continue;
        e.sequence = next_event_sequence_++;
        n.events.push_back(std::move(e));
      }
    }
  }
  if ((*d)->readiness_ok != ready) (*d)->readiness_since = now_;
  (*d)->readiness_ok = ready;
  (*d)->readiness_reason = reason;
  ReconcileAll();
  return Status::Ok();
}

Status KubeWorld::Scale(const std::string& ns, const std::string& deployment, int replicas) {
  if (replicas < 0) return Status::InvalidInput("replicas must not be negative");
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  if ((*d)->replicas != replicas) {
    (*d)->replicas = replicas;
    ++(*d)->generation;
  }
  ReconcileAll();
  return Status::Ok();
}

Status KubeWorld::Restart(const std::string& ns, const std::string& deployment) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  (*d)->pod_template.annotations[kRestartedAt] = epoch_.Rfc3339(FloorToSecond(now_));
  ++(*d)->generation;
  ReconcileAll();
  return Status::Ok();
}

Status KubeWorld::SetPaused(const std::string& ns, const std::string& deployment, bool paused) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  if ((*d)->paused != paused) {
    (*d)->paused = paused;
    ++(*d)->generation;
    // Resuming restarts the progress clock (the controller sets DeploymentResumed).
    if (!paused) (*d)->last_progress = now_;
  }
  ReconcileAll();
  return Status::Ok();
}

StatusOr<UndoOutcome> KubeWorld::Undo(const std::string& ns, const std::string& deployment,
                                      int to_revision) {
  StatusOr<kube::Deployment*> d = MutableDeployment(ns, deployment);
  if (!d.ok()) return d.status();
  const std::vector<const kube::ReplicaSet*> history = ReplicaSetsOf(**d);
  const kube::ReplicaSet* target = nullptr;
  if (to_revision > 0) {
    for (const kube::ReplicaSet* rs : history) {
      if (rs->revision == to_revision) target = rs;
    }
    if (!target) return UndoOutcome::kRevisionNotFound;
  } else {
    // The second-newest revision, as kubectl's deploymentRevision picks it.
    if (history.size() < 2) return UndoOutcome::kNoHistory;
    target = history[history.size() - 2];
  }
  if (target->pod_template == (*d)->pod_template) return UndoOutcome::kSkipped;
  (*d)->pod_template = target->pod_template;
  (*d)->change_cause = target->change_cause;
  ++(*d)->generation;
  ReconcileAll();
  return UndoOutcome::kRolledBack;
}

Status KubeWorld::DeletePod(const std::string& ns, const std::string& pod) {
  auto it = namespaces_.find(ns);
  if (it == namespaces_.end() || it->second.pods.count(pod) == 0) {
    return Status::InvalidInput("unknown pod \"" + pod + "\" in namespace \"" + ns + "\"");
  }
  RemovePod(it->second, pod);
  ReconcileAll();
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Reads

std::optional<DeploymentState> KubeWorld::Deployment(const std::string& ns,
                                                     const std::string& name) const {
  const kube::Deployment* d = FindDeployment(ns, name);
  if (!d) return std::nullopt;
  DeploymentState s;
  s.image = d->pod_template.image;
  const kube::ReplicaSet* current = CurrentReplicaSet(*d);
  if (current) {
    s.revision = current->revision;
  } else {
    for (const kube::ReplicaSet* rs : ReplicaSetsOf(*d))
      s.revision = std::max(s.revision, rs->revision);
  }
  const ReplicaCounts c = Counts(*d);
  s.replicas = d->replicas;
  s.updated = c.updated;
  s.ready = c.ready;
  s.available = c.available;
  s.total = c.replicas;
  s.healthy = s.updated == s.replicas && s.ready == s.replicas && s.total == s.replicas;
  return s;
}

const kube::Namespace* KubeWorld::FindNamespace(const std::string& ns) const {
  auto it = namespaces_.find(ns);
  return it == namespaces_.end() ? nullptr : &it->second;
}

const kube::Deployment* KubeWorld::FindDeployment(const std::string& ns,
                                                  const std::string& name) const {
  const kube::Namespace* n = FindNamespace(ns);
  if (!n) return nullptr;
  auto it = n->deployments.find(name);
  return it == n->deployments.end() ? nullptr : &it->second;
}

const kube::ReplicaSet* KubeWorld::FindReplicaSet(const std::string& ns,
                                                  const std::string& name) const {
  const kube::Namespace* n = FindNamespace(ns);
  if (!n) return nullptr;
  auto it = n->replica_sets.find(name);
  return it == n->replica_sets.end() ? nullptr : &it->second;
}

const kube::Pod* KubeWorld::FindPod(const std::string& ns, const std::string& name) const {
  const kube::Namespace* n = FindNamespace(ns);
  if (!n) return nullptr;
  auto it = n->pods.find(name);
  return it == n->pods.end() ? nullptr : &it->second;
}

const kube::ReplicaSet* KubeWorld::CurrentReplicaSet(const kube::Deployment& d) const {
  return FindReplicaSet(d.namespace_name, d.name + "-" + kube::TemplateHash(d.pod_template));
}

std::vector<const kube::ReplicaSet*> KubeWorld::ReplicaSetsOf(const kube::Deployment& d) const {
  std::vector<const kube::ReplicaSet*> out;
  const kube::Namespace* n = FindNamespace(d.namespace_name);
  if (!n) return out;
  for (const auto& [name, rs] : n->replica_sets) {
    if (rs.deployment == d.name) out.push_back(&rs);
  }
  // Revisions are unique per deployment; the name breaks ties for safety.
  std::sort(out.begin(), out.end(), [](const kube::ReplicaSet* a, const kube::ReplicaSet* b) {
    return a->revision != b->revision ? a->revision < b->revision : a->name < b->name;
  });
  return out;
}

std::vector<const kube::Pod*> KubeWorld::PodsOf(const kube::ReplicaSet& rs) const {
  std::vector<const kube::Pod*> out;
  const kube::Namespace* n = FindNamespace(rs.namespace_name);
  if (!n) return out;
  for (const auto& [name, pod] : n->pods) {
    if (pod.replica_set == rs.name) out.push_back(&pod);
  }
  return out;
}

std::vector<const kube::Pod*> KubeWorld::PodsOf(const kube::Deployment& d) const {
  std::vector<const kube::Pod*> out;
  const kube::Namespace* n = FindNamespace(d.namespace_name);
  if (!n) return out;
  for (const auto& [name, pod] : n->pods) {
    if (pod.deployment == d.name) out.push_back(&pod);
  }
  return out;
}

kube::PodView KubeWorld::PodStatus(const kube::Pod& pod) const {
  bool readiness_ok = true;
  SimTime since = SimTime::min();
  if (const kube::Deployment* d = FindDeployment(pod.namespace_name, pod.deployment)) {
    readiness_ok = d->readiness_ok;
    since = d->readiness_since;
  }
  return kube::PodAt(Image(pod.pod_template.image), pod.created, readiness_ok, since, now_);
}

ReplicaCounts KubeWorld::Counts(const kube::Deployment& d) const {
  ReplicaCounts c;
  const std::string current = kube::TemplateHash(d.pod_template);
  for (const kube::Pod* pod : PodsOf(d)) {
    ++c.replicas;
    if (pod->template_hash == current) ++c.updated;
    if (PodStatus(*pod).ready) {
      ++c.ready;
      ++c.available;
    }
  }
  c.unavailable = std::max(0, d.replicas - c.available);
  return c;
}

ReplicaCounts KubeWorld::Counts(const kube::ReplicaSet& rs) const {
  ReplicaCounts c;
  for (const kube::Pod* pod : PodsOf(rs)) {
    ++c.replicas;
    ++c.updated;
    if (PodStatus(*pod).ready) {
      ++c.ready;
      ++c.available;
    }
  }
  c.unavailable = std::max(0, rs.replicas - c.available);
  return c;
}

kube::RollingLimits KubeWorld::Limits(const kube::Deployment& d) const {
  return kube::ResolveRollingLimits(d.max_surge, d.max_unavailable, d.replicas);
}

kube::ImageBehavior KubeWorld::Image(const std::string& image) const {
  auto it = images_.find(image);
  return it == images_.end() ? kube::ImageBehavior{} : it->second;
}

std::string KubeWorld::PodLog(const kube::Pod& pod) const {
  if (pod.log_override) return *pod.log_override;
  return Image(pod.pod_template.image).log;
}

}  // namespace rundrill::world
