#include "simulator/alerting/notification_dispatcher.h"

#include <algorithm>
#include <tuple>

namespace rundrill::alerting {
namespace {

// Alertmanager's string for a label set: {a="x", b="y"} (Go %q quoting).
std::string LabelSetString(const Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ", ";
    first = false;
    out += k + "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string LabelOr(const Labels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? "" : it->second;
}

}  // namespace

bool Notification::Firing() const {
  return std::any_of(alerts.begin(), alerts.end(), [](const Alert& a) { return a.Firing(); });
}

NotificationDispatcher::NotificationDispatcher(const model::AlertingSpec& spec)
    : group_by_(spec.group_by),
      group_wait_(spec.group_wait),
      group_interval_(spec.group_interval),
      repeat_interval_(spec.repeat_interval) {}

void NotificationDispatcher::Receive(const Alert& alert, SimTime now) {
  Labels group_labels;
  for (const auto& name : group_by_) {
    auto it = alert.labels.find(name);
    if (it != alert.labels.end()) group_labels[name] = it->second;
  }
  const std::string key = "{}:" + LabelSetString(group_labels);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (!alert.Firing()) return;  // a resolve for a group already gone: nothing to tell
    Group group;
    group.labels = group_labels;
    group.next_flush = now + group_wait_;
    it = groups_.emplace(key, std::move(group)).first;
  }
  it->second.alerts[Fingerprint(alert.labels)] = alert;
}

SimTime NotificationDispatcher::NextFlushTime() const {
  SimTime next = SimTime::max();
  for (const auto& [key, group] : groups_) next = std::min(next, group.next_flush);
  return next;
}

std::vector<Notification> NotificationDispatcher::Flush(SimTime now) {
  std::vector<Notification> out;
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& group = it->second;
    if (group.next_flush > now) {
      ++it;
      continue;
    }
    group.next_flush = now + group_interval_;

    std::map<std::string, bool> firing;
    bool any_resolved = false;
    for (const auto& [fp, alert] : group.alerts) {
      if (alert.Firing()) {
        firing[fp] = true;
      } else {
        any_resolved = true;
      }
    }
    bool added = false;
    for (const auto& [fp, unused] : firing) added = added || group.last_firing.count(fp) == 0;

    std::string reason;
    if (!group.notified_once) {
      // Alertmanager's dedup stage stays silent for a group whose alerts all resolved
      // before it ever notified.
      if (!firing.empty()) reason = "first notification";
    } else if (added) {
      reason = "new alerts added";
    } else if (any_resolved) {
      reason = firing.empty() ? "all alerts resolved" : "some alerts resolved";
    } else if (!firing.empty() && now - group.last_notified >= repeat_interval_) {
      reason = "repeat interval elapsed";
    }

    if (!reason.empty()) {
      Notification n;
      n.at = now;
      n.group_key = it->first;
      n.group_labels = group.labels;
      for (const auto& [fp, alert] : group.alerts) n.alerts.push_back(alert);
      // Alertmanager sorts a group's alerts by job, then instance, then label set.
      std::stable_sort(n.alerts.begin(), n.alerts.end(), [](const Alert& a, const Alert& b) {
        const auto ka = std::make_tuple(LabelOr(a.labels, "job"), LabelOr(a.labels, "instance"),
                                        LabelSetString(a.labels));
        const auto kb = std::make_tuple(LabelOr(b.labels, "job"), LabelOr(b.labels, "instance"),
                                        LabelSetString(b.labels));
        return ka < kb;
      });
      n.reason = reason;
      out.push_back(std::move(n));
      group.notified_once = true;
      group.last_notified = now;
      group.last_firing = firing;
      for (auto a = group.alerts.begin(); a != group.alerts.end();) {
        a = a->second.Firing() ? std::next(a) : group.alerts.erase(a);
      }
    } else if (firing.empty()) {
      group.alerts.clear();
    }
    if (group.alerts.empty()) {
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace rundrill::alerting
