#include "simulator/load/scenario_loader.h"

#include <algorithm>
#include <set>

#include "simulator/load/document_loading.h"
#include "simulator/load/expect_reader.h"
#include "simulator/load/file_reading.h"
#include "simulator/load/loader.h"
#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"
#include "simulator/load/verify_reader.h"
#include "simulator/load/yaml_reader.h"

namespace rundrill::load {
namespace {

constexpr int64_t kMaxReplicas = 10000;
constexpr std::string_view kDnsLabelHint = "(use lower-case letters, digits and \"-\")";

const std::vector<std::string> kFaultKinds = {
    "partition",  "expire_credential", "revoke_credential", "add_latency",    "inject_errors",
    "crash_host", "stop_service",      "disk_fill",         "connection_leak"};

// Every key that makes a timeline entry what it is; the order is the one "needs one of"
// lists them in.
const std::vector<std::string> kEventKinds = [] {
  std::vector<std::string> kinds = {"deploy", "set_logs", "set_readiness", "fire_alert",
                                    "resolve_alert"};
  kinds.insert(kinds.end(), kFaultKinds.begin(), kFaultKinds.end());
  return kinds;
}();

// "3", "0" or "25%": what Kubernetes accepts for maxSurge and maxUnavailable.
bool IsIntOrPercent(std::string_view s) {
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<model::Scenario> ScenarioReader::Read(const YAML::Node& root_node) {
  if (!CheckMap(r_, Field{root_node, "a scenario", r_.MarkOf(root_node)})) return std::nullopt;
  if (KindMismatch(r_, root_node, "Scenario")) return std::nullopt;
  MapReader root(r_, root_node, "scenario",
                 {"apiVersion", "kind", "metadata", "start", "horizon", "seed", "world", "alerting",
                  "timeline", "stubs", "expect", "verify"});
  if (!CheckHeader(root, "Scenario")) return std::nullopt;

  model::Scenario sc;
  sc.path = r_.path();
  sc.mark = root.mark();
  ReadMetadata(root, &sc.name, &sc.description, &sc.mark);
  if (std::optional<std::string> start = root.String("start")) {
    if (std::optional<int64_t> secs = ParseRfc3339Utc(*start)) {
      sc.start_unix_seconds = *secs;
    } else {
      r_.Error(root.Get("start").mark, "invalid start time " + Quote(*start) +
                                           " (use UTC RFC 3339, like 2026-11-21T10:00:00Z)");
    }
  }
  if (std::optional<SimDuration> horizon = root.Duration("horizon")) {
    // A drill evaluates alerts every 15s up to its horizon: 30 days is already 172800
    // evaluations, and anything longer is a typo, not an incident.
    constexpr SimDuration kMaxHorizon{30LL * 86400000};
    if (horizon->count() == 0) {
      r_.Error(root.Get("horizon").mark, "\"horizon\" must be longer than 0s");
    } else if (*horizon > kMaxHorizon) {
      r_.Error(root.Get("horizon").mark,
               "\"horizon\" must be at most 30d, got " + FormatDuration(*horizon));
    } else {
      sc.horizon = *horizon;
    }
  }
  if (std::optional<uint64_t> seed = root.Unsigned("seed")) sc.seed = *seed;
  ReadWorld(root, &sc.world);
  ReadAlerting(root, &sc.alerting);
  ReadTimeline(root, sc.horizon, &sc.timeline);
  ReadStubs(root, &sc.stubs);
  ReadExpect(root, &sc);
  ReadVerify(r_, root, &sc.verify);
  if (r_.has_errors()) return std::nullopt;
  return sc;
}

void ScenarioReader::ReadWorld(MapReader& root, model::WorldSpec* world) {
  std::optional<YAML::Node> node = root.Map("world");
  if (!node) return;
  MapReader m(
      r_, *node, "world",
      {"kubernetes", "hosts", "databases", "services", "credentials", "slack", "pagerduty"});
  if (m.Has("kubernetes")) ReadKubernetes(m.Get("kubernetes"), &world->kubernetes);
  cluster_ = world->kubernetes.cluster;
  if (m.Has("hosts")) ReadHosts(m.Get("hosts"), &world->hosts);
  if (m.Has("databases")) ReadDatabases(m.Get("databases"), &world->databases);
  if (m.Has("services")) ReadServices(m.Get("services"), world->databases, &world->services);
  if (m.Has("credentials")) ReadCredentials(m.Get("credentials"), &world->credentials);
  if (m.Has("slack")) ReadSlack(m.Get("slack"), &world->slack);
  if (m.Has("pagerduty")) ReadPagerDuty(m.Get("pagerduty"), &world->pagerduty);
}

bool ScenarioReader::NamespaceDeclared(const std::string& ns) const {
  return std::find(namespaces_.begin(), namespaces_.end(), ns) != namespaces_.end();
}

void ScenarioReader::ReadKubernetes(const Field& f, model::KubernetesSpec* k8s) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "kubernetes", {"cluster", "namespaces", "images", "deployments"});
  if (std::optional<std::string> cluster = m.String("cluster")) k8s->cluster = *cluster;

