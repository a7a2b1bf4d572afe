#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/alert_rule.h"
#include "simulator/model/fault.h"
#include "simulator/model/infra.h"
#include "simulator/model/pagerduty.h"
#include "simulator/model/service_defaults.h"
#include "simulator/model/slack.h"
#include "simulator/model/source_mark.h"
#include "simulator/model/stub.h"
#include "simulator/model/verify_spec.h"

namespace rundrill::model {

// How a container image behaves when it runs: what makes a "bad deploy" bad.
struct ImageSpec {
  std::string image;
  bool crashes = false;  // the container exits shortly after starting, every time
  SimDuration crash_after{SimDuration(3000)};  // how long it runs before exiting
  int exit_code = 1;
  SimDuration startup{SimDuration(5000)};  // from pod creation to ready (healthy images)
  std::string log;                         // what each container of this image writes to its log
  SourceMark mark;
};

struct RevisionSpec {
  std::string image;
  std::string change_cause;  // kubernetes.io/change-cause; "" prints <none>
  SourceMark mark;
};

struct DeploymentSpec {
  std::string namespace_name;
  std::string name;
  std::string container;  // defaults to name
  int replicas = 1;
  std::map<std::string, std::string> labels;  // selector and pod labels; default app=<name>
  std::vector<RevisionSpec> history;       // oldest first; the last is live at time 0 (non-empty)
  SimDuration age{SimDuration(86400000)};  // how long before time 0 it was created
  std::string max_surge = "25%";
  std::string max_unavailable = "25%";
  SourceMark mark;
};

struct KubernetesSpec {
  std::string cluster = "production";
  std::vector<std::string> namespaces;  // declared empty namespaces, plus those of deployments
  std::vector<DeploymentSpec> deployments;
  std::vector<ImageSpec> images;
};

struct WorldSpec {
  KubernetesSpec kubernetes;
  std::vector<HostSpec> hosts;
  std::vector<DatabaseSpec> databases;
  std::vector<ServiceSpec> services;
  std::vector<CredentialSpec> credentials;
  // Until scenarios can describe them, every drill gets the default workspace and account
  // (service_defaults.h): the #incidents channel behind the webhook, one on-call chain.
  SlackSpec slack = DefaultSlackSpec();
  PagerDutySpec pagerduty = DefaultPagerDutySpec();
};

// A predicate on the final state of a deployment, used by `expect` and by an alert's
// `resolve_when`.
struct DeploymentPredicate {
  std::string namespace_name;
  std::string name;
  std::optional<std::string> image;
  std::optional<int> ready_replicas;
  std::optional<bool> healthy;  // every desired replica updated, ready, and no old pods left
  std::optional<int> revision;
  SourceMark mark;
};

struct AlertSpec {
  std::map<std::string, std::string> labels;  // must contain alertname
  std::map<std::string, std::string> annotations;
  std::vector<DeploymentPredicate> resolve_when;  // all hold ⇒ the alert resolves by itself
};

struct TimelineEvent {
  enum class Kind {
    kDeploy,        // set a deployment's image (a new revision rolls out)
    kSetLogs,       // replace what a deployment's pods have logged
    kSetReadiness,  // pods of a deployment fail (or pass again) their readiness probe
    kFireAlert,
    kResolveAlert,
    kFault,  // `fault` says which
  };
  Kind kind = Kind::kDeploy;
  SimTime at{0};
  SourceMark mark;

  // kDeploy / kSetLogs / kSetReadiness
  std::string namespace_name;
  std::string deployment;
  std::string image;         // kDeploy
  std::string change_cause;  // kDeploy
  std::string text;          // kSetLogs: log text; kSetReadiness: the reason
  bool ready = true;         // kSetReadiness

  // kFireAlert / kResolveAlert (resolve names the alert by its alertname)
  AlertSpec alert;
  std::string alertname;

