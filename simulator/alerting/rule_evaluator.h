#pragma once

// Prometheus' alerting-rule evaluation over the simulated metrics: each evaluation a rule's
// selector is queried, the series that satisfy its comparison become pending alerts, a
// pending alert that stays active for the rule's `for:` fires, and a firing alert whose
// series no longer satisfies the comparison resolves. Only transitions leave this class.

#include <map>
#include <string>
#include <vector>

#include "simulator/alerting/alert.h"
#include "simulator/core/sim_time.h"
#include "simulator/model/alert_rule.h"

namespace rundrill::alerting {

struct Series {
  Labels labels;
  double value = 0;
};

// Where rules read metrics from: the world, in a drill.
class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  virtual std::vector<Series> Query(const model::SeriesSelector& selector) const = 0;
};

struct RuleTransition {
  enum class Kind { kFiring, kResolved };
  Kind kind = Kind::kFiring;
  Alert alert;           // as Prometheus sends it: starts_at = when it fired
  SimTime active_at{0};  // when its condition first held (the start of pending)
  double value = 0;      // the sample that decided
  std::string rule;      // the rule's alert name
  std::string expr;
};

class RuleEvaluator {
 public:
  explicit RuleEvaluator(std::vector<model::AlertRuleSpec> rules);

  // One evaluation of every rule, in file order, at `now`. Transitions come out in rule
  // order, then by the alert's label set, so the same world gives the same sequence.
  std::vector<RuleTransition> Evaluate(SimTime now, const SeriesSource& source);

  // Every alert whose condition holds in `source` now, whatever its `for:` and whatever
  // this evaluator has seen before: "HighErrorRate{service=api}", sorted. What "the
  // scenario's steady state" means to the rollback check.
  std::vector<std::string> Holding(const SeriesSource& source) const;

  // Alerts pending or firing now, for results.
  size_t ActiveCount() const;
  bool empty() const { return rules_.empty(); }

 private:
  enum class State { kPending, kFiring };
  struct Active {
    State state = State::kPending;
    Labels labels;
    Labels annotations;
    SimTime active_at{0};
    SimTime fired_at{0};
    double value = 0;
  };

  std::vector<model::AlertRuleSpec> rules_;
  // Per rule, keyed by the alert's label set written out (ordered: determinism).
  std::vector<std::map<std::string, Active>> active_;
};

// `{{ $value }}` and `{{ $labels.name }}` filled in as Prometheus' templates do (a missing
// label renders empty; the value in Go's shortest float form).
std::string ExpandAlertTemplate(const std::string& text, const Labels& labels, double value);

// Go's strconv.FormatFloat(v, 'g', -1, 64) for the values alert rules see.
std::string FormatSampleValue(double value);

}  // namespace rundrill::alerting