  if (std::optional<YAML::Node> list = m.List("namespaces")) {
    DuplicateFinder dups("namespace", r_.sink());
    const Field lf = m.Get("namespaces");
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> ns = ReadString(r_, ef);
      if (!ns) continue;
      if (!IsLowerName(*ns, "-")) {
        r_.Error(ef.mark, "invalid namespace " + Quote(*ns) + " " + std::string(kDnsLabelHint));
      }
      if (dups.Add(*ns, ef.mark)) k8s->namespaces.push_back(*ns);
    }
  }

  if (std::optional<YAML::Node> list = m.List("images")) {
    DuplicateFinder dups("image", r_.sink());
    const Field lf = m.Get("images");
    for (const YAML::Node& item : *list) {
      model::ImageSpec image;
      ReadImage(ListEntry(r_, lf, item), &image);
      if (!image.image.empty()) dups.Add(image.image, image.mark);
      k8s->images.push_back(std::move(image));
    }
  }

  if (std::optional<YAML::Node> list = m.List("deployments")) {
    DuplicateFinder dups("deployment", r_.sink());
    const Field lf = m.Get("deployments");
    for (const YAML::Node& item : *list) {
      model::DeploymentSpec d;
      ReadDeployment(ListEntry(r_, lf, item), &d);
      if (!d.name.empty() && !d.namespace_name.empty()) {
        const std::string key = d.namespace_name + "/" + d.name;
        if (dups.Add(key, d.mark)) deployments_.push_back(key);
      }
      k8s->deployments.push_back(std::move(d));
    }
  }

  // The model lists every namespace: the declared ones, then those only deployments name.
  namespaces_ = k8s->namespaces;
  for (const model::DeploymentSpec& d : k8s->deployments) {
    if (!d.namespace_name.empty() && !NamespaceDeclared(d.namespace_name)) {
      namespaces_.push_back(d.namespace_name);
      k8s->namespaces.push_back(d.namespace_name);
    }
  }
}

void ScenarioReader::ReadImage(const Field& f, model::ImageSpec* image) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "image",
              {"image", "crashes", "crash_after", "exit_code", "startup", "log"});
  image->mark = m.mark();
  if (m.Require("image")) {
    if (std::optional<std::string> name = m.String("image")) {
      if (name->empty()) r_.Error(m.Get("image").mark, "\"image\" must not be empty");
      image->image = *name;
      image->mark = m.Get("image").mark;
    }
  }
  if (auto b = m.Bool("crashes")) image->crashes = *b;
  if (auto d = m.Duration("crash_after")) image->crash_after = *d;
  if (auto code = m.Int("exit_code", 0, 255)) image->exit_code = static_cast<int>(*code);
  if (auto d = m.Duration("startup")) image->startup = *d;
  if (auto log = m.String("log")) image->log = *log;
}

