// `alerting:` (alert rules and their grouping), and the series selectors and expressions
// that rules, stub templates and `expect.metrics` write.

#include <algorithm>
#include <set>

#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"
#include "simulator/model/metric_catalog.h"
#include "simulator/text/series_selector.h"

namespace rundrill::load {
namespace {

constexpr std::string_view kIdentifierHint =
    "(use letters, digits and \"_\", not starting with a digit)";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsSelectorNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// Where the parts of a selector that parsed cleanly begin, so that messages about them can
// point at them: the metric, then each matcher's name and value (its opening quote).
struct SelectorPlaces {
  size_t metric = 0;
  std::vector<std::pair<size_t, size_t>> matchers;
};

SelectorPlaces LocateSelector(std::string_view text) {
  SelectorPlaces places;
  size_t i = 0;
  const size_t n = text.size();
  auto skip_space = [&] {
    while (i < n && IsSpace(text[i])) ++i;
  };
  skip_space();
  places.metric = i;
  while (i < n && IsSelectorNameChar(text[i])) ++i;
  skip_space();
  if (i >= n || text[i] != '{') return places;
  ++i;
  while (true) {
    skip_space();
    if (i >= n || text[i] == '}') break;
    const size_t name_at = i;
    while (i < n && IsSelectorNameChar(text[i])) ++i;
    skip_space();
    i += (i + 1 < n && text[i] == '!') ? 2 : 1;
    skip_space();
    const size_t value_at = i;
    for (++i; i < n && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
    }
    ++i;
    places.matchers.emplace_back(name_at, value_at);
    skip_space();
    if (i < n && text[i] == ',') ++i;
  }
  return places;
}

std::vector<std::string> CatalogNames() {
  std::vector<std::string> names;
  for (const model::MetricInfo& info : model::MetricCatalog()) names.emplace_back(info.name);
  return names;
}

}  // namespace

std::vector<TemplateHole> FindTemplateHoles(std::string_view text,
                                            std::optional<size_t>* unclosed) {
  std::vector<TemplateHole> holes;
  size_t from = 0;
  while (true) {
    const size_t open = text.find("{{", from);
    if (open == std::string_view::npos) break;
    const size_t end = text::TemplateHoleEnd(text, open);
    if (end == std::string_view::npos) {
      *unclosed = open;
      break;
    }
    TemplateHole hole;
    hole.offset = open;
    hole.length = end - open;
    size_t begin = open + 2;
    size_t stop = end - 2;
    while (begin < stop && IsSpace(text[begin])) ++begin;
    while (stop > begin && IsSpace(text[stop - 1])) --stop;
    hole.inner = std::string(text.substr(begin, stop - begin));
    hole.inner_offset = begin;
    holes.push_back(std::move(hole));
    from = end;
  }
  return holes;
}

std::optional<SimDuration> ScenarioReader::PositiveDuration(const MapReader& m,
                                                            std::string_view key) {
  std::optional<SimDuration> d = m.Duration(key);
  if (d && d->count() == 0) {
    r_.Error(m.Get(key).mark, Quote(key) + " must be longer than 0s");
    return std::nullopt;
  }
  return d;
}

void ScenarioReader::CheckSelector(const Field& f, std::string_view text, size_t base,
                                   const model::SeriesSelector& selector) {
  const SelectorPlaces places = LocateSelector(text);
  const model::MetricInfo* info = model::FindMetric(selector.metric);
  if (!info) {
    r_.Error(
        PlaceInScalar(r_, f, base + places.metric),
        "unknown metric " + Quote(selector.metric) + DidYouMean(selector.metric, CatalogNames()));
    return;
  }
  const std::vector<std::string> labels(info->labels.begin(), info->labels.end());
  std::vector<std::string> deployment_names;
  for (const std::string& key : deployments_)
    deployment_names.push_back(key.substr(key.find('/') + 1));
  for (size_t i = 0; i < selector.matchers.size() && i < places.matchers.size(); ++i) {
    const model::LabelMatcher& matcher = selector.matchers[i];
    if (std::find(labels.begin(), labels.end(), matcher.name) == labels.end()) {
      const std::string hint = DidYouMean(matcher.name, labels);
      r_.Error(PlaceInScalar(r_, f, base + places.matchers[i].first),
               "metric " + Quote(selector.metric) + " has no label " + Quote(matcher.name) +
                   (hint.empty() ? " (it has " + QuotedList(labels, "and") + ")" : hint));
      continue;
    }
    // A matcher that can never match a declared thing is a typo, whichever way it compares.
    const std::vector<std::string>* declared = nullptr;
    if (matcher.name == "service") declared = &services_;
    if (matcher.name == "database") declared = &databases_;
    if (matcher.name == "host") declared = &hosts_;
    if (matcher.name == "namespace") declared = &namespaces_;
    if (matcher.name == "deployment") declared = &deployment_names;
    // An empty value is the PromQL idiom for "has no such label", never a name.
    if (declared && !matcher.value.empty()) {
      CheckDeclared(PlaceInScalar(r_, f, base + places.matchers[i].second), matcher.name,
                    matcher.value, *declared);
    }
  }
}

std::optional<text::AlertExpression> ScenarioReader::ReadExpression(const Field& f) {
  std::optional<std::string> text = ReadString(r_, f);
  if (!text) return std::nullopt;
  text::ParsedExpression parsed = text::ParseAlertExpression(*text);
  if (!parsed.expression) {
    r_.Error(PlaceInScalar(r_, f, parsed.error.offset),
             "invalid expression: " + parsed.error.message);
    return std::nullopt;
  }
  CheckSelector(f, *text, 0, parsed.expression->selector);
  return parsed.expression;
}

void ScenarioReader::ReadAlerting(MapReader& root, model::AlertingSpec* alerting) {
  std::optional<YAML::Node> node = root.Map("alerting");
  if (!node) return;
  MapReader m(r_, *node, "alerting",
              {"evaluation_interval", "group_by", "group_wait", "group_interval", "repeat_interval",
               "rules"});
  alerting->mark = m.mark();
  if (auto d = PositiveDuration(m, "evaluation_interval")) alerting->evaluation_interval = *d;
  if (auto d = m.Duration("group_wait")) alerting->group_wait = *d;
  if (auto d = PositiveDuration(m, "group_interval")) alerting->group_interval = *d;
  if (auto d = PositiveDuration(m, "repeat_interval")) alerting->repeat_interval = *d;
  if (std::optional<YAML::Node> list = m.List("group_by")) {
    const Field lf = m.Get("group_by");
    alerting->group_by.clear();
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> label = ReadString(r_, ef);
      if (!label) continue;
      if (!IsIdentifier(*label)) {
        r_.Error(ef.mark,
                 "invalid label name " + Quote(*label) + " " + std::string(kIdentifierHint));
      } else if (std::count(alerting->group_by.begin(), alerting->group_by.end(), *label)) {
        r_.Error(ef.mark, "duplicate entry " + Quote(*label) + " in \"group_by\"");
      } else {
        alerting->group_by.push_back(*label);
      }
    }
  }
  if (std::optional<YAML::Node> list = m.List("rules")) {
    const Field lf = m.Get("rules");
    for (const YAML::Node& item : *list) {
      model::AlertRuleSpec rule;
      ReadRule(ListEntry(r_, lf, item), &rule);
      alerting->rules.push_back(std::move(rule));
    }
  }
}

