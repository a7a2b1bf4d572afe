#pragma once

// The simulated PagerDuty account: incidents with their status, assignments, log entries and
// notes; escalation along each service's policy on the virtual clock; scripted responders
// who acknowledge and resolve at their declared delays; integration keys and API tokens
// that a fault can expire or revoke.
//
// Modelled: one incident per Events API alert (no alert grouping), escalation rules with
// delays and loops, acknowledgement timeout (back to triggered, current rule paged again),
// auto-resolve timeout from creation, direct assignment (never escalates), dedup by
// (routing key, dedup key) for events and by (service, incident_key) for REST.
// Not modelled: schedules and on-call rotations (rule targets are users), alert grouping,
// priorities, teams, maintenance windows, urgency-dependent notification rules (low urgency
// escalates like high), contact methods (a "page" is the notification of a user).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/pagerduty.h"
#include "simulator/world/access/access_world.h"

namespace rundrill::world {

enum class PdStatus { kTriggered, kAcknowledged, kResolved };
std::string_view PdStatusName(PdStatus status);  // "triggered", "acknowledged", "resolved"

// Who made a change: a user id, or one of these for changes nobody made by hand.
inline constexpr char kPdAgentEvents[] = "events_api";  // an Events API event
inline constexpr char kPdAgentService[] = "service";    // a timeout of the service
inline constexpr char kPdAgentPolicy[] = "escalation";  // the escalation policy

struct PdLogEntry {
  SimTime at{0};
  std::string type;   // "trigger_log_entry", "notify_log_entry", "escalate_log_entry", …
  std::string agent;  // a user id or one of the kPdAgent* values
  std::string user;   // the user notified or assigned, when the entry is about one
  std::string summary;
};

struct PdNote {
  std::string id;
  SimTime at{0};
  std::string user;
  std::string content;
};

struct PdAssignment {
  std::string user;
  SimTime at{0};
};

// One notification of one user about one incident.
struct PdPage {
  SimTime at{0};
  int64_t incident_number = 0;
  std::string incident_id;
  std::string user;
  int level = 0;       // index of the escalation rule, 0 for direct assignments
  int loop = 0;        // 0 on the first pass through the policy
  std::string reason;  // "trigger", "escalation", "unacknowledge", "assignment"
};

struct PdIncident {
  int64_t number = 0;  // incident_number, from 1 in creation order
  std::string id;      // "Q" followed by six characters
  std::string title;
  std::string details;
  std::string service_id;
  std::string routing_key;   // "" when created through the REST API
  std::string incident_key;  // the Events API dedup_key
  PdStatus status = PdStatus::kTriggered;
  std::string urgency = "high";
  std::string severity;  // the event's, "" for REST incidents
  std::string source;
  std::string created_by;  // a user id or kPdAgentEvents
  SimTime created_at{0};
  SimTime last_status_change_at{0};
  std::string last_status_change_by;
  std::optional<SimTime> resolved_at;
  std::string assigned_via = "escalation_policy";  // or "direct_assignment"
  std::string escalation_policy_id;                // "" for direct assignments
  int level = 0;
  int loop = 0;
  std::vector<PdAssignment> assignments;   // the current ones
  std::vector<std::string> acknowledgers;  // in the order they acknowledged
  int64_t deduplicated_events = 0;         // triggers folded into this incident
  std::vector<PdLogEntry> log;             // in time order
  std::vector<PdNote> notes;

  // Pending timers; nullopt when not running.
  std::optional<SimTime> escalate_at;
  std::optional<SimTime> unacknowledge_at;
  std::optional<SimTime> auto_resolve_at;
  struct ScriptedAction {
    SimTime at{0};
    bool resolve = false;  // else acknowledge
    std::string user;
    uint64_t sequence = 0;  // order of scheduling, for ties
  };
  std::vector<ScriptedAction> scripted;

  bool open() const { return status != PdStatus::kResolved; }
};

// An Events API v2 trigger that passed validation.
struct PdTriggerEvent {
  std::string routing_key;
  std::string dedup_key;  // "" to have one generated
  std::string summary;
  std::string source;
  std::string severity;  // critical | error | warning | info
};

struct PdTriggerOutcome {
  std::string dedup_key;
  std::string incident_id;
  bool created = false;  // false: folded into the open incident with that key
};

// A REST POST /incidents that passed validation of its shape.
struct PdNewIncident {
  std::string title;
  std::string service_id;
  std::string urgency = "high";
  std::string details;
  std::string incident_key;               // "" for none
  std::string escalation_policy_id;       // overrides the service's when set
  std::vector<std::string> assignee_ids;  // direct assignment when not empty
  std::string from_user;                  // the From header's user id
};

class PagerDutyWorld {
 public:
  PagerDutyWorld(uint64_t seed, Epoch epoch) : seed_(seed), epoch_(epoch) {}