void ScenarioReader::ReadDeployment(const Field& f, model::DeploymentSpec* d) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "deployment",
              {"name", "namespace", "replicas", "container", "labels", "age", "max_surge",
               "max_unavailable", "history"});
  d->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-.")) {
        r_.Error(m.Get("name").mark, "invalid deployment name " + Quote(*name) +
                                         " (use lower-case letters, digits, \"-\" and \".\")");
      }
      d->name = *name;
      d->mark = m.Get("name").mark;
    }
  }
  if (m.Require("namespace")) {
    if (std::optional<std::string> ns = m.String("namespace")) {
      if (!IsLowerName(*ns, "-")) {
        r_.Error(m.Get("namespace").mark,
                 "invalid namespace " + Quote(*ns) + " " + std::string(kDnsLabelHint));
      }
      d->namespace_name = *ns;
    }
  }
  if (auto n = m.Int("replicas", 0, kMaxReplicas)) d->replicas = static_cast<int>(*n);
  d->container = m.String("container").value_or(d->name);
  if (auto labels = m.StringMap("labels")) {
    d->labels = *labels;
  } else if (!m.Has("labels")) {
    d->labels = {{"app", d->name}};
  }
  if (auto age = m.Duration("age")) d->age = *age;
  for (const char* key : {"max_surge", "max_unavailable"}) {
    if (!m.Has(key)) continue;
    const Field kf = m.Get(key);
    if (!kf.node.IsScalar() || !IsIntOrPercent(kf.node.Scalar())) {
      r_.Error(kf.mark,
               kf.label + " must be an integer or a percentage like 25%, got " + Describe(kf.node));
      continue;
    }
    (std::string_view(key) == "max_surge" ? d->max_surge : d->max_unavailable) = kf.node.Scalar();
  }
  if (m.Require("history")) {
    if (std::optional<YAML::Node> list = m.List("history")) {
      const Field lf = m.Get("history");
      if (list->size() == 0) r_.Error(lf.mark, lf.label + " must not be empty");
      for (const YAML::Node& item : *list) {
        const Field ef = ListEntry(r_, lf, item);
        if (!CheckMap(r_, ef)) continue;
        MapReader rm(r_, item, "revision", {"image", "change_cause"});
        model::RevisionSpec rev;
        rev.mark = rm.mark();
        if (rm.Require("image")) {
          if (auto image = rm.String("image")) rev.image = *image;
        }
        if (auto cause = rm.String("change_cause")) rev.change_cause = *cause;
        d->history.push_back(std::move(rev));
      }
    }
  }
}

void ScenarioReader::ReadTimeline(MapReader& root, SimDuration horizon,
                                  std::vector<model::TimelineEvent>* out) {
  std::optional<YAML::Node> list = root.List("timeline");
  if (!list) return;
  const Field lf = root.Get("timeline");
  std::vector<EventRecord> records;
  for (const YAML::Node& item : *list) {
    records.emplace_back();
    ReadEvent(ListEntry(r_, lf, item), horizon, &records.back());
  }
  // Stable, so events at the same time keep file order: the order they are applied in.
  std::stable_sort(records.begin(), records.end(), [](const EventRecord& a, const EventRecord& b) {
    return a.event.at < b.event.at;
  });

  std::set<std::string> fired;
  std::vector<std::string> all_fired;  // for hints, in time order
  for (const EventRecord& rec : records) {
    if (rec.fires && !std::count(all_fired.begin(), all_fired.end(), rec.event.alertname)) {
      all_fired.push_back(rec.event.alertname);
    }
  }
  for (const EventRecord& rec : records) {
    if (!rec.at_ok) continue;
    if (rec.fires) fired.insert(rec.event.alertname);
    if (rec.resolves && !fired.count(rec.event.alertname)) {
      r_.Error(rec.alertname_mark, "resolve_alert names alert " + Quote(rec.event.alertname) +
                                       ", which no earlier event fires" +
                                       DidYouMean(rec.event.alertname, all_fired));
    }
  }
  CheckOverlappingFaults(records);
  for (EventRecord& rec : records) out->push_back(std::move(rec.event));
}

