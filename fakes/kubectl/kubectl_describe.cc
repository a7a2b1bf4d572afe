// `kubectl describe pod|deployment`, following kubectl 1.29's describe.go: lines written
// with tab-separated cells and laid out by a tabwriter with padding 2.

#include <algorithm>

#include "fakes/kubectl/kube_objects.h"
#include "fakes/kubectl/kubectl_call.h"
#include "fakes/kubectl/tab_writer.h"
#include "simulator/world/kube/names.h"

namespace rundrill::fakes::kubectl {
namespace {

namespace kube = world::kube;

constexpr char kLevel1[] = "  ";
constexpr char kLevel2[] = "    ";
constexpr char kLevel3[] = "      ";

std::string Rfc1123(const world::KubeWorld& kube, SimTime t) {
  return kube.epoch().Rfc1123(FloorToSecond(t));
}

// printLabelsMultiline: first label after the title's tab, the rest under it.
std::string LabelsMultiline(const std::string& title,
                            const std::map<std::string, std::string>& labels) {
  std::string out = title + ":\t";
  if (labels.empty()) return out + "<none>\n";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += "\t";
    first = false;
    out += k + "=" + v + "\n";
  }
  return out;
}

std::string AnnotationsMultiline(const std::string& title,
                                 const std::map<std::string, std::string>& annotations) {
  std::string out = title + ":\t";
  if (annotations.empty()) return out + "<none>\n";
  bool first = true;
  for (const auto& [k, v] : annotations) {
    if (!first) out += "\t";
    first = false;
    out += k + ": " + v + "\n";
  }
  return out;
}

std::string EventsText(const world::KubeWorld& kube, std::vector<kube::Event> events) {
  if (events.empty()) return "Events:\t<none>\n";
  std::stable_sort(events.begin(), events.end(),
                   [](const kube::Event& a, const kube::Event& b) { return a.last < b.last; });
  std::string out = "Events:\n  Type\tReason\tAge\tFrom\tMessage\n";
  out += std::string(kLevel1) + "----\t------\t----\t----\t-------\n";
  for (const kube::Event& e : events) {
    std::string interval = Age(e.first, kube.Now());
    if (e.count > 1) {
      interval =
          Age(e.last, kube.Now()) + " (x" + std::to_string(e.count) + " over " + interval + ")";
    }
    out += std::string(kLevel1) + e.type + "\t" + e.reason + "\t" + interval + "\t" + e.source +
           "\t" + e.message + "\n";
  }
  return out;
}

std::vector<kube::Event> EventsFor(const world::KubeWorld& kube, const std::string& ns,
                                   const std::string& uid) {
  std::vector<kube::Event> out;
  for (const kube::Event& e : kube.Events(ns)) {
    if (e.object_uid == uid) out.push_back(e);
  }
  return out;
}

// The service-account token volume every pod gets, named with 5 safe characters.
std::string ApiAccessVolume(const kube::Pod& pod) {
  Random rng(StableHash("kube-api-access/" + pod.uid));
  return "kube-api-access-" + kube::PodSuffix(rng);
}

std::string StatusText(const world::KubeWorld& kube, const std::string& title,
                       const kube::ContainerView& c, bool last) {
  std::string out;
  if (last) {
    const kube::TerminatedState& t = *c.last_terminated;
    out += std::string(kLevel2) + title + ":\tTerminated\n";
    out += std::string(kLevel3) + "Reason:\t" + t.reason + "\n";
    out += std::string(kLevel3) + "Exit Code:\t" + std::to_string(t.exit_code) + "\n";
    out += std::string(kLevel3) + "Started:\t" + Rfc1123(kube, t.started) + "\n";
    out += std::string(kLevel3) + "Finished:\t" + Rfc1123(kube, t.finished) + "\n";
    return out;
  }
  switch (c.state) {
    case kube::ContainerView::State::kRunning:
      out += std::string(kLevel2) + title + ":\tRunning\n";
      out += std::string(kLevel3) + "Started:\t" + Rfc1123(kube, c.running_since) + "\n";
      break;
    case kube::ContainerView::State::kWaiting:
      out += std::string(kLevel2) + title + ":\tWaiting\n";
      if (!c.waiting_reason.empty()) {
        out += std::string(kLevel3) + "Reason:\t" + c.waiting_reason + "\n";
      }
      break;
    case kube::ContainerView::State::kTerminated: {
      const kube::TerminatedState& t = *c.terminated;
      out += std::string(kLevel2) + title + ":\tTerminated\n";
      out += std::string(kLevel3) + "Reason:\t" + t.reason + "\n";
      out += std::string(kLevel3) + "Exit Code:\t" + std::to_string(t.exit_code) + "\n";
      out += std::string(kLevel3) + "Started:\t" + Rfc1123(kube, t.started) + "\n";
      out += std::string(kLevel3) + "Finished:\t" + Rfc1123(kube, t.finished) + "\n";
      break;
    }
  }
  return out;
}

std::string DescribePod(const world::KubeWorld& kube, const kube::Pod& pod) {
  const nlohmann::json obj = PodObject(kube, pod);
  const kube::PodView v = kube.PodStatus(pod);
  const kube::ContainerView& c = v.container;
  std::string t;
  t += "Name:\t" + pod.name + "\n";
  t += "Namespace:\t" + pod.namespace_name + "\n";
  t += "Priority:\t0\n";
  t += "Service Account:\tdefault\n";
  t += "Node:\t" + pod.node + "/" + pod.host_ip + "\n";
  t += "Start Time:\t" + Rfc1123(kube, pod.created) + "\n";
  t += LabelsMultiline("Labels", PodLabels(pod));
  t += AnnotationsMultiline("Annotations", pod.pod_template.annotations);
  t += "Status:\t" + v.phase + "\n";
  const std::string ip = c.starts > 0 ? pod.ip : "";
  t += "IP:\t" + ip + "\n";
  if (ip.empty()) {
    t += "IPs:\t<none>\n";
  } else {
    t += "IPs:\n" + std::string(kLevel1) + "IP:\t" + ip + "\n";
  }
  t += "Controlled By:\tReplicaSet/" + pod.replica_set + "\n";
  t += "Containers:\n";
  t += std::string(kLevel1) + pod.pod_template.container + ":\n";
  const nlohmann::json& status = obj["status"]["containerStatuses"][0];
  t += std::string(kLevel2) + "Container ID:\t" + status.value("containerID", "") + "\n";
  t += std::string(kLevel2) + "Image:\t" + pod.pod_template.image + "\n";
  t += std::string(kLevel2) + "Image ID:\t" + status.value("imageID", "") + "\n";
  t += std::string(kLevel2) + "Port:\t<none>\n";
  t += std::string(kLevel2) + "Host Port:\t<none>\n";
  t += StatusText(kube, "State", c, false);
  if (c.last_terminated) t += StatusText(kube, "Last State", c, true);
  t += std::string(kLevel2) + "Ready:\t" + (c.ready ? "True" : "False") + "\n";
  t += std::string(kLevel2) + "Restart Count:\t" + std::to_string(c.restart_count) + "\n";
  t += std::string(kLevel2) + "Environment:\t<none>\n";
  const std::string volume = ApiAccessVolume(pod);
  t += std::string(kLevel2) + "Mounts:\n";
  t += std::string(kLevel3) + "/var/run/secrets/kubernetes.io/serviceaccount from " + volume +
       " (ro)\n";
  t += "Conditions:\n  Type\tStatus\n";
  for (const nlohmann::json& cond : obj["status"]["conditions"]) {
    t += std::string(kLevel1) + cond["type"].get<std::string>() + " \t" +
         cond["status"].get<std::string>() + " \n";
  }
  t += "Volumes:\n";
  t += std::string(kLevel1) + volume + ":\n";
  t += std::string(kLevel2) +
       "Type:\tProjected (a volume that contains injected data from multiple sources)\n";
  t += std::string(kLevel2) + "TokenExpirationSeconds:\t3607\n";
  t += std::string(kLevel2) + "ConfigMapName:\tkube-root-ca.crt\n";
  t += std::string(kLevel2) + "ConfigMapOptional:\t<nil>\n";
  t += std::string(kLevel2) + "DownwardAPI:\ttrue\n";
  t += "QoS Class:\tBestEffort\n";
  t += "Node-Selectors:\t<none>\n";
  t += "Tolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n";
  t += "\tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n";
  // describe flushes before the events table, so it is laid out on its own.
  const std::vector<kube::Event> events = EventsFor(kube, pod.namespace_name, pod.uid);
  if (events.empty()) return TabFormat(t + EventsText(kube, events), 0, 2);
  return TabFormat(t, 0, 2) + TabFormat(EventsText(kube, events), 0, 2);
}

std::string DescribeDeployment(const world::KubeWorld& kube, const kube::Deployment& d) {
  const world::ReplicaCounts c = kube.Counts(d);
  const nlohmann::json obj = DeploymentObject(kube, d);
  std::map<std::string, std::string> annotations;
  for (const auto& [k, v] : obj["metadata"]["annotations"].items()) {
    annotations[k] = v.get<std::string>();
  }
  std::string t;
  t += "Name:\t" + d.name + "\n";
  t += "Namespace:\t" + d.namespace_name + "\n";
  t += "CreationTimestamp:\t" + Rfc1123(kube, d.created) + "\n";
  t += LabelsMultiline("Labels", d.selector);
  t += AnnotationsMultiline("Annotations", annotations);
  t += "Selector:\t" + LabelsText(d.selector) + "\n";
  t += "Replicas:\t" + std::to_string(d.replicas) + " desired | " + std::to_string(c.updated) +
       " updated | " + std::to_string(c.replicas) + " total | " + std::to_string(c.available) +
       " available | " + std::to_string(c.unavailable) + " unavailable\n";
  t += "StrategyType:\tRollingUpdate\n";
  t += "MinReadySeconds:\t0\n";
  t += "RollingUpdateStrategy:\t" + d.max_unavailable + " max unavailable, " + d.max_surge +
       " max surge\n";
  t += DescribePodTemplateText(d.pod_template, "", "");
  t += "Conditions:\n  Type\tStatus\tReason\n";
  t += std::string(kLevel1) + "----\t------\t------\n";
  for (const kube::Condition& cond : d.conditions) {
    t += std::string(kLevel1) + cond.type + " \t" + cond.status + "\t" + cond.reason + "\n";
  }
  const kube::ReplicaSet* current = kube.CurrentReplicaSet(d);
  std::vector<const kube::ReplicaSet*> rss = kube.ReplicaSetsOf(d);
  std::sort(rss.begin(), rss.end(), [](const kube::ReplicaSet* a, const kube::ReplicaSet* b) {
    return a->name < b->name;  // the apiserver's list order
  });
  auto describe_rs = [&](const kube::ReplicaSet* rs) {
    return rs->name + " (" + std::to_string(kube.Counts(*rs).replicas) + "/" +
           std::to_string(rs->replicas) + " replicas created)";
  };
  std::string old;
  for (const kube::ReplicaSet* rs : rss) {
    if (rs == current) continue;
    old += (old.empty() ? "" : ", ") + describe_rs(rs);
  }
  t += "OldReplicaSets:\t" + (old.empty() ? std::string("<none>") : old) + "\n";
  t += "NewReplicaSet:\t" + (current ? describe_rs(current) : std::string("<none>")) + "\n";
  const std::vector<kube::Event> events = EventsFor(kube, d.namespace_name, d.uid);
  if (events.empty()) return TabFormat(t + EventsText(kube, events), 0, 2);
  return TabFormat(t, 0, 2) + TabFormat(EventsText(kube, events), 0, 2);
}

}  // namespace

