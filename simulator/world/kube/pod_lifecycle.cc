#include "simulator/world/kube/pod_lifecycle.h"

#include <algorithm>
#include <cstdio>

namespace rundrill::world::kube {
namespace {

constexpr SimDuration kBaseBackOff{10000};
constexpr SimDuration kMaxBackOff{300000};

// The container starts half way through `startup` (image pulled, container created) and
// passes its readiness probe at the end of it.
SimTime FirstStart(const ImageBehavior& image, SimTime created) {
  return created + image.startup / 2;
}

// When run `i` (started at `started`) of a crashing container passes its readiness probe:
// the first run as a healthy image's container does (`startup` after pod creation), a
// restart `startup` after it started (the image is already on the node).
SimTime ReadyAt(const ImageBehavior& image, SimTime created, int run, SimTime started) {
  return run == 0 ? created + image.startup : started + image.startup;
}

// Whether run `i` is ready at all before it exits. A container that exits no later than
// `startup` after it starts is never ready, in any run.
bool ReadyInRun(const ImageBehavior& image, SimTime created, int run, SimTime started) {
  return image.crash_after > image.startup &&
         ReadyAt(image, created, run, started) < started + image.crash_after;
}

TerminatedState Exit(const ImageBehavior& image, SimTime started) {
  TerminatedState term;
  term.exit_code = image.exit_code;
  term.reason = image.exit_code == 0 ? "Completed" : "Error";
  term.started = started;
  term.finished = started + image.crash_after;
  return term;
}

}  // namespace

// Go's time.Duration.String() for the durations kubelet prints ("2.5s", "1m30s").
std::string GoDuration(SimDuration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms >= 3600000) {
    out += std::to_string(ms / 3600000) + "h";
    ms %= 3600000;
  }
  if (!out.empty() || ms >= 60000) {
    out += std::to_string(ms / 60000) + "m";
    ms %= 60000;
  }
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    return out + s + "s";
  }
  return out + buf;
}

SimDuration CrashBackOff(int exits_so_far) {
  SimDuration d = kBaseBackOff;
  for (int i = 0; i < exits_so_far && d < kMaxBackOff; ++i) d *= 2;
  return std::min(d, kMaxBackOff);
}

PodView PodAt(const ImageBehavior& image, SimTime created, bool readiness_ok,
              SimTime readiness_since, SimTime t) {
  PodView view;
  ContainerView& c = view.container;
  const SimTime start = FirstStart(image, created);
  c.first_start = start;
  if (t < start) {
    view.phase = "Pending";
    view.status = "ContainerCreating";
    c.state = ContainerView::State::kWaiting;
    c.waiting_reason = "ContainerCreating";
    return view;
  }
  view.phase = "Running";  // restartPolicy Always: the phase stays Running through crashes
  if (!image.crashes) {
    c.state = ContainerView::State::kRunning;
    c.running_since = start;
    c.starts = 1;
    const SimTime ready_at = created + image.startup;
    c.ready = readiness_ok && t >= ready_at;
    c.ready_since = std::max(ready_at, readiness_since);
    view.ready = c.ready;
    view.status = "Running";
    return view;
  }
  // A crashing image: run crash_after, exit, back off, start again, for ever. Each run
  // passes its readiness probe at ReadyAt() and is ready until it exits, if that is later.
  SimTime s = start;
  std::optional<TerminatedState> previous;
  for (int i = 0;; ++i) {
    const TerminatedState term = Exit(image, s);
    // The part of this run's ready window in which the probe also passed. Only the last
    // readiness change is known: it passed before a failure began, failed before it
    // recovered.
    SimTime ready_from = ReadyAt(image, created, i, s);
    SimTime ready_until = term.finished;
    if (readiness_ok) {
      ready_from = std::max(ready_from, readiness_since);
    } else {
      ready_until = std::min(ready_until, readiness_since);
    }
    const bool ready_in_run = ReadyInRun(image, created, i, s) && ready_from < ready_until;
    if (t < term.finished) {
      c.state = ContainerView::State::kRunning;
      c.running_since = s;
      c.starts = i + 1;
      c.restart_count = i;
      c.last_terminated = previous;
      if (ready_in_run && t >= ready_until) c.not_ready_since = ready_until;
      c.ready = ready_in_run && t >= ready_from && t < ready_until;
      if (c.ready) c.ready_since = ready_from;
      view.ready = c.ready;
      view.status = "Running";
      return view;
    }
    if (ready_in_run) c.not_ready_since = ready_until;
    if (i >= 1) {
      ++c.back_offs;
      c.last_back_off = term.finished;
    }
    const SimTime next = term.finished + CrashBackOff(i);
    if (t < next) {
      c.starts = i + 1;
      c.restart_count = i;
      if (i == 0) {
        // Right after the first exit kubelet restarts without a back-off window shown; the
        // pod reads "Error" (real clusters show Error, then Running 1).
        c.state = ContainerView::State::kTerminated;
        c.terminated = term;
        view.status = term.reason;
      } else {
        c.state = ContainerView::State::kWaiting;
        c.waiting_reason = "CrashLoopBackOff";
        c.last_terminated = term;
        view.status = "CrashLoopBackOff";
      }
      return view;
    }
    previous = term;
    s = next;
  }
}

SimTime NextPodChange(const ImageBehavior& image, SimTime created, SimTime t) {
  const SimTime start = FirstStart(image, created);
  if (t < start) return start;
  if (!image.crashes) {
    const SimTime ready_at = created + image.startup;
    return t < ready_at ? ready_at : SimTime::max();
  }
  SimTime s = start;
  for (int i = 0;; ++i) {
    if (t < s) return s;
    const SimTime ready_at = ReadyAt(image, created, i, s);
    if (t < ready_at && ReadyInRun(image, created, i, s)) return ready_at;
    const SimTime finished = s + image.crash_after;
    if (t < finished) return finished;
    s = finished + CrashBackOff(i);
  }
}

}  // namespace rundrill::world::kube
