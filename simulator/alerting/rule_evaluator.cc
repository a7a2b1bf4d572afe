#include "simulator/alerting/rule_evaluator.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "simulator/text/series_selector.h"

namespace rundrill::alerting {
namespace {

std::string LabelKey(const Labels& labels) {
  std::string key;
  for (const auto& [k, v] : labels) {
    key += k;
    key += '\xff';
    key += v;
    key += '\xff';
  }
  return key;
}

}  // namespace

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Shortest round-trip digits, then laid out as Go's 'g' with precision -1 does: plain
  // notation unless the exponent is below -4 or at least 21.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  if (ec != std::errc()) return "NaN";
  std::string sci(buf, end);
  const size_t e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  if (exponent < -4 || exponent >= 21) {
    std::string mantissa = sci.substr(0, e);
    std::string exp = sci.substr(e + 1);
    const char sign = exp[0] == '-' ? '-' : '+';
    if (exp[0] == '-' || exp[0] == '+') exp = exp.substr(1);
    while (exp.size() > 2 && exp[0] == '0') exp = exp.substr(1);
    if (exp.size() < 2) exp = "0" + exp;
    return mantissa + "e" + sign + exp;
  }
  auto [fend, fec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (fec != std::errc()) return "NaN";
  return std::string(buf, fend);
}

std::string ExpandAlertTemplate(const std::string& text, const Labels& labels, double value) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out += text.substr(pos, open - pos);
    std::string inner = text.substr(open + 2, close - open - 2);
    const size_t first = inner.find_first_not_of(' ');
    const size_t last = inner.find_last_not_of(' ');
    inner = first == std::string::npos ? "" : inner.substr(first, last - first + 1);
    if (inner == "$value") {
      out += FormatSampleValue(value);
    } else if (inner.rfind("$labels.", 0) == 0) {
      auto it = labels.find(inner.substr(8));
      if (it != labels.end()) out += it->second;
    } else {
      out += text.substr(open, close + 2 - open);  // the loader lets nothing else through
    }
    pos = close + 2;
  }
  out += text.substr(pos);
  return out;
}

RuleEvaluator::RuleEvaluator(std::vector<model::AlertRuleSpec> rules)
    : rules_(std::move(rules)), active_(rules_.size()) {}

std::vector<std::string> RuleEvaluator::Holding(const SeriesSource& source) const {
  std::vector<std::string> out;
  for (const model::AlertRuleSpec& rule : rules_) {
    for (const Series& series : source.Query(rule.selector)) {
      if (!text::Compare(series.value, rule.comparison, rule.threshold)) continue;
      Labels labels = series.labels;
      for (const auto& [k, v] : rule.labels) labels[k] = v;
      std::string text = rule.alert + "{";
      bool first = true;
      for (const auto& [k, v] : labels) {
        text += (first ? "" : ", ") + k + "=" + v;
        first = false;
      }
      out.push_back(text + "}");
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

size_t RuleEvaluator::ActiveCount() const {
  size_t n = 0;
  for (const auto& per_rule : active_) n += per_rule.size();
  return n;
}

std::vector<RuleTransition> RuleEvaluator::Evaluate(SimTime now, const SeriesSource& source) {
  std::vector<RuleTransition> out;
  for (size_t r = 0; r < rules_.size(); ++r) {
    const model::AlertRuleSpec& rule = rules_[r];
    auto& active = active_[r];
    std::map<std::string, std::pair<Labels, double>> holding;
    for (const Series& series : source.Query(rule.selector)) {
      if (!text::Compare(series.value, rule.comparison, rule.threshold)) continue;
      Labels labels = series.labels;
      for (const auto& [k, v] : rule.labels) labels[k] = v;
      labels["alertname"] = rule.alert;
      holding.emplace(LabelKey(labels), std::make_pair(std::move(labels), series.value));
    }

    std::vector<RuleTransition> rule_out;
    for (auto& [key, entry] : holding) {
      auto& [labels, value] = entry;
      auto it = active.find(key);
      if (it == active.end()) {
        Active fresh;
        fresh.labels = labels;
        fresh.active_at = now;
        it = active.emplace(key, std::move(fresh)).first;
      }
      Active& a = it->second;
      a.value = value;
      Labels annotations;
      for (const auto& [k, v] : rule.annotations) {
        annotations[k] = ExpandAlertTemplate(v, a.labels, value);
      }
      a.annotations = std::move(annotations);
      if (a.state == State::kPending && now - a.active_at >= rule.for_duration) {
        a.state = State::kFiring;
        a.fired_at = now;
        RuleTransition t;
        t.kind = RuleTransition::Kind::kFiring;
        t.alert.labels = a.labels;
        t.alert.annotations = a.annotations;
        t.alert.starts_at = now;
        t.active_at = a.active_at;
        t.value = value;
        t.rule = rule.alert;
        t.expr = rule.expr;
        rule_out.push_back(std::move(t));
      }
    }
    for (auto it = active.begin(); it != active.end();) {
      if (holding.count(it->first) != 0) {
        ++it;
        continue;
      }
      if (it->second.state == State::kFiring) {
        RuleTransition t;
        t.kind = RuleTransition::Kind::kResolved;
        t.alert.labels = it->second.labels;
        t.alert.annotations = it->second.annotations;
        t.alert.starts_at = it->second.fired_at;
        t.alert.ends_at = now;
        t.active_at = it->second.active_at;
        t.value = it->second.value;
        t.rule = rule.alert;
        t.expr = rule.expr;
        rule_out.push_back(std::move(t));
      }
      it = active.erase(it);
    }
    for (auto& t : rule_out) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace rundrill::alerting
