#pragma once

// How healthy each declared service is, derived from the world: the pods that serve it and
// what it depends on. No curve is scripted: a service degrades because its deployment lost
// ready replicas, because a database it uses is running out of connections, or because a
// service it calls is failing. docs/metrics.md states the formulas; the constants below are
// the ones it quotes.

#include <string>
#include <vector>

#include "simulator/core/sim_time.h"

namespace rundrill::world {

class World;

namespace metrics {

// Extra failure share of a service whose ready replicas fall short: the pods left take
// the whole load and shed this much of it per unit of capacity lost.
inline constexpr double kOverloadErrorShare = 0.2;
// Pool use (connections / max_connections) from which a database starts failing requests
// for want of a connection, reaching total failure at 1.
inline constexpr double kPoolErrorStart = 0.9;
// Pool use from which requests queue for a connection, and the wait at a full pool.
inline constexpr double kPoolWaitStart = 0.8;
inline constexpr double kPoolWaitMaxSeconds = 2.0;
// What a client waits before giving up: the p99 of a service with no ready pod, and the
// ceiling of every p99.
inline constexpr double kRequestTimeoutSeconds = 30.0;
// Floor of the availability that divides the base latency, so that a service down to a
// sliver of its capacity has a large but finite p99.
inline constexpr double kMinAvailability = 0.01;

struct ServiceHealth {
  std::string service;
  // Ready replicas / desired replicas of its deployment, in [0, 1]; 1 with no deployment.
  double availability = 1;
  double own_error_ratio = 0;  // from its own pods alone
  double error_ratio = 0;      // what its callers see, dependencies included
  double p99_seconds = 0;
};

// Every service of world.services(), in declaration order, at world.Now().
std::vector<ServiceHealth> ServiceHealths(const World& world);

// Fraction of requests a database fails, and the seconds a request waits for one of its
// connections, at pool use `used_ratio`.
double PoolErrorRatio(double used_ratio);
double PoolWaitSeconds(double used_ratio);

}  // namespace metrics
}  // namespace rundrill::world
