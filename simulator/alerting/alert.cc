#include "simulator/alerting/alert.h"

#include <cstdio>

#include "simulator/core/random.h"

namespace rundrill::alerting {
namespace {

constexpr char kGoZeroTime[] = "0001-01-01T00:00:00Z";

nlohmann::ordered_json LabelObject(const Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : labels) out[name] = value;  // std::map: sorted, as Go emits
  return out;
}

// Labels (or annotations) that every alert of the group shares with the same value.
Labels Common(const std::vector<Alert>& alerts, Labels Alert::*field) {
  if (alerts.empty()) return {};
  Labels common = alerts.front().*field;
  for (const Alert& alert : alerts) {
    for (auto it = common.begin(); it != common.end();) {
      auto found = (alert.*field).find(it->first);
      if (found == (alert.*field).end() || found->second != it->second) {
        it = common.erase(it);
      } else {
        ++it;
      }
    }
  }
  return common;
}

}  // namespace

const std::string& Alert::Name() const {
  static const std::string kEmpty;
  auto it = labels.find("alertname");
  return it == labels.end() ? kEmpty : it->second;
}

std::string Fingerprint(const Labels& labels) {
  std::string bytes;
  for (const auto& [name, value] : labels) {
    bytes += name;
    bytes += '\xff';
    bytes += value;
    bytes += '\xff';
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(StableHash(bytes)));
  return buf;
}

nlohmann::ordered_json AlertmanagerPayload(const std::vector<Alert>& alerts,
                                           const std::vector<std::string>& group_by,
                                           const Epoch& epoch, const AlertSource& source) {
  bool any_firing = false;
  nlohmann::ordered_json alert_list = nlohmann::ordered_json::array();
  for (const Alert& alert : alerts) {
    any_firing = any_firing || alert.Firing();
    nlohmann::ordered_json a;
    a["status"] = alert.Firing() ? "firing" : "resolved";
    a["labels"] = LabelObject(alert.labels);
    a["annotations"] = LabelObject(alert.annotations);
    a["startsAt"] = epoch.Rfc3339(alert.starts_at);
    a["endsAt"] = alert.Firing() ? std::string(kGoZeroTime) : epoch.Rfc3339(*alert.ends_at);
    a["generatorURL"] = "";
    a["fingerprint"] = Fingerprint(alert.labels);
    alert_list.push_back(std::move(a));
  }

  Labels group_labels;
  const Labels common_labels = Common(alerts, &Alert::labels);
  for (const std::string& name : group_by) {
    auto it = common_labels.find(name);
    if (it != common_labels.end()) group_labels[name] = it->second;
  }
  // groupKey renders the group labels as Go's model.LabelSet.String(): sorted, `, `-joined.
  std::string group_key = "{}:{";
  bool first = true;
  for (const auto& [name, value] : group_labels) {
    if (!first) group_key += ", ";
    first = false;
    group_key += name + "=\"" + value + "\"";
  }
  group_key += "}";

  nlohmann::ordered_json payload;
  payload["receiver"] = source.receiver;
  payload["status"] = any_firing ? "firing" : "resolved";
  payload["alerts"] = std::move(alert_list);
  payload["groupLabels"] = LabelObject(group_labels);
  payload["commonLabels"] = LabelObject(common_labels);
  payload["commonAnnotations"] = LabelObject(Common(alerts, &Alert::annotations));
  payload["externalURL"] = source.external_url;
  payload["version"] = "4";
  payload["groupKey"] = group_key;
  payload["truncatedAlerts"] = 0;
  return payload;
}

}  // namespace rundrill::alerting
