// `kubectl scale`, `kubectl set image`, `kubectl delete pod` (kubectl 1.29 wording).

#include "fakes/kubectl/kubectl_call.h"

namespace rundrill::fakes::kubectl {
namespace {

namespace kube = world::kube;

// The most replicas a scenario may declare (the scenario loader's limit).
constexpr int64_t kMaxModelledReplicas = 10000;

// TYPE/NAME or TYPE NAME at the front of the positionals; how many positionals it used.
struct Target {
  std::string type;
  std::string name;
  size_t used = 0;
};

std::optional<Target> ParseTarget(const std::vector<std::string>& pos) {
  if (pos.empty()) return std::nullopt;
  if (const auto tn = SplitTypeName(pos[0])) return Target{tn->first, tn->second, 1};
  if (pos.size() >= 2) return Target{pos[0], pos[1], 2};
  return Target{pos[0], "", 1};
}

}  // namespace

void RunScale(Call& call) {
  const ParsedArgs& args = call.args;
  if (!args.Has("replicas")) {
    call.Fail("error: required flag(s) \"replicas\" not set");
    return;
  }
  const std::optional<Target> target = ParseTarget(args.positionals);
  if (!target) {
    call.Err(
        "error: You must provide one or more resources by argument or filename.\n"
        "Example resource specifications include:\n"
        "   '-f rsrc.yaml'\n"
        "   '--filename=rsrc.json'\n"
        "   '<resource> <name>'\n"
        "   '<resource>'\n");
    call.response.exit_code = 1;
    return;
  }
  if (ResourceFromWord(target->type) != Resource::kDeployment || target->name.empty() ||
      target->used != args.positionals.size()) {
    call.Fail(NotModelled("scale", args.positionals[0]));
    return;
  }
  // ParseArgs has range-checked the value as kubectl's IntVar does (int64).
  const int64_t replicas = args.Int("replicas");
  if (replicas < 0) {
    call.Fail(
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal "
        "to 0");
    return;
  }
  const kube::Deployment* d = call.kube.FindDeployment(call.ns, target->name);
  if (!d) {
    call.Fail("error: no objects passed to scale");
    return;
  }
  if (args.Has("current-replicas")) {
    const int64_t expected = args.Int("current-replicas");
    if (expected >= 0 && expected != d->replicas) {
      call.Fail("error: Expected replicas to be " + std::to_string(expected) + ", was " +
                std::to_string(d->replicas));
      return;
    }
  }
  // kubectl would send the count and the API server would answer (above int32, with a
  // decode error); the world is not built for more replicas than a scenario may declare.
  if (replicas > kMaxModelledReplicas) {
    call.Fail(NotModelled("scale", "--replicas=" + std::to_string(replicas)));
    return;
  }
  const Status s = call.kube.Scale(call.ns, target->name, static_cast<int>(replicas));
  if (!s.ok()) {
    call.Fail("error: " + s.message());
    return;
  }
  call.Out("deployment.apps/" + target->name + " scaled\n");
}

void RunSetImage(Call& call) {
  const ParsedArgs& args = call.args;
  const std::optional<Target> target = ParseTarget(args.positionals);
  if (!target || target->name.empty() || target->used >= args.positionals.size()) {
    call.Fail("error: resources and container image are required");
    return;
  }
  if (ResourceFromWord(target->type) != Resource::kDeployment) {
    call.Fail(NotModelled("set image", target->type));
    return;
  }
  const kube::Deployment* d = call.kube.FindDeployment(call.ns, target->name);
  if (!d) {
    call.Fail(NotFound(Resource::kDeployment, target->name));
    return;
  }
  std::string image;
  for (size_t i = target->used; i < args.positionals.size(); ++i) {
    const std::string& pair = args.positionals[i];
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      call.Fail("error: invalid image update: " + pair);
      return;
    }
    const std::string container = pair.substr(0, eq);
    if (container != "*" && container != d->pod_template.container) {
      call.Fail("error: unable to find container named \"" + container + "\"");
      return;
    }
    image = pair.substr(eq + 1);
  }
  // --record stores the command line as the change-cause (with --record normalised to
  // --record=true); without it the previous change-cause stays, as on a real cluster.
  std::string change_cause;
  if (args.Bool("record")) {
    change_cause = "kubectl";
    bool recorded = false;
    for (const std::string& word : args.raw) {
      if (word.rfind("--record", 0) == 0) {
        if (!recorded) change_cause += " --record=true";
        recorded = true;
        continue;
      }
      change_cause += " " + word;
    }
  }
  const Status s = call.kube.SetImage(call.ns, target->name, image, change_cause);
  if (!s.ok()) {
    call.Fail("error: " + s.message());
    return;
  }
  call.Out("deployment.apps/" + target->name + " image updated\n");
}

void RunDelete(Call& call) {
  const ParsedArgs& args = call.args;
  const std::vector<std::string>& pos = args.positionals;
  if (pos.empty()) {
    call.Err(
        "error: You must provide one or more resources by argument or filename.\n"
        "Example resource specifications include:\n"
        "   '-f rsrc.yaml'\n"
        "   '--filename=rsrc.json'\n"
        "   '<resource> <name>'\n"
        "   '<resource>'\n");
    call.response.exit_code = 1;
    return;
  }
  std::vector<std::string> names;
  std::string type;
  if (SplitTypeName(pos[0])) {
    for (const std::string& p : pos) {
      const auto tn = SplitTypeName(p);
      if (!tn || ResourceFromWord(tn->first) != Resource::kPod) {
        call.Fail(NotModelled("delete", tn ? tn->first : p));
        return;
      }
      names.push_back(tn->second);
    }
    type = "pod";
  } else {
    type = pos[0];
    if (ResourceFromWord(type) != Resource::kPod) {
      call.Fail(NotModelled("delete", type));
      return;
    }
    names.assign(pos.begin() + 1, pos.end());
  }
  if (args.Has("selector")) {
    if (!names.empty()) {
      call.Fail("error: name cannot be provided when a selector is specified");
      return;
    }
    std::string error;
    const std::optional<Selector> selector = ParseSelector(args.Get("selector"), &error);
    if (!selector) {
      call.Fail(error);
      return;
    }
    if (const kube::Namespace* ns = call.kube.FindNamespace(call.ns)) {
      for (const auto& [name, pod] : ns->pods) {
        if (selector->Matches(PodLabels(pod))) names.push_back(name);
      }
    }
    if (names.empty()) {
      call.Err("No resources found\n");
      return;
    }
  } else if (names.empty()) {
    call.Fail("error: resource(s) were provided, but no name was specified");
    return;
  }
  // --force implies --grace-period=0 (kubectl delete's own rule).
  const bool force =
      args.Bool("force") && (!args.Has("grace-period") || args.Int("grace-period") <= 0);
  if (force) {
    call.Err(
        "Warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n");
  }
  for (const std::string& name : names) {
    if (!call.kube.FindPod(call.ns, name)) {
      if (!args.Bool("ignore-not-found")) call.Fail(NotFound(Resource::kPod, name));
      continue;
    }
    const Status s = call.kube.DeletePod(call.ns, name);
    if (!s.ok()) {
      call.Fail("error: " + s.message());
      continue;
    }
    call.Out("pod \"" + name + "\" " + (force ? "force deleted" : "deleted") + "\n");
  }
}

}  // namespace rundrill::fakes::kubectl
