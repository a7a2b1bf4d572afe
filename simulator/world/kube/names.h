#pragma once

// Deterministic names and ids shaped like the ones Kubernetes generates.

#include <cstdint>
#include <string>
#include <string_view>

#include "simulator/core/random.h"
#include "simulator/world/kube/kube_types.h"

namespace rundrill::world::kube {

// Kubernetes' "safe" alphabet (no vowels, no 0/1/3), used for generated name parts.
inline constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

// The pod-template-hash label: 10 safe characters derived with StableHash from the
// template's canonical text, so the same template always gets the same ReplicaSet name.
std::string TemplateHash(const PodTemplate& pod_template);

// The 5-character suffix of a pod name (`<rs-name>-<suffix>`), drawn from `rng`.
std::string PodSuffix(Random& rng);

// A UUID-shaped uid derived from a stable key (kind/namespace/name/creation).
std::string StableUid(std::string_view key);

}  // namespace rundrill::world::kube
