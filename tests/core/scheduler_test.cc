#include "simulator/core/scheduler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rundrill {
namespace {

TEST(SchedulerTest, RunsTasksInTimeThenSequenceOrder) {
  Scheduler scheduler;
  std::vector<std::string> ran;
  scheduler.ScheduleAt(SimTime(3000), "c", [&] { ran.push_back("c@3s"); });
  scheduler.ScheduleAt(SimTime(1000), "a", [&] { ran.push_back("a@1s"); });
  scheduler.ScheduleAt(SimTime(1000), "b", [&] { ran.push_back("b@1s"); });
  scheduler.RunUntil(SimTime(5000));
  EXPECT_EQ(ran, (std::vector<std::string>{"a@1s", "b@1s", "c@3s"}));
  EXPECT_EQ(scheduler.Now(), SimTime(5000));
}

TEST(SchedulerTest, ClockShowsEachTasksTimeWhileItRuns) {
  Scheduler scheduler;
  std::vector<SimTime> seen;
  scheduler.ScheduleAt(SimTime(2000), "x", [&] { seen.push_back(scheduler.Now()); });
  scheduler.ScheduleAt(SimTime(7000), "y", [&] { seen.push_back(scheduler.Now()); });
  scheduler.RunUntil(SimTime(10000));
  EXPECT_EQ(seen, (std::vector<SimTime>{SimTime(2000), SimTime(7000)}));
}

TEST(SchedulerTest, LeavesLaterTasksPending) {
  Scheduler scheduler;
  int ran = 0;
  scheduler.ScheduleAt(SimTime(1000), "early", [&] { ++ran; });
  scheduler.ScheduleAt(SimTime(9000), "late", [&] { ++ran; });
  scheduler.RunUntil(SimTime(5000));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(scheduler.Pending(), 1u);
  EXPECT_EQ(scheduler.NextTaskTime(), SimTime(9000));
}

TEST(SchedulerTest, TasksScheduledByTasksRunIfDue) {
  Scheduler scheduler;
  std::vector<std::string> ran;
  scheduler.ScheduleAt(SimTime(1000), "first", [&] {
    ran.push_back("first");
    scheduler.ScheduleAt(SimTime(1000), "same-time", [&] { ran.push_back("same-time"); });
    scheduler.ScheduleAt(SimTime(2000), "later", [&] { ran.push_back("later"); });
  });
  scheduler.RunUntil(SimTime(1500));
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "same-time"}));
}

TEST(SchedulerTest, PastTimesAreClampedAndTimeNeverGoesBack) {
  Scheduler scheduler;
  scheduler.RunUntil(SimTime(4000));
  SimTime seen{-1};
  scheduler.ScheduleAt(SimTime(1000), "past", [&] { seen = scheduler.Now(); });
  scheduler.RunUntil(SimTime(2000));  // earlier than now: nothing happens
  EXPECT_EQ(seen, SimTime(-1));
  EXPECT_EQ(scheduler.Now(), SimTime(4000));
  scheduler.RunUntil(SimTime(4000));
  EXPECT_EQ(seen, SimTime(4000));
}

TEST(SchedulerTest, EmptyQueueReportsMaxTime) {
  Scheduler scheduler;
  EXPECT_TRUE(scheduler.Empty());
  EXPECT_EQ(scheduler.NextTaskTime(), SimTime::max());
}

}  // namespace
}  // namespace rundrill
