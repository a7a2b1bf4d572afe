#include "simulator/text/variables.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rundrill {
namespace {

using ::testing::ElementsAre;

TEST(VariablesTest, FillsReferencesAndLeavesOtherDollarsAlone) {
  const std::map<std::string, std::string> env = {{"SERVICE", "api"}, {"N", "3"}};
  std::vector<std::string> missing;
  EXPECT_EQ(ExpandVariables("${SERVICE} has ${N} pods; costs $5, re: ^a$", env, &missing),
            "api has 3 pods; costs $5, re: ^a$");
  EXPECT_TRUE(missing.empty());
}

TEST(VariablesTest, EscapedReferenceStaysLiteral) {
  std::vector<std::string> missing;
  EXPECT_EQ(ExpandVariables("$${SERVICE} is ${SERVICE}", {{"SERVICE", "api"}}, &missing),
            "${SERVICE} is api");
}

TEST(VariablesTest, MissingNamesAreListedOnceAndLeftAsWritten) {
  std::vector<std::string> missing;
  EXPECT_EQ(ExpandVariables("${A}-${B}-${A}", {{"B", "b"}}, &missing), "${A}-b-${A}");
  EXPECT_THAT(missing, ElementsAre("A"));
}

TEST(VariablesTest, MalformedReferencesAreFoundWithTheirOffset) {
  EXPECT_FALSE(CheckVariables("plain $ and ${OK} and $${ literal").has_value());
  auto unclosed = CheckVariables("ab ${NAME");
  ASSERT_TRUE(unclosed.has_value());
  EXPECT_EQ(unclosed->offset, 3u);
  auto bad = CheckVariables("x ${} y");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->offset, 2u);
  EXPECT_TRUE(CheckVariables("${9LIVES}").has_value());
  EXPECT_TRUE(CheckVariables("${A-B}").has_value());
}

}  // namespace
}  // namespace rundrill
