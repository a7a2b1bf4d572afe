#pragma once

// How kubectl fails when the scenario's faults stand between it and the API server:
// partitions, injected errors, added latency and an expired or revoked kubeconfig.

#include <optional>
#include <string>

#include "fakes/backend.h"
#include "fakes/kubectl/kubectl_args.h"

namespace rundrill::fakes::kubectl {

// The address kubectl's connection errors name. A documentation address (RFC 5737): the
// drill's kubeconfig itself names a host that cannot resolve, so nothing real is reachable.
inline constexpr char kServerAddress[] = "192.0.2.10:6443";

// Consults the world's access faults for the cluster before the request reaches it. When a
// fault decides the call, advances virtual time by what the real failure takes and returns
// the response kubectl gives; otherwise returns nothing and the call proceeds (after any
// added latency has been spent).
std::optional<CommandResponse> ApplyClusterFaults(const ParsedArgs& args, SimContext& context);

}  // namespace rundrill::fakes::kubectl