void ScenarioReader::ReadRule(const Field& f, model::AlertRuleSpec* rule) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "rule", {"alert", "expr", "for", "labels", "annotations"});
  rule->mark = m.mark();
  if (m.Require("alert")) {
    if (auto alert = m.String("alert")) {
      if (!IsIdentifier(*alert)) {
        r_.Error(m.Get("alert").mark,
                 "invalid alert name " + Quote(*alert) + " " + std::string(kIdentifierHint));
      }
      rule->alert = *alert;
      rule->mark = m.Get("alert").mark;
    }
  }
  std::set<std::string> alert_labels = {"alertname"};
  if (m.Require("expr")) {
    if (auto expression = ReadExpression(m.Get("expr"))) {
      rule->expr = m.Get("expr").node.Scalar();
      rule->selector = expression->selector;
      rule->comparison = expression->comparison;
      rule->threshold = expression->threshold;
      if (const model::MetricInfo* info = model::FindMetric(rule->selector.metric)) {
        alert_labels.insert(info->labels.begin(), info->labels.end());
      }
    }
  }
  if (auto d = m.Duration("for")) rule->for_duration = *d;
  if (auto labels = m.StringMap("labels")) {
    ReadLabelNames(m.Get("labels"), "label", false);
    rule->labels = *labels;
    for (const auto& [name, value] : *labels) alert_labels.insert(name);
  }
  if (auto annotations = m.StringMap("annotations")) {
    ReadLabelNames(m.Get("annotations"), "annotation", true);
    rule->annotations = *annotations;
    const Field af = m.Get("annotations");
    for (auto it = af.node.begin(); it != af.node.end(); ++it) {
      const YAML::Node value = it->second;  // a copy: `it->` points into a temporary
      CheckAnnotationTemplates(Field{value, Quote(it->first.Scalar()), r_.MarkOf(value)},
                               alert_labels, rule->alert);
    }
  }
}

