#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"

namespace rundrill::alerting {

using Labels = std::map<std::string, std::string>;

// One alert as Alertmanager tracks it.
struct Alert {
  Labels labels;  // includes alertname
  Labels annotations;
  SimTime starts_at{0};
  std::optional<SimTime> ends_at;  // set once resolved

  const std::string& Name() const;
  bool Firing() const { return !ends_at.has_value(); }
};

// Alertmanager's fingerprint of a label set: FNV-1a 64 over the labels sorted by name, each
// name and value followed by the separator byte 0xff (prometheus/common model), as 16 hex
// digits.
std::string Fingerprint(const Labels& labels);

// Where a payload says it came from. Harmless placeholders: nothing may ever follow them.
struct AlertSource {
  std::string receiver = "rundrill";
  std::string external_url = "http://alertmanager.rundrill.invalid";
};

// The webhook body Alertmanager (v0.25, payload version "4") posts for one group: fields in
// the Go struct's order, label maps sorted, `endsAt` the zero time while firing. Compact JSON
// plus a trailing newline is what travels; see ../shared/fixtures/alertmanager-0.25/.
// `group_by` names the labels the group is keyed on.
nlohmann::ordered_json AlertmanagerPayload(const std::vector<Alert>& alerts,
                                           const std::vector<std::string>& group_by,
                                           const Epoch& epoch, const AlertSource& source);

}  // namespace rundrill::alerting
