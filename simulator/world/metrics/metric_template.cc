#include "simulator/world/metrics/metric_template.h"

#include <algorithm>

#include "simulator/model/metric_catalog.h"
#include "simulator/text/series_selector.h"
#include "simulator/world/metrics/metrics.h"

namespace rundrill::world::metrics {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status CheckAgainstCatalog(const std::string& hole, const model::SeriesSelector& selector) {
  const model::MetricInfo* info = model::FindMetric(selector.metric);
  if (!info) return Status::InvalidInput(hole + ": unknown metric \"" + selector.metric + "\"");
  for (const model::LabelMatcher& m : selector.matchers) {
    if (std::find(info->labels.begin(), info->labels.end(), m.name) != info->labels.end()) {
      continue;
    }
    std::string known;
    for (std::string_view label : info->labels) {
      known += known.empty() ? "" : ", ";
      known += label;
    }
    return Status::InvalidInput(hole + ": metric " + selector.metric + " has no label \"" + m.name +
                                "\" (its labels: " + known + ")");
  }
  return Status::Ok();
}

StatusOr<TemplatePart> ParseHole(std::string_view hole) {
  const std::string_view inner = Trim(hole.substr(2, hole.size() - 4));
  TemplatePart part;
  part.text = std::string(hole);
  if (!inner.empty() && inner.front() == '$') {
    const std::string_view digits = inner.substr(1);
    if (digits.empty() || digits.size() > 4 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Status::InvalidInput(part.text +
                                  ": expected $ followed by a group number, as in {{ $1 }}");
    }
    part.kind = TemplatePart::Kind::kArgument;
    part.argument = std::stoi(std::string(digits));
    return part;
  }
  const text::ParsedSelector parsed = text::ParseSeriesSelector(inner);
  if (!parsed.selector) {
    return Status::InvalidInput(
        part.text + ": " + parsed.error.message + " (at \"" +
        std::string(inner.substr(std::min(parsed.error.offset, inner.size()))) + "\")");
  }
  if (Status s = CheckAgainstCatalog(part.text, *parsed.selector); !s.ok()) return s;
  part.kind = TemplatePart::Kind::kSelector;
  part.selector = *parsed.selector;
  return part;
}

}  // namespace

StatusOr<MetricTemplate> ParseMetricTemplate(std::string_view text) {
  MetricTemplate out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.parts.push_back({TemplatePart::Kind::kText, std::string(text.substr(pos)), 0, {}});
      break;
    }
    if (open > pos) {
      out.parts.push_back(
          {TemplatePart::Kind::kText, std::string(text.substr(pos, open - pos)), 0, {}});
    }
    const size_t end = text::TemplateHoleEnd(text, open);
    if (end == std::string_view::npos) {
      const std::string_view rest = text.substr(open, 40);
      return Status::InvalidInput("unterminated {{ at \"" + std::string(rest) +
                                  (open + 40 < text.size() ? "…" : "") + "\"");
    }
    StatusOr<TemplatePart> part = ParseHole(text.substr(open, end - open));
    if (!part.ok()) return part.status();
    if (part->kind == TemplatePart::Kind::kArgument) {
      out.max_argument = std::max(out.max_argument, part->argument);
    }
    out.parts.push_back(std::move(*part));
    pos = end;
  }
  return out;
}

StatusOr<double> SingleSeriesValue(const World& world, const model::SeriesSelector& selector) {
  const std::vector<Sample> samples = QueryMetric(world, selector);
  if (samples.size() == 1) return samples[0].value;
  const std::string wanted = text::SelectorText(selector);
  if (samples.empty()) return Status::InvalidInput(wanted + " matches no series");
  std::string list;
  for (const Sample& s : samples) {
    list += list.empty() ? "" : ", ";
    list += SeriesText(selector.metric, s.labels);
  }
  return Status::InvalidInput(wanted + " matches " + std::to_string(samples.size()) + " series (" +
                              list + "); narrow it to one");
}

StatusOr<std::string> RenderMetricTemplate(const MetricTemplate& compiled, const World& world,
                                           const std::vector<std::string>& arguments) {
  std::string out;
  for (const TemplatePart& part : compiled.parts) {
    switch (part.kind) {
      case TemplatePart::Kind::kText:
        out += part.text;
        break;
      case TemplatePart::Kind::kArgument:
        if (part.argument >= static_cast<int>(arguments.size())) {
          return Status::InvalidInput(part.text + ": there is no group " +
                                      std::to_string(part.argument));
        }
        out += arguments[part.argument];
        break;
      case TemplatePart::Kind::kSelector: {
        StatusOr<double> value = SingleSeriesValue(world, part.selector);
        if (!value.ok()) return Status::InvalidInput(part.text + ": " + value.status().message());
        out += FormatValue(*value);
        break;
      }
    }
  }
  return out;
}

StatusOr<std::string> RenderMetricTemplate(std::string_view text, const World& world) {
  StatusOr<MetricTemplate> compiled = ParseMetricTemplate(text);
  if (!compiled.ok()) return compiled.status();
  return RenderMetricTemplate(*compiled, world, {});
}

}  // namespace rundrill::world::metrics
