#include "fakes/kubectl/kubectl_backend.h"

#include <algorithm>
#include <cctype>

#include "fakes/kubectl/kubectl_call.h"
#include "fakes/kubectl/kubectl_faults.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {

using kubectl::Call;
using kubectl::NotModelled;
using kubectl::ParseArgs;
using kubectl::ParsedArgs;

CommandResponse KubectlBackend::Handle(const CommandRequest& request, SimContext& context) {
  // The API round trip: answered after a modelled latency, from the state at that time.
  SimDuration latency = options_.min_latency;
  if (options_.max_latency > options_.min_latency) {
    const auto span = static_cast<uint32_t>((options_.max_latency - options_.min_latency).count());
    latency += SimDuration(context.Rng().Below(span + 1));
  }
  context.AdvanceTo(context.Now() + latency);

  const std::vector<std::string> args(
      request.argv.empty() ? request.argv.begin() : request.argv.begin() + 1, request.argv.end());
  const ParsedArgs parsed = ParseArgs(args);
  Call call{parsed, context, context.World().kube(), options_, "default", {}};
  if (parsed.command.empty()) {
    call.Fail("rundrill: kubectl with no command is not modelled (see docs/fakes.md)");
    return call.response;
  }
  const std::string& command = parsed.command[0];
  if (!kubectl::IsKubectlCommand(command)) {
    call.Fail("error: unknown command \"" + command + "\" for \"kubectl\"");
    return call.response;
  }
  std::string path = command;
  if (parsed.command.size() > 1) path += " " + parsed.command[1];
  static const std::vector<std::string> kModelled = {
      "get",          "describe",        "logs",          "rollout status", "rollout restart",
      "rollout undo", "rollout history", "rollout pause", "rollout resume", "scale",
      "set image",    "delete",          "auth can-i"};
  if (std::find(kModelled.begin(), kModelled.end(), path) == kModelled.end()) {
    call.Fail(NotModelled(path));
    return call.response;
  }
  if (parsed.error) {
    call.Err(*parsed.error);
    call.response.exit_code = 1;
    return call.response;
  }
  if (parsed.unmodelled_flag) {
    call.Fail(NotModelled(path, *parsed.unmodelled_flag));
    return call.response;
  }
  // Flags are checked on the client; only then does the request meet the network.
  if (std::optional<CommandResponse> failed = kubectl::ApplyClusterFaults(parsed, context)) {
    return *failed;
  }
  if (parsed.Has("namespace")) call.ns = parsed.Get("namespace");

  if (command == "get") {
    kubectl::RunGet(call);
  } else if (command == "describe") {
    kubectl::RunDescribe(call);
  } else if (command == "logs") {
    kubectl::RunLogs(call);
  } else if (command == "rollout") {
    kubectl::RunRollout(call);
  } else if (command == "scale") {
    kubectl::RunScale(call);
  } else if (command == "set") {
    kubectl::RunSetImage(call);
  } else if (command == "delete") {
    kubectl::RunDelete(call);
  } else if (command == "auth") {
    kubectl::RunAuthCanI(call);
  }
  return call.response;
}

}  // namespace rundrill::fakes

