#pragma once

// The simulated Kubernetes cluster: namespaces → deployments → replica sets → pods, with
// the deployment and replica-set controllers acting instantly at each instant where
// something observable changes, and pods whose state is a function of virtual time.
//
// Modelled: RollingUpdate (maxSurge/maxUnavailable), revision history and reuse of an old
// ReplicaSet (undo, or setting an image back), pause/resume, scale, restart, pod deletion
// and replacement, crash loops with kubelet back-off, readiness failures, the progress
// deadline, events. Not modelled: more than one cluster or one container per pod, the
// Recreate strategy, minReadySeconds (available == ready), revisionHistoryLimit clean-up,
// graceful termination (a deleted pod disappears at once), nodes, services, RBAC.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/random.h"
#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/scenario.h"
#include "simulator/world/kube/kube_types.h"
#include "simulator/world/kube/pod_lifecycle.h"
#include "simulator/world/kube/rolling_update.h"

namespace rundrill::world {

struct DeploymentState {  // a summary for expectations and alert resolution
  std::string image;      // image of the current (newest) revision's template
  int revision = 0;       // deployment.kubernetes.io/revision of the current replica set
  int replicas = 0;       // desired
  int updated = 0, ready = 0, available = 0, total = 0;  // as status.* of a Deployment
  bool healthy = false;  // updated == replicas && ready == replicas && total == replicas
};

// The status.* counters of a Deployment (or ReplicaSet), computed at Now().
struct ReplicaCounts {
  int replicas = 0;  // pods that exist
  int updated = 0;   // pods of the current template's ReplicaSet
  int ready = 0;
  int available = 0;    // minReadySeconds is 0, so available == ready
  int unavailable = 0;  // desired - available, never negative
};

// What `rollout undo` did; kubectl words each differently.
enum class UndoOutcome {
  kRolledBack,
  kSkipped,           // the target revision's template is already the live one
  kNoHistory,         // no previous revision (to_revision 0)
  kRevisionNotFound,  // to_revision names no ReplicaSet
};

class KubeWorld {
 public:
  KubeWorld(uint64_t seed, Epoch epoch);

  // Sets up the world at time 0: the live revision's pods already running and ready (unless
  // their image crashes: then wherever their crash loop has got to), older revisions as
  // scaled-down ReplicaSets. Images not listed in
  // spec.images are healthy with default timings. Call once, on an empty world.
  Status Build(const model::KubernetesSpec& spec);

  SimTime Now() const { return now_; }
  const Epoch& epoch() const { return epoch_; }
  const std::string& cluster() const { return cluster_; }

  // Controllers evolve up to `t` (a `t` in the past is ignored). Deterministic.
  void AdvanceTo(SimTime t);
  // The earliest instant after Now() at which something observable changes (a container
  // starts, becomes ready or exits, a rollout step, a progress deadline); SimTime::max() if
  // nothing will change by itself.
  SimTime NextChangeTime() const;

  // ---- Operations, applied at Now(). Unknown namespace, deployment or pod ⇒ InvalidInput.
  // Changes the template's image (a new rollout). An empty change_cause keeps the
  // deployment's previous kubernetes.io/change-cause annotation, as real clusters do when
  // `kubectl set image` runs without --record.
  Status SetImage(const std::string& ns, const std::string& deployment, const std::string& image,
                  const std::string& change_cause);
  // What the deployment's pods have logged: its existing pods and the pods its current
  // ReplicaSet creates later.
  Status SetLogs(const std::string& ns, const std::string& deployment, const std::string& text);
  // Readiness probe of every pod of the deployment fails (ready=false) or passes again.
  Status SetReadiness(const std::string& ns, const std::string& deployment, bool ready,
                      const std::string& reason);
  Status Scale(const std::string& ns, const std::string& deployment, int replicas);
  // `rollout restart`: stamps kubectl.kubernetes.io/restartedAt = Epoch RFC 3339 of Now()
  // on the template, which makes a new ReplicaSet.
  Status Restart(const std::string& ns, const std::string& deployment);
  Status SetPaused(const std::string& ns, const std::string& deployment, bool paused);
  // `rollout undo [--to-revision=N]` (0 = the previous revision): the target ReplicaSet's
  // template and change-cause become the deployment's; that ReplicaSet is reused and its
  // revision becomes max+1. Paused deployments are the caller's check.
  StatusOr<UndoOutcome> Undo(const std::string& ns, const std::string& deployment, int to_revision);
  // Deletes a pod at once; its ReplicaSet creates a replacement (new name, created now).
  Status DeletePod(const std::string& ns, const std::string& pod);

