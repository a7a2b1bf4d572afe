#include "fakes/pagerduty/pagerduty_events_backend.h"

#include <algorithm>
#include <cctype>

namespace rundrill::fakes {
namespace {

constexpr size_t kRoutingKeyLength = 32;
constexpr size_t kMaxDedupKey = 255;
constexpr size_t kMaxSummary = 1024;
constexpr SimDuration kRateWindow{60 * 1000};

using Json = nlohmann::ordered_json;

HttpResponse Invalid(const std::vector<std::string>& errors) {
  return PdJsonResponse(400, Json{{"status", "invalid event"},
                                  {"message", "Event object is invalid"},
                                  {"errors", errors}});
}

HttpResponse Unrecognized(int status, const std::string& error) {
  return PdJsonResponse(status, Json{{"status", "Unrecognized object"},
                                     {"message", "Event object format is unrecognized"},
                                     {"errors", {error}}});
}

// A string field's value; "" when absent, blank or not a string (all read as "missing").
std::string Text(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  std::string value = it->get<std::string>();
  const bool blank =
      std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c) != 0; });
  return blank ? "" : value;
}

}  // namespace

HttpResponse PagerDutyEventsBackend::Handle(const HttpRequest& request, SimContext& context) {
  const SimTime arrived = context.Now();
  world_.AdvanceTo(arrived);
  HttpResponse response;
  if (request.Path() != "/v2/enqueue") {
    response = Unrecognized(404, "Not Found");
  } else if (request.method != "POST") {
    response = Unrecognized(405, "Method Not Allowed");
  } else {
    response = Enqueue(request, arrived);
  }
  calls_.push_back({arrived, request.method, request.target, response.status});
  context.AdvanceTo(arrived + DrawPdLatency(latency_, context.Rng()));
  world_.AdvanceTo(context.Now());
  return response;
}

bool PagerDutyEventsBackend::OverLimit(const std::string& routing_key, SimTime now) {
  std::deque<SimTime>& times = accepted_[routing_key];
  while (!times.empty() && times.front() <= now - kRateWindow) times.pop_front();
  if (static_cast<int>(times.size()) >= kEventsPerMinute) return true;
  times.push_back(now);
  return false;
}

HttpResponse PagerDutyEventsBackend::Enqueue(const HttpRequest& request, SimTime now) {
  const nlohmann::json event = nlohmann::json::parse(request.body, nullptr, false);
  if (event.is_discarded() || !event.is_object()) return Unrecognized(400, "JSON parse error");

  std::vector<std::string> errors;
  const std::string routing_key = Text(event, "routing_key");
  if (routing_key.empty()) {
    errors.push_back("'routing_key' is missing or blank");
  } else {
    if (routing_key.size() != kRoutingKeyLength) {
      errors.push_back("Length of 'routing_key' is incorrect (should be 32 characters)");
    }
    if (!std::all_of(routing_key.begin(), routing_key.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0; })) {
      errors.push_back("'routing_key' cannot contain non-alphanumeric characters.");
    }
  }
  const std::string action = Text(event, "event_action");
  if (action.empty()) {
    errors.push_back("'event_action' is missing or blank");
  } else if (action != "trigger" && action != "acknowledge" && action != "resolve") {
    errors.push_back("'event_action' must be one of trigger, acknowledge or resolve");
  }
  const std::string dedup_key = Text(event, "dedup_key");
  if (dedup_key.size() > kMaxDedupKey) {
    errors.push_back("'dedup_key' is too long (maximum is 255 characters)");
  }
  world::PdTriggerEvent trigger;
  if (action == "trigger") {
    const nlohmann::json payload = event.contains("payload") ? event["payload"] : nlohmann::json();
    trigger.summary = Text(payload, "summary");
    trigger.source = Text(payload, "source");
    trigger.severity = Text(payload, "severity");
    if (trigger.summary.empty()) errors.push_back("'payload.summary' is missing or blank");
    if (trigger.source.empty()) errors.push_back("'payload.source' is missing or blank");
    if (trigger.severity.empty()) {
      errors.push_back("'payload.severity' is missing or blank");
    } else if (trigger.severity != "critical" && trigger.severity != "error" &&
               trigger.severity != "warning" && trigger.severity != "info") {
      errors.push_back("'payload.severity' must be one of critical, error, warning or info");
    }
  } else if ((action == "acknowledge" || action == "resolve") && dedup_key.empty()) {
    errors.push_back("'dedup_key' is missing or blank");
  }
  if (!errors.empty()) return Invalid(errors);

  // The Events API has no credential but the key itself: an expired or revoked key is one it
  // no longer knows.
  if (!world_.FindServiceByRoutingKey(routing_key) ||
      world_.Credential(routing_key) != world::CredentialState::kValid) {
    return Invalid({"Invalid routing key"});
  }
  if (OverLimit(routing_key, now)) {
    return PdJsonResponse(429, Json{{"status", "throttle event"},
                                    {"message",
                                     "Requests for this service are arriving too "
                                     "quickly.  Please retry later."},
                                    {"errors", {"Request Limit Exceeded"}}});
  }

  std::string key = dedup_key;
  if (action == "trigger") {
    trigger.routing_key = routing_key;
    trigger.dedup_key = dedup_key;
    // PagerDuty truncates rather than refuses a long summary.
    if (trigger.summary.size() > kMaxSummary) trigger.summary.resize(kMaxSummary);
    key = world_.Trigger(trigger, now).dedup_key;
  } else if (action == "acknowledge") {
    world_.AcknowledgeByKey(routing_key, dedup_key, now);
  } else {
    world_.ResolveByKey(routing_key, dedup_key, now);
  }
  return PdJsonResponse(
      202, Json{{"status", "success"}, {"message", "Event processed"}, {"dedup_key", key}});
}

}  // namespace rundrill::fakes
