#pragma once

// Who can reach what, and with which credentials: network partitions, credential expiry and
// revocation, added latency and injected errors, all as intervals of virtual time. Backends
// ask before they answer; the timeline's faults are the only writers.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/random.h"
#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/fault.h"
#include "simulator/model/infra.h"

namespace rundrill::world {

enum class CredentialState { kValid, kExpired, kRevoked };

class AccessWorld {
 public:
  explicit AccessWorld(Epoch epoch) : epoch_(epoch) {}

  // Declared credentials with their expiry. Undeclared ones are valid forever.
  void Build(const std::vector<model::CredentialSpec>& credentials);

  // ---- Faults. `until` is SimTime::max() for "until the end of the drill".
  void Partition(const model::FaultTarget& target, model::PartitionMode mode, SimTime from,
                 SimTime until);
  void Expire(model::CredentialSpec::Kind kind, const std::string& target, SimTime at);
  void Revoke(model::CredentialSpec::Kind kind, const std::string& target, SimTime at);
  void AddLatency(const model::FaultTarget& target, SimDuration latency, SimTime from,
                  SimTime until);
  void InjectErrors(const model::FaultTarget& target, double probability,
                    model::InjectedError error, SimTime from, SimTime until);

  // ---- Questions backends ask, at virtual time `now`.
  // How the network fails between the runner and `target`, if it does.
  std::optional<model::PartitionMode> PartitionOf(const model::FaultTarget& target,
                                                  SimTime now) const;
  CredentialState Credential(model::CredentialSpec::Kind kind, const std::string& target,
                             SimTime now) const;
  // Sum of the latency faults on `target` active at `now`.
  SimDuration ExtraLatency(const model::FaultTarget& target, SimTime now) const;
  // Draws once per active error fault on `target` (in the order they began); the first that
  // hits decides. Each call draws the same number of times whatever the outcome, so the
  // stream stays aligned.
  std::optional<model::InjectedError> DrawError(const model::FaultTarget& target, SimTime now,
                                                Random& rng) const;

  // Active and past faults and credential states at `now`, sorted, for results.
  nlohmann::json Snapshot(SimTime now) const;

 private:
  struct Interval {
    SimTime from{0};
    SimTime until = SimTime::max();
    bool Contains(SimTime t) const { return t >= from && t < until; }
  };
  struct PartitionFault {
    model::FaultTarget target;
    model::PartitionMode mode;
    Interval when;
  };
  struct LatencyFault {
    model::FaultTarget target;
    SimDuration latency;
    Interval when;
  };
  struct ErrorFault {
    model::FaultTarget target;
    double probability;
    model::InjectedError error;
    Interval when;
  };
  struct CredentialRecord {
    model::CredentialSpec::Kind kind;
    std::string target;
    std::optional<SimTime> expires_at;
    std::optional<SimTime> revoked_at;
  };

  CredentialRecord* FindCredential(model::CredentialSpec::Kind kind, const std::string& target);
  const CredentialRecord* FindCredential(model::CredentialSpec::Kind kind,
                                         const std::string& target) const;

  Epoch epoch_;
  std::vector<PartitionFault> partitions_;
  std::vector<LatencyFault> latencies_;
  std::vector<ErrorFault> errors_;
  std::vector<CredentialRecord> credentials_;
};

std::string_view CredentialKindName(model::CredentialSpec::Kind kind);  // "kubeconfig", "ssh_key"…

}  // namespace rundrill::world
