#include "simulator/drill/drill.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <memory>
#include <set>

#include "fakes/kubectl/kubectl_backend.h"
#include "fakes/pagerduty/pagerduty_events_backend.h"
#include "fakes/pagerduty/pagerduty_rest_backend.h"
#include "fakes/slack/slack_backend.h"
#include "fakes/sleep/sleep_backend.h"
#include "fakes/ssh/ssh_backend.h"
#include "fakes/stub/stub_backend.h"
#include "simulator/alerting/alert.h"
#include "simulator/alerting/notification_dispatcher.h"
#include "simulator/alerting/rule_evaluator.h"
#include "simulator/core/random.h"
#include "simulator/core/scheduler.h"
#include "simulator/drill/builtin_steps.h"
#include "simulator/drill/condition_eval.h"
#include "simulator/drill/expectations.h"
#include "simulator/drill/step_verdict.h"
#include "simulator/drill/trigger.h"
#include "simulator/exec/interrupt.h"
#include "simulator/exec/step_host.h"
#include "simulator/model/shimmed_programs.h"
#include "simulator/world/metrics/metrics.h"
#include "simulator/world/world.h"

namespace rundrill::drill {
namespace {

using alerting::Alert;
using alerting::AlertmanagerPayload;
using alerting::AlertSource;
using alerting::Fingerprint;

// Alertmanager-like rule evaluation cadence: how often `resolve_when` is looked
// at.
constexpr SimDuration kEvaluationInterval{15000};

// Where a host without an HTTP server (the engine's tests) points the services: a closed
// loopback port, so a post fails as against an unreachable service, and a `${VAR:-default}`
// in a script can never fall back to the real service.
const std::map<std::string, std::string> kServiceUrls = {
    {"SLACK_WEBHOOK_URL", "http://127.0.0.1:9/rundrill/slack-webhook-not-modelled"},
    {"SLACK_API_URL", "http://127.0.0.1:9/rundrill/slack-api-not-modelled"},
    {"PAGERDUTY_EVENTS_URL", "http://127.0.0.1:9/rundrill/pagerduty-events-not-modelled"},
    {"PAGERDUTY_API_URL", "http://127.0.0.1:9/rundrill/pagerduty-api-not-modelled"},
};

// "service" → "SERVICE", "app.kubernetes.io/name" → "APP_KUBERNETES_IO_NAME"
std::string EnvName(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += c;
    } else {
      out += '_';
    }
  }
  return out;
}

std::string StopName(exec::StepProcessResult::Stop stop) {
  switch (stop) {
    case exec::StepProcessResult::Stop::kExited:
      return "exited";
    case exec::StepProcessResult::Stop::kVirtualDeadline:
      return "virtual-timeout";
    case exec::StepProcessResult::Stop::kWallGuard:
      return "wall-guard";
    case exec::StepProcessResult::Stop::kSignal:
      return "signal";
    case exec::StepProcessResult::Stop::kInterrupted:
      return "interrupted";
  }
  return "exited";
}

struct ActiveAlert {
  Alert alert;
  model::AlertSpec spec;
  size_t record = 0;  // index into DrillResult::alerts
};

struct Invocation {
  size_t runbook = 0;  // index into the sorted runbooks
  Alert alert;         // the alert of the notification that matched the runbook's trigger
  size_t record = 0;   // that alert's index in DrillResult::alerts
  std::string payload;
};

// The world's metrics, as alert rules read them.
class WorldSeries : public alerting::SeriesSource {
 public:
  explicit WorldSeries(const world::World& world) : world_(world) {}
  std::vector<alerting::Series> Query(const model::SeriesSelector& selector) const override {
    std::vector<alerting::Series> out;
    for (auto& sample : world::metrics::QueryMetric(world_, selector)) {
      out.push_back(alerting::Series{std::move(sample.labels), sample.value});
    }
    return out;
  }

 private:
  const world::World& world_;
};

std::string FaultTargets(const std::vector<model::FaultTarget>& targets) {
  std::string out;
  for (const auto& t : targets) out += (out.empty() ? "" : ", ") + t.ToString();
  return out;
}

// The step currently running, which shim calls are attributed to.
struct CurrentStep {
  std::string runbook;
  std::string step;
  int attempt = 1;
  SimTime deadline = SimTime::max();
};

SimTime SaturatingAdd(SimTime t, SimDuration d) {
  return t > SimTime::max() - d ? SimTime::max() : t + d;
}

class Drill;

// The SimContext a backend sees for one call: time moves only through it, and
// never past the calling step's virtual deadline.
class CallContext : public fakes::SimContext {
 public:
  CallContext(Drill& drill, SimTime deadline, Random& rng)
      : drill_(drill), deadline_(deadline), rng_(rng) {}

  SimTime Now() const override;
  bool AdvanceTo(SimTime t) override;
  world::World& World() override;
  Random& Rng() override { return rng_; }
  bool deadline_reached() const { return deadline_reached_; }

 private:
  Drill& drill_;
  SimTime deadline_;
  Random& rng_;
  bool deadline_reached_ = false;
};

