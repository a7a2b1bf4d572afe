// Faults in the timeline: partitions, credential expiry and revocation, latency, injected
// errors, crashed hosts, stopped services, filled disks and leaking connection pools.

#include <algorithm>
#include <map>
#include <set>

#include "simulator/load/quantity.h"
#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"

namespace rundrill::load {
namespace {

constexpr std::string_view kTargetForms =
    "(use host/NAME, cluster/NAME, endpoint/slack or endpoint/pagerduty)";

const std::vector<std::string> kEndpoints = {"slack", "pagerduty"};

model::InjectedError InjectedErrorOf(const std::string& name) {
  if (name == "refused") return model::InjectedError::kRefused;
  if (name == "server_error") return model::InjectedError::kServerError;
  if (name == "unavailable") return model::InjectedError::kUnavailable;
  return model::InjectedError::kTimeout;
}

}  // namespace

std::optional<model::FaultTarget> ScenarioReader::ReadFaultTarget(const Field& f) {
  std::optional<std::string> text = ReadString(r_, f);
  if (!text) return std::nullopt;
  const size_t slash = text->find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text->size()) {
    r_.Error(f.mark, "invalid target " + Quote(*text) + " " + std::string(kTargetForms));
    return std::nullopt;
  }
  model::FaultTarget target;
  target.name = text->substr(slash + 1);
  target.mark = f.mark;
  const std::string kind = text->substr(0, slash);
  if (kind == "host") {
    target.kind = model::FaultTarget::Kind::kHost;
    if (!CheckHost(f, target.name)) return std::nullopt;
  } else if (kind == "cluster") {
    target.kind = model::FaultTarget::Kind::kCluster;
    if (!CheckCluster(f, target.name)) return std::nullopt;
  } else if (kind == "endpoint") {
    target.kind = model::FaultTarget::Kind::kEndpoint;
    if (std::find(kEndpoints.begin(), kEndpoints.end(), target.name) == kEndpoints.end()) {
      const std::string hint = DidYouMean(target.name, kEndpoints);
      r_.Error(f.mark, "unknown endpoint " + Quote(target.name) +
                           (hint.empty() ? " (use endpoint/slack or endpoint/pagerduty)" : hint));
      return std::nullopt;
    }
  } else {
    const std::string hint = DidYouMean(kind, {"host", "cluster", "endpoint"});
    r_.Error(f.mark, "unknown target kind " + Quote(kind) + " in " + Quote(*text) +
                         (hint.empty() ? " " + std::string(kTargetForms) : hint));
    return std::nullopt;
  }
  return target;
}

void ScenarioReader::ReadFaultDuration(MapReader& m, model::Fault* fault) {
  if (auto d = PositiveDuration(m, "duration")) fault->duration = *d;
}

