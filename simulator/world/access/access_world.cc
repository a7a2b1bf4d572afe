#include "simulator/world/access/access_world.h"

#include <algorithm>

namespace rundrill::world {
namespace {

std::string_view ModeName(model::PartitionMode mode) {
  return mode == model::PartitionMode::kDrop ? "drop" : "reject";
}

std::string_view ErrorName(model::InjectedError error) {
  switch (error) {
    case model::InjectedError::kTimeout:
      return "timeout";
    case model::InjectedError::kRefused:
      return "refused";
    case model::InjectedError::kServerError:
      return "server_error";
    case model::InjectedError::kUnavailable:
      return "unavailable";
  }
  return "timeout";
}

}  // namespace

std::string_view CredentialKindName(model::CredentialSpec::Kind kind) {
  switch (kind) {
    case model::CredentialSpec::Kind::kKubeconfig:
      return "kubeconfig";
    case model::CredentialSpec::Kind::kSshKey:
      return "ssh_key";
    case model::CredentialSpec::Kind::kSlackToken:
      return "slack_token";
    case model::CredentialSpec::Kind::kPagerDutyToken:
      return "pagerduty_token";
  }
  return "kubeconfig";
}

void AccessWorld::Build(const std::vector<model::CredentialSpec>& credentials) {
  for (const auto& spec : credentials) {
    CredentialRecord* record = FindCredential(spec.kind, spec.target);
    if (record == nullptr) {
      credentials_.push_back(CredentialRecord{spec.kind, spec.target, spec.expires_at, {}});
    } else {
      record->expires_at = spec.expires_at;
    }
  }
}

AccessWorld::CredentialRecord* AccessWorld::FindCredential(model::CredentialSpec::Kind kind,
                                                           const std::string& target) {
  for (auto& record : credentials_) {
    if (record.kind == kind && record.target == target) return &record;
  }
  return nullptr;
}

const AccessWorld::CredentialRecord* AccessWorld::FindCredential(model::CredentialSpec::Kind kind,
                                                                 const std::string& target) const {
  return const_cast<AccessWorld*>(this)->FindCredential(kind, target);
}

void AccessWorld::Partition(const model::FaultTarget& target, model::PartitionMode mode,
                            SimTime from, SimTime until) {
  partitions_.push_back(PartitionFault{target, mode, Interval{from, until}});
}

void AccessWorld::Expire(model::CredentialSpec::Kind kind, const std::string& target, SimTime at) {
  CredentialRecord* record = FindCredential(kind, target);
  if (record == nullptr) {
    credentials_.push_back(CredentialRecord{kind, target, at, {}});
  } else if (!record->expires_at || *record->expires_at > at) {
    record->expires_at = at;
  }
}

void AccessWorld::Revoke(model::CredentialSpec::Kind kind, const std::string& target, SimTime at) {
  CredentialRecord* record = FindCredential(kind, target);
  if (record == nullptr) {
    credentials_.push_back(CredentialRecord{kind, target, {}, at});
  } else if (!record->revoked_at) {
    record->revoked_at = at;
  }
}

void AccessWorld::AddLatency(const model::FaultTarget& target, SimDuration latency, SimTime from,
                             SimTime until) {
  latencies_.push_back(LatencyFault{target, latency, Interval{from, until}});
}

void AccessWorld::InjectErrors(const model::FaultTarget& target, double probability,
                               model::InjectedError error, SimTime from, SimTime until) {
  errors_.push_back(ErrorFault{target, probability, error, Interval{from, until}});
}

std::optional<model::PartitionMode> AccessWorld::PartitionOf(const model::FaultTarget& target,
                                                             SimTime now) const {
  // A dropping partition wins over a rejecting one: nothing answers at all.
  std::optional<model::PartitionMode> mode;
  for (const auto& p : partitions_) {
    if (!(p.target == target) || !p.when.Contains(now)) continue;
    if (!mode || p.mode == model::PartitionMode::kDrop) mode = p.mode;
  }
  return mode;
}

CredentialState AccessWorld::Credential(model::CredentialSpec::Kind kind, const std::string& target,
                                        SimTime now) const {
  const CredentialRecord* record = FindCredential(kind, target);
  if (record == nullptr) return CredentialState::kValid;
  if (record->revoked_at && *record->revoked_at <= now) return CredentialState::kRevoked;
  if (record->expires_at && *record->expires_at <= now) return CredentialState::kExpired;
  return CredentialState::kValid;
}

SimDuration AccessWorld::ExtraLatency(const model::FaultTarget& target, SimTime now) const {
  SimDuration total{0};
  for (const auto& l : latencies_) {
    if (l.target == target && l.when.Contains(now)) total += l.latency;
  }
  return total;
}

std::optional<model::InjectedError> AccessWorld::DrawError(const model::FaultTarget& target,
                                                           SimTime now, Random& rng) const {
  std::optional<model::InjectedError> hit;
  for (const auto& e : errors_) {
    if (!(e.target == target) || !e.when.Contains(now)) continue;
    const double draw = rng.Unit();
    if (!hit && draw < e.probability) hit = e.error;
  }
  return hit;
}

nlohmann::json AccessWorld::Snapshot(SimTime now) const {
  auto until_text = [](SimTime until) {
    return until == SimTime::max() ? std::string("end") : FormatDuration(until);
  };
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json credentials = nlohmann::json::object();
  for (const auto& c : credentials_) {
    const CredentialState state = Credential(c.kind, c.target, now);
    credentials[std::string(CredentialKindName(c.kind)) + (c.target.empty() ? "" : "/") +
                c.target] = state == CredentialState::kValid     ? "valid"
                            : state == CredentialState::kExpired ? "expired"
                                                                 : "revoked";
  }
  out["credentials"] = std::move(credentials);
  nlohmann::json partitions = nlohmann::json::array();
  for (const auto& p : partitions_) {
    partitions.push_back({{"target", p.target.ToString()},
                          {"mode", ModeName(p.mode)},
                          {"from", FormatDuration(p.when.from)},
                          {"until", until_text(p.when.until)},
                          {"active", p.when.Contains(now)}});
  }
  out["partitions"] = std::move(partitions);
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& l : latencies_) {
    faults.push_back({{"target", l.target.ToString()},
                      {"latency", FormatDuration(l.latency)},
                      {"from", FormatDuration(l.when.from)},
                      {"until", until_text(l.when.until)}});
  }
  for (const auto& e : errors_) {
    faults.push_back({{"target", e.target.ToString()},
                      {"error", ErrorName(e.error)},
                      {"probability", e.probability},
                      {"from", FormatDuration(e.when.from)},
                      {"until", until_text(e.when.until)}});
  }
  out["faults"] = std::move(faults);
  return out;
}

}  // namespace rundrill::world
