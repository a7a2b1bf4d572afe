#include "fakes/kubectl/kube_objects.h"

#include <cstdio>

#include "fakes/kubectl/tab_writer.h"
#include "simulator/core/random.h"
#include "simulator/world/kube/names.h"
#include "simulator/world/kube/rolling_update.h"

namespace rundrill::fakes::kubectl {
namespace {

using nlohmann::json;
namespace kube = world::kube;

std::string Hex64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// A sha256-looking digest, stable for the same key.
std::string FakeDigest(const std::string& key) {
  std::string out;
  uint64_t h = StableHash(key);
  for (int i = 0; i < 4; ++i) {
    out += Hex64(h);
    h = StableHash(key, h);
  }
  return out;
}

std::string ImageId(const std::string& image) {
  std::string repo = image.substr(0, image.find(':'));
  if (repo.find('/') == std::string::npos) repo = "library/" + repo;
  if (repo.find('.') == std::string::npos || repo.find('.') > repo.find('/')) {
    repo = "docker.io/" + repo;
  }
  return repo + "@sha256:" + FakeDigest("image/" + image);
}

json IntOrString(const std::string& text) {
  const std::optional<kube::IntOrPercent> v = kube::ParseIntOrPercent(text);
  if (v && !v->percent) return v->value;
  return text;
}

json ContainerSpec(const kube::PodTemplate& t) {
  return {{"image", t.image},
          {"imagePullPolicy", "IfNotPresent"},
          {"name", t.container},
          {"resources", json::object()},
          {"terminationMessagePath", "/dev/termination-log"},
          {"terminationMessagePolicy", "File"}};
}

json TemplateObject(const kube::PodTemplate& t, const std::string& hash) {
  json metadata = {{"creationTimestamp", nullptr}, {"labels", t.labels}};
  if (!hash.empty()) metadata["labels"]["pod-template-hash"] = hash;
  if (!t.annotations.empty()) metadata["annotations"] = t.annotations;
  return {{"metadata", metadata},
          {"spec",
           {{"containers", json::array({ContainerSpec(t)})},
            {"dnsPolicy", "ClusterFirst"},
            {"restartPolicy", "Always"},
            {"schedulerName", "default-scheduler"},
            {"securityContext", json::object()},
            {"terminationGracePeriodSeconds", 30}}}};
}

json Terminated(const world::KubeWorld& kube, const kube::TerminatedState& t,
                const std::string& container_id) {
  return {{"containerID", container_id},
          {"exitCode", t.exit_code},
          {"finishedAt", Timestamp(kube, t.finished)},
          {"reason", t.reason},
          {"startedAt", Timestamp(kube, t.started)}};
}

json Condition(const std::string& type, bool status, const std::string& since,
               const std::string& reason = "", const std::string& message = "") {
  json c = {{"lastProbeTime", nullptr},
            {"lastTransitionTime", since},
            {"status", status ? "True" : "False"},
            {"type", type}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

}  // namespace

std::string Timestamp(const world::KubeWorld& kube, SimTime t) {
  return kube.epoch().Rfc3339(FloorToSecond(t));
}

std::string LabelsText(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

json PodObject(const world::KubeWorld& kube, const kube::Pod& pod) {
  const kube::PodView v = kube.PodStatus(pod);
  const kube::ContainerView& c = v.container;
  const kube::ReplicaSet* rs = kube.FindReplicaSet(pod.namespace_name, pod.replica_set);
  json labels = pod.pod_template.labels;
  labels["pod-template-hash"] = pod.template_hash;
  json metadata = {{"creationTimestamp", Timestamp(kube, pod.created)},
                   {"generateName", pod.replica_set + "-"},
                   {"labels", labels},
                   {"name", pod.name},
                   {"namespace", pod.namespace_name},
                   {"ownerReferences", json::array({{{"apiVersion", "apps/v1"},
                                                     {"blockOwnerDeletion", true},
                                                     {"controller", true},
                                                     {"kind", "ReplicaSet"},
                                                     {"name", pod.replica_set},
                                                     {"uid", rs ? rs->uid : ""}}})},
                   {"uid", pod.uid}};
  if (!pod.pod_template.annotations.empty()) metadata["annotations"] = pod.pod_template.annotations;

  json spec = {{"containers", json::array({ContainerSpec(pod.pod_template)})},
               {"dnsPolicy", "ClusterFirst"},
               {"enableServiceLinks", true},
               {"nodeName", pod.node},
               {"preemptionPolicy", "PreemptLowerPriority"},
               {"priority", 0},
               {"restartPolicy", "Always"},
               {"schedulerName", "default-scheduler"},
               {"securityContext", json::object()},
               {"serviceAccount", "default"},
               {"serviceAccountName", "default"},
               {"terminationGracePeriodSeconds", 30},
               {"tolerations", json::array({{{"effect", "NoExecute"},
                                             {"key", "node.kubernetes.io/not-ready"},
                                             {"operator", "Exists"},
                                             {"tolerationSeconds", 300}},
                                            {{"effect", "NoExecute"},
                                             {"key", "node.kubernetes.io/unreachable"},
                                             {"operator", "Exists"},
                                             {"tolerationSeconds", 300}}})}};

  const std::string container_id =
      "containerd://" + FakeDigest(pod.uid + "/" + std::to_string(c.restart_count));
  const std::string previous_id =
      "containerd://" + FakeDigest(pod.uid + "/" + std::to_string(c.restart_count - 1));
  json state;
  switch (c.state) {
    case kube::ContainerView::State::kWaiting:
      state["waiting"] = {{"reason", c.waiting_reason}};
      if (c.waiting_reason == "CrashLoopBackOff") {
        state["waiting"]["message"] =
            "back-off " + kube::GoDuration(kube::CrashBackOff(c.restart_count - 1)) +
            " restarting failed container=" + pod.pod_template.container + " pod=" + pod.name +
            "_" + pod.namespace_name + "(" + pod.uid + ")";
      }
      break;
    case kube::ContainerView::State::kRunning:
      state["running"] = {{"startedAt", Timestamp(kube, c.running_since)}};
      break;
    case kube::ContainerView::State::kTerminated:
      state["terminated"] = Terminated(kube, *c.terminated, container_id);
      break;
  }
  json last_state = json::object();
  if (c.last_terminated) {
    last_state["terminated"] =
        Terminated(kube, *c.last_terminated,
                   c.state == kube::ContainerView::State::kRunning ? previous_id : container_id);
  }
  json container_status = {{"image", pod.pod_template.image},
                           {"imageID", c.starts > 0 ? ImageId(pod.pod_template.image) : ""},
                           {"lastState", last_state},
                           {"name", pod.pod_template.container},
                           {"ready", c.ready},
                           {"restartCount", c.restart_count},
                           {"started", c.state == kube::ContainerView::State::kRunning},
                           {"state", state}};
  if (c.starts > 0) container_status["containerID"] = container_id;

  const std::string created = Timestamp(kube, pod.created);
  // lastTransitionTime of Ready: when it became true, or when it last became false (a
  // crash-looping container that was ready in an earlier run), else since the start.
  SimTime ready_transition = c.starts > 0 ? c.first_start : pod.created;
  if (v.ready) {
    ready_transition = c.ready_since;
  } else if (c.not_ready_since) {
    ready_transition = *c.not_ready_since;
  }
  const std::string ready_since = Timestamp(kube, ready_transition);
  const std::string unready =
      "containers with unready status: [" + pod.pod_template.container + "]";
  json conditions = json::array(
      {Condition("Initialized", true, created),
       v.ready ? Condition("Ready", true, ready_since)
               : Condition("Ready", false, ready_since, "ContainersNotReady", unready),
       v.ready ? Condition("ContainersReady", true, ready_since)
               : Condition("ContainersReady", false, ready_since, "ContainersNotReady", unready),
       Condition("PodScheduled", true, created)});
  json status = {{"conditions", conditions}, {"containerStatuses", json::array({container_status})},
                 {"hostIP", pod.host_ip},    {"hostIPs", json::array({{{"ip", pod.host_ip}}})},
                 {"phase", v.phase},         {"qosClass", "BestEffort"},
                 {"startTime", created}};
  if (c.starts > 0) {
    status["podIP"] = pod.ip;
    status["podIPs"] = json::array({{{"ip", pod.ip}}});
  }
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", metadata},
          {"spec", spec},
          {"status", status}};
}

json DeploymentObject(const world::KubeWorld& kube, const kube::Deployment& d) {
  const world::DeploymentState s = *kube.Deployment(d.namespace_name, d.name);
  const world::ReplicaCounts counts = kube.Counts(d);
  json annotations = {{"deployment.kubernetes.io/revision", std::to_string(s.revision)}};
  if (!d.change_cause.empty()) annotations["kubernetes.io/change-cause"] = d.change_cause;
  json metadata = {{"annotations", annotations},
                   {"creationTimestamp", Timestamp(kube, d.created)},
                   {"generation", d.generation},
                   {"labels", d.selector},
                   {"name", d.name},
                   {"namespace", d.namespace_name},
                   {"uid", d.uid}};
  json spec = {{"progressDeadlineSeconds", d.progress_deadline.count() / 1000},
               {"replicas", d.replicas},
               {"revisionHistoryLimit", 10},
               {"selector", {{"matchLabels", d.selector}}},
               {"strategy",
                {{"rollingUpdate",
                  {{"maxSurge", IntOrString(d.max_surge)},
                   {"maxUnavailable", IntOrString(d.max_unavailable)}}},
                 {"type", "RollingUpdate"}}},
               {"template", TemplateObject(d.pod_template, "")}};
  if (d.paused) spec["paused"] = true;
  json conditions = json::array();
  for (const kube::Condition& c : d.conditions) {
    conditions.push_back({{"lastTransitionTime", Timestamp(kube, c.last_transition)},
                          {"lastUpdateTime", Timestamp(kube, c.last_update)},
                          {"message", c.message},
                          {"reason", c.reason},
                          {"status", c.status},
                          {"type", c.type}});
  }
  // Go's omitempty drops zero counters: {.status.readyReplicas} is empty when none are.
  json status = {{"conditions", conditions}, {"observedGeneration", d.observed_generation}};
  auto counter = [&](const char* key, int value) {
    if (value != 0) status[key] = value;
  };
  counter("availableReplicas", counts.available);
  counter("readyReplicas", counts.ready);
  counter("replicas", counts.replicas);
  counter("unavailableReplicas", counts.unavailable);
  counter("updatedReplicas", counts.updated);
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", metadata},
          {"spec", spec},
          {"status", status}};
}

json ReplicaSetObject(const world::KubeWorld& kube, const kube::ReplicaSet& rs) {
  const kube::Deployment* d = kube.FindDeployment(rs.namespace_name, rs.deployment);
  const world::ReplicaCounts counts = kube.Counts(rs);
  json annotations = {{"deployment.kubernetes.io/revision", std::to_string(rs.revision)}};
  if (d) {
    const kube::RollingLimits limits = kube.Limits(*d);
    annotations["deployment.kubernetes.io/desired-replicas"] = std::to_string(d->replicas);
    annotations["deployment.kubernetes.io/max-replicas"] =
        std::to_string(d->replicas + limits.max_surge);
  }
  if (!rs.change_cause.empty()) annotations["kubernetes.io/change-cause"] = rs.change_cause;
  json labels = rs.pod_template.labels;
  labels["pod-template-hash"] = rs.template_hash;
  json selector = labels;
  json metadata = {{"annotations", annotations},
                   {"creationTimestamp", Timestamp(kube, rs.created)},
                   {"generation", 1},
                   {"labels", labels},
                   {"name", rs.name},
                   {"namespace", rs.namespace_name},
                   {"ownerReferences", json::array({{{"apiVersion", "apps/v1"},
                                                     {"blockOwnerDeletion", true},
                                                     {"controller", true},
                                                     {"kind", "Deployment"},
                                                     {"name", rs.deployment},
                                                     {"uid", d ? d->uid : ""}}})},
                   {"uid", rs.uid}};
  json status = {{"observedGeneration", 1}, {"replicas", counts.replicas}};
  if (counts.replicas != 0) status["fullyLabeledReplicas"] = counts.replicas;
  if (counts.ready != 0) status["readyReplicas"] = counts.ready;
  if (counts.available != 0) status["availableReplicas"] = counts.available;
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", metadata},
          {"spec",
           {{"replicas", rs.replicas},
            {"selector", {{"matchLabels", selector}}},
            {"template", TemplateObject(rs.pod_template, rs.template_hash)}}},
          {"status", status}};
}

std::string EventName(const world::KubeWorld& kube, const kube::Event& e) {
  // The nanoseconds stand for creation order within the millisecond: kubelet's events in
  // the order kubelet emits them, recorded events by their sequence number.
  static const std::map<std::string, int64_t> kKubeletOrder = {
      {"Scheduled", 1}, {"Pulling", 2}, {"Pulled", 3},    {"Created", 4},
      {"Started", 5},   {"BackOff", 6}, {"Unhealthy", 7}, {"Killing", 8}};
  int64_t offset = 100 + static_cast<int64_t>(e.sequence % 900000);
  if (e.sequence == UINT64_MAX) {
    auto it = kKubeletOrder.find(e.reason);
    offset = it == kKubeletOrder.end() ? 9 : it->second;
  }
  const int64_t nanos = (kube.epoch().unix_seconds * 1000 + e.first.count()) * 1000000 + offset;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(nanos));
  return e.object_name + "." + buf;
}