void ScenarioReader::ReadEvent(const Field& f, SimDuration horizon, EventRecord* rec) {
  if (!CheckMap(r_, f)) return;
  model::TimelineEvent& e = rec->event;
  std::vector<std::string> allowed = {"at"};
  allowed.insert(allowed.end(), kEventKinds.begin(), kEventKinds.end());
  MapReader m(r_, f.node, "timeline event", allowed);
  e.mark = m.mark();
  if (m.Require("at")) {
    if (std::optional<SimDuration> at = m.Duration("at")) {
      e.at = *at;
      rec->at_ok = true;
      if (*at > horizon) {
        r_.Error(m.Get("at").mark, "event at " + m.Get("at").node.Scalar() +
                                       " is after the horizon (" + FormatDuration(horizon) + ")");
      }
    }
  }
  std::optional<std::string> kind = m.OneOf(kEventKinds, !m.has_misspelt_keys());
  if (!kind) return;
  const Field kf = m.Get(*kind);
  if (std::find(kFaultKinds.begin(), kFaultKinds.end(), *kind) != kFaultKinds.end()) {
    e.kind = model::TimelineEvent::Kind::kFault;
    ReadFault(*kind, kf, rec);
    return;
  }
  if (*kind == "fire_alert") {
    e.kind = model::TimelineEvent::Kind::kFireAlert;
    ReadAlert(kf, rec);
    return;
  }
  if (!CheckMap(r_, kf)) return;
  if (*kind == "resolve_alert") {
    e.kind = model::TimelineEvent::Kind::kResolveAlert;
    MapReader am(r_, kf.node, "resolve_alert", {"alertname"});
    if (am.Require("alertname")) {
      if (auto name = am.String("alertname")) {
        e.alertname = *name;
        rec->resolves = true;
        rec->alertname_mark = am.Get("alertname").mark;
      }
    }
    return;
  }
  if (*kind == "deploy") {
    e.kind = model::TimelineEvent::Kind::kDeploy;
    MapReader dm(r_, kf.node, "deploy", {"namespace", "deployment", "image", "change_cause"});
    ReadTarget(dm, &e.namespace_name, &e.deployment);
    if (dm.Require("image")) {
      if (auto image = dm.String("image")) {
        if (image->empty()) r_.Error(dm.Get("image").mark, "\"image\" must not be empty");
        e.image = *image;
      }
    }
    if (auto cause = dm.String("change_cause")) e.change_cause = *cause;
  } else if (*kind == "set_logs") {
    e.kind = model::TimelineEvent::Kind::kSetLogs;
    MapReader lm(r_, kf.node, "set_logs", {"namespace", "deployment", "text"});
    ReadTarget(lm, &e.namespace_name, &e.deployment);
    if (lm.Require("text")) {
      if (auto text = lm.String("text")) e.text = *text;
    }
  } else {
    e.kind = model::TimelineEvent::Kind::kSetReadiness;
    MapReader sm(r_, kf.node, "set_readiness", {"namespace", "deployment", "ready", "reason"});
    ReadTarget(sm, &e.namespace_name, &e.deployment);
    if (sm.Require("ready")) {
      if (auto ready = sm.Bool("ready")) e.ready = *ready;
    }
    if (auto reason = sm.String("reason")) e.text = *reason;
  }
}

void ScenarioReader::ReadTarget(MapReader& m, std::string* namespace_name,
                                std::string* deployment) {
  std::optional<std::string> ns;
  std::optional<std::string> name;
  if (m.Require("namespace")) ns = m.String("namespace");
  if (m.Require("deployment")) name = m.String("deployment");
  if (ns) *namespace_name = *ns;
  if (name) *deployment = *name;
  if (!ns || !name) return;
  if (!NamespaceDeclared(*ns)) {
    r_.Error(m.Get("namespace").mark, "namespace " + Quote(*ns) + " is not declared in world" +
                                          DidYouMean(*ns, namespaces_));
    return;
  }
  std::vector<std::string> in_namespace;
  for (const std::string& key : deployments_) {
    if (key.compare(0, ns->size() + 1, *ns + "/") == 0) {
      in_namespace.push_back(key.substr(ns->size() + 1));
    }
  }
  if (std::find(in_namespace.begin(), in_namespace.end(), *name) == in_namespace.end()) {
    r_.Error(m.Get("deployment").mark, "deployment " + Quote(*name) +
                                           " is not declared in namespace " + Quote(*ns) +
                                           DidYouMean(*name, in_namespace));
  }
}

void ScenarioReader::ReadAlert(const Field& f, EventRecord* rec) {
  if (!CheckMap(r_, f)) return;
  model::TimelineEvent& e = rec->event;
  MapReader m(r_, f.node, "fire_alert", {"labels", "annotations", "resolve_when"});
  if (m.Require("labels")) {
    if (auto labels = m.StringMap("labels")) {
      e.alert.labels = *labels;
      auto it = labels->find("alertname");
      if (it == labels->end()) {
        r_.Error(m.Get("labels").mark, "labels is missing required key \"alertname\"");
      } else if (it->second.empty()) {
        r_.Error(m.Get("labels").mark, "\"alertname\" must not be empty");
      } else {
        e.alertname = it->second;
        rec->fires = true;
      }
    }
  }
  if (auto annotations = m.StringMap("annotations")) e.alert.annotations = *annotations;
  if (m.Has("resolve_when")) ReadPredicates(m.Get("resolve_when"), &e.alert.resolve_when);
}

