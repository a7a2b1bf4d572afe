#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"

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

// Reads a webhook body as Alertmanager posts it (payload version "4") back into its alerts,
// in payload order, so that what a real Alertmanager sends can be routed like the drill's
// own alerts. A "resolved" alert gets `ends_at` from its endsAt; a "firing" one has none
// (Alertmanager hides a future endsAt). Times are relative to `epoch`, to the millisecond.
// Fields rundrill does not use (groupKey, receiver, fingerprint, …) are not checked.
// Anything else that is not such a body (not JSON, another version, an alert without labels
// or alertname, a value of the wrong type, a timestamp that is not RFC 3339) is
// Status::InvalidInput with a message naming the field: `alerts[0].labels: must be an object
// of strings, got a number`.
StatusOr<std::vector<Alert>> ParseAlertmanagerPayload(std::string_view json, const Epoch& epoch);

}  // namespace rundrill::alerting
