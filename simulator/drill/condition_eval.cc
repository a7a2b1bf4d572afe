#include "simulator/drill/condition_eval.h"

#include <cstdlib>

#include "simulator/text/pattern.h"

namespace rundrill::drill {
namespace {

std::optional<double> AsNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool EvaluateCapture(const model::Condition& condition, const ConditionScope& scope) {
  auto it = scope.captures.find(condition.capture);
  if (it == scope.captures.end()) return false;
  const CapturedValue& captured = it->second;

  std::optional<std::string> text;
  if (condition.path.empty()) {
    text = captured.text;
  } else if (captured.json) {
    if (const nlohmann::json* found = FollowPath(*captured.json, condition.path)) {
      text = JsonScalarText(*found);
    }
  }

  using Op = model::Condition::Op;
  switch (condition.op) {
    case Op::kExists:
      return text.has_value() && !text->empty();
    case Op::kEquals:
      return text.has_value() && *text == condition.operand;
    case Op::kNotEquals:
      return !text.has_value() || *text != condition.operand;
    case Op::kMatches: {
      if (!text) return false;
      auto pattern = Pattern::Compile(condition.operand);
      if (!pattern.ok()) return false;
      auto matched = pattern->Search(*text);
      return matched.ok() && *matched;
    }
    case Op::kGreaterThan:
    case Op::kLessThan: {
      if (!text) return false;
      const auto lhs = AsNumber(*text);
      const auto rhs = AsNumber(condition.operand);
      if (!lhs || !rhs) return false;
      return condition.op == Op::kGreaterThan ? *lhs > *rhs : *lhs < *rhs;
    }
  }
  return false;
}

}  // namespace

std::string JsonScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

const nlohmann::json* FollowPath(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  size_t i = (!path.empty() && path[0] == '.') ? 1 : 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos || !node->is_array()) return nullptr;
      const std::string index_text = path.substr(i + 1, close - i - 1);
      const auto index = AsNumber(index_text);
      if (!index || *index < 0 || static_cast<size_t>(*index) >= node->size()) return nullptr;
      node = &(*node)[static_cast<size_t>(*index)];
      i = close + 1;
    } else {
      if (path[i] == '.') ++i;
      size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      const std::string key = path.substr(i, end - i);
      if (!node->is_object()) return nullptr;
      auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
      i = end;
    }
  }
  return node;
}

bool EvaluateCondition(const model::Condition& condition, const ConditionScope& scope) {
  using Kind = model::Condition::Kind;
  switch (condition.kind) {
    case Kind::kStepOutcome: {
      auto it = scope.outcomes.find(condition.step);
      return it != scope.outcomes.end() && StepOutcomeName(it->second) == condition.outcome;
    }
    case Kind::kCapture:
      return EvaluateCapture(condition, scope);
    case Kind::kAll:
      for (const auto& child : condition.children) {
        if (!EvaluateCondition(child, scope)) return false;
      }
      return true;
    case Kind::kAny:
      for (const auto& child : condition.children) {
        if (EvaluateCondition(child, scope)) return true;
      }
      return false;
    case Kind::kNot:
      return condition.children.empty() || !EvaluateCondition(condition.children.front(), scope);
  }
  return false;
}

std::string_view StepOutcomeName(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kSucceeded:
      return "succeeded";
    case StepOutcome::kFailed:
      return "failed";
    case StepOutcome::kSkipped:
      return "skipped";
    case StepOutcome::kTimedOut:
      return "timed_out";
  }
  return "failed";
}

}  // namespace rundrill::drill
