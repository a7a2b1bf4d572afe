#pragma once

// The small part of PromQL that alert rules and stub templates use: a series selector
// (`metric{label="value", other!="x"}`) and `selector <comparison> number`.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/model/alert_rule.h"

namespace rundrill::text {

// Where parsing failed: the message, and the 0-based offset in the text it points at.
struct ParseError {
  std::string message;
  size_t offset = 0;
};

struct ParsedSelector {
  std::optional<model::SeriesSelector> selector;
  ParseError error;  // when !selector
};

struct AlertExpression {
  model::SeriesSelector selector;
  model::Comparison comparison = model::Comparison::kGreater;
  double threshold = 0;
};

struct ParsedExpression {
  std::optional<AlertExpression> expression;
  ParseError error;  // when !expression
};

// The whole of `text` must be one selector (surrounding spaces allowed).
ParsedSelector ParseSeriesSelector(std::string_view text);

// `selector op number`, op one of > >= < <= == !=.
ParsedExpression ParseAlertExpression(std::string_view text);

std::string_view ComparisonText(model::Comparison comparison);
bool Compare(double value, model::Comparison comparison, double threshold);

// In a template text, where the `{{` hole opened at `open` ends (the offset just past its
// `}}`), or npos. A selector has braces and quoted values of its own, so
// `{{ m{a="}}"} }}` closes on the last pair.
size_t TemplateHoleEnd(std::string_view text, size_t open);

// The selector written back in canonical form: `metric{a="x",b!="y"}`.
std::string SelectorText(const model::SeriesSelector& selector);

}  // namespace rundrill::text
