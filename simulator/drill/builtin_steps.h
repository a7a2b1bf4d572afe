#pragma once

// Steps the drill performs itself instead of starting a process: Slack posts, PagerDuty
// events, and the approval gate in front of a step. They reach the fakes the way a runbook's
// own curl would — HTTP requests through the same services, faults and transcript — so a
// partition or a revoked token hurts them just the same.

#include <functional>
#include <map>
#include <string>

#include "fakes/http_backend.h"
#include "simulator/core/sim_time.h"
#include "simulator/drill/drill_result.h"
#include "simulator/model/runbook.h"
#include "simulator/model/scenario.h"
#include "simulator/world/world.h"

namespace rundrill::drill {

// What one request to a fake service came to, as its client sees it.
struct ServiceAnswer {
  enum class Kind { kAnswered, kRefused, kTimedOut };
  Kind kind = Kind::kAnswered;
  fakes::HttpResponse response;  // kAnswered only
};

// What built-in steps need from the drill they run in.
class BuiltinHost {
 public:
  virtual ~BuiltinHost() = default;
  virtual SimTime Now() const = 0;
  // Lets virtual time pass to `t`, running what is due. False when the step's deadline or
  // the scenario's horizon came first (the clock then stands there).
  virtual bool WaitUntil(SimTime t) = 0;
  // When the drill next has something scheduled; SimTime::max() when nothing.
  virtual SimTime NextEventTime() const = 0;
  virtual void Schedule(SimTime at, std::function<void()> task) = 0;
  // `service` is "slack", "pagerduty-events" or "pagerduty-api"; the target is the path on
  // that service ("/api/chat.postMessage").
  virtual ServiceAnswer Call(const std::string& service, fakes::HttpRequest request) = 0;
  virtual void Note(std::string kind, std::string detail) = 0;
  virtual world::World& World() = 0;
  virtual const model::Scenario& Scenario() const = 0;
};

struct BuiltinOutcome {
  bool ok = false;
  std::string summary;  // what was done, or why it failed: one line
};

// Where a built-in step stands: for defaults and for approvers that answer only some runs.
struct BuiltinContext {
  std::string runbook;
  std::string step_id;
  std::string step_name;
  std::string command;    // what the step will run, shown in approval requests
  std::string alert_key;  // the alert's fingerprint, for default dedup keys
  const std::map<std::string, std::string>* env = nullptr;  // fills `${NAME}`
};

// Posts through chat.postMessage when the notice names a channel, else through the
// incoming webhook. A 429 is waited out (Retry-After, virtual) and retried twice.
BuiltinOutcome PostToSlack(BuiltinHost& host, const model::SlackNotice& notice,
                           const BuiltinContext& context);

// Sends one Events API v2 event for the notice's service (its first integration key).
BuiltinOutcome SendPage(BuiltinHost& host, const model::PageNotice& notice,
                        const BuiltinContext& context);

// The dedup key a page without one uses: the same for every run of a runbook on one alert,
// so a second run (or a retry) folds into the incident the first one opened.
std::string DefaultDedupKey(const BuiltinContext& context);

// Posts the request, lets the scenario's approvers react on the virtual clock and waits for
// the first answer, the timeout, or the step's deadline. Updates the request with the
// outcome. Approved and auto-approved let the step run; anything else fails it.
ApprovalRecord RequestApproval(BuiltinHost& host, const model::Approval& approval,
                               const BuiltinContext& context);

// Checks what can be checked before a drill starts: pages name services of the scenario's
// PagerDuty account that have an integration key. Fails with InvalidInput naming the
// runbook's file, line and column.
Status CheckBuiltins(const model::Runbook& runbook, const model::Scenario& scenario);

}  // namespace rundrill::drill