std::string DescribePodTemplateText(const kube::PodTemplate& tpl, const std::string& hash,
                                    const std::string& change_cause) {
  std::map<std::string, std::string> labels = tpl.labels;
  if (!hash.empty()) labels["pod-template-hash"] = hash;
  std::map<std::string, std::string> annotations = tpl.annotations;
  if (!change_cause.empty()) annotations["kubernetes.io/change-cause"] = change_cause;
  std::string t = "Pod Template:\n";
  t += LabelsMultiline("  Labels", labels);
  if (!annotations.empty()) t += AnnotationsMultiline("  Annotations", annotations);
  t += "  Containers:\n";
  t += std::string(kLevel1) + " " + tpl.container + ":\n";
  t += std::string(kLevel2) + "Image:\t" + tpl.image + "\n";
  t += std::string(kLevel2) + "Port:\t<none>\n";
  t += std::string(kLevel2) + "Host Port:\t<none>\n";
  t += std::string(kLevel2) + "Environment:\t<none>\n";
  t += std::string(kLevel2) + "Mounts:\t<none>\n";
  t += "  Volumes:\t<none>\n";
  return t;
}

void RunDescribe(Call& call) {
  const ParsedArgs& args = call.args;
  if (args.positionals.empty()) {
    call.Err(
        "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a "
        "complete list of supported resources.\n");
    call.response.exit_code = 1;
    return;
  }
  std::optional<Resource> kind;
  std::vector<std::string> names;
  const std::string type_word = SplitTypeName(args.positionals[0])
                                    ? SplitTypeName(args.positionals[0])->first
                                    : args.positionals[0];
  kind = ResourceFromWord(type_word);
  if (!kind || (*kind != Resource::kPod && *kind != Resource::kDeployment)) {
    call.Fail(NotModelled("describe", type_word));
    return;
  }
  if (SplitTypeName(args.positionals[0])) {
    for (const std::string& p : args.positionals) {
      const auto tn = SplitTypeName(p);
      if (!tn || ResourceFromWord(tn->first) != kind) {
        call.Fail(NotModelled("describe", p));
        return;
      }
      names.push_back(tn->second);
    }
  } else {
    names.assign(args.positionals.begin() + 1, args.positionals.end());
  }
  const bool all_ns = args.Bool("all-namespaces");
  std::optional<Selector> selector;
  if (args.Has("selector")) {
    std::string error;
    selector = ParseSelector(args.Get("selector"), &error);
    if (!selector) {
      call.Fail(error);
      return;
    }
  }
  std::vector<std::string> texts;
  if (!names.empty()) {
    for (const std::string& name : names) {
      if (*kind == Resource::kPod) {
        const kube::Pod* pod = call.kube.FindPod(call.ns, name);
        if (pod) {
          texts.push_back(DescribePod(call.kube, *pod));
        } else {
          call.Fail(NotFound(*kind, name));
        }
      } else {
        const kube::Deployment* d = call.kube.FindDeployment(call.ns, name);
        if (d) {
          texts.push_back(DescribeDeployment(call.kube, *d));
        } else {
          call.Fail(NotFound(*kind, name));
        }
      }
    }
  } else {
    for (const auto& [nsname, ns] : call.kube.namespaces()) {
      if (!all_ns && nsname != call.ns) continue;
      if (*kind == Resource::kPod) {
        for (const auto& [name, pod] : ns.pods) {
          if (selector && !selector->Matches(PodLabels(pod))) continue;
          texts.push_back(DescribePod(call.kube, pod));
        }
      } else {
        for (const auto& [name, d] : ns.deployments) {
          if (selector && !selector->Matches(d.selector)) continue;
          texts.push_back(DescribeDeployment(call.kube, d));
        }
      }
    }
    if (texts.empty()) {
      call.Err(all_ns ? "No resources found\n"
                      : "No resources found in " + call.ns + " namespace.\n");
      return;
    }
  }
  for (size_t i = 0; i < texts.size(); ++i) call.Out((i == 0 ? "" : "\n\n") + texts[i]);
}

}  // namespace rundrill::fakes::kubectl
