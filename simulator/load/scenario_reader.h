#pragma once

// Internal to the scenario loader: the one reader object whose parts live in
// scenario_loader.cc (top level, Kubernetes, timeline, expect), infra_reader.cc (hosts,
// databases, services, credentials), chat_reader.cc (Slack and PagerDuty),
// fault_reader.cc (faults in the timeline),
// alerting_reader.cc (alert rules and every selector or expression a scenario writes) and
// stub_reader.cc (stubs).
//
// Sections are read in a fixed order (world, alerting, timeline, stubs, expect) whatever
// their order in the file, so each can check names against those read before it.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"
#include "simulator/model/scenario.h"
#include "simulator/text/series_selector.h"

namespace rundrill::load {

// Whether `path` is absolute and in canonical form: no empty, "." or ".." components and no
// trailing '/' (except "/" itself).
bool IsCanonicalAbsolutePath(std::string_view path);

// A `{{ … }}` hole in a template text.
struct TemplateHole {
  size_t offset = 0;        // of the first '{'
  size_t length = 0;        // through the closing "}}"
  std::string inner;        // between the braces, trimmed
  size_t inner_offset = 0;  // of `inner` in the text
};

// The holes of `text`, in order. A `{{` that is never closed stops the scan: `*unclosed`
// becomes its offset. A selector has braces and quoted values of its own, so
// `{{ m{a="}}"} }}` closes on the last pair, as the world's own template parser reads it.
std::vector<TemplateHole> FindTemplateHoles(std::string_view text, std::optional<size_t>* unclosed);

class ScenarioReader {
 public:
  explicit ScenarioReader(Reporter& r) : r_(r) {}

  std::optional<model::Scenario> Read(const YAML::Node& root);

 private:
  // Where, and about what, a fault is active; two of one key must not overlap.
  struct OverlapKey {
    std::string key;   // "partition host/db-1"
    std::string what;  // `partition of "host/db-1"`, how messages name it
    model::SourceMark mark;
  };

  // A timeline event as read, with what the checks across events need to know about it.
  struct EventRecord {
    model::TimelineEvent event;
    bool at_ok = false;
    bool fires = false;     // a fire_alert with an alertname
    bool resolves = false;  // a resolve_alert with an alertname
    model::SourceMark alertname_mark;
    std::vector<OverlapKey> overlap;  // faults read without error only
  };

  // What a host declares, for the checks on faults and stub effects.
  struct HostIndex {
    std::vector<std::string> services;  // unit names without ".service"
    std::vector<std::string> files;
  };

  // ---- scenario_loader.cc
  void ReadWorld(MapReader& root, model::WorldSpec* world);
  void ReadKubernetes(const Field& f, model::KubernetesSpec* k8s);
  void ReadImage(const Field& f, model::ImageSpec* image);
  void ReadDeployment(const Field& f, model::DeploymentSpec* d);
  void ReadTimeline(MapReader& root, SimDuration horizon, std::vector<model::TimelineEvent>* out);
  void ReadEvent(const Field& f, SimDuration horizon, EventRecord* rec);
  void ReadTarget(MapReader& m, std::string* namespace_name, std::string* deployment);
  void ReadAlert(const Field& f, EventRecord* rec);
  void ReadPredicates(const Field& f, std::vector<model::DeploymentPredicate>* out);
  void ReadPredicate(const Field& f, model::DeploymentPredicate* p);
  // Runs after ReadWorld and ReadTimeline: Slack, PagerDuty and order expectations name what
  // the world declares and the alerts the scenario fires.
  void ReadExpect(MapReader& root, model::Scenario* sc);
  void ReadRunbookExpectations(const Field& f, std::vector<model::RunbookExpectation>* out);
  // A `namespace/name` that must be a declared deployment.
  std::optional<std::string> ReadDeploymentKey(const Field& f);

  // ---- infra_reader.cc
  void ReadHosts(const Field& f, std::vector<model::HostSpec>* out);
  void ReadHost(const Field& f, model::HostSpec* host);
  void ReadDisk(const Field& f, model::DiskSpec* disk);
  void ReadHostService(const Field& f, model::HostServiceSpec* service);
  void ReadFile(const Field& f, model::FileSpec* file);
  void CheckDiskSpace(const model::HostSpec& host);
  void ReadDatabases(const Field& f, std::vector<model::DatabaseSpec>* out);
  void ReadDatabase(const Field& f, model::DatabaseSpec* db);
  void ReadServices(const Field& f, const std::vector<model::DatabaseSpec>& databases,
                    std::vector<model::ServiceSpec>* out);
  void ReadService(const Field& f, model::ServiceSpec* service,
                   std::vector<model::SourceMark>* depends_on_marks);
  void CheckDependencyCycles(const std::vector<model::ServiceSpec>& services,
                             const std::vector<std::vector<model::SourceMark>>& marks);
  void ReadCredentials(const Field& f, std::vector<model::CredentialSpec>* out);
  // `kind` and `target` of a credential (in world.credentials or a credential fault).
  // Returns false when either is missing or wrong (reported).
  bool ReadCredentialKey(MapReader& m, model::CredentialSpec::Kind* kind, std::string* target);

