// The deployment controller and the replica-set controller, acting instantly at Now().
// Follows kubernetes pkg/controller/deployment (rolling.go, sync.go) closely enough that
// rollouts take the same steps; a reconcile runs until nothing changes at this instant.

#include <algorithm>

#include "simulator/world/kube/kube_world.h"
#include "simulator/world/kube/names.h"

namespace rundrill::world {
namespace {

std::string ScaleMessage(const std::string& rs, int from, int to) {
  return std::string("Scaled ") + (to > from ? "up" : "down") + " replica set " + rs + " to " +
         std::to_string(to) + " from " + std::to_string(from);
}

}  // namespace

void KubeWorld::ReconcileAll() {
  for (auto& [nsname, ns] : namespaces_) {
    for (auto& [name, d] : ns.deployments) Reconcile(ns, d);
  }
}

void KubeWorld::Reconcile(kube::Namespace& ns, kube::Deployment& d) {
  // Each pass moves at least one replica; the bound only guards against a modelling bug.
  for (int pass = 0; pass < 1000 && ReconcileOnce(ns, d); ++pass) {
  }
  UpdateConditions(ns, d);
}

int KubeWorld::MaxRevision(const kube::Namespace& ns, const kube::Deployment& d) const {
  int max = 0;
  for (const auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment == d.name) max = std::max(max, rs.revision);
  }
  return max;
}

kube::ReplicaSet& KubeWorld::FindOrCreateReplicaSet(kube::Namespace& ns, kube::Deployment& d) {
  const std::string hash = kube::TemplateHash(d.pod_template);
  const std::string name = d.name + "-" + hash;
  auto it = ns.replica_sets.find(name);
  if (it != ns.replica_sets.end()) return it->second;
  kube::ReplicaSet rs;
  rs.name = name;
  rs.namespace_name = ns.name;
  rs.deployment = d.name;
  rs.uid = kube::StableUid("replicaset/" + ns.name + "/" + name);
  rs.template_hash = hash;
  rs.pod_template = d.pod_template;
  rs.created = now_;
  rs.names = root_.Split("pods/" + ns.name + "/" + name);
  return ns.replica_sets.emplace(name, std::move(rs)).first->second;
}

int KubeWorld::AvailableIn(const kube::Namespace& ns, const kube::ReplicaSet& rs) const {
  int available = 0;
  for (const auto& [name, pod] : ns.pods) {
    if (pod.replica_set == rs.name && PodStatus(pod).ready) ++available;
  }
  return available;
}

