#include "simulator/alerting/alert.h"

#include <cstdio>
#include <cstdlib>

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

// "json" → "a string"; how error messages name a value's type.
std::string TypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    default:
      return "a number";
  }
}

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidInput("Alertmanager payload: " + field + ": " + message);
}

// Milliseconds since the Unix epoch of an RFC 3339 timestamp as Go writes time.Time:
// "2026-11-21T11:39:54.048966699Z" or with a "+01:00" offset. Digits beyond milliseconds
// are dropped.
std::optional<int64_t> ParseTimestampMillis(std::string_view text) {
  constexpr size_t kSecondsLength = 19;  // "2026-11-21T11:39:54"
  if (text.size() <= kSecondsLength) return std::nullopt;
  std::string_view rest = text.substr(kSecondsLength);
  int64_t millis = 0;
  if (rest.front() == '.') {
    rest.remove_prefix(1);
    size_t digits = 0;
    int64_t scale = 100;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      millis += (rest[digits] - '0') * scale;
      scale /= 10;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    rest.remove_prefix(digits);
  }
  int64_t offset_seconds = 0;
  if (rest == "Z") {
    // UTC, as Alertmanager writes its own times.
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    auto two = [&](size_t at) -> int {
      const char a = rest[at], b = rest[at + 1];
      if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
      return (a - '0') * 10 + (b - '0');
    };
    const int hours = two(1), minutes = two(4);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    offset_seconds = (rest[0] == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  } else {
    return std::nullopt;
  }
  const std::optional<int64_t> seconds =
      ParseRfc3339Utc(std::string(text.substr(0, kSecondsLength)) + "Z");
  if (!seconds) return std::nullopt;
  return (*seconds - offset_seconds) * 1000 + millis;
}

// Milliseconds since the Unix epoch of the timestamp under `key`.
std::optional<int64_t> ReadTime(const nlohmann::json& alert, const std::string& key,
                                const std::string& field, Status* error) {
  auto it = alert.find(key);
  if (it == alert.end()) {
    *error = Bad(field, "missing");
    return std::nullopt;
  }
  if (!it->is_string()) {
    *error = Bad(field, "must be an RFC 3339 timestamp string, got " + TypeName(*it));
    return std::nullopt;
  }
  const std::string text = it->get<std::string>();
  const std::optional<int64_t> millis = ParseTimestampMillis(text);
  if (!millis) {
    *error = Bad(
        field, "invalid timestamp \"" + text + "\" (use RFC 3339, like 2026-11-21T11:39:54.048Z)");
  }
  return millis;
}

// A map of strings, as labels and annotations are. Go writes a nil map as null.
std::optional<Labels> ReadLabels(const nlohmann::json& alert, const std::string& key,
                                 const std::string& field, bool required, Status* error) {
  auto it = alert.find(key);
  if (it == alert.end() || it->is_null()) {
    if (!required) return Labels{};
    *error = Bad(field, "missing");
    return std::nullopt;
  }
  if (!it->is_object()) {
    *error = Bad(field, "must be an object of strings, got " + TypeName(*it));
    return std::nullopt;
  }
  Labels out;
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) {
      *error = Bad(field + "." + name, "must be a string, got " + TypeName(value));
      return std::nullopt;
    }
    out[name] = value.get<std::string>();
  }
  return out;
}

StatusOr<std::vector<Alert>> AlertsFromPayload(const nlohmann::json& payload, const Epoch& epoch) {
  if (!payload.is_object()) {
    return Status::InvalidInput("Alertmanager payload must be a JSON object, got " +
                                TypeName(payload));
  }
  auto version = payload.find("version");
  if (version == payload.end()) return Bad("version", "missing");
  if (!version->is_string() || version->get<std::string>() != "4") {
    // Other versions lay the body out differently; reading one as version 4 would route on
    // whatever happened to be under the same names.
    return Bad("version", "must be \"4\", got " + (version->is_string()
                                                       ? "\"" + version->get<std::string>() + "\""
                                                       : TypeName(*version)));
  }
  auto alerts = payload.find("alerts");
  if (alerts == payload.end()) return Bad("alerts", "missing");
  if (!alerts->is_array()) return Bad("alerts", "must be an array, got " + TypeName(*alerts));

  std::vector<Alert> out;
  for (size_t i = 0; i < alerts->size(); ++i) {
    const nlohmann::json& a = (*alerts)[i];
    const std::string field = "alerts[" + std::to_string(i) + "]";
    if (!a.is_object()) return Bad(field, "must be an object, got " + TypeName(a));
    auto status = a.find("status");
    if (status == a.end()) return Bad(field + ".status", "missing");
    const bool firing = status->is_string() && status->get<std::string>() == "firing";
    const bool resolved = status->is_string() && status->get<std::string>() == "resolved";
    if (!firing && !resolved) {
      return Bad(
          field + ".status",
          "must be \"firing\" or \"resolved\", got " +
              (status->is_string() ? "\"" + status->get<std::string>() + "\"" : TypeName(*status)));
    }
    Status error;
    Alert alert;
    std::optional<Labels> labels = ReadLabels(a, "labels", field + ".labels", true, &error);
    if (!labels) return error;
    if (labels->count("alertname") == 0) return Bad(field + ".labels", "has no \"alertname\"");
    alert.labels = std::move(*labels);
    std::optional<Labels> annotations =
        ReadLabels(a, "annotations", field + ".annotations", false, &error);
    if (!annotations) return error;
    alert.annotations = std::move(*annotations);
    const SimTime zero = SimTime(epoch.unix_seconds * 1000);
    std::optional<int64_t> starts_at = ReadTime(a, "startsAt", field + ".startsAt", &error);
    if (!starts_at) return error;
    alert.starts_at = SimTime(*starts_at) - zero;
    std::optional<int64_t> ends_at = ReadTime(a, "endsAt", field + ".endsAt", &error);
    if (!ends_at) return error;
    if (resolved) {
      if (*ends_at == *ParseTimestampMillis(kGoZeroTime)) {
        return Bad(field + ".endsAt",
                   "a resolved alert needs the time it ended, got the zero time");
      }
      alert.ends_at = SimTime(*ends_at) - zero;
    }
    out.push_back(std::move(alert));
  }
  return out;
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

StatusOr<std::vector<Alert>> ParseAlertmanagerPayload(std::string_view json, const Epoch& epoch) {
  nlohmann::json payload;
  try {
    payload = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidInput(std::string("Alertmanager payload is not JSON: ") + e.what());
  }
  return AlertsFromPayload(payload, epoch);
}

}  // namespace rundrill::alerting
