#include "simulator/suite/chaos.h"

#include <algorithm>

#include "simulator/core/random.h"

namespace rundrill::suite {
namespace {

using model::Fault;
using model::FaultTarget;

SimDuration Seconds(int64_t s) { return SimDuration(s * 1000); }

// Uniform in [lo, hi] seconds.
SimDuration Between(Random& rng, int64_t lo, int64_t hi) {
  return Seconds(lo + rng.Below(static_cast<uint32_t>(hi - lo + 1)));
}

FaultTarget Target(FaultTarget::Kind kind, const std::string& name) {
  FaultTarget t;
  t.kind = kind;
  t.name = name;
  return t;
}

std::string Describe(const Fault& f, SimTime at) {
  std::string what;
  const std::string target = f.targets.empty() ? "" : f.targets[0].ToString();
  switch (f.kind) {
    case Fault::Kind::kPartition:
      what = std::string(f.mode == model::PartitionMode::kDrop ? "drop" : "reject") +
             " partition of " + target;
      break;
    case Fault::Kind::kAddLatency:
      what = "add_latency " + FormatDuration(f.latency) + " to " + target;
      break;
    case Fault::Kind::kInjectErrors:
      what = "inject_errors (" + std::to_string(static_cast<int>(f.probability * 100 + 0.5)) +
             "%) on " + target;
      break;
    default:
      what = "fault";
  }
  return FormatClock(at) + " " + what +
         (f.duration ? " for " + FormatDuration(*f.duration) : std::string());
}

}  // namespace

model::Scenario WithExtraFaults(const model::Scenario& scenario, uint64_t chaos_seed,
                                std::vector<std::string>* added) {
  model::Scenario out = scenario;
  Random rng = Random(chaos_seed).Split("chaos/" + scenario.name);

  std::vector<FaultTarget> targets = {
      Target(FaultTarget::Kind::kEndpoint, "slack"),
      Target(FaultTarget::Kind::kEndpoint, "pagerduty"),
  };
  if (!scenario.world.kubernetes.deployments.empty()) {
    targets.push_back(Target(FaultTarget::Kind::kCluster, scenario.world.kubernetes.cluster));
  }
  for (const auto& host : scenario.world.hosts) {
    targets.push_back(Target(FaultTarget::Kind::kHost, host.name));
  }

  const int64_t half = std::max<int64_t>(60, scenario.horizon.count() / 2000);
  const int count = 1 + static_cast<int>(rng.Below(2));
  for (int i = 0; i < count; ++i) {
    Fault fault;
    fault.targets = {targets[rng.Below(static_cast<uint32_t>(targets.size()))]};
    fault.duration = Between(rng, 60, 600);
    switch (rng.Below(3)) {
      case 0:
        fault.kind = Fault::Kind::kPartition;
        fault.mode =
            rng.Below(2) == 0 ? model::PartitionMode::kDrop : model::PartitionMode::kReject;
        break;
      case 1:
        fault.kind = Fault::Kind::kAddLatency;
        fault.latency = Between(rng, 1, 8);
        break;
      default: {
        fault.kind = Fault::Kind::kInjectErrors;
        fault.probability = 0.2 + 0.1 * rng.Below(5);
        const bool endpoint = fault.targets[0].kind == FaultTarget::Kind::kEndpoint;
        fault.error = endpoint ? model::InjectedError::kServerError
                               : (rng.Below(2) == 0 ? model::InjectedError::kUnavailable
                                                    : model::InjectedError::kTimeout);
        break;
      }
    }
    model::TimelineEvent event;
    event.kind = model::TimelineEvent::Kind::kFault;
    event.at = SimTime(Between(rng, 0, half).count());
    event.mark.file = "chaos seed " + std::to_string(chaos_seed);
    event.fault = fault;
    event.fault.mark = event.mark;
    if (added != nullptr) added->push_back(Describe(fault, event.at));
    out.timeline.push_back(std::move(event));
  }
  // Scenario events first among equal times, as if the chaos came just after them.
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  return out;
}

uint64_t ChaosSeedForDate(const std::string& date) {
  // 32 bits: short enough to type back in.
  return StableHash("rundrill gameday " + date) & 0xffffffffULL;
}

}  // namespace rundrill::suite