bool KubeWorld::ReconcileOnce(kube::Namespace& ns, kube::Deployment& d) {
  d.observed_generation = d.generation;
  bool changed = false;
  for (auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment != d.name) continue;
    const size_t before = PodsOf(rs).size();
    SyncPods(ns, rs);
    if (PodsOf(rs).size() != before) changed = true;
  }
  if (d.paused) return ReconcilePaused(ns, d) || changed;

  kube::ReplicaSet& current = FindOrCreateReplicaSet(ns, d);
  // A reused ReplicaSet (undo, or an image set back) takes the next revision number.
  int max_other = 0;
  for (const auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment == d.name && rs.name != current.name) {
      max_other = std::max(max_other, rs.revision);
    }
  }
  if (current.revision <= max_other) {
    current.revision = max_other + 1;
    changed = true;
  }
  // The controller copies the deployment's change-cause onto its current ReplicaSet.
  if (!d.change_cause.empty() && current.change_cause != d.change_cause) {
    current.change_cause = d.change_cause;
    changed = true;
  }

  std::vector<kube::ReplicaSet*> old;
  int total = 0;
  for (auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment != d.name) continue;
    total += rs.replicas;
    if (rs.name != current.name && rs.replicas > 0) old.push_back(&rs);
  }
  const kube::RollingLimits limits = Limits(d);

  // reconcileNewReplicaSet
  if (current.replicas > d.replicas) {
    ScaleReplicaSet(ns, d, current, d.replicas);
    return true;
  }
  if (current.replicas < d.replicas) {
    const int max_total = d.replicas + limits.max_surge;
    if (total < max_total) {
      const int up = std::min(max_total - total, d.replicas - current.replicas);
      ScaleReplicaSet(ns, d, current, current.replicas + up);
      return true;
    }
  }

  // reconcileOldReplicaSets; oldest first (creation time, then name for equal times).
  if (old.empty()) return changed;
  std::sort(old.begin(), old.end(), [](const kube::ReplicaSet* a, const kube::ReplicaSet* b) {
    return a->created != b->created ? a->created < b->created : a->name < b->name;
  });
  const int min_available = d.replicas - limits.max_unavailable;
  const int new_unavailable = current.replicas - AvailableIn(ns, current);
  const int max_scaled_down = total - min_available - new_unavailable;
  if (max_scaled_down <= 0) return changed;
  // Unhealthy old replicas go first, or they would block the rollout (kubernetes #16737).
  int cleaned = 0;
  for (kube::ReplicaSet* rs : old) {
    if (cleaned >= max_scaled_down) break;
    const int unhealthy = rs->replicas - AvailableIn(ns, *rs);
    if (unhealthy <= 0) continue;
    const int down = std::min(unhealthy, max_scaled_down - cleaned);
    ScaleReplicaSet(ns, d, *rs, rs->replicas - down);
    cleaned += down;
    changed = true;
  }
  int available = 0;
  for (const auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment == d.name) available += AvailableIn(ns, rs);
  }
  if (available <= min_available) return changed;
  const int to_scale = available - min_available;
  int done = 0;
  for (kube::ReplicaSet* rs : old) {
    if (done >= to_scale) break;
    if (rs->replicas == 0) continue;
    const int down = std::min(rs->replicas, to_scale - done);
    ScaleReplicaSet(ns, d, *rs, rs->replicas - down);
    done += down;
    changed = true;
  }
  return changed;
}

bool KubeWorld::ReconcilePaused(kube::Namespace& ns, kube::Deployment& d) {
  // A paused deployment makes no new ReplicaSet; only the replica count is kept, on the
  // newest ReplicaSet that has replicas (proportional scaling is not modelled).
  kube::ReplicaSet* target = nullptr;
  int total = 0;
  for (auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment != d.name) continue;
    total += rs.replicas;
    if (rs.replicas > 0 && (!target || rs.revision > target->revision)) target = &rs;
  }
  if (!target) {
    for (auto& [name, rs] : ns.replica_sets) {
      if (rs.deployment == d.name && (!target || rs.revision > target->revision)) target = &rs;
    }
  }
  if (!target || total == d.replicas) return false;
  ScaleReplicaSet(ns, d, *target, std::max(0, target->replicas + d.replicas - total));
  return true;
}

void KubeWorld::ScaleReplicaSet(kube::Namespace& ns, kube::Deployment& d, kube::ReplicaSet& rs,
                                int replicas) {
  if (replicas == rs.replicas) return;
  kube::Event e;
  e.type = "Normal";
  e.reason = "ScalingReplicaSet";
  e.object_kind = "Deployment";
  e.object_name = d.name;
  e.object_uid = d.uid;
  e.source = "deployment-controller";
  e.message = ScaleMessage(rs.name, rs.replicas, replicas);
  Record(ns, std::move(e));
  rs.replicas = replicas;
  SyncPods(ns, rs);
}

