#pragma once

// The plain data the simulated Kubernetes cluster is made of. Everything here is copyable;
// what a pod looks like at a given instant is not stored but computed (pod_lifecycle.h), so
// these records only hold what a controller decided and when.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/random.h"
#include "simulator/core/sim_time.h"

namespace rundrill::world::kube {

// What a container image does when it runs (copied from model::ImageSpec, with defaults for
// images a scenario did not describe).
struct ImageBehavior {
  bool crashes = false;
  SimDuration crash_after{3000};
  int exit_code = 1;
  // creation → ready; the container starts half way through. A crashing container that
  // runs longer than `startup` is ready from then until it exits, and after each restart
  // from `startup` after the restart until it exits again.
  SimDuration startup{5000};
  std::string log;
};

// The part of a deployment that, when it changes, makes a new ReplicaSet. One container per
// pod is modelled.
struct PodTemplate {
  std::string container;
  std::string image;
  std::map<std::string, std::string> labels;       // without pod-template-hash
  std::map<std::string, std::string> annotations;  // e.g. kubectl.kubernetes.io/restartedAt

  bool operator==(const PodTemplate&) const = default;
};

struct Pod {
  std::string name;
  std::string namespace_name;
  std::string replica_set;  // owner
  std::string deployment;   // owner of the owner
  std::string uid;
  std::string template_hash;
  PodTemplate pod_template;
  SimTime created{0};
  std::string node;
  std::string host_ip;
  std::string ip;
  std::optional<std::string> log_override;  // set by SetLogs
};

struct ReplicaSet {
  std::string name;
  std::string namespace_name;
  std::string deployment;
  std::string uid;
  std::string template_hash;
  PodTemplate pod_template;
  int revision = 0;          // deployment.kubernetes.io/revision
  std::string change_cause;  // kubernetes.io/change-cause; "" = none
  int replicas = 0;          // spec.replicas (pods follow at once: status == spec)
  SimTime created{0};
  std::optional<std::string> log_override;  // pods created later inherit SetLogs text
  Random names{0};  // draws the 5-character pod suffixes; split per namespace/rs
};

// A Deployment condition as the API shows it.
struct Condition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
  std::string message;
  SimTime last_update{0};
  SimTime last_transition{0};
};

struct Deployment {
  std::string name;
  std::string namespace_name;
  std::string uid;
  SimTime created{0};
  int replicas = 1;
  std::map<std::string, std::string> selector;  // matchLabels; equals the template labels
  PodTemplate pod_template;
  std::string change_cause;  // deployment annotation kubernetes.io/change-cause
  std::string max_surge = "25%";
  std::string max_unavailable = "25%";
  bool paused = false;
  int64_t generation = 1;
  int64_t observed_generation = 1;
  SimDuration progress_deadline{600000};
  SimTime last_progress{0};  // progress = the rollout moved (scaled, a new pod became ready)
  std::string progress_signature;
  std::vector<Condition> conditions;  // Available, Progressing
  bool readiness_ok = true;           // false while SetReadiness(false) is in force
  std::string readiness_reason;
  SimTime readiness_since = SimTime::min();  // when readiness_ok last changed
};

// A Kubernetes Event (core/v1), as kept by the apiserver: repeated identical events are
// folded into one with a count, like the client-side event correlator does.
struct Event {
  std::string namespace_name;
  std::string type;  // Normal | Warning
  std::string reason;
  std::string object_kind;  // Pod, ReplicaSet, Deployment
  std::string object_name;
  std::string object_uid;
  std::string field_path;  // e.g. spec.containers{web}; "" for none
  std::string source;      // component: kubelet, deployment-controller, ...
  std::string host;        // source host (kubelet events)
  std::string message;
  SimTime first{0};
  SimTime last{0};
  int count = 1;
  uint64_t sequence = 0;  // creation order, the final tie-break when ordering
};

struct Namespace {
  std::string name;
  SimTime created{0};
  std::map<std::string, Deployment> deployments;  // by name: ordered like the apiserver lists
  std::map<std::string, ReplicaSet> replica_sets;
  std::map<std::string, Pod> pods;
  std::vector<Event> events;  // recorded controller events, in creation order
};

}  // namespace rundrill::world::kube