void ScenarioReader::ReadFault(const std::string& kind, const Field& f, EventRecord* rec) {
  if (!CheckMap(r_, f)) return;
  const size_t errors_before = r_.sink()->size();
  model::Fault& fault = rec->event.fault;
  fault.mark = f.mark;
  std::vector<OverlapKey> keys;
  // Latency and error faults have exactly one target, under "target".
  auto one_target = [&](MapReader& m, std::string_view preposition) {
    if (!m.Require("target")) return;
    if (std::optional<model::FaultTarget> t = ReadFaultTarget(m.Get("target"))) {
      const std::string text = t->ToString();
      keys.push_back(
          {kind + " " + text, kind + " " + std::string(preposition) + " " + Quote(text), t->mark});
      fault.targets = {std::move(*t)};
    }
  };

  if (kind == "partition") {
    fault.kind = model::Fault::Kind::kPartition;
    MapReader m(r_, f.node, kind, {"targets", "duration", "mode"});
    std::optional<YAML::Node> list;
    if (m.Require("targets")) list = m.List("targets");
    if (list) {
      const Field lf = m.Get("targets");
      if (list->size() == 0) r_.Error(lf.mark, lf.label + " must not be empty");
      std::set<std::string> seen;
      for (const YAML::Node& item : *list) {
        const Field ef = ListEntry(r_, lf, item);
        std::optional<model::FaultTarget> t = ReadFaultTarget(ef);
        if (!t) continue;
        const std::string text = t->ToString();
        if (!seen.insert(text).second) {
          r_.Error(ef.mark, "duplicate target " + Quote(text) + " in \"targets\"");
          continue;
        }
        keys.push_back({"partition " + text, "partition of " + Quote(text), t->mark});
        fault.targets.push_back(std::move(*t));
      }
    }
    ReadFaultDuration(m, &fault);
    if (auto mode = m.Enum("mode", {"drop", "reject"})) {
      fault.mode = *mode == "reject" ? model::PartitionMode::kReject : model::PartitionMode::kDrop;
    }
  } else if (kind == "expire_credential" || kind == "revoke_credential") {
    fault.kind = kind == "expire_credential" ? model::Fault::Kind::kExpireCredential
                                             : model::Fault::Kind::kRevokeCredential;
    MapReader m(r_, f.node, kind, {"kind", "target"});
    ReadCredentialKey(m, &fault.credential_kind, &fault.credential_target);
  } else if (kind == "add_latency") {
    fault.kind = model::Fault::Kind::kAddLatency;
    MapReader m(r_, f.node, kind, {"target", "latency", "duration"});
    one_target(m, "on");
    if (m.Require("latency")) {
      if (auto latency = PositiveDuration(m, "latency")) fault.latency = *latency;
    }
    ReadFaultDuration(m, &fault);
  } else if (kind == "inject_errors") {
    fault.kind = model::Fault::Kind::kInjectErrors;
    MapReader m(r_, f.node, kind, {"target", "probability", "error", "duration"});
    one_target(m, "on");
    if (auto p = m.Number("probability")) {
      if (*p <= 0 || *p > 1) {
        r_.Error(m.Get("probability").mark,
                 "\"probability\" must be more than 0 and at most 1, got " +
                     Describe(m.Get("probability").node));
      } else {
        fault.probability = *p;
      }
    }
    if (auto error = m.Enum("error", {"timeout", "refused", "server_error", "unavailable"})) {
      fault.error = InjectedErrorOf(*error);
    }
    ReadFaultDuration(m, &fault);
  } else if (kind == "crash_host") {
    fault.kind = model::Fault::Kind::kCrashHost;
    MapReader m(r_, f.node, kind, {"host", "duration"});
    if (m.Require("host")) {
      if (auto host = m.String("host")) {
        fault.host = *host;
        if (CheckHost(m.Get("host"), *host)) {
          keys.push_back(
              {"crash_host " + *host, "crash_host of " + Quote(*host), m.Get("host").mark});
        }
      }
    }
    ReadFaultDuration(m, &fault);
  } else if (kind == "stop_service") {
    fault.kind = model::Fault::Kind::kStopService;
    MapReader m(r_, f.node, kind, {"host", "service"});
    std::optional<std::string> host;
    if (m.Require("host")) host = m.String("host");
    if (host) fault.host = *host;
    const bool host_ok = host && CheckHost(m.Get("host"), *host);
    if (m.Require("service")) {
      if (auto service = m.String("service")) {
        fault.service = *service;
        if (host_ok) CheckHostService(m.Get("service"), *host, *service);
      }
    }
  } else if (kind == "disk_fill") {
    fault.kind = model::Fault::Kind::kDiskFill;
    MapReader m(r_, f.node, kind, {"host", "path", "bytes"});
    if (m.Require("host")) {
      if (auto host = m.String("host")) {
        fault.host = *host;
        CheckHost(m.Get("host"), *host);
      }
    }
    if (m.Require("path")) {
      if (auto path = m.String("path")) {
        if (!IsCanonicalAbsolutePath(*path) || *path == "/") {
          r_.Error(m.Get("path").mark,
                   "invalid file path " + Quote(*path) +
                       " (use an absolute path like /var/lib/postgresql/dump.tmp)");
        } else {
          fault.path = *path;
          if (!fault.host.empty()) filled_paths_[fault.host].push_back(*path);
        }
      }
    }
    if (m.Require("bytes")) {
      if (auto bytes = ReadByteSize(r_, m.Get("bytes"))) {
        if (*bytes == 0) {
          r_.Error(m.Get("bytes").mark, "\"bytes\" must be more than 0");
        } else {
          fault.bytes = *bytes;
        }
      }
    }
  } else if (kind == "connection_leak") {
    fault.kind = model::Fault::Kind::kConnectionLeak;
    MapReader m(r_, f.node, kind, {"database", "rate", "state", "application", "duration"});
    if (m.Require("database")) {
      if (auto db = m.String("database")) {
        fault.database = *db;
        if (CheckDatabase(m.Get("database"), *db)) {
          keys.push_back({"connection_leak " + *db, "connection_leak on " + Quote(*db),
                          m.Get("database").mark});
        }
      }
    }
    if (m.Require("rate")) {
      if (auto rate = ReadCountRate(r_, m.Get("rate"))) {
        if (rate->zero()) {
          r_.Error(m.Get("rate").mark,
                   "\"rate\" must be more than 0, got " + Describe(m.Get("rate").node));
        } else {
          fault.rate = *rate;
        }
      }
    }
    if (auto state = m.Enum("state", {"active", "idle", "idle in transaction"})) {
      fault.state = *state;
    }
    if (auto application = m.String("application")) fault.application = *application;
    ReadFaultDuration(m, &fault);
  }
  if (r_.sink()->size() == errors_before) rec->overlap = std::move(keys);
}

void ScenarioReader::CheckOverlappingFaults(const std::vector<EventRecord>& records) {
  struct Active {
    SimTime from;
    std::optional<SimTime> until;  // none: to the end of the drill
    model::SourceMark mark;
  };
  std::map<std::string, std::vector<Active>> seen;
  // `records` is in time order (file order among equal times), so the one reported is always
  // the later of the two.
  for (const EventRecord& rec : records) {
    if (!rec.at_ok) continue;
    const model::Fault& fault = rec.event.fault;
    std::optional<SimTime> until;
    if (fault.duration) until = rec.event.at + *fault.duration;
    for (const OverlapKey& key : rec.overlap) {
      std::vector<Active>& earlier = seen[key.key];
      for (const Active& a : earlier) {
        if (a.until && rec.event.at >= *a.until) continue;
        const std::string span = a.until
                                     ? FormatDuration(a.from) + " to " + FormatDuration(*a.until)
                                     : "from " + FormatDuration(a.from) + ", with no end";
        r_.Error(key.mark,
                 key.what + " overlaps the one at " + a.mark.ToString() + " (" + span + ")");
        break;
      }
      earlier.push_back(Active{rec.event.at, until, key.mark});
    }
  }
}

}  // namespace rundrill::load