void ScenarioReader::ReadPredicates(const Field& f, std::vector<model::DeploymentPredicate>* out) {
  if (!CheckList(r_, f)) return;
  for (const YAML::Node& item : f.node) {
    model::DeploymentPredicate p;
    ReadPredicate(ListEntry(r_, f, item), &p);
    out->push_back(std::move(p));
  }
}

std::optional<std::string> ScenarioReader::ReadDeploymentKey(const Field& f) {
  std::optional<std::string> key = ReadString(r_, f);
  if (!key) return std::nullopt;
  const size_t slash = key->find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == key->size() ||
      key->find('/', slash + 1) != std::string::npos) {
    r_.Error(f.mark, f.label + " must look like \"namespace/name\", got " + Quote(*key));
    return std::nullopt;
  }
  if (std::find(deployments_.begin(), deployments_.end(), *key) == deployments_.end()) {
    r_.Error(f.mark, "deployment " + Quote(*key) + " is not declared in world" +
                         DidYouMean(*key, deployments_));
  }
  return key;
}

void ScenarioReader::ReadPredicate(const Field& f, model::DeploymentPredicate* p) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "deployment predicate",
              {"deployment", "image", "ready_replicas", "healthy", "revision"});
  p->mark = m.mark();
  if (m.Require("deployment")) {
    if (std::optional<std::string> key = ReadDeploymentKey(m.Get("deployment"))) {
      const size_t slash = key->find('/');
      p->namespace_name = key->substr(0, slash);
      p->name = key->substr(slash + 1);
    }
  }
  if (auto image = m.String("image")) p->image = *image;
  if (auto n = m.Int("ready_replicas", 0, kMaxReplicas)) p->ready_replicas = static_cast<int>(*n);
  if (auto b = m.Bool("healthy")) p->healthy = *b;
  if (auto n = m.Int("revision", 1, 1000000)) p->revision = static_cast<int>(*n);
  if (!m.Has("image") && !m.Has("ready_replicas") && !m.Has("healthy") && !m.Has("revision")) {
    r_.Error(m.mark(), "deployment predicate needs at least one of " +
                           QuotedList({"image", "ready_replicas", "healthy", "revision"}, "or"));
  }
}

void ScenarioReader::ReadExpect(MapReader& root, model::Scenario* sc) {
  std::optional<YAML::Node> node = root.Map("expect");
  if (!node) return;
  const model::WorldSpec& world = sc->world;
  model::Expectations* expect = &sc->expect;
  MapReader m(r_, *node, "expect",
              {"resolved", "resolved_within", "deployments", "metrics", "runbooks_ran", "runbooks",
               "slack", "pagerduty", "escalated", "order"});
  expect->mark = m.mark();
  if (auto b = m.Bool("resolved")) expect->resolved = *b;
  if (auto d = m.Duration("resolved_within")) expect->resolved_within = *d;
  if (m.Has("deployments")) ReadPredicates(m.Get("deployments"), &expect->deployments);
  if (m.Has("metrics")) ReadMetricExpectations(m.Get("metrics"), &expect->metrics);
  if (std::optional<YAML::Node> list = m.List("runbooks_ran")) {
    const Field lf = m.Get("runbooks_ran");
    std::vector<std::string> names;
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> name = ReadString(r_, ef);
      if (!name) continue;
      if (!IsLowerName(*name, "-")) {
        r_.Error(ef.mark, "invalid runbook name " + Quote(*name) +
                              " (use lower-case letters, digits and \"-\")");
      }
      names.push_back(*name);
    }
    expect->runbooks_ran = std::move(names);
  }
  if (m.Has("runbooks")) ReadRunbookExpectations(m.Get("runbooks"), &expect->runbooks);
  if (m.Has("slack")) ReadSlackExpectations(r_, m.Get("slack"), world.slack, &expect->slack);
  if (m.Has("pagerduty")) {
    ReadPagerDutyExpectations(r_, m.Get("pagerduty"), world.pagerduty, &expect->pagerduty);
  }
  if (m.Has("escalated")) {
    ReadEscalationExpectation(r_, m.Get("escalated"), world.pagerduty, &expect->escalated);
  }
  if (m.Has("order")) {
    std::vector<std::string> alertnames;
    for (const model::TimelineEvent& e : sc->timeline) {
      if (e.kind == model::TimelineEvent::Kind::kFireAlert) alertnames.push_back(e.alertname);
    }
    for (const model::AlertRuleSpec& rule : sc->alerting.rules) alertnames.push_back(rule.alert);
    ReadOrderExpectations(r_, m.Get("order"), world, alertnames, &expect->order);
  }
}

