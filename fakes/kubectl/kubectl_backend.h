#pragma once

// The fake `kubectl`, emulating kubectl 1.29 (wording and layouts of v1.29.x; where later
// versions differ — logs NotFound errors, scale NotFound, delete's "from <ns> namespace" —
// 1.29's text is used). It reads and changes the simulated cluster only through KubeWorld
// operations and moves virtual time by a modelled latency per call (plus the time
// `rollout status` waits).
//
// Modelled: get (pods, deployments, replicasets, events, namespaces; table, -o wide, json,
// yaml, name, jsonpath; -l, -n, -A, --no-headers, --show-labels, names), describe (pod,
// deployment), logs (pod, deployment/X, -l, -c, --tail, -p), rollout status|restart|undo|
// history|pause|resume, scale, set image, delete pod, auth can-i.
//
// AUTHORIZATION IS NOT MODELLED: `auth can-i` answers "yes" to everything and no command is
// ever refused for RBAC reasons.
//
// Anything else fails loudly: "rundrill: kubectl '<what>' is not modelled (see
// docs/fakes.md)", exit code 1 — a runbook never sees an unmodelled command silently
// succeed. kubectl cannot be stubbed, so the message does not suggest it.

#include <string_view>

#include "fakes/backend.h"
#include "simulator/core/sim_time.h"

namespace rundrill::fakes {

struct KubectlOptions {
  // Each call takes a latency drawn uniformly from [min_latency, max_latency] with the
  // backend's random stream (equal bounds: a fixed latency, no draw).
  SimDuration min_latency{100};
  SimDuration max_latency{300};
  // How often `rollout status` looks again when the world has nothing scheduled (a timeline
  // event may still change the deployment).
  SimDuration watch_poll{1000};
  // A guard for drills without a step deadline: `rollout status` with no --timeout gives up
  // after this much virtual time (real kubectl would wait for ever).
  SimDuration max_wait{24LL * 3600 * 1000};
};

class KubectlBackend : public CommandBackend {
 public:
  KubectlBackend() = default;
  explicit KubectlBackend(KubectlOptions options) : options_(options) {}

  std::string_view Program() const override { return "kubectl"; }
  CommandResponse Handle(const CommandRequest& request, SimContext& context) override;

 private:
  KubectlOptions options_;
};

}  // namespace rundrill::fakes