  // ---- Reads (pointers stay valid until the next operation or AdvanceTo).
  std::optional<DeploymentState> Deployment(const std::string& ns, const std::string& name) const;
  const std::map<std::string, kube::Namespace>& namespaces() const { return namespaces_; }
  const kube::Namespace* FindNamespace(const std::string& ns) const;
  const kube::Deployment* FindDeployment(const std::string& ns, const std::string& name) const;
  const kube::ReplicaSet* FindReplicaSet(const std::string& ns, const std::string& name) const;
  const kube::Pod* FindPod(const std::string& ns, const std::string& name) const;
  // The ReplicaSet whose template is the deployment's current one (nullptr while paused
  // before it exists).
  const kube::ReplicaSet* CurrentReplicaSet(const kube::Deployment& d) const;
  // The deployment's ReplicaSets, oldest revision first.
  std::vector<const kube::ReplicaSet*> ReplicaSetsOf(const kube::Deployment& d) const;
  std::vector<const kube::Pod*> PodsOf(const kube::ReplicaSet& rs) const;
  std::vector<const kube::Pod*> PodsOf(const kube::Deployment& d) const;
  kube::PodView PodStatus(const kube::Pod& pod) const;  // at Now()
  ReplicaCounts Counts(const kube::Deployment& d) const;
  ReplicaCounts Counts(const kube::ReplicaSet& rs) const;
  kube::RollingLimits Limits(const kube::Deployment& d) const;
  kube::ImageBehavior Image(const std::string& image) const;
  // The current container's log text.
  std::string PodLog(const kube::Pod& pod) const;
  // Recorded controller events plus the kubelet/scheduler events of live pods, folded with
  // counts, in creation order (sequence). `ns` empty means every namespace.
  std::vector<kube::Event> Events(const std::string& ns) const;

  // The whole kube state, stable key order, virtual times in ms, no wall-clock data.
  nlohmann::json Snapshot() const;

 private:
  kube::Namespace& EnsureNamespace(const std::string& ns, SimTime created);
  StatusOr<kube::Deployment*> MutableDeployment(const std::string& ns, const std::string& name);
  kube::ReplicaSet& FindOrCreateReplicaSet(kube::Namespace& ns, kube::Deployment& d);
  int MaxRevision(const kube::Namespace& ns, const kube::Deployment& d) const;
  // Runs the deployment controller (and the replica-set controller it drives) until
  // nothing changes at Now().
  void ReconcileAll();
  void Reconcile(kube::Namespace& ns, kube::Deployment& d);
  bool ReconcileOnce(kube::Namespace& ns, kube::Deployment& d);
  bool ReconcilePaused(kube::Namespace& ns, kube::Deployment& d);
  void ScaleReplicaSet(kube::Namespace& ns, kube::Deployment& d, kube::ReplicaSet& rs,
                       int replicas);
  void SyncPods(kube::Namespace& ns, kube::ReplicaSet& rs);
  void CreatePod(kube::Namespace& ns, kube::ReplicaSet& rs, SimTime created);
  void RemovePod(kube::Namespace& ns, const std::string& name);
  void UpdateConditions(kube::Namespace& ns, kube::Deployment& d);
  // Changes whenever the rollout moves (a ReplicaSet is scaled, an updated pod becomes
  // ready): what resets the progress deadline.
  std::string ProgressSignature(const kube::Namespace& ns, const kube::Deployment& d) const;
  bool Complete(const kube::Deployment& d) const;
  std::optional<SimTime> DeadlineOf(const kube::Deployment& d) const;
  void Record(kube::Namespace& ns, kube::Event event);
  // The scheduler's and kubelet's events about `pod` so far (derived from its state).
  void AppendPodEvents(const kube::Pod& pod, std::vector<kube::Event>& out) const;
  int AvailableIn(const kube::Namespace& ns, const kube::ReplicaSet& rs) const;

  uint64_t seed_;
  Epoch epoch_;
  Random root_;
  std::string cluster_ = "production";
  SimTime now_{0};
  std::map<std::string, kube::Namespace> namespaces_;
  std::map<std::string, kube::ImageBehavior> images_;
  uint64_t next_event_sequence_ = 0;
};

}  // namespace rundrill::world
