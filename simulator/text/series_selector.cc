#include "simulator/text/series_selector.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace rundrill::text {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Take(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  std::string Name(bool allow_colon) {
    const size_t start = pos_;
    if (AtEnd() || !IsNameStart(text_[pos_]) || (!allow_colon && text_[pos_] == ':')) return "";
    while (pos_ < text_.size() && IsNameChar(text_[pos_]) && (allow_colon || text_[pos_] != ':'))
      ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  size_t pos() const { return pos_; }
  std::string_view Rest() const { return text_.substr(pos_); }
  void Advance(size_t n) { pos_ += n; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// A double-quoted string with \" and \\ escapes, as PromQL label values are written.
std::optional<std::string> QuotedString(Cursor& c, ParseError* error) {
  const size_t start = c.pos();
  if (!c.Take("\"")) {
    *error = {"expected a double-quoted label value", c.pos()};
    return std::nullopt;
  }
  std::string out;
  while (!c.AtEnd() && c.Peek() != '"') {
    if (c.Peek() == '\\') {
      c.Advance(1);
      if (c.AtEnd()) break;
    }
    out += c.Peek();
    c.Advance(1);
  }
  if (!c.Take("\"")) {
    *error = {"unterminated label value", start};
    return std::nullopt;
  }
  return out;
}

std::optional<model::SeriesSelector> Selector(Cursor& c, ParseError* error) {
  c.SkipSpace();
  model::SeriesSelector selector;
  selector.metric = c.Name(true);
  if (selector.metric.empty()) {
    *error = {"expected a metric name", c.pos()};
    return std::nullopt;
  }
  c.SkipSpace();
  if (!c.Take("{")) return selector;
  c.SkipSpace();
  if (c.Take("}")) return selector;
  while (true) {
    c.SkipSpace();
    model::LabelMatcher matcher;
    const size_t name_at = c.pos();
    matcher.name = c.Name(false);
    if (matcher.name.empty()) {
      *error = {"expected a label name", name_at};
      return std::nullopt;
    }
    c.SkipSpace();
    if (c.Take("!=")) {
      matcher.equal = false;
    } else if (c.Take("=~") || c.Take("!~")) {
      *error = {"regex label matchers (=~, !~) are not supported; use = or !=", c.pos() - 2};
      return std::nullopt;
    } else if (!c.Take("=")) {
      *error = {"expected = or != after label \"" + matcher.name + "\"", c.pos()};
      return std::nullopt;
    }
    c.SkipSpace();
    std::optional<std::string> value = QuotedString(c, error);
    if (!value) return std::nullopt;
    matcher.value = std::move(*value);
    selector.matchers.push_back(std::move(matcher));
    c.SkipSpace();
    if (c.Take("}")) break;
    if (!c.Take(",")) {
      *error = {"expected , or } in the label matchers", c.pos()};
      return std::nullopt;
    }
    c.SkipSpace();
    if (c.Take("}")) break;  // PromQL allows a trailing comma
  }
  return selector;
}

}  // namespace

ParsedSelector ParseSeriesSelector(std::string_view text) {
  ParsedSelector out;
  Cursor c(text);
  std::optional<model::SeriesSelector> selector = Selector(c, &out.error);
  if (!selector) return out;
  c.SkipSpace();
  if (!c.AtEnd()) {
    out.error = {"unexpected text after the selector", c.pos()};
    return out;
  }
  out.selector = std::move(selector);
  return out;
}

ParsedExpression ParseAlertExpression(std::string_view text) {
  ParsedExpression out;
  Cursor c(text);
  std::optional<model::SeriesSelector> selector = Selector(c, &out.error);
  if (!selector) return out;
  c.SkipSpace();
  AlertExpression expression;
  expression.selector = std::move(*selector);
  const size_t op_at = c.pos();
  if (c.Take(">=")) {
    expression.comparison = model::Comparison::kGreaterEqual;
  } else if (c.Take("<=")) {
    expression.comparison = model::Comparison::kLessEqual;
  } else if (c.Take("==")) {
    expression.comparison = model::Comparison::kEqual;
  } else if (c.Take("!=")) {
    expression.comparison = model::Comparison::kNotEqual;
  } else if (c.Take(">")) {
    expression.comparison = model::Comparison::kGreater;
  } else if (c.Take("<")) {
    expression.comparison = model::Comparison::kLess;
  } else {
    out.error = {c.AtEnd() ? "expected a comparison (> >= < <= == !=) and a number"
                           : "only `selector <comparison> number` is supported here",
                 op_at};
    return out;
  }
  c.SkipSpace();
  const size_t number_at = c.pos();
  const std::string rest(c.Rest());
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || errno == ERANGE || !std::isfinite(value)) {
    out.error = {"expected a number after " + std::string(ComparisonText(expression.comparison)),
                 number_at};
    return out;
  }
  c.Advance(static_cast<size_t>(end - rest.c_str()));
  c.SkipSpace();
  if (!c.AtEnd()) {
    out.error = {"unexpected text after the threshold", c.pos()};
    return out;
  }
  expression.threshold = value;
  out.expression = std::move(expression);
  return out;
}

std::string_view ComparisonText(model::Comparison comparison) {
  switch (comparison) {
    case model::Comparison::kGreater:
      return ">";
    case model::Comparison::kGreaterEqual:
      return ">=";
    case model::Comparison::kLess:
      return "<";
    case model::Comparison::kLessEqual:
      return "<=";
    case model::Comparison::kEqual:
      return "==";
    case model::Comparison::kNotEqual:
      return "!=";
  }
  return ">";
}

bool Compare(double value, model::Comparison comparison, double threshold) {
  switch (comparison) {
    case model::Comparison::kGreater:
      return value > threshold;
    case model::Comparison::kGreaterEqual:
      return value >= threshold;
    case model::Comparison::kLess:
      return value < threshold;
    case model::Comparison::kLessEqual:
      return value <= threshold;
    case model::Comparison::kEqual:
      return value == threshold;
    case model::Comparison::kNotEqual:
      return value != threshold;
  }
  return false;
}

size_t TemplateHoleEnd(std::string_view text, size_t open) {
  int depth = 0;
  bool quoted = false;
  for (size_t i = open + 2; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth == 0) return i + 1 < text.size() && text[i + 1] == '}' ? i + 2 : std::string::npos;
      --depth;
    }
  }
  return std::string::npos;
}

std::string SelectorText(const model::SeriesSelector& selector) {
  std::string out = selector.metric;
  if (selector.matchers.empty()) return out;
  out += "{";
  for (size_t i = 0; i < selector.matchers.size(); ++i) {
    const auto& m = selector.matchers[i];
    if (i > 0) out += ",";
    out += m.name + (m.equal ? "=" : "!=") + "\"";
    for (char ch : m.value) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += "\"";
  }
  return out + "}";
}

}  // namespace rundrill::text
