#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"

namespace rundrill {

// Virtual clock plus a queue of timed tasks. The loop never sleeps: RunUntil jumps from one
// task's time to the next. Tasks at the same time run in the order they were scheduled
// (sequence number), never by address, so every run orders them identically.
class Scheduler {
 public:
  using Task = std::function<void()>;

  SimTime Now() const { return now_; }

  // Schedules `task` at `at` (clamped to Now() if in the past). Returns its sequence number.
  uint64_t ScheduleAt(SimTime at, std::string label, Task task);

  // Runs every task due at or before `until`, in (time, sequence) order, then sets the clock
  // to `until`. Tasks may schedule further tasks; those due by `until` also run.
  // `until` earlier than Now() does nothing: time never goes back.
  void RunUntil(SimTime until);

  // Time of the earliest pending task, or nullopt-like sentinel SimTime::max() when empty.
  SimTime NextTaskTime() const;
  bool Empty() const { return queue_.empty(); }
  size_t Pending() const { return queue_.size(); }

 private:
  struct Entry {
    SimTime at;
    uint64_t sequence;
    std::string label;
    Task task;
  };
  // Earliest time first; at equal times the earlier-scheduled task first.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.at != b.at) return a.at > b.at;
      return a.sequence > b.sequence;
    }
  };

  SimTime now_{0};
  uint64_t next_sequence_ = 0;
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
};

}  // namespace rundrill
