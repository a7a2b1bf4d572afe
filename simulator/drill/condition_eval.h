#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "simulator/drill/drill_result.h"
#include "simulator/model/condition.h"

namespace rundrill::drill {

// A captured step output: the trimmed text, and the parsed document for JSON captures.
struct CapturedValue {
  std::string text;
  std::optional<nlohmann::json> json;
};

// What a `when:` can look at: the outcomes of the steps run so far and the captures made.
struct ConditionScope {
  std::map<std::string, StepOutcome> outcomes;
  std::map<std::string, CapturedValue> captures;
};

// Evaluates a condition. A step not yet run, an absent capture or a path that leads nowhere
// make their clause false (except `exists: false`-style negation through `not`).
bool EvaluateCondition(const model::Condition& condition, const ConditionScope& scope);

// Follows "items[0].status.phase" (a leading '.' is allowed) into a JSON document.
const nlohmann::json* FollowPath(const nlohmann::json& root, const std::string& path);

// The text a JSON value compares as: strings unquoted, everything else as compact JSON.
std::string JsonScalarText(const nlohmann::json& value);

}  // namespace rundrill::drill