  Fault fault;  // kFault
};

struct RunbookExpectation {
  std::string runbook;
  std::optional<bool> ran;
  std::optional<int> runs;             // how many times it ran (a flapping alert starts it again)
  std::optional<std::string> outcome;  // succeeded | failed
  std::map<std::string, std::string> steps;  // step id → succeeded|failed|skipped|timed_out
  std::vector<std::string> steps_not_ran;    // each skipped or never reached in the last run
  SourceMark mark;
};

// `node_filesystem_used_ratio{host="db-1"} < 0.8` at the end of the drill: every series the
// selector matches must satisfy the comparison, and at least one must match.
struct MetricExpectation {
  std::string expr;  // as written
  SeriesSelector selector;
  Comparison comparison = Comparison::kLess;
  double threshold = 0;
  SourceMark mark;
};

// How many things an expectation wants: exactly `count` when set, else at least `at_least`.
struct CountSpec {
  std::optional<int> count;
  int at_least = 1;
};

// Messages in one channel at the end of the drill, filtered by every field that is set.
struct SlackExpectation {
  std::string channel;                      // a declared channel's name (without '#') or id
  std::optional<std::string> text_matches;  // searched in the text and in the blocks' texts
  std::optional<std::string> reaction;      // without colons: "white_check_mark"
  CountSpec count;
  SourceMark mark;
};

// PagerDuty incidents at the end of the drill, filtered by every field that is set. Names
// are kept as written: a service or user may be named by id or by name, and an id the world
// derives from a name is only known once the world is built.
struct PagerDutyExpectation {
  std::optional<std::string> service;          // id or name
  std::optional<std::string> title_matches;    // searched in the title
  std::optional<std::string> status;           // triggered | acknowledged | resolved
  std::optional<std::string> urgency;          // high | low
  std::optional<std::string> acknowledged_by;  // a user id or name
  std::vector<std::string> paged;              // user ids or names, each notified about it
  CountSpec count;
  SourceMark mark;
};

// `escalated:`: whether a PagerDuty escalation policy moved an incident on to a further
// level. The long form narrows it to a service and to a user the escalation paged.
struct EscalationExpectation {
  bool escalated = true;
  std::optional<std::string> service;  // id or name, as for PagerDutyExpectation
  std::optional<std::string> to;       // a user id or name paged because of an escalation
  SourceMark mark;
};

// One entry of an `order:` chain: the first time something happened in the drill.
struct OrderEvent {
  enum class Kind { kSlack, kPagerDuty, kStep, kAlert };
  Kind kind = Kind::kSlack;
  std::string channel;                      // kSlack: a declared channel's name or id
  std::optional<std::string> text_matches;  // kSlack; kPagerDuty: searched in the title
  std::string status;  // kPagerDuty: triggered|acknowledged|resolved; kAlert: firing|resolved
  std::optional<std::string> service;  // kPagerDuty: id or name
  std::string runbook;                 // kStep
  std::string step;                    // kStep
  std::optional<std::string> outcome;  // kStep: absent means any outcome of a step that ran
  std::string alertname;               // kAlert
  SourceMark mark;
};

// Events that must have happened in this order, each strictly before the next.
struct OrderExpectation {
  std::vector<OrderEvent> events;  // at least two
  SourceMark mark;
};

struct Expectations {
  std::optional<bool> resolved;                // no alert firing at the end
  std::optional<SimDuration> resolved_within;  // ... and the last one resolved by then
  std::vector<DeploymentPredicate> deployments;
  std::vector<MetricExpectation> metrics;
  std::optional<std::vector<std::string>> runbooks_ran;  // exactly these, in any order
  std::vector<RunbookExpectation> runbooks;
  std::vector<SlackExpectation> slack;
  std::vector<PagerDutyExpectation> pagerduty;
  std::optional<EscalationExpectation> escalated;
  std::vector<OrderExpectation> order;
  SourceMark mark;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string path;
  SourceMark mark;
  int64_t start_unix_seconds = 1767225600;  // `start:`; 2026-01-01T00:00:00Z by default
  SimDuration horizon{SimDuration(3600000)};
  std::optional<uint64_t> seed;
  WorldSpec world;
  std::vector<TimelineEvent> timeline;  // sorted by `at`, file order among equal times
  AlertingSpec alerting;
  std::vector<StubSpec> stubs;
  Expectations expect;
  VerifySpec verify;
};

}  // namespace rundrill::model
