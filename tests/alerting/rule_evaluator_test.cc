#include "simulator/alerting/rule_evaluator.h"

#include <gtest/gtest.h>

#include "simulator/alerting/notification_dispatcher.h"
#include "simulator/text/series_selector.h"

namespace rundrill::alerting {
namespace {

constexpr SimTime Sec(int64_t s) { return SimTime(s * 1000); }

// Series whose values the test sets between evaluations.
class FakeSource : public SeriesSource {
 public:
  std::vector<Series> Query(const model::SeriesSelector& selector) const override {
    std::vector<Series> out;
    for (const auto& s : series) {
      bool match = selector.metric == metric;
      for (const auto& m : selector.matchers) {
        auto it = s.labels.find(m.name);
        const std::string v = it == s.labels.end() ? "" : it->second;
        match = match && ((v == m.value) == m.equal);
      }
      if (match) out.push_back(s);
    }
    return out;
  }
  std::string metric = "service_error_ratio";
  std::vector<Series> series;
};

model::AlertRuleSpec Rule(const std::string& expr, SimDuration for_duration) {
  model::AlertRuleSpec rule;
  rule.alert = "HighErrorRate";
  auto parsed = text::ParseAlertExpression(expr);
  EXPECT_TRUE(parsed.expression.has_value()) << parsed.error.message;
  rule.selector = parsed.expression->selector;
  rule.comparison = parsed.expression->comparison;
  rule.threshold = parsed.expression->threshold;
  rule.expr = expr;
  rule.for_duration = for_duration;
  rule.labels = {{"severity", "critical"}};
  rule.annotations = {{"summary", "{{ $labels.service }} failing {{ $value }} of requests"}};
  return rule;
}

TEST(RuleEvaluatorTest, PendsForItsForDurationThenFiresThenResolves) {
  RuleEvaluator rules({Rule("service_error_ratio > 0.05", SimDuration(60000))});
  FakeSource source;
  source.series = {{{{"service", "api"}}, 0.5}, {{{"service", "web"}}, 0.01}};

  EXPECT_TRUE(rules.Evaluate(Sec(0), source).empty());
  EXPECT_EQ(rules.ActiveCount(), 1u);  // api pending, web below threshold
  EXPECT_TRUE(rules.Evaluate(Sec(45), source).empty());
  auto fired = rules.Evaluate(Sec(60), source);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].kind, RuleTransition::Kind::kFiring);
  EXPECT_EQ(fired[0].alert.labels,
            (Labels{{"alertname", "HighErrorRate"}, {"service", "api"}, {"severity", "critical"}}));
  EXPECT_EQ(fired[0].alert.annotations.at("summary"), "api failing 0.5 of requests");
  EXPECT_EQ(fired[0].alert.starts_at, Sec(60));
  EXPECT_EQ(fired[0].active_at, Sec(0));
  EXPECT_TRUE(rules.Evaluate(Sec(75), source).empty());  // still firing: no transition

  source.series[0].value = 0.01;
  auto resolved = rules.Evaluate(Sec(90), source);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].kind, RuleTransition::Kind::kResolved);
  EXPECT_EQ(resolved[0].alert.ends_at, Sec(90));
  EXPECT_EQ(rules.ActiveCount(), 0u);
}

TEST(RuleEvaluatorTest, APendingAlertThatClearsNeverFires) {
  RuleEvaluator rules({Rule("service_error_ratio > 0.05", SimDuration(60000))});
  FakeSource source;
  source.series = {{{{"service", "api"}}, 0.5}};
  EXPECT_TRUE(rules.Evaluate(Sec(0), source).empty());
  source.series[0].value = 0;
  EXPECT_TRUE(rules.Evaluate(Sec(30), source).empty());
  source.series[0].value = 0.5;
  EXPECT_TRUE(rules.Evaluate(Sec(45), source).empty());
  // Pending started again at 45s, so 60s after time 0 is not enough.
  EXPECT_TRUE(rules.Evaluate(Sec(60), source).empty());
  EXPECT_EQ(rules.Evaluate(Sec(105), source).size(), 1u);
}

TEST(RuleEvaluatorTest, ZeroForFiresOnFirstEvaluation) {
  RuleEvaluator rules({Rule("service_error_ratio{service=\"api\"} >= 0.5", SimDuration(0))});
  FakeSource source;
  source.series = {{{{"service", "api"}}, 0.5}, {{{"service", "web"}}, 0.9}};
  auto fired = rules.Evaluate(Sec(15), source);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].alert.labels.at("service"), "api");
}

TEST(AlertTemplateTest, ValuesPrintAsGoShortestFloats) {
  EXPECT_EQ(FormatSampleValue(0.5), "0.5");
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(1e21), "1e+21");
  EXPECT_EQ(FormatSampleValue(0.00001), "1e-05");
  EXPECT_EQ(FormatSampleValue(123456789), "123456789");
  EXPECT_EQ(ExpandAlertTemplate("{{$labels.missing}}|{{ $value }}", {}, 2.5), "|2.5");
}

