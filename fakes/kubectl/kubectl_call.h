#pragma once

// What the kubectl sub-commands share: the parsed call, where its output goes, and the
// helpers for resource words, selectors and kubectl's standard error texts.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/backend.h"
#include "fakes/kubectl/kubectl_args.h"
#include "fakes/kubectl/kubectl_backend.h"
#include "simulator/world/kube/kube_world.h"

namespace rundrill::fakes::kubectl {

enum class Resource { kPod, kDeployment, kReplicaSet, kEvent, kNamespace };

struct Call {
  const ParsedArgs& args;
  SimContext& context;
  world::KubeWorld& kube;
  const KubectlOptions& options;
  std::string ns;  // --namespace, else "default"
  CommandResponse response;

  void Out(const std::string& text) { response.stdout_data += text; }
  void Err(const std::string& text) { response.stderr_data += text; }
  // Appends an error line (newline added) and sets exit code 1.
  void Fail(const std::string& line) {
    response.stderr_data += line + "\n";
    response.exit_code = 1;
  }
};

// "pods", "po", "deploy", "deployments.apps", "rs", "ev", "ns" ... (case-insensitive).
std::optional<Resource> ResourceFromWord(const std::string& word);
// "pods", "deployments.apps", ...: the qualified plural used in API error messages.
std::string QualifiedPlural(Resource r);
// "pod", "deployment.apps": the -o name prefix.
std::string NamePrefix(Resource r);

// "rundrill: kubectl '<path>' is not modelled (see docs/fakes.md)", or with `what`
// "rundrill: kubectl <path> '<what>' is not modelled (see docs/fakes.md)" (a resource, a
// flag, an -o).
std::string NotModelled(const std::string& path, const std::string& what = "");

// `Error from server (NotFound): pods "x" not found`
std::string NotFound(Resource r, const std::string& name);

// A label selector (`k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated).
struct Selector {
  struct Term {
    std::string key;
    enum class Op { kEq, kNe, kExists, kNotExists } op = Op::kEq;
    std::string value;
  };
  std::vector<Term> terms;
  bool Matches(const std::map<std::string, std::string>& labels) const;
};
// nullopt with `error` set (kubectl's message, without "error: ") when unparsable.
std::optional<Selector> ParseSelector(const std::string& text, std::string* error);

// Labels as the API shows them (pods and replica sets carry pod-template-hash).
std::map<std::string, std::string> PodLabels(const world::kube::Pod& pod);
std::map<std::string, std::string> ReplicaSetLabels(const world::kube::ReplicaSet& rs);

// Splits "deployment/web" into its parts; nullopt if there is no slash.
std::optional<std::pair<std::string, std::string>> SplitTypeName(const std::string& arg);

// Sub-commands.
void RunGet(Call& call);
void RunDescribe(Call& call);
void RunLogs(Call& call);
void RunRollout(Call& call);
void RunScale(Call& call);
void RunSetImage(Call& call);
void RunDelete(Call& call);
void RunAuthCanI(Call& call);

// Text pieces shared by describe and rollout history.
std::string DescribePodTemplateText(const world::kube::PodTemplate& t, const std::string& hash,
                                    const std::string& change_cause);

}  // namespace rundrill::fakes::kubectl
