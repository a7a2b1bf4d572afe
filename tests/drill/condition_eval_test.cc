#include "simulator/drill/condition_eval.h"

#include <gtest/gtest.h>

namespace rundrill::drill {
namespace {

using model::Condition;

Condition Outcome(std::string step, std::string outcome) {
  Condition c;
  c.kind = Condition::Kind::kStepOutcome;
  c.step = std::move(step);
  c.outcome = std::move(outcome);
  return c;
}

Condition Capture(std::string name, std::string path, Condition::Op op, std::string operand) {
  Condition c;
  c.kind = Condition::Kind::kCapture;
  c.capture = std::move(name);
  c.path = std::move(path);
  c.op = op;
  c.operand = std::move(operand);
  return c;
}

Condition Group(Condition::Kind kind, std::vector<Condition> children) {
  Condition c;
  c.kind = kind;
  c.children = std::move(children);
  return c;
}

ConditionScope Scope() {
  ConditionScope scope;
  scope.outcomes["pods"] = StepOutcome::kSucceeded;
  scope.outcomes["rollback"] = StepOutcome::kSkipped;
  scope.captures["READY"] = CapturedValue{"0", std::nullopt};
  scope.captures["PODS"] =
      CapturedValue{"", nlohmann::json::parse(R"({"crash_looping": true, "max_restarts": 5,
                                    "pods": [{"name": "api-1", "phase": "Running"}]})")};
  return scope;
}

TEST(ConditionEvalTest, StepOutcomes) {
  EXPECT_TRUE(EvaluateCondition(Outcome("pods", "succeeded"), Scope()));
  EXPECT_FALSE(EvaluateCondition(Outcome("pods", "failed"), Scope()));
  EXPECT_TRUE(EvaluateCondition(Outcome("rollback", "skipped"), Scope()));
  EXPECT_FALSE(EvaluateCondition(Outcome("never-ran", "succeeded"), Scope()));
}

TEST(ConditionEvalTest, CapturesAndJsonPaths) {
  using Op = Condition::Op;
  EXPECT_TRUE(EvaluateCondition(Capture("READY", "", Op::kEquals, "0"), Scope()));
  EXPECT_TRUE(EvaluateCondition(Capture("PODS", "crash_looping", Op::kEquals, "true"), Scope()));
  EXPECT_TRUE(EvaluateCondition(Capture("PODS", ".max_restarts", Op::kGreaterThan, "3"), Scope()));
  EXPECT_FALSE(EvaluateCondition(Capture("PODS", "max_restarts", Op::kLessThan, "3"), Scope()));
  EXPECT_TRUE(EvaluateCondition(Capture("PODS", "pods[0].phase", Op::kMatches, "^Run"), Scope()));
  EXPECT_FALSE(EvaluateCondition(Capture("PODS", "pods[3].phase", Op::kExists, ""), Scope()));
  EXPECT_TRUE(EvaluateCondition(Capture("PODS", "pods[3].phase", Op::kNotEquals, "x"), Scope()));
  EXPECT_FALSE(EvaluateCondition(Capture("MISSING", "", Op::kExists, ""), Scope()));
}

TEST(ConditionEvalTest, Combinators) {
  using Kind = Condition::Kind;
  EXPECT_TRUE(EvaluateCondition(
      Group(Kind::kAll, {Outcome("pods", "succeeded"), Outcome("rollback", "skipped")}), Scope()));
  EXPECT_FALSE(EvaluateCondition(
      Group(Kind::kAll, {Outcome("pods", "succeeded"), Outcome("rollback", "failed")}), Scope()));
  EXPECT_TRUE(EvaluateCondition(
      Group(Kind::kAny, {Outcome("pods", "failed"), Outcome("rollback", "skipped")}), Scope()));
  EXPECT_TRUE(EvaluateCondition(Group(Kind::kNot, {Outcome("pods", "failed")}), Scope()));
  EXPECT_FALSE(EvaluateCondition(Group(Kind::kNot, {Outcome("pods", "succeeded")}), Scope()));
}

}  // namespace
}  // namespace rundrill::drill
