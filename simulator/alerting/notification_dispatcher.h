#pragma once

// Alertmanager's dispatcher in virtual time: alerts are put into aggregation groups by the
// route's `group_by` labels; a new group waits `group_wait` before its first notification,
// then is looked at every `group_interval`, and notifies when an alert was added or
// resolved since its last notification, or when `repeat_interval` has passed. Resolved
// alerts leave the group once notified; an empty group is dropped.

#include <map>
#include <string>
#include <vector>

#include "simulator/alerting/alert.h"
#include "simulator/core/sim_time.h"
#include "simulator/model/alert_rule.h"

namespace rundrill::alerting {

struct Notification {
  SimTime at{0};
  std::string group_key;  // `{}:{alertname="X"}`, as Alertmanager's root route writes it
  Labels group_labels;
  std::vector<Alert> alerts;  // in Alertmanager's order (job, instance, then labels)
  // first notification | new alerts added | some alerts resolved | all alerts resolved |
  // repeat interval elapsed
  std::string reason;
  bool Firing() const;
  // Whether the notification asks for action: it brings alerts not notified before as
  // firing, or repeats a still-firing group.
  bool Actionable() const {
    return reason == "first notification" || reason == "new alerts added" ||
           reason == "repeat interval elapsed";
  }
};

class NotificationDispatcher {
 public:
  explicit NotificationDispatcher(const model::AlertingSpec& spec);

  // A rule's alert fired or resolved (ends_at set) at `now`.
  void Receive(const Alert& alert, SimTime now);
  // When the next group is due to flush; SimTime::max() when no group exists.
  SimTime NextFlushTime() const;
  // Flushes the groups due at `now` (in group-key order) and returns what they send.
  std::vector<Notification> Flush(SimTime now);

 private:
  struct Group {
    Labels labels;
    std::map<std::string, Alert> alerts;  // by fingerprint
    SimTime next_flush{0};
    bool notified_once = false;
    SimTime last_notified{0};
    std::map<std::string, bool> last_firing;  // fingerprints firing at the last notification
  };

  std::vector<std::string> group_by_;
  SimDuration group_wait_;
  SimDuration group_interval_;
  SimDuration repeat_interval_;
  std::map<std::string, Group> groups_;  // by group key
};

}  // namespace rundrill::alerting
