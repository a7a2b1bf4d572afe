#pragma once

// The API objects (as `kubectl get -o json` shows them) for the simulated cluster's pods,
// deployments, replica sets and events, rendered from KubeWorld at its Now().

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "simulator/world/kube/kube_world.h"

namespace rundrill::fakes::kubectl {

nlohmann::json PodObject(const world::KubeWorld& kube, const world::kube::Pod& pod);
nlohmann::json DeploymentObject(const world::KubeWorld& kube, const world::kube::Deployment& d);
nlohmann::json ReplicaSetObject(const world::KubeWorld& kube, const world::kube::ReplicaSet& rs);
nlohmann::json EventObject(const world::KubeWorld& kube, const world::kube::Event& e);
nlohmann::json NamespaceObject(const world::KubeWorld& kube, const world::kube::Namespace& ns);

// The name the apiserver gives an event: `<object>.<hex of first timestamp in ns>`.
std::string EventName(const world::KubeWorld& kube, const world::kube::Event& e);

// kubectl's wrapper for several objects: kind List, not PodList.
nlohmann::json ListObject(std::vector<nlohmann::json> items);

// As Go's json.MarshalIndent with 4 spaces: sorted keys, HTML characters escaped, newline.
std::string ToJsonText(const nlohmann::json& value);

// RFC 3339 at one-second resolution, as metav1.Time serialises.
std::string Timestamp(const world::KubeWorld& kube, SimTime t);

// "app=web,tier=front" (sorted, as the map is).
std::string LabelsText(const std::map<std::string, std::string>& labels);

}  // namespace rundrill::fakes::kubectl
