#include "reports/result_json.h"

namespace rundrill::reports {
namespace {

using nlohmann::json;

json Time(SimTime t) { return json{{"ms", t.count()}, {"clock", FormatClock(t)}}; }

json OptionalDuration(const std::optional<SimDuration>& d) {
  if (!d) return nullptr;
  return json{{"ms", d->count()}, {"text", FormatDuration(*d)}};
}

json FiguresToJson(const drill::Figures& f) {
  return json{{"time_to_detect", OptionalDuration(f.time_to_detect)},
              {"time_to_mitigate", OptionalDuration(f.time_to_mitigate)},
              {"time_to_resolve", OptionalDuration(f.time_to_resolve)}};
}

json StepToJson(const drill::StepRecord& step) {
  json attempts = json::array();
  for (const auto& a : step.attempts) {
    attempts.push_back(json{{"started_at", Time(a.started_at)},
                            {"ended_at", Time(a.ended_at)},
                            {"exit_code", a.exit_code},
                            {"stop", a.stop},
                            {"stdout", a.stdout_data},
                            {"stderr", a.stderr_data},
                            {"failures", a.failures}});
  }
  json out{{"id", step.id},
           {"type", step.type},
           {"name", step.name},
           {"command", step.command},
           {"on_failure", step.on_failure},
           {"outcome", std::string(drill::StepOutcomeName(step.outcome))},
           {"reason", step.reason},
           {"started_at", Time(step.started_at)},
           {"ended_at", Time(step.ended_at)},
           {"attempts", attempts}};
  if (step.capture_name) {
    out["capture"] = json{{"name", *step.capture_name}, {"value", *step.capture_value}};
  }
  if (step.approval) {
    const auto& a = *step.approval;
    out["approval"] = json{{"channel", a.channel},
                           {"ts", a.ts},
                           {"requested_at", Time(a.requested_at)},
                           {"decided_at", Time(a.decided_at)},
                           {"decision", a.decision},
                           {"by", a.by},
                           {"detail", a.detail}};
  }
  return out;
}

json DiffToJson(const std::vector<verify::DiffEntry>& diff) {
  json out = json::array();
  for (const auto& d : diff) {
    json entry{{"path", d.path}, {"text", verify::FormatDiffEntry(d)}};
    if (d.had_before) entry["before"] = d.before;
    if (d.has_after) entry["after"] = d.after;
    out.push_back(std::move(entry));
  }
  return out;
}

json VerificationToJson(const verify::Verification& v) {
  json findings = json::array();
  for (const auto& f : v.findings) {
    findings.push_back(json{{"check", f.check},
                            {"runbook", f.runbook},
                            {"step", f.step},
                            {"source", f.mark},
                            {"passed", f.passed},
                            {"skipped", f.skipped},
                            {"summary", f.summary},
                            {"diff", DiffToJson(f.diff)}});
  }
  json ignored = json::array();
  for (const auto& i : v.ignored) {
    ignored.push_back(
        json{{"path", i.pattern}, {"reason", i.reason}, {"source", i.source}, {"scope", i.scope}});
  }
  return json{{"passed", v.passed()},
              {"findings", findings},
              {"ignored", ignored},
              {"mutating_without_rollback", v.mutating_without_rollback}};
}

}  // namespace

json ResultToJson(const drill::DrillResult& result) {
  json timeline = json::array();
  for (const auto& e : result.timeline) {
    timeline.push_back(json{{"at", Time(e.at)}, {"kind", e.kind}, {"detail", e.detail}});
  }
  json alerts = json::array();
  for (const auto& a : result.alerts) {
    alerts.push_back(json{{"alertname", a.alertname},
                          {"fingerprint", a.fingerprint},
                          {"labels", a.labels},
                          {"annotations", a.annotations},
                          {"source", a.source},
                          {"value", a.value},
                          {"active_at", Time(a.active_at)},
                          {"fired_at", Time(a.fired_at)},
                          {"resolved_at", a.resolved_at ? Time(*a.resolved_at) : json(nullptr)},
                          {"runbooks", a.runbooks},
                          {"incident", json{{"start", Time(a.incident_start)},
                                            {"cause", a.incident_cause},
                                            {"figures", FiguresToJson(a.figures)}}}});
  }
  json notifications = json::array();
  for (const auto& n : result.notifications) {
    notifications.push_back(json{{"at", Time(n.at)},
                                 {"group_key", n.group_key},
                                 {"reason", n.reason},
                                 {"status", n.status},
                                 {"alerts", n.alerts},
                                 {"runbooks", n.runbooks}});
  }
  json runbooks = json::array();
  for (const auto& r : result.runbooks) {
    json steps = json::array();
    for (const auto& s : r.steps) steps.push_back(StepToJson(s));
    runbooks.push_back(json{{"name", r.name},
                            {"path", r.path},
                            {"alertname", r.alertname},
                            {"alert_fingerprint", r.alert_fingerprint},
                            {"alert_index", r.alert_record},
                            {"outcome", r.outcome},
                            {"params", r.params},
                            {"started_at", Time(r.started_at)},
                            {"ended_at", Time(r.ended_at)},
                            {"steps", steps}});
  }
  json transcript = json::array();
  for (const auto& c : result.transcript) {
    transcript.push_back(json{{"at", Time(c.at)},
                              {"duration_ms", c.duration.count()},
                              {"runbook", c.runbook},
                              {"step", c.step},
                              {"sequence", c.sequence},
                              {"argv", c.argv},
                              {"stdin", c.stdin_data},
                              {"stdout", c.stdout_data},
                              {"stderr", c.stderr_data},
                              {"exit_code", c.exit_code}});
  }
  json expectations = json::array();
  for (const auto& e : result.expectations) {
    expectations.push_back(
        json{{"what", e.what}, {"passed", e.passed}, {"detail", e.detail}, {"source", e.source}});
  }
  json out{
      {"schema", kResultSchema},
      {"scenario", json{{"name", result.scenario_name},
                        {"path", result.scenario_path},
                        {"description", result.scenario_description}}},
      {"seed", result.seed},
      {"passed", result.passed},
      {"start_time", result.start_time},
      {"horizon", Time(result.horizon)},
      {"runbook_paths", result.runbook_paths},
      {"timeline", timeline},
      {"alerts", alerts},
      {"notifications", notifications},
      {"runbooks", runbooks},
      {"transcript", transcript},
      {"expectations", expectations},
      {"figures", FiguresToJson(result.figures)},
      {"final_world", result.final_world},
      {"reproduce", result.reproduce},
  };
  if (result.verification) out["verification"] = VerificationToJson(*result.verification);
  // Only when set, so a drill that ran to its end keeps the bytes it always had.
  if (result.interrupted) out["interrupted"] = true;
  return out;
}

std::string RenderResultJson(const drill::DrillResult& result) {
  // Step output may hold any bytes; invalid UTF-8 is replaced rather than thrown on.
  return ResultToJson(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace rundrill::reports
