#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/verify/finding.h"

namespace rundrill::drill {

// Everything a drill produced, in virtual time. Plain data: the report writers read it,
// nothing here reads the wall clock.

struct TimelineEntry {
  SimTime at{0};
  std::string kind;    // scenario.deploy, alert.fired, alert.resolved, runbook.started, ...
  std::string detail;  // one human line
};

// One call a step made to a fake backend.
struct Interaction {
  SimTime at{0};
  SimDuration duration{0};
  std::string runbook;
  std::string step;
  uint64_t sequence = 0;
  std::vector<std::string> argv;
  std::string stdin_data;
  std::string stdout_data;
  std::string stderr_data;
  int exit_code = 0;
};

// One try of a step's command.
struct Attempt {
  SimTime started_at{0};
  SimTime ended_at{0};
  int exit_code = 0;
  std::string stop;  // exited | virtual-timeout | wall-guard | signal
  std::string stdout_data;
  std::string stderr_data;
  std::vector<std::string> failures;  // unmet `expect` clauses, capture errors
};

enum class StepOutcome { kSucceeded, kFailed, kSkipped, kTimedOut };
std::string_view StepOutcomeName(StepOutcome outcome);

// The human gate before a step: the Slack request and how it was answered.
struct ApprovalRecord {
  std::string channel;  // as the runbook names it
  std::string ts;       // the request message; empty when it could not be posted
  SimTime requested_at{0};
  SimTime decided_at{0};
  std::string decision;  // approved | denied | expired | auto-approved | not-requested
  std::string by;        // who answered, when someone did
  std::string detail;    // one human line
};

struct StepRecord {
  std::string id;
  std::string type;
  std::string name;
  std::string command;      // `run`, or "wait 2m"
  bool on_failure = false;  // part of the runbook's on_failure steps
  StepOutcome outcome = StepOutcome::kSkipped;
  std::string reason;  // why skipped / failed, one line
  SimTime started_at{0};
  SimTime ended_at{0};
  std::vector<Attempt> attempts;
  std::optional<std::string> capture_name;
  std::optional<std::string> capture_value;
  std::optional<ApprovalRecord> approval;
};

struct RunbookRecord {
  std::string name;
  std::string path;
  std::string alertname;
  std::string alert_fingerprint;
  size_t alert_record = 0;  // index into DrillResult::alerts of the alert that started it
  std::string outcome;      // succeeded | failed
  SimTime started_at{0};
  SimTime ended_at{0};
  std::map<std::string, std::string> params;
  std::vector<StepRecord> steps;
};

struct Figures {
  std::optional<SimDuration> time_to_detect;
  std::optional<SimDuration> time_to_mitigate;
  std::optional<SimDuration> time_to_resolve;
};

// One firing episode of one alert: an incident, as far as the figures go.
struct AlertRecord {
  std::string alertname;
  std::string fingerprint;
  std::map<std::string, std::string> labels;
  // As the runbooks received them, rule templates expanded.
  std::map<std::string, std::string> annotations;
  std::string source;    // "timeline", or "rule: <expr>"
  std::string value;     // the sample that made a rule fire
  SimTime active_at{0};  // when its condition first held (rules: pending began)
  SimTime fired_at{0};
  std::optional<SimTime> resolved_at;
  std::vector<std::string> runbooks;  // routed to
  SimTime incident_start{0};          // the scenario event the incident is counted from
  std::string incident_cause;
  Figures figures;
};

// One Alertmanager notification sent for a rule's alerts.
struct NotificationRecord {
  SimTime at{0};
  std::string group_key;
  std::string reason;
  std::string status;                 // firing | resolved
  std::vector<std::string> alerts;    // fingerprints
  std::vector<std::string> runbooks;  // started by it
};

struct ExpectationResult {
  std::string what;  // "deployment production/api image is registry/api:1.4.2"
  bool passed = false;
  std::string detail;  // what was found
  std::string source;  // path:line:col of the expectation
};

struct DrillResult {
  std::string scenario_name;
  std::string scenario_path;
  std::string scenario_description;
  uint64_t seed = 0;
  SimTime horizon{0};
  std::string start_time;                  // RFC 3339 of virtual time 0
  std::vector<std::string> runbook_paths;  // the runbooks considered, sorted
  std::vector<TimelineEntry> timeline;
  std::vector<AlertRecord> alerts;
  std::vector<NotificationRecord> notifications;
  std::vector<RunbookRecord> runbooks;
  std::vector<Interaction> transcript;
  std::vector<ExpectationResult> expectations;
  Figures figures;
  nlohmann::json final_world;
  std::string reproduce;  // the command line that reruns this drill
  // The checks of simulator/verify, when they were asked for; they count towards `passed`.
  std::optional<verify::Verification> verification;
  bool passed = false;
  // Stopped early by SIGINT or SIGTERM (exec/interrupt.h): the record ends where it stopped.
  bool interrupted = false;
  // One draw from the drill's seeded generator at its end, after folding in one extra draw
  // from every call's stream: differs when two runs of a seed consumed different randomness.
  // Not part of result.json; compared by `rundrill run --check-determinism`.
  uint64_t final_draw = 0;
};

}  // namespace rundrill::drill
