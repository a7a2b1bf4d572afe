#include "simulator/world/metrics/service_health.h"

#include <algorithm>
#include <map>
#include <optional>

#include "simulator/world/world.h"

namespace rundrill::world::metrics {
namespace {

double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

// Availability of the pods named by "namespace/name" ("name" alone: namespace default).
double Availability(const KubeWorld& kube, const std::string& deployment) {
  if (deployment.empty()) return 1;
  const auto slash = deployment.find('/');
  const std::string ns = slash == std::string::npos ? "default" : deployment.substr(0, slash);
  const std::string name = slash == std::string::npos ? deployment : deployment.substr(slash + 1);
  const std::optional<DeploymentState> state = kube.Deployment(ns, name);
  // Pods that do not exist serve nothing.
  if (!state || state->replicas <= 0) return 0;
  // During a surge more pods than desired may be ready; they do not add capacity beyond
  // what the service was sized for.
  return Clamp01(static_cast<double>(std::min(state->ready, state->replicas)) /
                 static_cast<double>(state->replicas));
}

double PoolUse(const DatabaseState& s) {
  return s.max_connections > 0
             ? static_cast<double>(s.total) / static_cast<double>(s.max_connections)
             : 1.0;
}

class Evaluator {
 public:
  explicit Evaluator(const World& world) : world_(world) {
    const auto& services = world.services();
    for (size_t i = 0; i < services.size(); ++i) index_.emplace(services[i].name, i);
    memo_.resize(services.size());
    visiting_.assign(services.size(), false);
  }

  const ServiceHealth& Of(size_t i) {
    if (memo_[i]) return *memo_[i];
    visiting_[i] = true;
    const model::ServiceSpec& spec = world_.services()[i];
    ServiceHealth h;
    h.service = spec.name;
    h.availability = Availability(world_.kube(), spec.deployment);
    const bool down = h.availability <= 0;
    h.own_error_ratio =
        down ? 1.0 : Clamp01(spec.base_error_ratio + (1 - h.availability) * kOverloadErrorShare);
    double success = 1 - h.own_error_ratio;
    double latency = down ? kRequestTimeoutSeconds
                          : static_cast<double>(spec.base_p99.count()) / 1000.0 /
                                std::max(h.availability, kMinAvailability);
    for (const std::string& dep : spec.depends_on) {
      // A service wins over a database of the same name; the loader should reject both.
      if (auto it = index_.find(dep); it != index_.end()) {
        // The loader rejects cycles; should one slip through, the edge that closes it adds
        // nothing rather than recursing for ever.
        if (visiting_[it->second]) continue;
        const ServiceHealth& d = Of(it->second);
        success *= 1 - d.error_ratio;
        latency += d.p99_seconds;
      } else if (const std::optional<DatabaseState> db = world_.databases().State(dep)) {
        const double use = PoolUse(*db);
        success *= 1 - PoolErrorRatio(use);
        latency += PoolWaitSeconds(use);
      }
      // A name that is neither was the loader's to reject: it contributes nothing.
    }
    h.error_ratio = Clamp01(1 - success);
    h.p99_seconds = std::min(latency, kRequestTimeoutSeconds);
    visiting_[i] = false;
    memo_[i] = h;
    return *memo_[i];
  }

 private:
  const World& world_;
  std::map<std::string, size_t> index_;
  std::vector<std::optional<ServiceHealth>> memo_;
  std::vector<bool> visiting_;
};

}  // namespace

double PoolErrorRatio(double used_ratio) {
  return Clamp01((used_ratio - kPoolErrorStart) / (1 - kPoolErrorStart));
}

double PoolWaitSeconds(double used_ratio) {
  return kPoolWaitMaxSeconds * Clamp01((used_ratio - kPoolWaitStart) / (1 - kPoolWaitStart));
}

std::vector<ServiceHealth> ServiceHealths(const World& world) {
  Evaluator evaluator(world);
  std::vector<ServiceHealth> out;
  for (size_t i = 0; i < world.services().size(); ++i) out.push_back(evaluator.Of(i));
  return out;
}

}  // namespace rundrill::world::metrics