void KubeWorld::SyncPods(kube::Namespace& ns, kube::ReplicaSet& rs) {
  std::vector<const kube::Pod*> pods = PodsOf(rs);
  const int have = static_cast<int>(pods.size());
  for (int i = have; i < rs.replicas; ++i) CreatePod(ns, rs, now_);
  if (have <= rs.replicas) return;
  // Which pods go first, after the ReplicaSet controller's ranking: not yet running, not
  // ready, more restarts, newer; the name makes the order total.
  struct Ranked {
    const kube::Pod* pod;
    bool running, ready;
    int restarts;
  };
  std::vector<Ranked> ranked;
  for (const kube::Pod* p : pods) {
    const kube::PodView v = PodStatus(*p);
    ranked.push_back({p, v.phase == "Running", v.ready, v.container.restart_count});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.running != b.running) return !a.running;
    if (a.ready != b.ready) return !a.ready;
    if (a.restarts != b.restarts) return a.restarts > b.restarts;
    if (a.pod->created != b.pod->created) return a.pod->created > b.pod->created;
    return a.pod->name < b.pod->name;
  });
  std::vector<std::string> doomed;
  for (int i = 0; i < have - rs.replicas; ++i) doomed.push_back(ranked[i].pod->name);
  for (const std::string& name : doomed) {
    kube::Event e;
    e.type = "Normal";
    e.reason = "SuccessfulDelete";
    e.object_kind = "ReplicaSet";
    e.object_name = rs.name;
    e.object_uid = rs.uid;
    e.source = "replicaset-controller";
    e.message = "Deleted pod: " + name;
    Record(ns, std::move(e));
    RemovePod(ns, name);
  }
}

void KubeWorld::CreatePod(kube::Namespace& ns, kube::ReplicaSet& rs, SimTime created) {
  kube::Pod pod;
  do {
    pod.name = rs.name + "-" + kube::PodSuffix(rs.names);
  } while (ns.pods.count(pod.name) != 0);
  pod.namespace_name = ns.name;
  pod.replica_set = rs.name;
  pod.deployment = rs.deployment;
  pod.template_hash = rs.template_hash;
  pod.pod_template = rs.pod_template;
  pod.created = created;
  pod.uid =
      kube::StableUid("pod/" + ns.name + "/" + pod.name + "/" + std::to_string(created.count()));
  // Placement: three worker nodes, an address in the node's pod CIDR.
  Random placement = root_.Split("placement/" + ns.name + "/" + pod.name);
  const uint32_t node = 1 + placement.Below(3);
  pod.node = "node-" + std::to_string(node);
  pod.host_ip = "10.0.1." + std::to_string(10 + node);
  pod.ip = "10.244." + std::to_string(node) + "." + std::to_string(2 + placement.Below(250));
  pod.log_override = rs.log_override;

  kube::Event e;
  e.type = "Normal";
  e.reason = "SuccessfulCreate";
  e.object_kind = "ReplicaSet";
  e.object_name = rs.name;
  e.object_uid = rs.uid;
  e.source = "replicaset-controller";
  e.message = "Created pod: " + pod.name;
  e.first = e.last = created;
  const std::string name = pod.name;
  ns.pods.emplace(name, std::move(pod));
  Record(ns, std::move(e));
}

void KubeWorld::RemovePod(kube::Namespace& ns, const std::string& name) {
  auto it = ns.pods.find(name);
  if (it == ns.pods.end()) return;
  const kube::PodView v = PodStatus(it->second);
  // The pod's derived events outlive it, as stored events do on a real apiserver.
  std::vector<kube::Event> lifecycle;
  AppendPodEvents(it->second, lifecycle);
  for (kube::Event& e : lifecycle) {
    e.sequence = next_event_sequence_++;
    ns.events.push_back(std::move(e));
  }
  if (v.container.starts > 0) {
    kube::Event e;
    e.type = "Normal";
    e.reason = "Killing";
    e.object_kind = "Pod";
    e.object_name = name;
    e.object_uid = it->second.uid;
    e.field_path = "spec.containers{" + it->second.pod_template.container + "}";
    e.source = "kubelet";
    e.host = it->second.node;
    e.message = "Stopping container " + it->second.pod_template.container;
    Record(ns, std::move(e));
  }
  ns.pods.erase(it);
}

