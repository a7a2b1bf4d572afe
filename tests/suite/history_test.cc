// The game-day history in SQLite, and what a game day reports against it.
#include "simulator/suite/history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rundrill::suite {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("rundrill-history-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite"))
                .string();
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }
  static HistoryRun Run(const std::string& label, std::vector<HistoryDrill> drills) {
    HistoryRun run;
    run.label = label;
    run.recorded_at = label + "T03:00:00Z";
    run.drills = std::move(drills);
    return run;
  }
  std::string path_;
};

TEST_F(HistoryTest, RecordsAndReadsBackNewestFirst) {
  {
    auto history = History::Open(path_);
    ASSERT_TRUE(history.ok()) << history.status().message();
    HistoryRun first = Run("2026-11-20", {{"a--seed-1", "a.yaml", 1, true, 300000, ""},
                                          {"b--seed-2", "b.yaml", 2, false, std::nullopt, "x\n"}});
    first.chaos_seed = 77;
    ASSERT_TRUE((*history)->Record(first).ok());
    ASSERT_TRUE(
        (*history)->Record(Run("2026-11-21", {{"a--seed-1", "a.yaml", 1, true, 200000, ""}})).ok());
  }
  // Reopened: the file kept both.
  auto history = History::Open(path_);
  ASSERT_TRUE(history.ok());
  auto runs = (*history)->Recent(0, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].label, "2026-11-21");
  EXPECT_EQ((*runs)[1].label, "2026-11-20");
  EXPECT_EQ((*runs)[1].chaos_seed, std::optional<uint64_t>(77));
  ASSERT_EQ((*runs)[1].drills.size(), 2u);
  EXPECT_FALSE((*runs)[1].drills[1].passed);
  EXPECT_EQ((*runs)[1].drills[1].time_to_resolve_ms, std::nullopt);
  EXPECT_EQ((*runs)[1].drills[1].failures, "x\n");
  auto before = (*history)->Recent((*runs)[0].id, 10);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  EXPECT_EQ((*before)[0].label, "2026-11-20");
}

TEST_F(HistoryTest, TrendNamesNewFailuresFixesAndResolveTimes) {
  const HistoryRun earlier1 =
      Run("d1", {{"a", "a", 1, true, 100, ""}, {"b", "b", 1, false, {}, ""}});
  const HistoryRun earlier2 = Run(
      "d2",
      {{"a", "a", 1, true, 300, ""}, {"b", "b", 1, false, {}, ""}, {"c", "c", 1, true, 50, ""}});
  const HistoryRun now = Run("d3", {{"a", "a", 1, false, {}, ""},
                                    {"b", "b", 1, true, 70, ""},
                                    {"c", "c", 1, true, 60, ""},
                                    {"d", "d", 1, false, {}, ""}});
  const Trend t = CompareWithHistory(now, {earlier2, earlier1});
  EXPECT_THAT(t.new_failures, ElementsAre("a", "d"));
  EXPECT_THAT(t.fixed, ElementsAre("b"));
  EXPECT_TRUE(t.still_failing.empty());
  ASSERT_EQ(t.pass_rates.size(), 3u);
  EXPECT_EQ(t.pass_rates[0], std::make_pair(std::string("d3"), std::string("2/4")));
  EXPECT_EQ(t.pass_rates[1], std::make_pair(std::string("d2"), std::string("2/3")));
  ASSERT_EQ(t.resolve.size(), 4u);
  EXPECT_EQ(t.resolve[0].scenario, "a");
  EXPECT_EQ(t.resolve[0].previous_ms, std::optional<int64_t>(300));
  EXPECT_EQ(t.resolve[0].median_ms, std::optional<int64_t>(200));
  EXPECT_EQ(t.resolve[1].now_ms, std::optional<int64_t>(70));
}

TEST_F(HistoryTest, AFileThatIsNotAHistoryIsRefusedByName) {
  std::ofstream(path_) << "this is not a database, just text that goes on for a while......\n";
  auto history = History::Open(path_);
  ASSERT_FALSE(history.ok());
  EXPECT_THAT(history.status().message(), HasSubstr(path_));
  EXPECT_EQ(history.status().ExitCode(), 2);
}

}  // namespace
}  // namespace rundrill::suite
