#include "simulator/core/scheduler.h"

#include <utility>

namespace rundrill {

uint64_t Scheduler::ScheduleAt(SimTime at, std::string label, Task task) {
  if (at < now_) at = now_;
  const uint64_t sequence = next_sequence_++;
  queue_.push(Entry{at, sequence, std::move(label), std::move(task)});
  return sequence;
}

void Scheduler::RunUntil(SimTime until) {
  while (!queue_.empty() && queue_.top().at <= until) {
    // Copy out before popping: the task may push new entries.
    Entry entry = queue_.top();
    queue_.pop();
    if (entry.at > now_) now_ = entry.at;
    entry.task();
  }
  if (until > now_) now_ = until;
}

SimTime Scheduler::NextTaskTime() const {
  return queue_.empty() ? SimTime::max() : queue_.top().at;
}

}  // namespace rundrill