void KubeWorld::Record(kube::Namespace& ns, kube::Event event) {
  event.namespace_name = ns.name;
  if (event.first == SimTime(0) && event.last == SimTime(0)) event.first = event.last = now_;
  // Fold a repeat of the same event into the existing one, like the event correlator.
  for (kube::Event& e : ns.events) {
    if (e.object_uid == event.object_uid && e.reason == event.reason &&
        e.message == event.message && e.type == event.type) {
      ++e.count;
      e.last = event.last;
      return;
    }
  }
  event.sequence = next_event_sequence_++;
  ns.events.push_back(std::move(event));
}

std::string KubeWorld::ProgressSignature(const kube::Namespace& ns,
                                         const kube::Deployment& d) const {
  std::string sig;
  const std::string current = d.name + "-" + kube::TemplateHash(d.pod_template);
  for (const auto& [name, rs] : ns.replica_sets) {
    if (rs.deployment != d.name) continue;
    sig += name + "=" + std::to_string(rs.replicas) + ";";
    if (name == current) sig += "ready=" + std::to_string(AvailableIn(ns, rs)) + ";";
  }
  return sig;
}

bool KubeWorld::Complete(const kube::Deployment& d) const {
  const ReplicaCounts c = Counts(d);
  return d.observed_generation >= d.generation && c.updated == d.replicas &&
         c.replicas == d.replicas && c.available == d.replicas;
}

std::optional<SimTime> KubeWorld::DeadlineOf(const kube::Deployment& d) const {
  if (d.paused || Complete(d)) return std::nullopt;
  return d.last_progress + d.progress_deadline;
}

void KubeWorld::UpdateConditions(kube::Namespace& ns, kube::Deployment& d) {
  const std::string signature = ProgressSignature(ns, d);
  if (signature != d.progress_signature) {
    d.progress_signature = signature;
    d.last_progress = now_;
  }
  const ReplicaCounts c = Counts(d);
  const kube::RollingLimits limits = Limits(d);
  const kube::ReplicaSet* current = CurrentReplicaSet(d);
  const std::string rs_name = current ? current->name : d.name;

  kube::Condition available;
  available.type = "Available";
  if (c.available >= d.replicas - limits.max_unavailable) {
    available.status = "True";
    available.reason = "MinimumReplicasAvailable";
    available.message = "Deployment has minimum availability.";
  } else {
    available.status = "False";
    available.reason = "MinimumReplicasUnavailable";
    available.message = "Deployment does not have minimum availability.";
  }
  kube::Condition progressing;
  progressing.type = "Progressing";
  if (Complete(d)) {
    progressing.status = "True";
    progressing.reason = "NewReplicaSetAvailable";
    progressing.message = "ReplicaSet \"" + rs_name + "\" has successfully progressed.";
  } else if (d.paused) {
    progressing.status = "Unknown";
    progressing.reason = "DeploymentPaused";
    progressing.message = "Deployment is paused";
  } else if (now_ >= d.last_progress + d.progress_deadline) {
    progressing.status = "False";
    progressing.reason = "ProgressDeadlineExceeded";
    progressing.message = "ReplicaSet \"" + rs_name + "\" has timed out progressing.";
  } else {
    progressing.status = "True";
    progressing.reason = "ReplicaSetUpdated";
    progressing.message = "ReplicaSet \"" + rs_name + "\" is progressing.";
  }

  std::vector<kube::Condition> next;
  for (kube::Condition cond : {available, progressing}) {
    const kube::Condition* prev = nullptr;
    for (const kube::Condition& p : d.conditions) {
      if (p.type == cond.type) prev = &p;
    }
    // A condition first seen describes the settled past: it dates from the last progress.
    const SimTime when = prev ? now_ : std::min(now_, d.last_progress);
    cond.last_transition = prev && prev->status == cond.status ? prev->last_transition : when;
    const bool same = prev && prev->reason == cond.reason && prev->message == cond.message &&
                      prev->status == cond.status;
    const bool progressed = cond.type == "Progressing" && d.last_progress == now_ && prev;
    cond.last_update = same && !progressed ? prev->last_update : when;
    next.push_back(cond);
  }
  d.conditions = std::move(next);
}

}  // namespace rundrill::world