model::AlertingSpec Routing() {
  model::AlertingSpec spec;
  spec.group_by = {"alertname"};
  spec.group_wait = SimDuration(30000);
  spec.group_interval = SimDuration(300000);
  spec.repeat_interval = SimDuration(3600000);
  return spec;
}

Alert Firing(const std::string& service, SimTime at) {
  Alert a;
  a.labels = {{"alertname", "HighErrorRate"}, {"service", service}};
  a.starts_at = at;
  return a;
}

TEST(NotificationDispatcherTest, GroupWaitsThenBatchesThenWaitsGroupInterval) {
  NotificationDispatcher dispatcher(Routing());
  dispatcher.Receive(Firing("api", Sec(0)), Sec(0));
  dispatcher.Receive(Firing("web", Sec(10)), Sec(10));
  EXPECT_EQ(dispatcher.NextFlushTime(), Sec(30));
  EXPECT_TRUE(dispatcher.Flush(Sec(29)).empty());
  auto first = dispatcher.Flush(Sec(30));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].reason, "first notification");
  EXPECT_EQ(first[0].group_key, "{}:{alertname=\"HighErrorRate\"}");
  ASSERT_EQ(first[0].alerts.size(), 2u);
  EXPECT_EQ(first[0].alerts[0].labels.at("service"), "api");
  EXPECT_TRUE(first[0].Actionable());

  // A third alert joins; it waits for the group interval, not group_wait.
  dispatcher.Receive(Firing("db", Sec(40)), Sec(40));
  EXPECT_EQ(dispatcher.NextFlushTime(), Sec(330));
  auto added = dispatcher.Flush(Sec(330));
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].reason, "new alerts added");
  EXPECT_EQ(added[0].alerts.size(), 3u);

  // Nothing changed: the next tick is silent.
  EXPECT_TRUE(dispatcher.Flush(Sec(630)).empty());
}

TEST(NotificationDispatcherTest, ResolvedAlertsAreNotifiedOnceThenTheGroupGoes) {
  NotificationDispatcher dispatcher(Routing());
  Alert api = Firing("api", Sec(0));
  dispatcher.Receive(api, Sec(0));
  ASSERT_EQ(dispatcher.Flush(Sec(30)).size(), 1u);
  api.ends_at = Sec(100);
  dispatcher.Receive(api, Sec(100));
  auto resolved = dispatcher.Flush(Sec(330));
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].reason, "all alerts resolved");
  EXPECT_FALSE(resolved[0].Firing());
  EXPECT_FALSE(resolved[0].Actionable());
  EXPECT_EQ(dispatcher.NextFlushTime(), SimTime::max());
}

TEST(NotificationDispatcherTest, RepeatsAStillFiringGroupAfterRepeatInterval) {
  NotificationDispatcher dispatcher(Routing());
  dispatcher.Receive(Firing("api", Sec(0)), Sec(0));
  ASSERT_EQ(dispatcher.Flush(Sec(30)).size(), 1u);
  SimTime t = Sec(30);
  std::vector<Notification> repeat;
  while (repeat.empty() && t < Sec(7200)) {
    t = dispatcher.NextFlushTime();
    repeat = dispatcher.Flush(t);
  }
  ASSERT_EQ(repeat.size(), 1u);
  EXPECT_EQ(repeat[0].reason, "repeat interval elapsed");
  EXPECT_EQ(t, Sec(30 + 12 * 300));  // the first group-interval tick at least 1h later
}

TEST(NotificationDispatcherTest, AlertThatResolvesDuringGroupWaitIsNeverSent) {
  NotificationDispatcher dispatcher(Routing());
  Alert api = Firing("api", Sec(0));
  dispatcher.Receive(api, Sec(0));
  api.ends_at = Sec(15);
  dispatcher.Receive(api, Sec(15));
  EXPECT_TRUE(dispatcher.Flush(Sec(30)).empty());
  EXPECT_EQ(dispatcher.NextFlushTime(), SimTime::max());
}

TEST(NotificationDispatcherTest, GroupByLabelsSplitsGroups) {
  model::AlertingSpec spec = Routing();
  spec.group_by = {"alertname", "service"};
  NotificationDispatcher dispatcher(spec);
  dispatcher.Receive(Firing("web", Sec(0)), Sec(0));
  dispatcher.Receive(Firing("api", Sec(0)), Sec(0));
  auto sent = dispatcher.Flush(Sec(30));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].group_key, "{}:{alertname=\"HighErrorRate\", service=\"api\"}");
  EXPECT_EQ(sent[1].group_labels.at("service"), "web");
}

}  // namespace
}  // namespace rundrill::alerting
