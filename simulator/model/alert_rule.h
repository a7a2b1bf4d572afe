#pragma once

// Prometheus-style alert rules over the world's metrics, and Alertmanager-style grouping.

#include <map>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

// `metric{label="value", other!="x"}`: the series of a metric a rule looks at.
struct LabelMatcher {
  std::string name;
  std::string value;
  bool equal = true;  // = or !=
};

struct SeriesSelector {
  std::string metric;
  std::vector<LabelMatcher> matchers;
};

enum class Comparison { kGreater, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };

// `expr: service_error_ratio{service="api"} > 0.05`, the one expression shape supported:
// a selector, a comparison and a number.
struct AlertRuleSpec {
  std::string alert;  // alertname
  SeriesSelector selector;
  Comparison comparison = Comparison::kGreater;
  double threshold = 0;
  std::string expr;  // as written, for generatorURL and reports
  SimDuration for_duration{SimDuration(0)};
  std::map<std::string, std::string> labels;
  // Values may use {{ $labels.name }} and {{ $value }}, as Prometheus templates do.
  std::map<std::string, std::string> annotations;
  SourceMark mark;
};

struct AlertingSpec {
  SimDuration evaluation_interval{SimDuration(15000)};
  // Alertmanager route: which labels group alerts into one notification, and its timers.
  std::vector<std::string> group_by = {"alertname"};
  SimDuration group_wait{SimDuration(30000)};
  SimDuration group_interval{SimDuration(300000)};
  SimDuration repeat_interval{SimDuration(4LL * 3600000)};
  std::vector<AlertRuleSpec> rules;
  SourceMark mark;
};

}  // namespace rundrill::model
