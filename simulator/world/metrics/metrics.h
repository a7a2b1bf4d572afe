#pragma once

// The metrics of model::MetricCatalog(), read off the world at world.Now(): what alert
// rules, metric expectations and stub templates see. docs/metrics.md lists every metric,
// its labels and its formula.

#include <map>
#include <string>
#include <vector>

#include "simulator/model/alert_rule.h"

namespace rundrill::world {

class World;

namespace metrics {

struct Sample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The series of `selector.metric` that satisfy every matcher, at world.Now(). A matcher on
// a label a series lacks compares against "" (as in Prometheus). Order is stable: services
// and databases in declaration order, deployments by namespace then name. A metric outside
// the catalog has no series.
std::vector<Sample> QueryMetric(const World& world, const model::SeriesSelector& selector);

// `metric{a="x"}` for one series, label names sorted: how error messages name it.
std::string SeriesText(const std::string& metric, const std::map<std::string, std::string>& labels);

// A value as Prometheus prints a sample: whole numbers without a decimal point ("42"),
// others with up to 6 significant digits ("0.953333", "1.5e-07"); NaN, +Inf, -Inf.
std::string FormatValue(double value);

}  // namespace metrics
}  // namespace rundrill::world