class Drill : public exec::CommandDispatcher, public BuiltinHost, public DrillControl {
 public:
  Drill(const model::Scenario& scenario, std::vector<model::Runbook> runbooks,
        const DrillOptions& options)
      : scenario_(scenario),
        runbooks_(std::move(runbooks)),
        options_(options),
        epoch_{scenario.start_unix_seconds},
        world_(options.seed, epoch_),
        rng_(options.seed),
        rules_(scenario.alerting.rules),
        dispatcher_(scenario.alerting) {
    // Route in name order so the same alert always starts the same runbooks in
    // the same order.
    std::sort(runbooks_.begin(), runbooks_.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    backends_.push_back(std::make_unique<fakes::KubectlBackend>());
    backends_.push_back(std::make_unique<fakes::SleepBackend>());
    backends_.push_back(std::make_unique<fakes::SshBackend>());
    // Keyed by service name: each service is its own listener of the host.
    http_backends_.push_back(
        {std::string(fakes::kSlackService), std::make_unique<fakes::SlackBackend>(world_.slack())});
    http_backends_.push_back({std::string(fakes::kPagerDutyEventsService),
                              std::make_unique<fakes::PagerDutyEventsBackend>(world_.pagerduty())});
    http_backends_.push_back({std::string(fakes::kPagerDutyApiService),
                              std::make_unique<fakes::PagerDutyRestBackend>(world_.pagerduty())});
  }

  Status Setup() {
    Status built = world_.Build(scenario_.world);
    if (!built.ok()) return built;
    for (const auto& runbook : runbooks_) {
      Status checked = CheckBuiltins(runbook, scenario_);
      if (!checked.ok()) return checked;
    }
    std::vector<std::string> programs = model::ShimmedPrograms();
    auto stubs = fakes::CreateStubBackends(scenario_.stubs);
    if (!stubs.ok()) return stubs.status();
    for (auto& stub : *stubs) {
      const std::string program(stub.Program());
      if (std::find(programs.begin(), programs.end(), program) == programs.end()) {
        programs.push_back(program);
      }
      backends_.push_back(std::make_unique<fakes::StubBackend>(std::move(stub)));
    }
    std::sort(programs.begin(), programs.end());
    auto host = options_.make_host ? options_.make_host(programs)
                                   : exec::CreateProcessHost(options_.shim_path, programs,
                                                             fakes::DrillHttpServices());
    if (!host.ok()) return host.status();
    host_ = std::move(*host);

    result_.scenario_name = scenario_.name;
    result_.scenario_path = scenario_.path;
    result_.scenario_description = scenario_.description;
    result_.seed = options_.seed;
    result_.horizon = scenario_.horizon;
    step_horizon_ = scenario_.horizon;
    result_.start_time = epoch_.Rfc3339(SimTime(0));
    result_.reproduce = options_.reproduce;
    for (const auto& runbook : runbooks_) result_.runbook_paths.push_back(runbook.path);

    for (const auto& event : scenario_.timeline) {
      scheduler_.ScheduleAt(event.at, "timeline", [this, &event] { Apply(event); });
    }
    if (!rules_.empty()) ScheduleRuleEvaluation(SimTime(0));
    return Status::Ok();
  }

  StatusOr<DrillResult> Run() {
    while (true) {
      // Checked between steps and between timeline events; a running step is stopped by its
      // runner and then the runbook's remaining steps are not reached.
      if (exec::Interrupted()) break;
      if (!pending_.empty()) {
        Invocation invocation = std::move(pending_.front());
        pending_.pop_front();
        Status status = RunRunbook(invocation);
        if (!status.ok()) return status;
        continue;
      }
      const SimTime next = scheduler_.NextTaskTime();
      if (next > scenario_.horizon) break;
      AdvanceTo(next);
    }
    if (exec::Interrupted()) {
      // What ran so far is the result; the horizon is not reached and no probe looks at it.
      result_.interrupted = true;
      Note("drill.interrupted", "rundrill was asked to stop");
      Finish();
      return std::move(result_);
    }
    AdvanceTo(std::max(scenario_.horizon, scheduler_.Now()));
    if (options_.probe != nullptr) {
      options_.probe->AtEnd(*this);
      if (!probe_status_.ok()) return probe_status_;
    }
    Finish();
    return std::move(result_);
  }

  // ---- DrillControl: what verification probes do between steps.

  world::World Fork() const override { return world_; }
  nlohmann::json Snapshot() const override { return world_.Snapshot(); }
  nlohmann::json SnapshotOfFork(world::World& fork) override {
    fork.AdvanceTo(Now());
    return fork.Snapshot();
  }
  bool ScenarioEventSince(SimTime since) const override {
    return std::any_of(result_.timeline.begin(), result_.timeline.end(), [&](const auto& e) {
      return e.at >= since && (e.kind.rfind("scenario.", 0) == 0 || e.kind.rfind("fault.", 0) == 0);
    });
  }
  std::vector<std::string> AlertConditionsHolding(world::World* fork) override {
    if (fork != nullptr) fork->AdvanceTo(Now());
    const world::World& world = fork != nullptr ? *fork : world_;
    std::vector<std::string> out = rules_.Holding(WorldSeries(world));
    for (const auto& active : alerts_) {
      if (!active.alert.Firing() || active.spec.resolve_when.empty()) continue;
      bool all = true;
      for (const auto& predicate : active.spec.resolve_when) {
        all = all && DeploymentPredicateHolds(world.kube(), predicate, nullptr);
      }
      if (!all) out.push_back(active.alert.Name() + " (until its resolve_when holds)");
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  StepRecord RerunStep() override {
    StepRecord rerun;
    if (frame_ == nullptr) return rerun;
    KeepStatus(RunStep(*frame_->runbook, *frame_->step, *frame_->env, *frame_->scope, &rerun));
    return rerun;
  }
  StepRecord RunCommand(const std::string& id, const std::string& command) override {
    StepRecord out;
    if (frame_ == nullptr) return out;
    model::Step step;
    step.id = id;
    step.name = id;
    step.type = model::StepType::kAction;
    step.run = command;
    step.mark = frame_->step->mark;
    ConditionScope scope = *frame_->scope;  // the check's own step leaves no outcome behind
    KeepStatus(RunStep(*frame_->runbook, step, *frame_->env, scope, &out));
    return out;
  }
  void StopRunbook() override { stop_runbook_ = true; }
  void RestartRunbook() override {
    if (frame_ != nullptr) pending_.push_front(*frame_->invocation);
  }
  size_t RunbookRunCount() const override { return ran_.size(); }
  RunbookRecord RerunRunbook(size_t i) override {
    RunbookRecord out;
    if (i >= ran_.size()) return out;
    const Invocation invocation = ran_[i];
    const size_t first = result_.runbooks.size();
    const size_t invocations = ran_.size();
    // Past the horizon, each step still has its own timeout.
    step_horizon_ = SimTime::max();
    KeepStatus(RunRunbook(invocation));
    step_horizon_ = scenario_.horizon;
    // The rerun is the probe's, not the drill's: it leaves no run behind.
    if (result_.runbooks.size() > first) out = std::move(result_.runbooks.back());
    result_.runbooks.resize(first);
    ran_.resize(invocations);
    return out;
  }

  StatusOr<ExecResult> Exec(SimTime at, const std::string& command) {
    routing_enabled_ = false;
    AdvanceTo(at);
    // Bounded like any drill, so `sleep 100d` cannot make the world step through years.
    current_ = CurrentStep{"exec", "exec", 1, std::max(at, scenario_.horizon)};
    exec::StepProcessSpec spec;
    spec.command = command;
    spec.env = host_->Environment(BaseEnvironment());
    spec.cwd = host_->WorkDir();
    spec.step_id = "exec";
    spec.wall_limit = options_.wall_limit;
    spec.kill_grace = options_.kill_grace;
    auto run = host_->Run(spec, *this);
    if (!run.ok()) return run.status();
    ExecResult out;
    out.exit_code = run->exit_code;
    out.stdout_data = std::move(run->stdout_data);
    out.stderr_data = std::move(run->stderr_data);
    out.stop = StopName(run->stop);
    out.transcript = std::move(result_.transcript);
    return out;
  }

  // Moves the drill's clock to `t`: due scheduler tasks run in order, each
  // seeing the world as it is at its own time.
  void AdvanceTo(SimTime t) {
    while (scheduler_.NextTaskTime() <= t) {
      const SimTime next = scheduler_.NextTaskTime();
      world_.AdvanceTo(next);
      scheduler_.RunUntil(next);
    }
    world_.AdvanceTo(t);
    scheduler_.RunUntil(t);
    SyncHttpListeners();
  }

  SimTime Now() const override { return scheduler_.Now(); }
  world::World& World() override { return world_; }

  // ---- BuiltinHost: what the drill's own Slack posts, pages and approvals use.

  bool WaitUntil(SimTime t) override {
    const SimTime limit = std::min(current_.deadline, step_horizon_);
    if (t > limit) {
      AdvanceTo(limit);
      return false;
    }
    AdvanceTo(t);
    return true;
  }
  SimTime NextEventTime() const override { return scheduler_.NextTaskTime(); }
  void Schedule(SimTime at, std::function<void()> task) override {
    scheduler_.ScheduleAt(at, "builtin", std::move(task));
  }
  const model::Scenario& Scenario() const override { return scenario_; }
  void Note(std::string kind, std::string detail) override {
    result_.timeline.push_back(TimelineEntry{Now(), std::move(kind), std::move(detail)});
  }

  // A request from the drill itself, numbered after the step's own calls.
  ServiceAnswer Call(const std::string& service, fakes::HttpRequest request) override {
    request.step_id = current_.runbook + "/" + current_.step;
    request.sequence = ++builtin_sequence_;
    return CallService(service, std::move(request));
  }

  // What a request to a fake service came to, as its client sees it: answered (with the
  // response), refused, or timed out.
  using HttpOutcome = ServiceAnswer;

  // A request from a step's process to one of the drill's HTTP services (its own loopback
  // listener; `request.service` says which). It meets the scenario's faults on the
  // service's endpoint first (see CallService): a refused call resets the connection, one
  // that times out is held unanswered until the client gives up or the step ends.
  exec::HttpDispatchResult DispatchHttp(const fakes::HttpRequest& request) override {
    bool deadline_reached = false;
    HttpOutcome outcome = ServeHttp(request, &deadline_reached);
    exec::HttpDispatchResult out;
    out.stop_step = deadline_reached;
    switch (outcome.kind) {
      case HttpOutcome::Kind::kAnswered:
        out.response = std::move(outcome.response);
        break;
      case HttpOutcome::Kind::kRefused:
        out.disposition = exec::HttpDispatchResult::Disposition::kReset;
        break;
      case HttpOutcome::Kind::kTimedOut:
        out.disposition = exec::HttpDispatchResult::Disposition::kHold;
        break;
    }
    return out;
  }

  // A request the drill makes itself (built-in Slack and PagerDuty steps run in-process),
  // to `service` ("slack", "pagerduty-events", "pagerduty-api"), with `request.target` the
  // path on that service and `request.step_id` and `request.sequence` set by the caller. The
  // same faults apply as to a step's own client, checked in this order:
  //   - a partition of the endpoint at the call's time: `reject` → refused, `drop` → timed
  //     out;
  //   - `add_latency`: virtual time moves by the latency (never past the step's deadline;
  //     reaching it → timed out), and a partition that began meanwhile counts as above;
  //   - an injected error (drawn from the call's own stream when the call arrives):
  //     `refused` → refused, `timeout` → timed out, `server_error` → 500 and `unavailable`
  //     → 503 with the service's own error body;
  //   - otherwise the fake answers (and spends its own modelled time).
  // Timed out means no answer ever came: virtual time has not moved for the wait, which is
  // the caller's to charge (a step's client waits on its own wall clock). Every call is in
  // the transcript as `HTTP METHOD TARGET`, exit code the status, or -1 with the reason
  // when there was no answer.
  HttpOutcome CallService(const std::string& service, fakes::HttpRequest request) {
    request.service = service;
    bool deadline_reached = false;
    return ServeHttp(request, &deadline_reached);
  }

  // A stream per call, keyed by where the call stands, so adding a step or a call does not
  // shift the draws of every later one.
  Random CallStream(const std::string& backend, uint64_t sequence) const {
    return rng_.Split(backend + "/" + current_.runbook + "/" + current_.step + "/" +
                      std::to_string(current_.attempt) + "/" + std::to_string(sequence));
  }

  // The scenario's credential faults, as the services see them at this moment.
  void ApplyServiceCredentials() {
    const auto& access = world_.access();
    for (auto& [service, backend] : http_backends_) {
      if (service == fakes::kSlackService) {
        static_cast<fakes::SlackBackend&>(*backend).SetTokenState(
            access.Credential(model::CredentialSpec::Kind::kSlackToken, "", Now()));
      }
    }
    const world::CredentialState pd =
        access.Credential(model::CredentialSpec::Kind::kPagerDutyToken, "", Now());
    for (const auto& token : scenario_.world.pagerduty.api_tokens) {
      world_.pagerduty().SetCredentialState(token, pd);
    }
    for (const auto& service : scenario_.world.pagerduty.services) {
      for (const auto& key : service.integration_keys) {
        world_.pagerduty().SetCredentialState(key, pd);
      }
    }
  }

  exec::DispatchResult Dispatch(const fakes::CommandRequest& request) override {
    Interaction call;
    call.at = Now();
    call.runbook = current_.runbook;
    call.step = current_.step;
    call.sequence = request.sequence;
    for (const auto& arg : request.argv) call.argv.push_back(Scrub(arg));
    call.stdin_data = Scrub(request.stdin_data);

    exec::DispatchResult out;
    const std::string program = request.argv.empty() ? "" : request.argv[0];
    fakes::CommandBackend* backend = nullptr;
    for (const auto& candidate : backends_) {
      if (candidate->Program() == program) backend = candidate.get();
    }
    if (backend == nullptr) {
      out.response.stderr_data =
          "rundrill: '" + program + "' is not modelled; add a stub in the scenario\n";
      out.response.exit_code = 127;
    } else {
      Random rng = CallStream("backend/" + program, request.sequence);
      CallContext context(*this, current_.deadline, rng);
      out.response = backend->Handle(request, context);
      out.stop_step = context.deadline_reached();
      FoldDraws(rng);
    }
    call.duration = Now() - call.at;
    call.stdout_data = Scrub(out.response.stdout_data);
    call.stderr_data = Scrub(out.response.stderr_data);
    call.exit_code = out.response.exit_code;
    result_.transcript.push_back(std::move(call));
    return out;
  }

 private:
  // Rules are evaluated on a fixed grid (every kEvaluationInterval from time 0), as
  // Prometheus does, but only while some firing alert has a condition to look at.
  void ScheduleEvaluation() {
    if (evaluation_scheduled_) return;
    const SimTime next = (Now() / kEvaluationInterval + 1) * kEvaluationInterval;
    if (next > scenario_.horizon) return;
    evaluation_scheduled_ = true;
    scheduler_.ScheduleAt(next, "evaluate", [this] {
      evaluation_scheduled_ = false;
      EvaluateAlerts();
      for (const auto& active : alerts_) {
        if (active.alert.Firing() && !active.spec.resolve_when.empty()) {
          ScheduleEvaluation();
          break;
        }
      }
    });
  }

  void Apply(const model::TimelineEvent& event) {
    using Kind = model::TimelineEvent::Kind;
    auto& kube = world_.kube();
    const std::string target = event.namespace_name + "/" + event.deployment;
    Status status;
    switch (event.kind) {
      case Kind::kDeploy:
        status =
            kube.SetImage(event.namespace_name, event.deployment, event.image, event.change_cause);
        Note("scenario.deploy", "deploy " + event.image + " to " + target);
        break;
      case Kind::kSetLogs:
        status = kube.SetLogs(event.namespace_name, event.deployment, event.text);
        Note("scenario.set_logs", "pods of " + target + " log new lines");
        break;
      case Kind::kSetReadiness:
        status = kube.SetReadiness(event.namespace_name, event.deployment, event.ready, event.text);
        Note("scenario.set_readiness", "pods of " + target + (event.ready ? " pass" : " fail") +
                                           " their readiness probe" +
                                           (event.text.empty() ? "" : " (" + event.text + ")"));
        break;
      case Kind::kFireAlert:
        FireAlert(event.alert);
        break;
      case Kind::kResolveAlert:
        for (auto& active : alerts_) {
          if (active.alert.Firing() && active.alert.Name() == event.alertname) {
            ResolveAlert(active, "resolved by the scenario");
          }
        }
        break;
      case Kind::kFault:
        status = ApplyFault(event.fault);
        break;
    }
    if (!status.ok()) Note("scenario.error", event.mark.ToString() + ": " + status.message());
  }

  void FireAlert(const model::AlertSpec& spec) {
    const std::string fingerprint = Fingerprint(spec.labels);
    for (const auto& active : alerts_) {
      // Alertmanager deduplicates by fingerprint: a firing alert fires once.
      if (active.alert.Firing() && Fingerprint(active.alert.labels) == fingerprint) return;
    }
    ActiveAlert active;
    active.alert.labels = spec.labels;
    active.alert.annotations = spec.annotations;
    active.alert.starts_at = Now();
    active.spec = spec;
    active.record = result_.alerts.size();

    AlertRecord record;
    record.alertname = active.alert.Name();
    record.fingerprint = fingerprint;
    record.labels = spec.labels;
    record.annotations = spec.annotations;
    record.active_at = Now();
    record.fired_at = Now();
    const std::string payload =
        AlertmanagerPayload({active.alert}, {"alertname"}, epoch_, AlertSource{})
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    const Alert fired = active.alert;
    alerts_.push_back(std::move(active));
    if (!spec.resolve_when.empty()) ScheduleEvaluation();

    record.source = "timeline";
    if (routing_enabled_) {
      for (size_t i = 0; i < runbooks_.size(); ++i) {
        if (TriggerMatches(runbooks_[i].trigger, spec.labels)) {
          record.runbooks.push_back(runbooks_[i].name);
          pending_.push_back(Invocation{i, fired, result_.alerts.size(), payload});
        }
      }
    }
    Note("alert.fired",
         record.alertname + " firing (" + fingerprint + ")" +
             (record.runbooks.empty() ? ", no runbook matches"
                                      : ", routed to " + JoinNames(record.runbooks)));
    result_.alerts.push_back(std::move(record));
  }

  static std::string JoinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  void ResolveAlert(ActiveAlert& active, const std::string& why) {
    active.alert.ends_at = Now();
    result_.alerts[active.record].resolved_at = Now();
    Note("alert.resolved", active.alert.Name() + " resolved: " + why);
  }

  // Prometheus evaluates its rules on a fixed grid from time 0.
  void ScheduleRuleEvaluation(SimTime at) {
    if (at > scenario_.horizon) return;
    scheduler_.ScheduleAt(at, "rules", [this] {
      EvaluateRules();
      ScheduleRuleEvaluation(Now() + scenario_.alerting.evaluation_interval);
    });
  }

  void EvaluateRules() {
    WorldSeries series(world_);
    for (alerting::RuleTransition& t : rules_.Evaluate(Now(), series)) {
      const std::string fingerprint = Fingerprint(t.alert.labels);
      const std::string value = alerting::FormatSampleValue(t.value);
      if (t.kind == alerting::RuleTransition::Kind::kFiring) {
        AlertRecord record;
        record.alertname = t.alert.Name();
        record.fingerprint = fingerprint;
        record.labels = t.alert.labels;
        record.annotations = t.alert.annotations;
        record.fired_at = Now();
        record.active_at = t.active_at;
        record.source = "rule: " + t.expr;
        record.value = value;
        firing_rule_alerts_[fingerprint] = result_.alerts.size();
        result_.alerts.push_back(std::move(record));
        Note("alert.firing", t.alert.Name() + " firing (" + fingerprint + "): " + t.expr + " is " +
                                 value + LabelSuffix(t.alert.labels));
      } else {
        auto it = firing_rule_alerts_.find(fingerprint);
        if (it != firing_rule_alerts_.end()) {
          result_.alerts[it->second].resolved_at = Now();
          firing_rule_alerts_.erase(it);
        }
        Note("alert.resolved",
             t.alert.Name() + " resolved (" + fingerprint + "): " + t.expr + " no longer holds");
      }
      dispatcher_.Receive(t.alert, Now());
    }
    ScheduleFlush();
  }

  static std::string LabelSuffix(const alerting::Labels& labels) {
    std::string out;
    for (const auto& [k, v] : labels) {
      if (k == "alertname") continue;
      out += (out.empty() ? "" : ", ") + k + "=" + v;
    }
    return out.empty() ? "" : " {" + out + "}";
  }

  void ScheduleFlush() {
    const SimTime at = dispatcher_.NextFlushTime();
    if (at > scenario_.horizon || !scheduled_flushes_.insert(at).second) return;
    scheduler_.ScheduleAt(at, "notify", [this, at] {
      scheduled_flushes_.erase(at);
      for (alerting::Notification& n : dispatcher_.Flush(Now())) Notify(n);
      ScheduleFlush();
    });
  }

  // One Alertmanager notification: recorded, and when it asks for action, routed to every
  // runbook whose trigger matches one of its firing alerts (the first such alert, in the
  // notification's order, is the one the run is for).
  void Notify(const alerting::Notification& n) {
    NotificationRecord record;
    record.at = Now();
    record.group_key = n.group_key;
    record.reason = n.reason;
    record.status = n.Firing() ? "firing" : "resolved";
    for (const auto& a : n.alerts) record.alerts.push_back(Fingerprint(a.labels));
    const std::string payload =
        alerting::AlertmanagerPayload(n.alerts, scenario_.alerting.group_by, epoch_, AlertSource{})
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    if (n.Actionable() && routing_enabled_) {
      for (size_t i = 0; i < runbooks_.size(); ++i) {
        for (const Alert& alert : n.alerts) {
          if (!alert.Firing() || !TriggerMatches(runbooks_[i].trigger, alert.labels)) continue;
          auto it = firing_rule_alerts_.find(Fingerprint(alert.labels));
          if (it == firing_rule_alerts_.end()) continue;
          result_.alerts[it->second].runbooks.push_back(runbooks_[i].name);
          record.runbooks.push_back(runbooks_[i].name);
          pending_.push_back(Invocation{i, alert, it->second, payload});
          break;
        }
      }
    }
    Note("alert.notified",
         n.group_key + " " + record.status + " (" + n.reason + ", " +
             std::to_string(n.alerts.size()) + (n.alerts.size() == 1 ? " alert)" : " alerts)") +
             (record.runbooks.empty() ? (n.Actionable() ? ", no runbook matches" : "")
                                      : ", routed to " + JoinNames(record.runbooks)));
    result_.notifications.push_back(std::move(record));
  }

  Status ApplyFault(const model::Fault& f) {
    using K = model::Fault::Kind;
    const SimTime until = f.duration ? SaturatingAdd(Now(), *f.duration) : SimTime::max();
    const std::string span = f.duration ? " for " + FormatDuration(*f.duration) : "";
    auto& access = world_.access();
    Status status;
    switch (f.kind) {
      case K::kPartition:
        for (const auto& target : f.targets) access.Partition(target, f.mode, Now(), until);
        Note("fault.partition",
             "network partition (" +
                 std::string(f.mode == model::PartitionMode::kDrop ? "packets dropped"
                                                                   : "connections refused") +
                 ") between the runner and " + FaultTargets(f.targets) + span);
        NoteAtEnd(until, "fault.healed", "partition to " + FaultTargets(f.targets) + " healed");
        break;
      case K::kExpireCredential:
      case K::kRevokeCredential: {
        const bool expire = f.kind == K::kExpireCredential;
        if (expire) {
          access.Expire(f.credential_kind, f.credential_target, Now());
        } else {
          access.Revoke(f.credential_kind, f.credential_target, Now());
        }
        Note(expire ? "fault.credential_expired" : "fault.credential_revoked",
             std::string(world::CredentialKindName(f.credential_kind)) +
                 (f.credential_target.empty() ? "" : " for " + f.credential_target) +
                 (expire ? " expired" : " revoked"));
        break;
      }
      case K::kAddLatency:
        access.AddLatency(f.targets.at(0), f.latency, Now(), until);
        Note("fault.latency", "calls to " + f.targets.at(0).ToString() + " take " +
                                  FormatDuration(f.latency) + " longer" + span);
        NoteAtEnd(until, "fault.healed",
                  "added latency on " + f.targets.at(0).ToString() + " gone");
        break;
      case K::kInjectErrors:
        access.InjectErrors(f.targets.at(0), f.probability, f.error, Now(), until);
        Note("fault.errors", "calls to " + f.targets.at(0).ToString() + " fail with probability " +
                                 alerting::FormatSampleValue(f.probability) + span);
        NoteAtEnd(until, "fault.healed",
                  "error injection on " + f.targets.at(0).ToString() + " over");
        break;
      case K::kCrashHost:
        status = world_.hosts().Crash(f.host);
        Note("fault.host_crash",
             "host " + f.host + " crashed" +
                 (f.duration ? ", back after " + FormatDuration(*f.duration) : ""));
        if (f.duration && until <= scenario_.horizon) {
          const std::string host = f.host;
          scheduler_.ScheduleAt(until, "timeline", [this, host] {
            Status booted = world_.hosts().Boot(host);
            Note("fault.healed",
                 "host " + host + " booted" + (booted.ok() ? "" : ": " + booted.message()));
          });
        }
        break;
      case K::kStopService:
        status = world_.hosts().StopService(f.host, f.service);
        Note("fault.service_stop", f.service + " on " + f.host + " stopped");
        break;
      case K::kDiskFill:
        status = world_.hosts().WriteFile(f.host, f.path, f.bytes);
        Note("fault.disk_fill",
             std::to_string(f.bytes) + " bytes written to " + f.host + ":" + f.path);
        break;
      case K::kConnectionLeak:
        status =
            world_.databases().StartLeak(f.database, f.rate, f.state, f.application, Now(), until);
        Note("fault.connection_leak",
             f.database + " gains " + alerting::FormatSampleValue(f.rate.amount) +
                 " connections (" + f.state + ") every " + FormatDuration(f.rate.per) + span);
        break;
    }
    return status;
  }

  void NoteAtEnd(SimTime until, std::string kind, std::string detail) {
    if (until > scenario_.horizon) return;
    scheduler_.ScheduleAt(until, "timeline", [this, kind, detail] { Note(kind, detail); });
  }

  void EvaluateAlerts() {
    for (auto& active : alerts_) {
      if (!active.alert.Firing() || active.spec.resolve_when.empty()) continue;
      bool all = true;
      for (const auto& predicate : active.spec.resolve_when) {
        all = all && DeploymentPredicateHolds(world_.kube(), predicate, nullptr);
      }
      if (all) ResolveAlert(active, "its condition no longer holds");
    }
  }

  // Each service's variables point at its own listener; a service the host does not serve
  // keeps its closed-port URL (kServiceUrls) and gets no keys.
  std::map<std::string, std::string> BaseEnvironment() const {
    std::map<std::string, std::string> env = kServiceUrls;
    env["RUNDRILL_SCENARIO"] = scenario_.name;
    const std::string slack_base = host_->HttpBaseUrl(fakes::kSlackService);
    if (!slack_base.empty()) {
      const model::SlackSpec& slack = scenario_.world.slack;
      env["SLACK_WEBHOOK_URL"] =
          slack_base + "/services/T0RUNDRILL/B0RUNDRILL/" + slack.webhook_secret;
      env["SLACK_API_URL"] = slack_base + "/api";
      env["SLACK_BOT_TOKEN"] = slack.bot_token;
    }
    const model::PagerDutySpec& pd = scenario_.world.pagerduty;
    const std::string events_base = host_->HttpBaseUrl(fakes::kPagerDutyEventsService);
    if (!events_base.empty()) {
      env["PAGERDUTY_EVENTS_URL"] = events_base + "/v2/enqueue";
      if (!pd.services.empty() && !pd.services[0].integration_keys.empty()) {
        env["PAGERDUTY_ROUTING_KEY"] = pd.services[0].integration_keys[0];
      }
    }
    const std::string api_base = host_->HttpBaseUrl(fakes::kPagerDutyApiService);
    if (!api_base.empty()) {
      env["PAGERDUTY_API_URL"] = api_base;
      if (!pd.api_tokens.empty()) env["PAGERDUTY_API_TOKEN"] = pd.api_tokens[0];
      if (!pd.users.empty()) env["PAGERDUTY_FROM"] = pd.users[0].email;
    }
    return env;
  }

  // The fault target an HTTP service stands for: both PagerDuty services are one endpoint.
  static model::FaultTarget EndpointOf(const std::string& service) {
    model::FaultTarget target;
    target.kind = model::FaultTarget::Kind::kEndpoint;
    target.name = service == fakes::kSlackService ? "slack" : "pagerduty";
    return target;
  }

  // A service's listener is closed while a reject partition of its endpoint holds, so a
  // step's connect() is refused at once, as a firewall's reject does. A drop partition
  // leaves it open: connections are accepted and never answered (ServeHttp).
  void SyncHttpListeners() {
    if (host_ == nullptr) return;
    for (const auto& [service, backend] : http_backends_) {
      const std::optional<model::PartitionMode> partition =
          world_.access().PartitionOf(EndpointOf(service), Now());
      host_->SetHttpServiceOpen(service, partition != model::PartitionMode::kReject);
    }
  }

  // What the real service answers when it fails on its side (an injected server_error or
  // unavailable): the body shape of its own errors. See docs/slack.md and docs/pagerduty.md.
  static fakes::HttpResponse InjectedFailure(const fakes::HttpRequest& request, int status) {
    const bool server_error = status == 500;
    fakes::HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    if (request.service == fakes::kSlackService && request.Path().substr(0, 5) == "/api/") {
      nlohmann::json body;  // sorted keys, as the fake's own Web API answers
      body["ok"] = false;
      body["error"] = server_error ? "fatal_error" : "service_unavailable";
      response.headers = {{"Content-Type", "application/json; charset=utf-8"}};
      response.body = body.dump();
    } else if (request.service == fakes::kSlackService) {
      response.headers = {{"Content-Type", "text/html"}};
      response.body = server_error ? "rollup_error" : "service_unavailable";
    } else if (request.service == fakes::kPagerDutyEventsService) {
      const std::string what = server_error ? "Internal Server Error" : "Service Unavailable";
      nlohmann::ordered_json body;
      body["status"] = what;
      body["message"] = "Event processing failed; retry later";
      body["errors"] = nlohmann::ordered_json::array({what});
      response.body = body.dump();
    } else {
      nlohmann::ordered_json error;
      error["message"] = server_error ? "Internal Error" : "Service Unavailable";
      error["code"] = 2000;
      response.body = nlohmann::ordered_json{{"error", error}}.dump();
    }
    return response;
  }

  // The one way into an HTTP fake, for steps' clients and the drill's own calls alike (see
  // CallService for the order in which faults apply). Sets `*deadline_reached` when the
  // step's virtual deadline came while the call was being answered.
  HttpOutcome ServeHttp(const fakes::HttpRequest& request, bool* deadline_reached) {
    Interaction call;
    call.at = Now();
    call.runbook = current_.runbook;
    call.step = current_.step;
    call.sequence = request.sequence;
    call.argv = {"HTTP", request.method, Scrub(request.target)};
    call.stdin_data = Scrub(request.body);

    HttpOutcome outcome;
    std::string no_answer;  // why, when there was none
    fakes::HttpBackend* backend = nullptr;
    for (const auto& [service, candidate] : http_backends_) {
      if (service == request.service) backend = candidate.get();
    }
    if (backend == nullptr) {
      // Only a host serving a service the drill did not ask for gets here.
      outcome.response.status = 404;
      outcome.response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
      outcome.response.body = "rundrill: no fake HTTP service is called '" + request.service +
                              "' (the services are slack, pagerduty-events and pagerduty-api)\n";
    } else {
      const model::FaultTarget endpoint = EndpointOf(request.service);
      const world::AccessWorld& access = world_.access();
      // Fault draws have a stream of their own, so the fake's own draws (its latency) are the
      // same with or without an error fault.
      Random fault_rng = CallStream("faults/http/" + request.service, request.sequence);
      const std::optional<model::InjectedError> injected =
          access.DrawError(endpoint, Now(), fault_rng);
      Random rng = CallStream("http/" + request.service, request.sequence);
      CallContext context(*this, current_.deadline, rng);

      std::optional<model::PartitionMode> partition = access.PartitionOf(endpoint, Now());
      const SimDuration extra = access.ExtraLatency(endpoint, Now());
      if (!partition && extra.count() > 0) {
        if (context.AdvanceTo(Now() + extra)) {
          partition = access.PartitionOf(endpoint, Now());
        } else {
          outcome.kind = HttpOutcome::Kind::kTimedOut;
          no_answer = "no answer (the step's deadline came during the added latency)";
        }
      }
      using Error = model::InjectedError;
      if (!no_answer.empty()) {
        // Decided above.
      } else if (partition == model::PartitionMode::kDrop) {
        outcome.kind = HttpOutcome::Kind::kTimedOut;
        no_answer = "no answer (partition: packets dropped)";
      } else if (partition == model::PartitionMode::kReject) {
        outcome.kind = HttpOutcome::Kind::kRefused;
        no_answer = "connection refused (partition: connections refused)";
      } else if (injected == Error::kTimeout) {
        outcome.kind = HttpOutcome::Kind::kTimedOut;
        no_answer = "no answer (injected error: timeout)";
      } else if (injected == Error::kRefused) {
        outcome.kind = HttpOutcome::Kind::kRefused;
        no_answer = "connection reset (injected error: refused)";
      } else if (injected == Error::kServerError || injected == Error::kUnavailable) {
        outcome.response = InjectedFailure(request, injected == Error::kServerError ? 500 : 503);
      } else {
        ApplyServiceCredentials();
        outcome.response = backend->Handle(request, context);
      }
      *deadline_reached = context.deadline_reached();
      FoldDraws(fault_rng);
      FoldDraws(rng);
    }
    call.duration = Now() - call.at;
    if (outcome.kind == HttpOutcome::Kind::kAnswered) {
      call.stdout_data = Scrub(outcome.response.body);
      call.exit_code = outcome.response.status;
    } else {
      call.stdout_data = "rundrill: " + no_answer + "\n";
      call.exit_code = -1;
    }
    result_.transcript.push_back(std::move(call));
    return outcome;
  }

  // A probe's own runs can fail for environment reasons; the drill reports that at its end.
  void KeepStatus(Status status) {
    if (!status.ok() && probe_status_.ok()) probe_status_ = std::move(status);
  }

  Status RunRunbook(const Invocation& invocation) {
    ran_.push_back(invocation);
    const model::Runbook& runbook = runbooks_[invocation.runbook];
    const Alert& alert = invocation.alert;
    RunbookRecord record;
    record.name = runbook.name;
    record.path = runbook.path;
    record.alertname = alert.Name();
    record.alert_fingerprint = Fingerprint(alert.labels);
    record.alert_record = invocation.record;
    record.started_at = Now();
    Note("runbook.started", runbook.name + " for " + alert.Name());

    auto env = BaseEnvironment();
    env["RUNDRILL_RUNBOOK"] = runbook.name;
    env["RUNBOOK_DIR"] = RunbookDir(runbook.path);
    env["ALERT_NAME"] = alert.Name();
    env["ALERT_STATUS"] = "firing";
    env["ALERT_FINGERPRINT"] = record.alert_fingerprint;
    env["ALERT_STARTS_AT"] = epoch_.Rfc3339(alert.starts_at);
    for (const auto& [k, v] : alert.labels) env["ALERT_LABEL_" + EnvName(k)] = v;
    for (const auto& [k, v] : alert.annotations) env["ALERT_ANNOTATION_" + EnvName(k)] = v;
    auto alert_file = host_->WriteFile(
        "alerts/" + runbook.name + "-" + record.alert_fingerprint + ".json", invocation.payload);
    if (!alert_file.ok()) return alert_file.status();
    env["RUNDRILL_ALERT_FILE"] = *alert_file;

    std::string param_error;
    for (const auto& param : runbook.params) {
      std::optional<std::string> value;
      if (!param.label.empty()) {
        auto it = alert.labels.find(param.label);
        if (it != alert.labels.end()) value = it->second;
      } else if (!param.annotation.empty()) {
        auto it = alert.annotations.find(param.annotation);
        if (it != alert.annotations.end()) value = it->second;
      } else {
        value = param.value;
      }
      if (!value) value = param.default_value;
      if (!value) {
        param_error =
            "param " + param.name + ": the alert has no " +
            (param.label.empty() ? "annotation \"" + param.annotation : "label \"" + param.label) +
            "\" and the param has no default";
        break;
      }
      env[param.name] = *value;
      record.params[param.name] = *value;
    }

    ConditionScope scope;
    bool failed = !param_error.empty();
    std::string stopped_at;
    if (failed) Note("runbook.error", runbook.name + ": " + param_error);
    for (const auto& step : runbook.steps) {
      if (failed) {
        StepRecord skipped = SkippedRecord(
            step, "not reached: the runbook stopped" +
                      (stopped_at.empty() ? ": " + param_error : " at " + stopped_at));
        scope.outcomes[step.id] = StepOutcome::kSkipped;
        record.steps.push_back(std::move(skipped));
        continue;
      }
      if (stop_runbook_) {
        record.steps.push_back(SkippedRecord(step, "not reached: the runner stopped"));
        scope.outcomes[step.id] = StepOutcome::kSkipped;
        continue;
      }
      StepFrame frame{&runbook, &step, &env, &scope, &invocation};
      frame_ = &frame;
      if (options_.probe != nullptr) options_.probe->BeforeStep(runbook, step, *this);
      StepRecord step_record;
      Status status = RunStep(runbook, step, env, scope, &step_record);
      if (!status.ok()) return status;
      if (options_.probe != nullptr && step_record.outcome != StepOutcome::kSkipped) {
        options_.probe->AfterStep(runbook, step, step_record, *this);
        if (!probe_status_.ok()) return probe_status_;
      }
      frame_ = nullptr;
      if ((step_record.outcome == StepOutcome::kFailed ||
           step_record.outcome == StepOutcome::kTimedOut) &&
          !step.continue_on_failure) {
        failed = true;
        stopped_at = step.id;
      }
      record.steps.push_back(std::move(step_record));
    }
    if (stop_runbook_) {
      stop_runbook_ = false;
      record.outcome = "stopped";
      record.ended_at = Now();
      Note("runbook.stopped", runbook.name + " stopped: its runner died");
      result_.runbooks.push_back(std::move(record));
      return Status::Ok();
    }
    if (failed) {
      for (const auto* steps : {&runbook.on_failure, &runbook.escalation}) {
        for (const auto& step : *steps) {
          if (options_.probe != nullptr) options_.probe->BeforeFailureStep(runbook, step, *this);
          StepRecord step_record;
          Status status = RunStep(runbook, step, env, scope, &step_record);
          if (!status.ok()) return status;
          step_record.on_failure = true;
          if (options_.probe != nullptr && step_record.outcome != StepOutcome::kSkipped) {
            options_.probe->AfterFailureStep(runbook, step, step_record, *this);
          }
          record.steps.push_back(std::move(step_record));
        }
      }
    }
    record.outcome = failed ? "failed" : "succeeded";
    record.ended_at = Now();
    Note("runbook.finished", runbook.name + " " + record.outcome +
                                 (stopped_at.empty() ? "" : " at step " + stopped_at));
    result_.runbooks.push_back(std::move(record));
    return Status::Ok();
  }

  static std::string RunbookDir(const std::string& path) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(std::filesystem::path(path), ec);
    if (ec) return ".";
    return absolute.parent_path().lexically_normal().string();
  }

  // How a built-in notify step reads in reports: "slack #incidents: Rolling back api".
  static std::string BuiltinCommand(const model::Step& step) {
    std::string out;
    if (step.slack) {
      out += "slack " + (step.slack->channel.empty() ? "webhook" : step.slack->channel) + ": " +
             (step.slack->text.empty() ? "(blocks)"
                                       : step.slack->text.substr(0, step.slack->text.find('\n')));
    }
    if (step.page) {
      using Action = model::PageNotice::Action;
      out +=
          std::string(out.empty() ? "" : "; ") + "page " +
          (step.page->service.empty() ? "default service" : step.page->service) + " " +
          (step.page->action == Action::kTrigger ? step.page->severity + ": " + step.page->summary
           : step.page->action == Action::kAcknowledge ? "acknowledge"
                                                       : "resolve");
    }
    return out;
  }

  static StepRecord SkippedRecord(const model::Step& step, std::string reason) {
    StepRecord record;
    record.id = step.id;
    record.type = std::string(model::StepTypeName(step.type));
    record.name = step.name.empty() ? step.id : step.name;
    record.command = step.type == model::StepType::kWait ? "wait " + FormatDuration(step.duration)
                     : step.run.empty()                  ? BuiltinCommand(step)
                                                         : step.run;
    record.outcome = StepOutcome::kSkipped;
    record.reason = std::move(reason);
    return record;
  }

  Status RunStep(const model::Runbook& runbook, const model::Step& step,
                 std::map<std::string, std::string>& env, ConditionScope& scope,
                 StepRecord* record) {
    *record = SkippedRecord(step, "");
    record->started_at = Now();
    record->ended_at = Now();
    if (exec::Interrupted()) {
      record->reason = "not reached: rundrill was interrupted";
      scope.outcomes[step.id] = StepOutcome::kSkipped;
      return Status::Ok();
    }
    if (Now() >= step_horizon_) {
      record->reason = "not reached: the scenario's horizon came first";
      scope.outcomes[step.id] = StepOutcome::kSkipped;
      return Status::Ok();
    }
    if (step.when && !EvaluateCondition(*step.when, scope)) {
      record->reason = "when: condition not met";
      scope.outcomes[step.id] = StepOutcome::kSkipped;
      Note("step.skipped", runbook.name + "/" + step.id + " skipped (condition not met)");
      return Status::Ok();
    }
    if (step.type == model::StepType::kWait) {
      const SimTime until = SaturatingAdd(Now(), step.duration);
      const bool cut = until > step_horizon_;
      AdvanceTo(std::min(until, step_horizon_));
      record->outcome = cut ? StepOutcome::kTimedOut : StepOutcome::kSucceeded;
      record->reason = cut ? "stopped at the scenario's horizon" : "";
      record->ended_at = Now();
      scope.outcomes[step.id] = record->outcome;
      Note("step.finished",
           runbook.name + "/" + step.id + " waited " + FormatDuration(Now() - record->started_at));
      return Status::Ok();
    }

    BuiltinContext context;
    context.runbook = runbook.name;
    context.step_id = step.id;
    context.step_name = record->name;
    context.command = step.run;
    context.alert_key = env.count("ALERT_FINGERPRINT") ? env.at("ALERT_FINGERPRINT") : "";
    context.env = &env;
    if (step.approval && !Approved(runbook, step, context, record)) {
      record->ended_at = Now();
      scope.outcomes[step.id] = record->outcome;
      Note("step.finished", runbook.name + "/" + step.id + " " +
                                std::string(StepOutcomeName(record->outcome)) + ": " +
                                record->reason);
      return Status::Ok();
    }

    Note("step.started", runbook.name + "/" + step.id + ": " + record->command);
    double backoff_ms = static_cast<double>(step.retries.backoff.count());
    for (int attempt = 1; attempt <= step.retries.attempts; ++attempt) {
      if (attempt > 1) {
        // Clamped as a double first: a large multiplier must not overflow the conversion.
        const double capped =
            std::min(backoff_ms, static_cast<double>(step.retries.max_backoff.count()));
        const SimTime retry_at = SaturatingAdd(Now(), SimDuration(static_cast<int64_t>(capped)));
        if (retry_at >= step_horizon_) {
          AdvanceTo(step_horizon_);
          record->reason += "; no retry: the scenario's horizon came first";
          break;
        }
        AdvanceTo(retry_at);
        backoff_ms = capped * step.retries.multiplier;
      }
      Attempt try_record;
      try_record.started_at = Now();
      const SimTime own_deadline = SaturatingAdd(Now(), step.timeout);
      const DeadlineKind deadline_kind =
          own_deadline > step_horizon_ ? DeadlineKind::kHorizon : DeadlineKind::kStepTimeout;
      current_ = CurrentStep{runbook.name, step.id, attempt, std::min(own_deadline, step_horizon_)};
      if (step.run.empty()) {
        RunBuiltinAttempt(step, context, deadline_kind, &try_record);
        record->outcome = try_record.failures.empty()            ? StepOutcome::kSucceeded
                          : try_record.stop == "virtual-timeout" ? StepOutcome::kTimedOut
                                                                 : StepOutcome::kFailed;
        record->reason = try_record.failures.empty() ? "" : try_record.failures.front();
        record->attempts.push_back(std::move(try_record));
        if (record->outcome == StepOutcome::kSucceeded) break;
        continue;
      }
      exec::StepProcessSpec spec;
      spec.command = step.run;
      spec.env = host_->Environment(env);
      spec.cwd = host_->WorkDir();
      spec.step_id = runbook.name + "/" + step.id;
      spec.wall_limit = options_.wall_limit;
      spec.kill_grace = options_.kill_grace;
      auto run = host_->Run(spec, *this);
      if (!run.ok()) return run.status();
      try_record.ended_at = Now();
      try_record.exit_code = run->exit_code;
      try_record.stop = StopName(run->stop);
      try_record.stdout_data = Scrub(run->stdout_data);
      try_record.stderr_data = Scrub(run->stderr_data);

      StepVerdict verdict = JudgeAttempt(step, *run, deadline_kind, options_.wall_limit);
      if (verdict.capture) {
        // Later steps see the real value; the record keeps the scrubbed one.
        env[step.capture->name] = verdict.capture->text;
        record->capture_name = step.capture->name;
        record->capture_value = Scrub(verdict.capture->text);
        scope.captures[step.capture->name] = std::move(*verdict.capture);
      }
      try_record.failures = std::move(verdict.failures);
      record->outcome = verdict.outcome;
      record->reason = try_record.failures.empty() ? "" : try_record.failures.front();
      record->attempts.push_back(std::move(try_record));
      if (record->outcome == StepOutcome::kSucceeded) break;
      if (run->stop == exec::StepProcessResult::Stop::kInterrupted) break;
    }
    record->ended_at = Now();
    scope.outcomes[step.id] = record->outcome;
    Note("step.finished", runbook.name + "/" + step.id + " " +
                              std::string(StepOutcomeName(record->outcome)) +
                              (record->reason.empty() ? "" : ": " + record->reason));
    return Status::Ok();
  }

  // The approval gate: true when the step may run. Otherwise `record` says why not.
  bool Approved(const model::Runbook& runbook, const model::Step& step,
                const BuiltinContext& context, StepRecord* record) {
    current_ = CurrentStep{runbook.name, step.id, 0, step_horizon_};
    builtin_sequence_ = 0;
    ApprovalRecord approval = RequestApproval(*this, *step.approval, context);
    const bool go = approval.decision == "approved" || approval.decision == "auto-approved";
    if (!go) {
      const bool cut = approval.decision == "expired" &&
                       approval.decided_at < approval.requested_at + step.approval->timeout;
      record->outcome = cut ? StepOutcome::kTimedOut : StepOutcome::kFailed;
      record->reason = "approval " + approval.decision + ": " + approval.detail;
    }
    record->approval = std::move(approval);
    return go;
  }

  // A notify step's Slack post and page, made by the drill itself.
  void RunBuiltinAttempt(const model::Step& step, const BuiltinContext& context,
                         DeadlineKind deadline_kind, Attempt* attempt) {
    builtin_sequence_ = 0;
    std::vector<BuiltinOutcome> outcomes;
    if (step.slack) outcomes.push_back(PostToSlack(*this, *step.slack, context));
    if (step.page) outcomes.push_back(SendPage(*this, *step.page, context));
    attempt->ended_at = Now();
    attempt->stop = "exited";
    for (const auto& outcome : outcomes) {
      (outcome.ok ? attempt->stdout_data : attempt->stderr_data) += outcome.summary + "\n";
      if (!outcome.ok) attempt->failures.push_back(outcome.summary);
    }
    if (Now() >= current_.deadline && !attempt->failures.empty()) {
      attempt->stop = "virtual-timeout";
      attempt->failures.insert(attempt->failures.begin(),
                               deadline_kind == DeadlineKind::kHorizon
                                   ? "stopped at the scenario's horizon"
                                   : "timed out after " + FormatDuration(step.timeout));
    }
    attempt->exit_code = attempt->failures.empty() ? 0 : 1;
  }

  // Sandbox paths are random per drill; recorded output names them by a fixed token so the
  // same drill gives the same bytes.
  std::string Scrub(std::string text) const {
    const std::string root = host_->VolatileRoot();
    if (root.empty()) return text;
    static constexpr std::string_view kToken = "/rundrill-sandbox";
    for (size_t at = text.find(root); at != std::string::npos; at = text.find(root, at)) {
      text.replace(at, root.size(), kToken);
      at += kToken.size();
    }
    return text;
  }

  // The first scenario event that is not an alert: where the incident began.
  SimTime IncidentStart() const {
    for (const auto& event : scenario_.timeline) {
      if (event.kind != model::TimelineEvent::Kind::kFireAlert &&
          event.kind != model::TimelineEvent::Kind::kResolveAlert) {
        return event.at;
      }
    }
    return SimTime(0);
  }

  // Each alert episode is an incident, counted from the last scenario event (a fault, a
  // deploy) at or before its condition first held: in a cascade every alert shares the
  // cause, and each gets its own detection, mitigation and resolution times.
  void IncidentFigures() {
    for (size_t i = 0; i < result_.alerts.size(); ++i) {
      AlertRecord& alert = result_.alerts[i];
      alert.incident_start = SimTime(0);
      alert.incident_cause = "the world as it was at the start";
      for (const auto& event : scenario_.timeline) {
        using Kind = model::TimelineEvent::Kind;
        if (event.kind == Kind::kFireAlert || event.kind == Kind::kResolveAlert) continue;
        if (event.at > alert.active_at) break;
        alert.incident_start = event.at;
        alert.incident_cause = EventName(event) + " at " + FormatDuration(event.at) + " (" +
                               event.mark.ToString() + ")";
      }
      const SimTime start = alert.incident_start;
      alert.figures.time_to_detect = alert.fired_at - start;
      if (alert.resolved_at) alert.figures.time_to_resolve = *alert.resolved_at - start;
      for (const auto& run : result_.runbooks) {
        if (run.alert_record != i) continue;
        for (const auto& step : run.steps) {
          if (step.type != "action" || step.on_failure || step.outcome != StepOutcome::kSucceeded) {
            continue;
          }
          const SimDuration took = step.ended_at - start;
          if (!alert.figures.time_to_mitigate || took < *alert.figures.time_to_mitigate) {
            alert.figures.time_to_mitigate = took;
          }
        }
      }
    }
  }

  static std::string EventName(const model::TimelineEvent& event) {
    using Kind = model::TimelineEvent::Kind;
    switch (event.kind) {
      case Kind::kDeploy:
        return "deploy of " + event.image;
      case Kind::kSetLogs:
        return "set_logs";
      case Kind::kSetReadiness:
        return "set_readiness";
      case Kind::kFault:
        return std::string(FaultKindName(event.fault.kind));
      case Kind::kFireAlert:
      case Kind::kResolveAlert:
        break;
    }
    return "event";
  }

  static std::string_view FaultKindName(model::Fault::Kind kind) {
    using K = model::Fault::Kind;
    switch (kind) {
      case K::kPartition:
        return "partition";
      case K::kExpireCredential:
        return "expire_credential";
      case K::kRevokeCredential:
        return "revoke_credential";
      case K::kAddLatency:
        return "add_latency";
      case K::kInjectErrors:
        return "inject_errors";
      case K::kCrashHost:
        return "crash_host";
      case K::kStopService:
        return "stop_service";
      case K::kDiskFill:
        return "disk_fill";
      case K::kConnectionLeak:
        return "connection_leak";
    }
    return "fault";
  }

  void Finish() {
    const SimTime start = IncidentStart();
    if (!result_.alerts.empty()) {
      SimTime first = SimTime::max();
      std::optional<SimTime> last;
      bool all_resolved = true;
      for (const auto& alert : result_.alerts) {
        first = std::min(first, alert.fired_at);
        if (!alert.resolved_at) {
          all_resolved = false;
        } else if (!last || *alert.resolved_at > *last) {
          last = alert.resolved_at;
        }
      }
      if (first >= start) result_.figures.time_to_detect = first - start;
      if (all_resolved && last && *last >= start) {
        result_.figures.time_to_resolve = *last - start;
      }
    }
    // Mitigation: the first action of a runbook's own steps (not on_failure) that succeeded.
    for (const auto& run : result_.runbooks) {
      for (const auto& step : run.steps) {
        if (step.type != "action" || step.on_failure || step.outcome != StepOutcome::kSucceeded ||
            step.ended_at < start) {
          continue;
        }
        const SimDuration took = step.ended_at - start;
        if (!result_.figures.time_to_mitigate || took < *result_.figures.time_to_mitigate) {
          result_.figures.time_to_mitigate = took;
        }
      }
    }
    IncidentFigures();
    result_.final_world = world_.Snapshot();
    result_.expectations = CheckExpectations(scenario_.expect, result_, world_);
    if (result_.expectations.empty()) {
      // A scenario that states nothing still must not pass while its incident goes on.
      model::Expectations implicit;
      implicit.resolved = true;
      implicit.mark = scenario_.mark;
      result_.expectations = CheckExpectations(implicit, result_, world_);
      for (auto& e : result_.expectations) e.what += " (implicit: the scenario has no expect)";
    }
    result_.passed = !result_.interrupted;
    for (const auto& expectation : result_.expectations) {
      result_.passed = result_.passed && expectation.passed;
    }
    Note("drill.finished", result_.interrupted ? "interrupted"
                           : result_.passed    ? "passed"
                                               : "failed");
    result_.final_draw = rng_.Split("final-draw/" + std::to_string(draw_ledger_)).Next();
  }

  // One more draw from a call's stream after the call: it depends on how many draws the
  // call made, so two runs that consumed different randomness end with different final
  // draws even when everything they recorded agrees (FoundationDB's determinism check).
  void FoldDraws(Random& stream) {
    draw_ledger_ = StableHash(std::to_string(stream.Next()), draw_ledger_);
  }

  const model::Scenario& scenario_;
  std::vector<model::Runbook> runbooks_;
  DrillOptions options_;
  Epoch epoch_;
  world::World world_;
  Scheduler scheduler_;
  Random rng_;
  std::vector<std::unique_ptr<fakes::CommandBackend>> backends_;
  std::vector<std::pair<std::string, std::unique_ptr<fakes::HttpBackend>>> http_backends_;
  std::unique_ptr<exec::StepHost> host_;
  std::vector<ActiveAlert> alerts_;
  alerting::RuleEvaluator rules_;
  alerting::NotificationDispatcher dispatcher_;
  std::map<std::string, size_t> firing_rule_alerts_;  // fingerprint → DrillResult::alerts
  std::set<SimTime> scheduled_flushes_;
  std::deque<Invocation> pending_;
  CurrentStep current_;
  // The step a probe acts on, while it runs.
  struct StepFrame {
    const model::Runbook* runbook;
    const model::Step* step;
    std::map<std::string, std::string>* env;
    ConditionScope* scope;
    const Invocation* invocation;
  };
  StepFrame* frame_ = nullptr;
  std::vector<Invocation> ran_;  // every runbook run, in order
  bool stop_runbook_ = false;
  Status probe_status_;
  // Steps stop here. The scenario's horizon, except while a probe runs runbooks again
  // after it.
  SimTime step_horizon_ = SimTime::max();
  uint64_t builtin_sequence_ = 0;  // the drill's own HTTP calls within the current step
  uint64_t draw_ledger_ = 0;       // see FoldDraws
  bool routing_enabled_ = true;
  bool evaluation_scheduled_ = false;
  DrillResult result_;
};

SimTime CallContext::Now() const { return drill_.Now(); }

bool CallContext::AdvanceTo(SimTime t) {
  if (t > deadline_) {
    drill_.AdvanceTo(deadline_);
    deadline_reached_ = true;
    return false;
  }
  drill_.AdvanceTo(t);
  return true;
}

world::World& CallContext::World() { return drill_.World(); }

}  // namespace

StatusOr<DrillResult> RunDrill(const model::Scenario& scenario,
                               const std::vector<model::Runbook>& runbooks,
                               const DrillOptions& options) {
  Drill drill(scenario, runbooks, options);
  Status setup = drill.Setup();
  if (!setup.ok()) return setup;
  return drill.Run();
}

StatusOr<ExecResult> ExecInScenario(const model::Scenario& scenario, SimTime at,
                                    const std::string& command, const DrillOptions& options) {
  Drill drill(scenario, {}, options);
  Status setup = drill.Setup();
  if (!setup.ok()) return setup;
  return drill.Exec(at, command);
}

}  // namespace rundrill::drill
