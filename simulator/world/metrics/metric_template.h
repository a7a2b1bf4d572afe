#pragma once

// Text with `{{ … }}` holes filled in when it is used: `{{ $N }}` is the N-th argument the
// caller supplies (a stub passes its regex groups, $0 being the whole match) and
// `{{ metric{label="v"} }}` is the value of the one series the selector picks, at
// world.Now(). Parsed once, up front, so that a mistake is reported when the scenario
// loads rather than in the middle of a drill.

#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/model/alert_rule.h"

namespace rundrill::world {

class World;

namespace metrics {

struct TemplatePart {
  enum class Kind { kText, kArgument, kSelector };
  Kind kind = Kind::kText;
  std::string text;  // kText: the literal; otherwise the expression as written, braces included
  int argument = 0;  // kArgument
  model::SeriesSelector selector;  // kSelector
};

struct MetricTemplate {
  std::vector<TemplatePart> parts;
  int max_argument = -1;  // the highest $N used; -1 when none is
};

// Fails with InvalidInput when a `{{` is never closed, a hole is neither `$N` nor a series
// selector, or a selector names a metric outside the catalog or a label the metric lacks.
// Messages quote the offending hole: `{{ db_conections }}: unknown metric "db_conections"`.
StatusOr<MetricTemplate> ParseMetricTemplate(std::string_view text);

// Fills the holes. A selector must pick exactly one series: none or several fail with
// InvalidInput naming them, since printing 0 or a guessed sum would pretend. An argument
// beyond `arguments` is InvalidInput too.
StatusOr<std::string> RenderMetricTemplate(const MetricTemplate& compiled, const World& world,
                                           const std::vector<std::string>& arguments);

// Parse and render in one go, with no arguments.
StatusOr<std::string> RenderMetricTemplate(std::string_view text, const World& world);

// The value of the one series `selector` picks (InvalidInput as above otherwise).
StatusOr<double> SingleSeriesValue(const World& world, const model::SeriesSelector& selector);

}  // namespace metrics
}  // namespace rundrill::world