void ScenarioReader::ReadLabelNames(const Field& f, std::string_view what, bool allow_alertname) {
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` points into a temporary
    const std::string& name = key.Scalar();
    if (!IsIdentifier(name)) {
      r_.Error(r_.MarkOf(key), "invalid " + std::string(what) + " name " + Quote(name) + " " +
                                   std::string(kIdentifierHint));
    } else if (!allow_alertname && name == "alertname") {
      r_.Error(r_.MarkOf(key), "labels must not set \"alertname\" (the rule's \"alert\" names it)");
    }
  }
}

void ScenarioReader::CheckAnnotationTemplates(const Field& f, const std::set<std::string>& labels,
                                              const std::string& alert) {
  const std::string& text = f.node.Scalar();
  std::optional<size_t> unclosed;
  for (const TemplateHole& hole : FindTemplateHoles(text, &unclosed)) {
    if (hole.inner == "$value") continue;
    constexpr std::string_view kLabels = "$labels.";
    if (hole.inner.compare(0, kLabels.size(), kLabels) == 0 &&
        IsIdentifier(std::string_view(hole.inner).substr(kLabels.size()))) {
      const std::string name = hole.inner.substr(kLabels.size());
      if (!labels.count(name)) {
        const std::vector<std::string> known(labels.begin(), labels.end());
        r_.Error(
            PlaceInScalar(r_, f, hole.inner_offset + kLabels.size()),
            "alert " + Quote(alert) + " has no label " + Quote(name) + DidYouMean(name, known));
      }
      continue;
    }
    r_.Error(PlaceInScalar(r_, f, hole.offset), "unsupported template " +
                                                    Quote(text.substr(hole.offset, hole.length)) +
                                                    " (use {{ $value }} or {{ $labels.NAME }})");
  }
  if (unclosed) {
    r_.Error(PlaceInScalar(r_, f, *unclosed), "unclosed template (\"{{\" without \"}}\")");
  }
}

void ScenarioReader::ReadMetricExpectations(const Field& f,
                                            std::vector<model::MetricExpectation>* out) {
  if (!CheckList(r_, f)) return;
  for (const YAML::Node& item : f.node) {
    const Field ef = ListEntry(r_, f, item);
    std::optional<text::AlertExpression> expression = ReadExpression(ef);
    if (!expression) continue;
    model::MetricExpectation x;
    x.expr = item.Scalar();
    x.selector = expression->selector;
    x.comparison = expression->comparison;
    x.threshold = expression->threshold;
    x.mark = ef.mark;
    out->push_back(std::move(x));
  }
}

}  // namespace rundrill::load
