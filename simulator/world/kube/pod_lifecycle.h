#pragma once

// What a pod looks like at an instant, as a pure function of when it was created, what its
// image does, whether its readiness probe passes and the time asked about. Nothing about a
// pod's progress is stored, so advancing the clock never has to "tick" pods.

#include <optional>
#include <string>

#include "simulator/core/sim_time.h"
#include "simulator/world/kube/kube_types.h"

namespace rundrill::world::kube {

// Go's time.Duration.String(), which kubelet messages use ("2.5s", "1m20s", "5m0s").
std::string GoDuration(SimDuration d);

// kubelet's crash-loop back-off: 10s after the first exit, doubling, at most 300s.
SimDuration CrashBackOff(int exits_so_far);

struct TerminatedState {
  int exit_code = 0;
  std::string reason;  // "Error" (non-zero exit) or "Completed"
  SimTime started{0};
  SimTime finished{0};
};

struct ContainerView {
  enum class State { kWaiting, kRunning, kTerminated };
  State state = State::kWaiting;
  std::string waiting_reason;                      // ContainerCreating | CrashLoopBackOff
  SimTime running_since{0};                        // kRunning
  std::optional<TerminatedState> terminated;       // kTerminated: the current state
  std::optional<TerminatedState> last_terminated;  // lastState.terminated
  int restart_count = 0;
  int starts = 0;  // how many times the container has been started so far
  bool ready = false;
  SimTime ready_since{0};  // when ready became true (valid if ready)
  // When a crashing container last stopped being ready (its run exited, or the readiness
  // probe began to fail during the run); unset if it has not been ready before.
  std::optional<SimTime> not_ready_since;
  SimTime first_start{0};  // when the very first container started (valid if starts > 0)
  int back_offs = 0;       // how many CrashLoopBackOff windows have begun
  SimTime last_back_off{0};
};

struct PodView {
  std::string phase;   // Pending | Running
  std::string status;  // the STATUS column: ContainerCreating, Running, Error, CrashLoopBackOff
  bool ready = false;
  ContainerView container;
};

// The pod at time `t` (t >= created). `readiness_ok` is the deployment's readiness switch;
// `readiness_since` is when it last changed (ready_since never predates it).
PodView PodAt(const ImageBehavior& image, SimTime created, bool readiness_ok,
              SimTime readiness_since, SimTime t);

// The first instant after `t` at which PodAt changes (a container starts, becomes ready,
// exits or restarts); SimTime::max() if never.
SimTime NextPodChange(const ImageBehavior& image, SimTime created, SimTime t);

}  // namespace rundrill::world::kube
