#pragma once

// The PagerDuty account a scenario declares: users, escalation policies, services with their
// integration (routing) keys, REST API tokens, and how the people on call behave when paged.

#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

struct PagerDutyUserSpec {
  std::string id;     // "PXPGF42"; derived from the name when empty
  std::string name;   // "Ada Primary"
  std::string email;  // what REST callers put in the `From` header
  SourceMark mark;
};

struct PagerDutyEscalationRuleSpec {
  // Minutes an unacknowledged incident stays on this rule before moving to the next. >= 1.
  int escalation_delay_in_minutes = 30;
  std::vector<std::string> targets;  // user ids, 1 to 10
};

struct PagerDutyEscalationPolicySpec {
  std::string id;  // derived from the name when empty
  std::string name;
  std::vector<PagerDutyEscalationRuleSpec> rules;  // at least one
  // Times the whole chain repeats after its last rule's delay runs out (0: it stops there).
  int num_loops = 0;
  SourceMark mark;
};

// How an Events API incident's urgency is set: always high, always low, or from the event's
// severity (critical and error are high, warning and info low).
enum class PagerDutyUrgencyRule { kHigh, kLow, kSeverityBased };

struct PagerDutyServiceSpec {
  std::string id;  // "PWIXJZS"; derived from the name when empty
  std::string name;
  std::string escalation_policy;  // a policy id
  // An acknowledged incident returns to triggered this long after the acknowledgement;
  // nullopt disables it (PagerDuty's 0/null).
  std::optional<SimDuration> acknowledgement_timeout = SimDuration(1800 * 1000);
  // An open incident resolves by itself this long after it was created; nullopt disables it.
  std::optional<SimDuration> auto_resolve_timeout = SimDuration(14400 * 1000);
  PagerDutyUrgencyRule urgency = PagerDutyUrgencyRule::kHigh;
  std::vector<std::string> integration_keys;  // Events API v2 routing keys, 32 alphanumerics
  SourceMark mark;
};

// A person on call, as a script: paged at time p, they acknowledge at p + acks_after (never
// when absent) and resolve at p + resolves_after (never when absent). Every page starts its
// own script, so a responder paged again acts again.
struct PagerDutyResponderSpec {
  std::string user;  // a user id
  std::optional<SimDuration> acks_after;
  std::optional<SimDuration> resolves_after;
  SourceMark mark;
};

struct PagerDutySpec {
  std::vector<PagerDutyUserSpec> users;
  std::vector<PagerDutyEscalationPolicySpec> escalation_policies;
  std::vector<PagerDutyServiceSpec> services;
  std::vector<std::string> api_tokens;             // REST `Authorization: Token token=…` values
  std::vector<PagerDutyResponderSpec> responders;  // users without one never act
};

}  // namespace rundrill::model