json EventObject(const world::KubeWorld& kube, const kube::Event& e) {
  const std::string name = EventName(kube, e);
  json involved = {{"kind", e.object_kind},
                   {"name", e.object_name},
                   {"namespace", e.namespace_name},
                   {"uid", e.object_uid},
                   {"apiVersion", e.object_kind == "Pod" ? "v1" : "apps/v1"}};
  if (!e.field_path.empty()) involved["fieldPath"] = e.field_path;
  json source = {{"component", e.source}};
  if (!e.host.empty()) source["host"] = e.host;
  return {{"apiVersion", "v1"},
          {"count", e.count},
          {"eventTime", nullptr},
          {"firstTimestamp", Timestamp(kube, e.first)},
          {"involvedObject", involved},
          {"kind", "Event"},
          {"lastTimestamp", Timestamp(kube, e.last)},
          {"message", e.message},
          {"metadata",
           {{"creationTimestamp", Timestamp(kube, e.first)},
            {"name", name},
            {"namespace", e.namespace_name},
            {"uid", kube::StableUid("event/" + name)}}},
          {"reason", e.reason},
          {"reportingComponent", e.source},
          {"reportingInstance", e.host},
          {"source", source},
          {"type", e.type}};
}

json NamespaceObject(const world::KubeWorld& kube, const kube::Namespace& ns) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata",
           {{"creationTimestamp", Timestamp(kube, ns.created)},
            {"labels", {{"kubernetes.io/metadata.name", ns.name}}},
            {"name", ns.name},
            {"uid", kube::StableUid("namespace/" + ns.name)}}},
          {"spec", {{"finalizers", json::array({"kubernetes"})}}},
          {"status", {{"phase", "Active"}}}};
}

json ListObject(std::vector<json> items) {
  return {{"apiVersion", "v1"},
          {"items", std::move(items)},
          {"kind", "List"},
          {"metadata", {{"resourceVersion", ""}}}};
}

std::string ToJsonText(const json& value) {
  // Invalid UTF-8 (a user's --record text, say) becomes U+FFFD, as Go's encoder does,
  // instead of nlohmann's type_error.
  const std::string raw = value.dump(4, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + 1);
  for (char c : raw) {
    // Go's encoder escapes these for safe embedding in HTML; kubectl inherits that.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out + "\n";
}

}  // namespace rundrill::fakes::kubectl
