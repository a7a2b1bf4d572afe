#include "simulator/drill/expectations.h"

#include <algorithm>
#include <set>

#include "simulator/text/series_selector.h"
#include "simulator/world/metrics/metrics.h"

namespace rundrill::drill {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "none" : out;
}

// The last run of the runbook: when an alert flaps, the state it left is the one that
// counts.
const RunbookRecord* FindRun(const DrillResult& result, const std::string& name) {
  const RunbookRecord* found = nullptr;
  for (const auto& run : result.runbooks) {
    if (run.name == name) found = &run;
  }
  return found;
}

}  // namespace

std::string DescribePredicate(const model::DeploymentPredicate& p) {
  std::vector<std::string> parts;
  if (p.image) parts.push_back("image is " + *p.image);
  if (p.ready_replicas) parts.push_back(std::to_string(*p.ready_replicas) + " ready replicas");
  if (p.revision) parts.push_back("revision " + std::to_string(*p.revision));
  if (p.healthy) parts.push_back(*p.healthy ? "healthy" : "not healthy");
  std::string out = "deployment " + p.namespace_name + "/" + p.name;
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? " " : ", ") + parts[i];
  return out;
}

bool DeploymentPredicateHolds(const world::KubeWorld& kube, const model::DeploymentPredicate& p,
                              std::string* found) {
  const auto state = kube.Deployment(p.namespace_name, p.name);
  if (!state) {
    if (found) *found = "deployment not found";
    return false;
  }
  if (found) {
    *found = "image " + state->image + ", " + std::to_string(state->ready) + "/" +
             std::to_string(state->replicas) + " ready, revision " +
             std::to_string(state->revision) + (state->healthy ? ", healthy" : ", not healthy");
  }
  if (p.image && *p.image != state->image) return false;
  if (p.ready_replicas && *p.ready_replicas != state->ready) return false;
  if (p.revision && *p.revision != state->revision) return false;
  if (p.healthy && *p.healthy != state->healthy) return false;
  return true;
}

std::vector<ExpectationResult> CheckExpectations(const model::Expectations& expect,
                                                 const DrillResult& result,
                                                 const world::World& world) {
  const world::KubeWorld& kube = world.kube();
  std::vector<ExpectationResult> out;
  const std::string source = expect.mark.ToString();

  std::vector<std::string> still_firing;
  std::optional<SimTime> last_resolved;
  std::optional<SimTime> first_fired;
  for (const auto& alert : result.alerts) {
    if (!first_fired || alert.fired_at < *first_fired) first_fired = alert.fired_at;
    if (!alert.resolved_at) {
      still_firing.push_back(alert.alertname);
    } else if (!last_resolved || *alert.resolved_at > *last_resolved) {
      last_resolved = alert.resolved_at;
    }
  }

  if (expect.resolved) {
    ExpectationResult r;
    r.source = source;
    const bool resolved = still_firing.empty() && !result.alerts.empty();
    r.what = *expect.resolved ? "every alert resolved by the horizon"
                              : "an alert still firing at the horizon";
    r.passed = resolved == *expect.resolved;
    if (result.alerts.empty()) {
      r.detail = "no alert fired";
    } else if (still_firing.empty()) {
      r.detail = "all resolved, the last at " + FormatClock(*last_resolved);
    } else {
      r.detail = "still firing: " + Join(still_firing);
    }
    out.push_back(r);
  }

  if (expect.resolved_within) {
    ExpectationResult r;
    r.source = source;
    r.what = "resolved within " + FormatDuration(*expect.resolved_within) + " of the first alert";
    if (!first_fired) {
      r.detail = "no alert fired";
    } else if (!still_firing.empty()) {
      r.detail = "still firing: " + Join(still_firing);
    } else {
      const SimDuration took = *last_resolved - *first_fired;
      r.passed = took <= *expect.resolved_within;
      r.detail = "resolved " + FormatDuration(took) + " after the first alert";
    }
    out.push_back(r);
  }

  for (const auto& predicate : expect.deployments) {
    ExpectationResult r;
    r.source = predicate.mark.ToString();
    r.what = DescribePredicate(predicate);
    r.passed = DeploymentPredicateHolds(kube, predicate, &r.detail);
    out.push_back(r);
  }

  for (const auto& metric : expect.metrics) {
    ExpectationResult r;
    r.source = metric.mark.ToString();
    r.what = "metric " + metric.expr;
    const std::vector<world::metrics::Sample> samples =
        world::metrics::QueryMetric(world, metric.selector);
    if (samples.empty()) {
      r.detail = "no series matches " + text::SelectorText(metric.selector);
    } else {
      r.passed = true;
      for (const auto& sample : samples) {
        const bool holds = text::Compare(sample.value, metric.comparison, metric.threshold);
        r.passed = r.passed && holds;
        if (!r.detail.empty()) r.detail += ", ";
        r.detail += world::metrics::SeriesText(metric.selector.metric, sample.labels) + " = " +
                    world::metrics::FormatValue(sample.value);
      }
    }
    out.push_back(r);
  }

  if (expect.runbooks_ran) {
    ExpectationResult r;
    r.source = source;
    std::set<std::string> wanted(expect.runbooks_ran->begin(), expect.runbooks_ran->end());
    std::set<std::string> ran;
    for (const auto& run : result.runbooks) ran.insert(run.name);
    r.what = "runbooks ran: " + Join(std::vector<std::string>(wanted.begin(), wanted.end()));
    r.passed = wanted == ran;
    r.detail = "ran: " + Join(std::vector<std::string>(ran.begin(), ran.end()));
    out.push_back(r);
  }

  for (const auto& rb : expect.runbooks) {
    const RunbookRecord* run = FindRun(result, rb.runbook);
    const std::string where = rb.mark.ToString();
    if (rb.ran) {
      ExpectationResult r{"runbook " + rb.runbook + (*rb.ran ? " ran" : " did not run"),
                          (run != nullptr) == *rb.ran, run ? "it ran" : "it did not run", where};
      out.push_back(r);
    }
    if (rb.runs) {
      int runs = 0;
      for (const auto& r : result.runbooks) runs += r.name == rb.runbook ? 1 : 0;
      ExpectationResult r{"runbook " + rb.runbook + " ran " + std::to_string(*rb.runs) +
                              (*rb.runs == 1 ? " time" : " times"),
                          runs == *rb.runs,
                          "it ran " + std::to_string(runs) + (runs == 1 ? " time" : " times"),
                          where};
      out.push_back(r);
    }
    if (rb.outcome) {
      ExpectationResult r{"runbook " + rb.runbook + " " + *rb.outcome, false, "", where};
      r.passed = run && run->outcome == *rb.outcome;
      r.detail = run ? "it " + run->outcome : "it did not run";
      out.push_back(r);
    }
    for (const auto& [step_id, outcome] : rb.steps) {
      ExpectationResult r{"step " + rb.runbook + "/" + step_id + " " + outcome, false, "", where};
      const StepRecord* step = nullptr;
      if (run) {
        for (const auto& s : run->steps) {
          if (s.id == step_id) step = &s;
        }
      }
      if (!run) {
        r.detail = "the runbook did not run";
      } else if (!step) {
        r.detail = "no such step in the run";
      } else {
        r.detail = std::string(StepOutcomeName(step->outcome));
        r.passed = r.detail == outcome;
      }
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace rundrill::drill