namespace rundrill::fakes::kubectl {

std::optional<Resource> ResourceFromWord(const std::string& word) {
  std::string w = word;
  std::transform(w.begin(), w.end(), w.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::map<std::string, Resource> kWords = {
      {"pods", Resource::kPod},
      {"pod", Resource::kPod},
      {"po", Resource::kPod},
      {"deployments", Resource::kDeployment},
      {"deployment", Resource::kDeployment},
      {"deploy", Resource::kDeployment},
      {"deployments.apps", Resource::kDeployment},
      {"deployment.apps", Resource::kDeployment},
      {"deployments.v1.apps", Resource::kDeployment},
      {"replicasets", Resource::kReplicaSet},
      {"replicaset", Resource::kReplicaSet},
      {"rs", Resource::kReplicaSet},
      {"replicasets.apps", Resource::kReplicaSet},
      {"replicaset.apps", Resource::kReplicaSet},
      {"events", Resource::kEvent},
      {"event", Resource::kEvent},
      {"ev", Resource::kEvent},
      {"namespaces", Resource::kNamespace},
      {"namespace", Resource::kNamespace},
      {"ns", Resource::kNamespace},
  };
  auto it = kWords.find(w);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

std::string QualifiedPlural(Resource r) {
  switch (r) {
    case Resource::kPod:
      return "pods";
    case Resource::kDeployment:
      return "deployments.apps";
    case Resource::kReplicaSet:
      return "replicasets.apps";
    case Resource::kEvent:
      return "events";
    case Resource::kNamespace:
      return "namespaces";
  }
  return "";
}

std::string NamePrefix(Resource r) {
  switch (r) {
    case Resource::kPod:
      return "pod";
    case Resource::kDeployment:
      return "deployment.apps";
    case Resource::kReplicaSet:
      return "replicaset.apps";
    case Resource::kEvent:
      return "event";
    case Resource::kNamespace:
      return "namespace";
  }
  return "";
}

std::string NotModelled(const std::string& path, const std::string& what) {
  const std::string subject = what.empty() ? "'" + path + "'" : path + " '" + what + "'";
  // kubectl cannot be stubbed (the scenario loader refuses it), so the message points at
  // the list of what is modelled rather than at stubs.
  return "rundrill: kubectl " + subject + " is not modelled (see docs/fakes.md)";
}

std::string NotFound(Resource r, const std::string& name) {
  return "Error from server (NotFound): " + QualifiedPlural(r) + " \"" + name + "\" not found";
}

bool Selector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const Term& t : terms) {
    auto it = labels.find(t.key);
    switch (t.op) {
      case Term::Op::kEq:
        if (it == labels.end() || it->second != t.value) return false;
        break;
      case Term::Op::kNe:
        if (it != labels.end() && it->second == t.value) return false;
        break;
      case Term::Op::kExists:
        if (it == labels.end()) return false;
        break;
      case Term::Op::kNotExists:
        if (it != labels.end()) return false;
        break;
    }
  }
  return true;
}

std::optional<Selector> ParseSelector(const std::string& text, std::string* error) {
  Selector s;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string term = text.substr(start, end - start);
    term.erase(0, term.find_first_not_of(' '));
    term.erase(term.find_last_not_of(' ') + 1);
    start = end + 1;
    if (term.empty()) {
      if (end == text.size()) break;
      continue;
    }
    Selector::Term t;
    if (term.find(" in ") != std::string::npos || term.find(" notin ") != std::string::npos ||
        term.find('(') != std::string::npos) {
      *error = NotModelled("-l", text);
      return std::nullopt;
    }
    size_t op;
    if ((op = term.find("!=")) != std::string::npos) {
      t.op = Selector::Term::Op::kNe;
      t.key = term.substr(0, op);
      t.value = term.substr(op + 2);
    } else if ((op = term.find("==")) != std::string::npos) {
      t.key = term.substr(0, op);
      t.value = term.substr(op + 2);
    } else if ((op = term.find('=')) != std::string::npos) {
      t.key = term.substr(0, op);
      t.value = term.substr(op + 1);
    } else if (term[0] == '!') {
      t.op = Selector::Term::Op::kNotExists;
      t.key = term.substr(1);
    } else {
      t.op = Selector::Term::Op::kExists;
      t.key = term;
    }
    if (t.key.empty()) {
      *error = "error: unable to parse requirement: found '" + term + "', expected: identifier";
      return std::nullopt;
    }
    s.terms.push_back(t);
    if (end == text.size()) break;
  }
  return s;
}

std::map<std::string, std::string> PodLabels(const world::kube::Pod& pod) {
  std::map<std::string, std::string> labels = pod.pod_template.labels;
  labels["pod-template-hash"] = pod.template_hash;
  return labels;
}

std::map<std::string, std::string> ReplicaSetLabels(const world::kube::ReplicaSet& rs) {
  std::map<std::string, std::string> labels = rs.pod_template.labels;
  labels["pod-template-hash"] = rs.template_hash;
  return labels;
}

std::optional<std::pair<std::string, std::string>> SplitTypeName(const std::string& arg) {
  const size_t slash = arg.find('/');
  if (slash == std::string::npos) return std::nullopt;
  return std::make_pair(arg.substr(0, slash), arg.substr(slash + 1));
}

void RunAuthCanI(Call& call) {
  // Authorization is not modelled: every verb on every resource is allowed.
  if (call.args.positionals.empty()) {
    call.Fail(
        "error: you must specify two arguments: verb resource or verb resource/resourceName.");
    return;
  }
  if (!call.args.Bool("quiet")) call.Out("yes\n");
}

}  // namespace rundrill::fakes::kubectl