  // Sets up the account at time 0. Fills in missing ids, rejects duplicate ids, dangling
  // references, malformed integration keys, empty policies and delays below one minute.
  // Call once.
  Status Build(const model::PagerDutySpec& spec);

  SimTime Now() const { return now_; }
  const Epoch& epoch() const { return epoch_; }

  // Applies every escalation, timeout and scripted responder action due up to `t`, in
  // (time, kind, incident number, scheduling order) order. A `t` in the past is ignored.
  // The state reached depends only on `t` and the operations' times, not on the steps taken.
  void AdvanceTo(SimTime t);
  // When the next escalation, timeout or scripted action is due; nullopt when none is.
  std::optional<SimTime> NextChangeTime() const;

  // ---- Credentials: routing keys and API tokens, set by faults. Unknown ones are kValid.
  void SetCredentialState(const std::string& key_or_token, CredentialState state);
  CredentialState Credential(const std::string& key_or_token) const;

  // ---- Operations. Each first advances to `now` (a `now` before Now() counts as Now()).
  // Precondition for the event ones: the routing key is known.
  PdTriggerOutcome Trigger(const PdTriggerEvent& event, SimTime now);
  // Apply to the open incident opened through `routing_key` with `dedup_key`; return its id,
  // or nullopt when there is none (the event is dropped).
  std::optional<std::string> AcknowledgeByKey(const std::string& routing_key,
                                              const std::string& dedup_key, SimTime now);
  std::optional<std::string> ResolveByKey(const std::string& routing_key,
                                          const std::string& dedup_key, SimTime now);

  // Unknown service, policy or assignee, or an open incident with the same incident_key on
  // the service ⇒ InvalidInput with the message the REST API puts in `errors`.
  StatusOr<std::string> CreateIncident(const PdNewIncident& request, SimTime now);
  // Unknown incident ⇒ InvalidInput. A resolved incident is left as it is (Status ok); an
  // acknowledged one is acknowledged again, restarting its acknowledgement timeout.
  Status Acknowledge(const std::string& incident_id, const std::string& user, SimTime now);
  Status Resolve(const std::string& incident_id, const std::string& user, SimTime now);
  // Returns the note's id.
  StatusOr<std::string> AddNote(const std::string& incident_id, const std::string& user,
                                const std::string& content, SimTime now);

  // ---- Reads, at Now().
  const std::vector<PdIncident>& incidents() const { return incidents_; }  // by number
  const PdIncident* FindIncident(const std::string& id) const;
  const PdIncident* FindIncidentByNumber(int64_t number) const;
  const std::vector<PdPage>& pages() const { return pages_; }  // in time order
  std::vector<PdPage> PagesOf(const std::string& user) const;
  const model::PagerDutyUserSpec* FindUser(const std::string& id) const;
  const model::PagerDutyUserSpec* FindUserByEmail(const std::string& email) const;
  const model::PagerDutyServiceSpec* FindService(const std::string& id) const;
  const model::PagerDutyServiceSpec* FindServiceByRoutingKey(const std::string& key) const;
  const model::PagerDutyEscalationPolicySpec* FindPolicy(const std::string& id) const;
  bool IsApiToken(const std::string& token) const;

  // Incidents (by number) and pages, times in virtual ms; keys sorted.
  nlohmann::json Snapshot() const;

 private:
  PdIncident* Mutable(const std::string& id);
  PdIncident* OpenByRoutingKey(const std::string& routing_key, const std::string& dedup_key);
  PdIncident& Open(PdIncident incident, const model::PagerDutyServiceSpec& service,
                   const std::vector<std::string>& assignees, SimTime now);
  void PageLevel(PdIncident& incident, const std::string& reason, SimTime now);
  void PageUser(PdIncident& incident, const std::string& user, const std::string& reason,
                SimTime now);
  void DoAcknowledge(PdIncident& incident, const std::string& agent, SimTime now);
  void DoResolve(PdIncident& incident, const std::string& agent, SimTime now);
  void Escalate(PdIncident& incident, SimTime now);
  void Unacknowledge(PdIncident& incident, SimTime now);
  std::string NewId(char prefix, std::string_view salt);

  uint64_t seed_;
  Epoch epoch_;
  SimTime now_{0};
  model::PagerDutySpec spec_;
  std::vector<std::pair<std::string, CredentialState>> credentials_;
  std::vector<PdIncident> incidents_;
  std::vector<PdPage> pages_;
  std::vector<std::string> used_ids_;
  uint64_t scripted_sequence_ = 0;
  int64_t generated_keys_ = 0;
  int64_t notes_ = 0;
};

}  // namespace rundrill::world
