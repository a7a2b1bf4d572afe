#include "simulator/text/pattern.h"

#include <gtest/gtest.h>

namespace rundrill {
namespace {

TEST(PatternTest, SearchesAndMatches) {
  auto p = Pattern::Compile("rolled (back|out)");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(*p->Search("deployment.apps/api rolled back\n"));
  EXPECT_FALSE(*p->Search("deployment.apps/api restarted\n"));
  auto name = Pattern::Compile(".*ErrorRate.*");
  EXPECT_TRUE(*name->FullMatch("HighErrorRate"));
  EXPECT_FALSE(*Pattern::Compile("Error")->FullMatch("HighErrorRate"));
}

TEST(PatternTest, InvalidPatternsSayWhy) {
  auto p = Pattern::Compile("[a-");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "Unmatched [ or [^ in character class declaration");
  EXPECT_EQ(Pattern::Compile("(Error").status().message(),
            "Unmatched marking parenthesis ( or \\(");
}

// std::regex overflows the stack here; step output of this size is ordinary.
TEST(PatternTest, LongTextDoesNotOverflow) {
  std::string text = "start" + std::string(500000, 'x') + "end";
  auto p = Pattern::Compile("start.*end");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(*p->Search(text));
}

TEST(PatternTest, PathologicalPatternFailsInsteadOfHanging) {
  auto p = Pattern::Compile("(a+)+$");
  ASSERT_TRUE(p.ok());
  auto matched = p->Search(std::string(40, 'a') + "b");
  ASSERT_FALSE(matched.ok());
  // Boost gives up (on complexity or its own stack budget) and says so.
  EXPECT_EQ(matched.status().message().rfind("pattern /(a+)+$/: ", 0), 0u)
      << matched.status().message();
}

}  // namespace
}  // namespace rundrill
