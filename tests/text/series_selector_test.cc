#include "simulator/text/series_selector.h"

#include <gtest/gtest.h>

namespace rundrill::text {
namespace {

TEST(SeriesSelectorTest, ParsesMatchersAndWritesThemBack) {
  auto parsed = ParseSeriesSelector(R"( db_pool_used_ratio{database="orders", host!="db-2",} )");
  ASSERT_TRUE(parsed.selector) << parsed.error.message;
  EXPECT_EQ(parsed.selector->metric, "db_pool_used_ratio");
  ASSERT_EQ(parsed.selector->matchers.size(), 2u);
  EXPECT_FALSE(parsed.selector->matchers[1].equal);
  EXPECT_EQ(SelectorText(*parsed.selector),
            R"(db_pool_used_ratio{database="orders",host!="db-2"})");
}

TEST(SeriesSelectorTest, ErrorsPointAtTheOffendingCharacter) {
  auto bad = ParseSeriesSelector(R"(up{host=db-1})");
  ASSERT_FALSE(bad.selector);
  EXPECT_EQ(bad.error.message, "expected a double-quoted label value");
  EXPECT_EQ(bad.error.offset, 8u);
  auto regex = ParseSeriesSelector(R"(up{host=~"db.*"})");
  EXPECT_EQ(regex.error.message, "regex label matchers (=~, !~) are not supported; use = or !=");
  EXPECT_EQ(regex.error.offset, 7u);
  EXPECT_EQ(ParseSeriesSelector(R"(up{host="x")").error.message,
            "expected , or } in the label matchers");
  EXPECT_EQ(ParseSeriesSelector("1up").error.message, "expected a metric name");
}

TEST(AlertExpressionTest, ParsesComparisonAndThreshold) {
  auto parsed = ParseAlertExpression(R"(service_error_ratio{service="api"} >= 5e-2)");
  ASSERT_TRUE(parsed.expression) << parsed.error.message;
  EXPECT_EQ(parsed.expression->comparison, model::Comparison::kGreaterEqual);
  EXPECT_DOUBLE_EQ(parsed.expression->threshold, 0.05);
  EXPECT_TRUE(Compare(0.05, parsed.expression->comparison, parsed.expression->threshold));
  EXPECT_FALSE(Compare(0.049, parsed.expression->comparison, parsed.expression->threshold));
}

TEST(AlertExpressionTest, RejectsWhatIsNotSelectorComparisonNumber) {
  EXPECT_EQ(ParseAlertExpression("up").error.message,
            "expected a comparison (> >= < <= == !=) and a number");
  EXPECT_EQ(ParseAlertExpression("rate(up[5m]) > 1").error.message,
            "only `selector <comparison> number` is supported here");
  auto no_number = ParseAlertExpression("up < high");
  EXPECT_EQ(no_number.error.message, "expected a number after <");
  EXPECT_EQ(no_number.error.offset, 5u);
  EXPECT_EQ(ParseAlertExpression("up < 1 and on").error.message,
            "unexpected text after the threshold");
}

}  // namespace
}  // namespace rundrill::text
