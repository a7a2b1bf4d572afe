#pragma once

// Faults: what a scenario's timeline does to the infrastructure besides deploys and alerts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/infra.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

// What a network or backend fault is about. Written `host/db-1`, `cluster/production`,
// `endpoint/slack`, `endpoint/pagerduty`.
struct FaultTarget {
  enum class Kind { kHost, kCluster, kEndpoint };
  Kind kind = Kind::kHost;
  std::string name;
  SourceMark mark;

  std::string ToString() const;  // "host/db-1"
  bool operator==(const FaultTarget& o) const { return kind == o.kind && name == o.name; }
};

// How an unreachable target fails: packets dropped (callers wait for their connect
// timeout) or rejected (connection refused at once).
enum class PartitionMode { kDrop, kReject };

// The failure an injected error produces, as the target's client reports it.
enum class InjectedError {
  kTimeout,      // i/o timeout / Connection timed out
  kRefused,      // connection refused
  kServerError,  // kubectl: InternalError (500); ssh: connection closed during key exchange
  kUnavailable,  // kubectl: ServiceUnavailable (503)
};

struct Fault {
  enum class Kind {
    kPartition,         // targets unreachable for `duration`
    kExpireCredential,  // credential expires now
    kRevokeCredential,  // credential revoked now
    kAddLatency,        // every call to target takes `latency` longer, for `duration`
    kInjectErrors,      // each call to target fails with `probability`, for `duration`
    kCrashHost,         // host down; back after `duration` if given (rebooted: uptime 0)
    kStopService,       // a systemd unit on a host stops (state failed)
    kDiskFill,          // `bytes` written at once to `path` on `host`
    kConnectionLeak,    // database gains connections at `rate` for `duration`
  };
  Kind kind = Kind::kPartition;

  std::vector<FaultTarget> targets;     // kPartition (≥1), kAddLatency/kInjectErrors (exactly 1)
  std::optional<SimDuration> duration;  // absent: until the end of the drill
  PartitionMode mode = PartitionMode::kDrop;

  CredentialSpec::Kind credential_kind = CredentialSpec::Kind::kKubeconfig;  // k*Credential
  std::string credential_target;                                             // k*Credential

  SimDuration latency{SimDuration(0)};  // kAddLatency
  double probability = 1.0;             // kInjectErrors, in (0, 1]
  InjectedError error = InjectedError::kTimeout;

  std::string host;     // kCrashHost, kStopService, kDiskFill
  std::string service;  // kStopService
  std::string path;     // kDiskFill: the file written (created if missing)
  int64_t bytes = 0;    // kDiskFill

  std::string database;                       // kConnectionLeak
  Rate rate;                                  // kConnectionLeak: connections per span
  std::string state = "idle in transaction";  // kConnectionLeak: state of leaked connections
  std::string application;                    // kConnectionLeak

  SourceMark mark;
};

}  // namespace rundrill::model
