#include "reports/result_json_reader.h"

#include <nlohmann/json.hpp>

#include "reports/result_json.h"

namespace rundrill::reports {
namespace {

using nlohmann::json;

// Field access that turns a missing or mistyped field into one InvalidInput naming the
// JSON path, instead of nlohmann's exception with no place.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  const json& At(const json& j, const char* key, const std::string& path) {
    static const json kNull;
    if (!ok()) return kNull;
    if (!j.is_object() || !j.contains(key)) {
      Fail(path + "." + key + " is missing");
      return kNull;
    }
    return j.at(key);
  }
  std::string String(const json& j, const char* key, const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok()) return "";
    if (!v.is_string()) {
      Fail(path + "." + key + " must be a string");
      return "";
    }
    return v.get<std::string>();
  }
  bool Bool(const json& j, const char* key, const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok()) return false;
    if (!v.is_boolean()) {
      Fail(path + "." + key + " must be true or false");
      return false;
    }
    return v.get<bool>();
  }
  int64_t Int(const json& j, const char* key, const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok()) return 0;
    if (!v.is_number_integer()) {
      Fail(path + "." + key + " must be an integer");
      return 0;
    }
    return v.get<int64_t>();
  }
  SimTime Time(const json& j, const char* key, const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok()) return SimTime(0);
    return SimTime(Int(v, "ms", path + "." + key));
  }
  std::optional<SimTime> OptionalTime(const json& j, const char* key, const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok() || v.is_null()) return std::nullopt;
    return Time(j, key, path);
  }
  std::optional<SimDuration> OptionalDuration(const json& j, const char* key,
                                              const std::string& path) {
    const json& v = At(j, key, path);
    if (!ok() || v.is_null()) return std::nullopt;
    return SimDuration(Int(v, "ms", path + "." + key));
  }
  std::vector<std::string> Strings(const json& j, const char* key, const std::string& path) {
    std::vector<std::string> out;
    for (const json& item : List(j, key, path)) {
      if (!item.is_string()) {
        Fail(path + "." + key + " must hold strings");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  std::map<std::string, std::string> StringMap(const json& j, const char* key,
                                               const std::string& path) {
    const json& v = At(j, key, path);
    std::map<std::string, std::string> out;
    if (!ok()) return out;
    if (!v.is_object()) {
      Fail(path + "." + key + " must be an object");
      return out;
    }
    for (const auto& [k, value] : v.items()) {
      if (!value.is_string()) {
        Fail(path + "." + key + "." + k + " must be a string");
        return {};
      }
      out[k] = value.get<std::string>();
    }
    return out;
  }
  const json& List(const json& j, const char* key, const std::string& path) {
    static const json kEmpty = json::array();
    const json& v = At(j, key, path);
    if (!ok()) return kEmpty;
    if (!v.is_array()) {
      Fail(path + "." + key + " must be a list");
      return kEmpty;
    }
    return v;
  }

  bool ok() const { return error_.empty(); }
  void Fail(const std::string& message) {
    if (error_.empty()) error_ = where_ + ": " + message;
  }
  const std::string& error() const { return error_; }

 private:
  std::string where_;
  std::string error_;
};

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

drill::Figures ReadFigures(Reader& r, const json& j, const std::string& path) {
  drill::Figures f;
  f.time_to_detect = r.OptionalDuration(j, "time_to_detect", path);
  f.time_to_mitigate = r.OptionalDuration(j, "time_to_mitigate", path);
  f.time_to_resolve = r.OptionalDuration(j, "time_to_resolve", path);
  return f;
}

drill::StepOutcome ReadOutcome(Reader& r, const std::string& name, const std::string& path) {
  for (drill::StepOutcome o : {drill::StepOutcome::kSucceeded, drill::StepOutcome::kFailed,
                               drill::StepOutcome::kSkipped, drill::StepOutcome::kTimedOut}) {
    if (drill::StepOutcomeName(o) == name) return o;
  }
  r.Fail(path + ".outcome is not a step outcome: " + name);
  return drill::StepOutcome::kSkipped;
}

drill::StepRecord ReadStep(Reader& r, const json& j, const std::string& path) {
  drill::StepRecord s;
  s.id = r.String(j, "id", path);
  s.type = r.String(j, "type", path);
  s.name = r.String(j, "name", path);
  s.command = r.String(j, "command", path);
  s.on_failure = r.Bool(j, "on_failure", path);
  s.outcome = ReadOutcome(r, r.String(j, "outcome", path), path);
  s.reason = r.String(j, "reason", path);
  s.started_at = r.Time(j, "started_at", path);
  s.ended_at = r.Time(j, "ended_at", path);
  const json& attempts = r.List(j, "attempts", path);
  for (size_t i = 0; i < attempts.size(); ++i) {
    const std::string at = Index(path + ".attempts", i);
    drill::Attempt a;
    a.started_at = r.Time(attempts[i], "started_at", at);
    a.ended_at = r.Time(attempts[i], "ended_at", at);
    a.exit_code = static_cast<int>(r.Int(attempts[i], "exit_code", at));
    a.stop = r.String(attempts[i], "stop", at);
    a.stdout_data = r.String(attempts[i], "stdout", at);
    a.stderr_data = r.String(attempts[i], "stderr", at);
    a.failures = r.Strings(attempts[i], "failures", at);
    s.attempts.push_back(std::move(a));
  }
  if (j.contains("capture")) {
    s.capture_name = r.String(j.at("capture"), "name", path + ".capture");
    s.capture_value = r.String(j.at("capture"), "value", path + ".capture");
  }
  if (j.contains("approval")) {
    const json& a = j.at("approval");
    const std::string ap = path + ".approval";
    drill::ApprovalRecord approval;
    approval.channel = r.String(a, "channel", ap);
    approval.ts = r.String(a, "ts", ap);
    approval.requested_at = r.Time(a, "requested_at", ap);
    approval.decided_at = r.Time(a, "decided_at", ap);
    approval.decision = r.String(a, "decision", ap);
    approval.by = r.String(a, "by", ap);
    approval.detail = r.String(a, "detail", ap);
    s.approval = std::move(approval);
  }
  return s;
}

verify::Verification ReadVerification(Reader& r, const json& j, const std::string& path) {
  verify::Verification v;
  const json& findings = r.List(j, "findings", path);
  for (size_t i = 0; i < findings.size(); ++i) {
    const std::string fp = Index(path + ".findings", i);
    const json& fj = findings[i];
    verify::Finding f;
    f.check = r.String(fj, "check", fp);
    f.runbook = r.String(fj, "runbook", fp);
    f.step = r.String(fj, "step", fp);
    f.mark = r.String(fj, "source", fp);
    f.passed = r.Bool(fj, "passed", fp);
    f.skipped = r.Bool(fj, "skipped", fp);
    f.summary = r.String(fj, "summary", fp);
    const json& diff = r.List(fj, "diff", fp);
    for (size_t k = 0; k < diff.size(); ++k) {
      verify::DiffEntry d;
      d.path = r.String(diff[k], "path", Index(fp + ".diff", k));
      d.had_before = diff[k].contains("before");
      d.has_after = diff[k].contains("after");
      if (d.had_before) d.before = diff[k].at("before");
      if (d.has_after) d.after = diff[k].at("after");
      f.diff.push_back(std::move(d));
    }
    v.findings.push_back(std::move(f));
  }
  const json& ignored = r.List(j, "ignored", path);
  for (size_t i = 0; i < ignored.size(); ++i) {
    const std::string ip = Index(path + ".ignored", i);
    v.ignored.push_back({r.String(ignored[i], "path", ip), r.String(ignored[i], "reason", ip),
                         r.String(ignored[i], "source", ip), r.String(ignored[i], "scope", ip)});
  }
  v.mutating_without_rollback = r.Strings(j, "mutating_without_rollback", path);
  return v;
}

}  // namespace

StatusOr<drill::DrillResult> ResultFromJson(const json& j, const std::string& where) {
  Reader r(where);
  if (!j.is_object() || !j.contains("schema")) {
    return Status::InvalidInput(where + ": not a rundrill result (no \"schema\")");
  }
  if (j.at("schema") != kResultSchema) {
    return Status::InvalidInput(where + ": result schema " + j.at("schema").dump() +
                                " is not the one this rundrill reads (" + kResultSchema + ")");
  }
  drill::DrillResult d;
  const json& scenario = r.At(j, "scenario", "");
  d.scenario_name = r.String(scenario, "name", "scenario");
  d.scenario_path = r.String(scenario, "path", "scenario");
  d.scenario_description = r.String(scenario, "description", "scenario");
  const json& seed = r.At(j, "seed", "");
  if (r.ok() && !seed.is_number_unsigned()) r.Fail("seed must be a non-negative integer");
  if (r.ok()) d.seed = seed.get<uint64_t>();
  d.passed = r.Bool(j, "passed", "");
  // Absent unless the drill was interrupted.
  if (j.contains("interrupted")) d.interrupted = r.Bool(j, "interrupted", "");
  d.start_time = r.String(j, "start_time", "");
  d.horizon = r.Time(j, "horizon", "");
  d.runbook_paths = r.Strings(j, "runbook_paths", "");

  const json& timeline = r.List(j, "timeline", "");
  for (size_t i = 0; i < timeline.size(); ++i) {
    const std::string p = Index("timeline", i);
    d.timeline.push_back({r.Time(timeline[i], "at", p), r.String(timeline[i], "kind", p),
                          r.String(timeline[i], "detail", p)});
  }
  const json& alerts = r.List(j, "alerts", "");
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string p = Index("alerts", i);
    const json& aj = alerts[i];
    drill::AlertRecord a;
    a.alertname = r.String(aj, "alertname", p);
    a.fingerprint = r.String(aj, "fingerprint", p);
    a.labels = r.StringMap(aj, "labels", p);
    if (aj.contains("annotations")) a.annotations = r.StringMap(aj, "annotations", p);
    a.source = r.String(aj, "source", p);
    a.value = r.String(aj, "value", p);
    a.active_at = r.Time(aj, "active_at", p);
    a.fired_at = r.Time(aj, "fired_at", p);
    a.resolved_at = r.OptionalTime(aj, "resolved_at", p);
    a.runbooks = r.Strings(aj, "runbooks", p);
    const json& incident = r.At(aj, "incident", p);
    a.incident_start = r.Time(incident, "start", p + ".incident");
    a.incident_cause = r.String(incident, "cause", p + ".incident");
    a.figures = ReadFigures(r, r.At(incident, "figures", p + ".incident"), p + ".incident");
    d.alerts.push_back(std::move(a));
  }
  const json& notifications = r.List(j, "notifications", "");
  for (size_t i = 0; i < notifications.size(); ++i) {
    const std::string p = Index("notifications", i);
    const json& nj = notifications[i];
    drill::NotificationRecord n;
    n.at = r.Time(nj, "at", p);
    n.group_key = r.String(nj, "group_key", p);
    n.reason = r.String(nj, "reason", p);
    n.status = r.String(nj, "status", p);
    n.alerts = r.Strings(nj, "alerts", p);
    n.runbooks = r.Strings(nj, "runbooks", p);
    d.notifications.push_back(std::move(n));
  }
  const json& runbooks = r.List(j, "runbooks", "");
  for (size_t i = 0; i < runbooks.size(); ++i) {
    const std::string p = Index("runbooks", i);
    const json& rj = runbooks[i];
    drill::RunbookRecord run;
    run.name = r.String(rj, "name", p);
    run.path = r.String(rj, "path", p);
    run.alertname = r.String(rj, "alertname", p);
    run.alert_fingerprint = r.String(rj, "alert_fingerprint", p);
    run.alert_record = static_cast<size_t>(r.Int(rj, "alert_index", p));
    run.outcome = r.String(rj, "outcome", p);
    run.params = r.StringMap(rj, "params", p);
    run.started_at = r.Time(rj, "started_at", p);
    run.ended_at = r.Time(rj, "ended_at", p);
    const json& steps = r.List(rj, "steps", p);
    for (size_t k = 0; k < steps.size(); ++k) {
      run.steps.push_back(ReadStep(r, steps[k], Index(p + ".steps", k)));
    }
    d.runbooks.push_back(std::move(run));
  }
  const json& transcript = r.List(j, "transcript", "");
  for (size_t i = 0; i < transcript.size(); ++i) {
    const std::string p = Index("transcript", i);
    const json& cj = transcript[i];
    drill::Interaction c;
    c.at = r.Time(cj, "at", p);
    c.duration = SimDuration(r.Int(cj, "duration_ms", p));
    c.runbook = r.String(cj, "runbook", p);
    c.step = r.String(cj, "step", p);
    c.sequence = static_cast<uint64_t>(r.Int(cj, "sequence", p));
    c.argv = r.Strings(cj, "argv", p);
    c.stdin_data = r.String(cj, "stdin", p);
    c.stdout_data = r.String(cj, "stdout", p);
    c.stderr_data = r.String(cj, "stderr", p);
    c.exit_code = static_cast<int>(r.Int(cj, "exit_code", p));
    d.transcript.push_back(std::move(c));
  }
  const json& expectations = r.List(j, "expectations", "");
  for (size_t i = 0; i < expectations.size(); ++i) {
    const std::string p = Index("expectations", i);
    d.expectations.push_back(
        {r.String(expectations[i], "what", p), r.Bool(expectations[i], "passed", p),
         r.String(expectations[i], "detail", p), r.String(expectations[i], "source", p)});
  }
  d.figures = ReadFigures(r, r.At(j, "figures", ""), "figures");
  d.final_world = r.At(j, "final_world", "");
  d.reproduce = r.String(j, "reproduce", "");
  if (j.contains("verification")) {
    d.verification = ReadVerification(r, j.at("verification"), "verification");
  }
  if (!r.ok()) return Status::InvalidInput(r.error());
  return d;
}

StatusOr<drill::DrillResult> ParseResultJson(std::string_view text, const std::string& where) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidInput(where + ": not valid JSON");
  return ResultFromJson(j, where);
}

}  // namespace rundrill::reports