  // Each reports a name that the world does not declare (with a hint) and returns false.
  bool CheckHost(const Field& f, const std::string& name);
  bool CheckDatabase(const Field& f, const std::string& name);
  bool CheckCluster(const Field& f, const std::string& name);
  bool CheckHostService(const Field& f, const std::string& host, const std::string& service);
  bool CheckDeclared(const model::SourceMark& mark, std::string_view what, const std::string& name,
                     const std::vector<std::string>& declared);

  // ---- chat_reader.cc
  // Each replaces the default workspace or account with the one the scenario declares.
  void ReadSlack(const Field& f, model::SlackSpec* slack);
  void ReadSlackChannel(const Field& f, model::SlackChannelSpec* channel,
                        model::SourceMark* id_mark);
  bool ReadSlackApprover(const Field& f, model::SlackApproverSpec* approver);
  void ReadPagerDuty(const Field& f, model::PagerDutySpec* pd);
  void ReadPagerDutyUser(const Field& f, model::PagerDutyUserSpec* user,
                         model::SourceMark* email_mark);
  void ReadEscalationPolicy(const Field& f, const std::vector<std::string>& users,
                            model::PagerDutyEscalationPolicySpec* policy);
  void ReadEscalationRule(const Field& f, const std::vector<std::string>& users,
                          model::PagerDutyEscalationRuleSpec* rule);
  void ReadPagerDutyService(const Field& f, const std::vector<std::string>& policies,
                            model::PagerDutyServiceSpec* service, model::SourceMark* key_mark);
  void ReadResponder(const Field& f, const std::vector<std::string>& users,
                     model::PagerDutyResponderSpec* responder);
  // A PagerDuty id ("id" of a user, policy or service), when given: 7 upper-case letters or
  // digits.
  std::optional<std::string> ReadPagerDutyId(MapReader& m, std::string_view what);
  // A timeout that `none` disables; otherwise a duration longer than 0s.
  void ReadTimeout(MapReader& m, std::string_view key, std::optional<SimDuration>* out);

  // ---- fault_reader.cc
  void ReadFault(const std::string& kind, const Field& f, EventRecord* rec);
  std::optional<model::FaultTarget> ReadFaultTarget(const Field& f);
  // A `duration` of a fault, when given: more than 0.
  void ReadFaultDuration(MapReader& m, model::Fault* fault);
  void CheckOverlappingFaults(const std::vector<EventRecord>& records);

  // ---- alerting_reader.cc
  void ReadAlerting(MapReader& root, model::AlertingSpec* alerting);
  void ReadRule(const Field& f, model::AlertRuleSpec* rule);
  void ReadLabelNames(const Field& f, std::string_view what, bool allow_alertname);
  void CheckAnnotationTemplates(const Field& f, const std::set<std::string>& labels,
                                const std::string& alert);
  // `selector op number` in the scalar of `f`, parsed and checked against the catalog and the
  // world. Errors point inside the text where they can.
  std::optional<text::AlertExpression> ReadExpression(const Field& f);
  // Checks a selector that was parsed from `text`, which starts at byte `base` of the scalar
  // of `f`: the metric is in the catalog, its matchers name the metric's labels, and a
  // matcher on a service, database, host, namespace or deployment names a declared one.
  void CheckSelector(const Field& f, std::string_view text, size_t base,
                     const model::SeriesSelector& selector);
  void ReadMetricExpectations(const Field& f, std::vector<model::MetricExpectation>* out);
  // A positive duration (more than 0s).
  std::optional<SimDuration> PositiveDuration(const MapReader& m, std::string_view key);

  // ---- stub_reader.cc
  void ReadStubs(MapReader& root, std::vector<model::StubSpec>* out);
  void ReadStub(const Field& f, model::StubSpec* stub);
  void CheckStubTemplates(const Field& f, int groups);
  void ReadEffect(const Field& f, model::StubEffect* effect);

  bool NamespaceDeclared(const std::string& ns) const;

  Reporter& r_;
  // What the world declares, in file order, for the checks on events, rules, stubs and
  // predicates. Names are recorded even for entries with other errors, so that one mistake
  // does not echo as "not declared" everywhere the name is used.
  std::vector<std::string> namespaces_;   // declared first, then those only deployments name
  std::vector<std::string> deployments_;  // "namespace/name"
  std::string cluster_ = "production";
  std::vector<std::string> hosts_;
  std::map<std::string, HostIndex> host_index_;
  std::vector<std::string> databases_;
  std::vector<std::string> services_;
  // host → paths that disk_fill events write (a stub may free them).
  std::map<std::string, std::vector<std::string>> filled_paths_;
};

}  // namespace rundrill::load