void ScenarioReader::ReadRunbookExpectations(const Field& f,
                                             std::vector<model::RunbookExpectation>* out) {
  if (!CheckMap(r_, f)) return;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const model::SourceMark key_mark = r_.MarkOf(it->first);
    if (!it->first.IsScalar()) {
      r_.Error(key_mark, "\"runbooks\" has a key that is not a string");
      continue;
    }
    model::RunbookExpectation x;
    x.runbook = it->first.Scalar();
    x.mark = key_mark;
    if (!IsLowerName(x.runbook, "-")) {
      r_.Error(key_mark, "invalid runbook name " + Quote(x.runbook) +
                             " (use lower-case letters, digits and \"-\")");
    }
    const Field vf{it->second, Quote(x.runbook),
                   it->second.IsNull() ? key_mark : r_.MarkOf(it->second)};
    if (!CheckMap(r_, vf)) continue;
    MapReader m(r_, it->second, "expectation for runbook " + Quote(x.runbook),
                {"ran", "runs", "outcome", "steps", "steps_not_ran"});
    if (auto ran = m.Bool("ran")) x.ran = *ran;
    if (auto runs = m.Int("runs", 0, 1000000)) {
      x.runs = static_cast<int>(*runs);
      // Both are checked after the drill; saying both, at odds, can only fail.
      if (x.ran.has_value() && *x.ran != (*runs > 0)) {
        r_.Error(m.Get("runs").mark, "\"runs\" is " + std::to_string(*runs) + " but \"ran\" is " +
                                         (*x.ran ? "true" : "false"));
      }
    }
    if (auto outcome = m.Enum("outcome", {"succeeded", "failed"})) x.outcome = *outcome;
    if (std::optional<YAML::Node> steps = m.Map("steps")) {
      for (auto s = steps->begin(); s != steps->end(); ++s) {
        const model::SourceMark step_mark = r_.MarkOf(s->first);
        if (!s->first.IsScalar()) {
          r_.Error(step_mark, "\"steps\" has a key that is not a string");
          continue;
        }
        const std::string id = s->first.Scalar();
        const Field sf{s->second, Quote(id), s->second.IsNull() ? step_mark : r_.MarkOf(s->second)};
        if (auto outcome = ReadEnum(r_, sf, {"succeeded", "failed", "skipped", "timed_out"})) {
          if (!x.steps.emplace(id, *outcome).second) {
            r_.Error(step_mark, "duplicate key " + Quote(id) + " in \"steps\"");
          }
        }
      }
    }
    if (std::optional<YAML::Node> list = m.List("steps_not_ran")) {
      const Field lf = m.Get("steps_not_ran");
      std::set<std::string> seen;
      for (const YAML::Node& item : *list) {
        const Field ef = ListEntry(r_, lf, item);
        std::optional<std::string> id = ReadString(r_, ef);
        if (!id) continue;
        if (!seen.insert(*id).second) {
          r_.Error(ef.mark, "duplicate entry " + Quote(*id) + " in \"steps_not_ran\"");
        } else if (x.steps.count(*id) && x.steps.at(*id) != "skipped") {
          // Both are checked after the drill; at odds, they can only fail.
          r_.Error(ef.mark, "step " + Quote(*id) + " is expected to be " + x.steps.at(*id) +
                                " in \"steps\" and not to run here");
        } else {
          x.steps_not_ran.push_back(*id);
        }
      }
    }
    out->push_back(std::move(x));
  }
}

std::optional<model::Scenario> ReadScenario(Reporter& r, const YAML::Node& root) {
  return ScenarioReader(r).Read(root);
}

std::optional<model::Scenario> ParseScenario(std::string_view text, const std::string& path,
                                             std::vector<Diagnostic>* errors) {
  return ParseDocumentWith<model::Scenario>(text, path, errors, ReadScenario);
}

std::optional<model::Scenario> LoadScenarioFile(const std::string& path,
                                                std::vector<Diagnostic>* errors) {
  return LoadFileWith<model::Scenario>(path, errors, ParseScenario);
}

}  // namespace rundrill::load
