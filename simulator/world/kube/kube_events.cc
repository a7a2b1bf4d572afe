// Events as the apiserver would list them: what the controllers recorded, plus what the
// scheduler and kubelet say about live pods, which follows from the pod's state over time
// and so is derived here rather than stored.

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "simulator/world/kube/kube_world.h"

namespace rundrill::world {
namespace {

// The apiserver keeps events for one hour (--event-ttl).
constexpr SimDuration kEventTtl{3600000};
// The readiness probe's periodSeconds default.
constexpr SimDuration kProbePeriod{10000};

}  // namespace

void KubeWorld::AppendPodEvents(const kube::Pod& pod, std::vector<kube::Event>& out) const {
  const kube::PodView v = PodStatus(pod);
  const kube::ContainerView& c = v.container;
  const kube::ImageBehavior image = Image(pod.pod_template.image);
  const std::string container = pod.pod_template.container;
  auto make = [&](std::string type, std::string reason, std::string message, SimTime first,
                  SimTime last, int count, bool kubelet) {
    kube::Event e;
    e.namespace_name = pod.namespace_name;
    e.type = std::move(type);
    e.reason = std::move(reason);
    e.object_kind = "Pod";
    e.object_name = pod.name;
    e.object_uid = pod.uid;
    if (kubelet) {
      e.field_path = "spec.containers{" + container + "}";
      e.source = "kubelet";
      e.host = pod.node;
    } else {
      e.source = "default-scheduler";
    }
    e.message = std::move(message);
    e.first = first;
    e.last = last;
    e.count = count;
    // Derived events sort after recorded ones made at the same instant.
    e.sequence = UINT64_MAX;
    out.push_back(std::move(e));
  };
  make("Normal", "Scheduled",
       "Successfully assigned " + pod.namespace_name + "/" + pod.name + " to " + pod.node,
       pod.created, pod.created, 1, false);
  make("Normal", "Pulling", "Pulling image \"" + pod.pod_template.image + "\"", pod.created,
       pod.created, 1, true);
  if (c.starts == 0) return;
  const std::string pull = kube::GoDuration(c.first_start - pod.created);
  make("Normal", "Pulled",
       "Successfully pulled image \"" + pod.pod_template.image + "\" in " + pull + " (" + pull +
           " including waiting)",
       c.first_start, c.first_start, 1, true);
  // The latest start: the running container's, else the one that just exited.
  SimTime last_start = c.running_since;
  if (c.state == kube::ContainerView::State::kTerminated) last_start = c.terminated->started;
  if (c.state == kube::ContainerView::State::kWaiting && c.last_terminated) {
    last_start = c.last_terminated->started;
  }
  if (c.starts > 1) {
    const SimTime second = c.first_start + image.crash_after + kube::CrashBackOff(0);
    make("Normal", "Pulled",
         "Container image \"" + pod.pod_template.image + "\" already present on machine", second,
         last_start, c.starts - 1, true);
  }
  make("Normal", "Created", "Created container " + container, c.first_start, last_start, c.starts,
       true);
  make("Normal", "Started", "Started container " + container, c.first_start, last_start, c.starts,
       true);
  if (c.back_offs > 0) {
    const SimTime first_back_off =
        c.first_start + image.crash_after + kube::CrashBackOff(0) + image.crash_after;
    make("Warning", "BackOff",
         "Back-off restarting failed container " + container + " in pod " + pod.name + "_" +
             pod.namespace_name + "(" + pod.uid + ")",
         first_back_off, c.last_back_off, c.back_offs, true);
  }
  const kube::Deployment* d = FindDeployment(pod.namespace_name, pod.deployment);
  if (d && !d->readiness_ok && c.state == kube::ContainerView::State::kRunning) {
    const SimTime first = std::max(d->readiness_since, c.running_since);
    const int64_t probes = (now_ - first) / kProbePeriod + 1;
    // The reason is the probe's output; a scenario may already have written the prefix.
    std::string output = d->readiness_reason;
    const std::string prefix = "readiness probe failed: ";
    if (output.size() >= prefix.size() &&
        std::equal(prefix.begin(), prefix.end(), output.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      output = output.substr(prefix.size());
    }
    make("Warning", "Unhealthy", "Readiness probe failed: " + output, first,
         first + kProbePeriod * (probes - 1), static_cast<int>(probes), true);
  }
}

std::vector<kube::Event> KubeWorld::Events(const std::string& ns_filter) const {
  std::vector<kube::Event> out;
  for (const auto& [nsname, ns] : namespaces_) {
    if (!ns_filter.empty() && nsname != ns_filter) continue;
    for (const kube::Event& e : ns.events) out.push_back(e);
    for (const auto& [name, pod] : ns.pods) AppendPodEvents(pod, out);
  }
  out.erase(std::remove_if(
                out.begin(), out.end(),
                [&](const kube::Event& e) { return e.last < now_ - kEventTtl || e.first > now_; }),
            out.end());
  std::stable_sort(out.begin(), out.end(), [](const kube::Event& a, const kube::Event& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.sequence < b.sequence;
  });
  return out;
}

}  // namespace rundrill::world
