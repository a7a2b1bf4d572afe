// `kubectl logs` (kubectl 1.29 wording for missing objects).

#include <algorithm>

#include "fakes/kubectl/kubectl_call.h"

namespace rundrill::fakes::kubectl {
namespace {

namespace kube = world::kube;

// The last `n` lines of `text` (n < 0: all), as kubelet's --tail does.
std::string Tail(const std::string& text, long long n) {
  if (n < 0) return text;
  if (n == 0) return "";
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;  // the final newline ends the last line
  long long lines = 0;
  while (pos > 0) {
    const size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (++lines == n) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

// kubectl picks one pod of a controller the way podutils.ByLogging sorts: running first,
// ready first, ready for longer, more restarts, older; the name makes the order total.
const kube::Pod* PickPod(const world::KubeWorld& kube, std::vector<const kube::Pod*> pods) {
  if (pods.empty()) return nullptr;
  std::sort(pods.begin(), pods.end(), [&](const kube::Pod* a, const kube::Pod* b) {
    const kube::PodView va = kube.PodStatus(*a), vb = kube.PodStatus(*b);
    const bool ra = va.phase == "Running", rb = vb.phase == "Running";
    if (ra != rb) return ra;
    if (va.ready != vb.ready) return va.ready;
    if (va.ready && va.container.ready_since != vb.container.ready_since) {
      return va.container.ready_since < vb.container.ready_since;
    }
    if (va.container.restart_count != vb.container.restart_count) {
      return va.container.restart_count > vb.container.restart_count;
    }
    if (a->created != b->created) return a->created < b->created;
    return a->name < b->name;
  });
  return pods[0];
}

// Writes one pod's log, or kubectl's error for it. Returns false on error.
bool PodLog(Call& call, const kube::Pod& pod, const std::string& container, long long tail) {
  if (!container.empty() && container != pod.pod_template.container) {
    call.Fail("error: container " + container + " is not valid for pod " + pod.name);
    return false;
  }
  const std::string name = pod.pod_template.container;
  const kube::PodView v = call.kube.PodStatus(pod);
  if (call.args.Bool("previous")) {
    if (v.container.restart_count == 0) {
      call.Fail("Error from server (BadRequest): previous terminated container \"" + name +
                "\" in pod \"" + pod.name + "\" not found");
      return false;
    }
  } else if (v.container.starts == 0) {
    call.Fail("Error from server (BadRequest): container \"" + name + "\" in pod \"" + pod.name +
              "\" is waiting to start: ContainerCreating");
    return false;
  }
  call.Out(Tail(call.kube.PodLog(pod), tail));
  return true;
}

}  // namespace

void RunLogs(Call& call) {
  const ParsedArgs& args = call.args;
  std::string container = args.Get("container");
  const bool by_selector = args.Has("selector");
  // A selector shows the last 10 lines of each pod unless --tail says otherwise.
  const long long tail = args.Int("tail", by_selector ? 10 : -1);

  if (by_selector) {
    if (!args.positionals.empty()) {
      call.Fail("error: only a selector (-l) or a POD name is allowed");
      return;
    }
    std::string error;
    const std::optional<Selector> selector = ParseSelector(args.Get("selector"), &error);
    if (!selector) {
      call.Fail(error);
      return;
    }
    const kube::Namespace* ns = call.kube.FindNamespace(call.ns);
    std::vector<const kube::Pod*> pods;
    if (ns) {
      for (const auto& [name, pod] : ns->pods) {
        if (selector->Matches(PodLabels(pod))) pods.push_back(&pod);
      }
    }
    if (pods.empty()) {
      call.Err("No resources found in " + call.ns + " namespace.\n");
      return;
    }
    for (const kube::Pod* pod : pods) {
      if (!PodLog(call, *pod, container, tail)) return;
    }
    return;
  }

  if (args.positionals.empty() || args.positionals.size() > 2) {
    call.Err(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
        "POD or TYPE/NAME is a required argument for the logs command\n"
        "See 'kubectl logs -h' for help and examples\n");
    call.response.exit_code = 1;
    return;
  }
  if (args.positionals.size() == 2) container = args.positionals[1];  // legacy POD CONTAINER
  const std::string& target = args.positionals[0];
  const auto type_name = SplitTypeName(target);
  if (!type_name) {
    const kube::Pod* pod = call.kube.FindPod(call.ns, target);
    if (!pod) {
      call.Fail(NotFound(Resource::kPod, target));
      return;
    }
    PodLog(call, *pod, container, tail);
    return;
  }
  const std::optional<Resource> kind = ResourceFromWord(type_name->first);
  const std::string& name = type_name->second;
  std::vector<const kube::Pod*> pods;
  if (kind == Resource::kPod) {
    const kube::Pod* pod = call.kube.FindPod(call.ns, name);
    if (!pod) {
      call.Fail(NotFound(Resource::kPod, name));
      return;
    }
    pods.push_back(pod);
  } else if (kind == Resource::kDeployment) {
    const kube::Deployment* d = call.kube.FindDeployment(call.ns, name);
    if (!d) {
      call.Fail(NotFound(Resource::kDeployment, name));
      return;
    }
    pods = call.kube.PodsOf(*d);
  } else if (kind == Resource::kReplicaSet) {
    const kube::ReplicaSet* rs = call.kube.FindReplicaSet(call.ns, name);
    if (!rs) {
      call.Fail(NotFound(Resource::kReplicaSet, name));
      return;
    }
    pods = call.kube.PodsOf(*rs);
  } else {
    call.Fail(NotModelled("logs", type_name->first));
    return;
  }
  const kube::Pod* pod = PickPod(call.kube, pods);
  if (!pod) {
    call.Fail("error: timed out waiting for the condition");
    return;
  }
  if (pods.size() > 1) {
    call.Err("Found " + std::to_string(pods.size()) + " pods, using pod/" + pod->name + "\n");
  }
  PodLog(call, *pod, container, tail);
}

}  // namespace rundrill::fakes::kubectl
