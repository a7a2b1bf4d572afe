#include "fakes/pagerduty/pagerduty_rest_backend.h"

#include <algorithm>
#include <cctype>

namespace rundrill::fakes {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kApi[] = "https://api.rundrill.pagerduty.invalid";
constexpr char kWeb[] = "https://rundrill.pagerduty.invalid";
constexpr int kDefaultLimit = 25;
constexpr int kMaxLimit = 100;

HttpResponse Error(int status, const std::string& message, int code,
                   const std::vector<std::string>& errors = {}) {
  Json error{{"message", message}, {"code", code}};
  if (!errors.empty()) error["errors"] = errors;
  return PdJsonResponse(status, Json{{"error", error}});
}

HttpResponse NotFound() { return Error(404, "Not Found", 2100); }
HttpResponse NotAHash() {
  return Error(400, "Invalid Input Provided", 2001, {"params must be a Hash"});
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The `id` of a reference object such as {"id": "PWIXJZS", "type": "service_reference"}.
std::string RefId(const nlohmann::json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) return "";
  return Field(object[name], "id");
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return out;
}

std::optional<int> Number(const std::string& text) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoi(text);
}

}  // namespace

HttpResponse PagerDutyRestBackend::Handle(const HttpRequest& request, SimContext& context) {
  const SimTime arrived = context.Now();
  world_.AdvanceTo(arrived);
  HttpResponse response = Route(request, arrived);
  calls_.push_back({arrived, request.method, request.target, response.status});
  context.AdvanceTo(arrived + DrawPdLatency(latency_, context.Rng()));
  world_.AdvanceTo(context.Now());
  return response;
}

HttpResponse PagerDutyRestBackend::Route(const HttpRequest& request, SimTime now) {
  const std::string auth = request.Header("authorization");
  constexpr std::string_view kScheme = "Token token=";
  if (auth.rfind(kScheme, 0) != 0 || !world_.IsApiToken(auth.substr(kScheme.size())) ||
      world_.Credential(auth.substr(kScheme.size())) != world::CredentialState::kValid) {
    return Error(401, "Authentication failed", 2006);
  }

  const std::vector<std::string> parts = Segments(request.Path());
  if (parts.empty() || parts[0] != "incidents" || parts.size() > 3 ||
      (parts.size() == 3 && parts[2] != "notes")) {
    return NotFound();
  }
  const std::string& method = request.method;
  const bool write = method == "POST" || method == "PUT";
  const bool known = parts.size() == 1   ? method == "GET" || method == "POST"
                     : parts.size() == 2 ? method == "GET" || method == "PUT"
                                         : method == "GET" || method == "POST";
  if (!known) return NotFound();

  nlohmann::json body;
  std::string from;
  if (write) {
    if (Lower(request.Header("content-type")).rfind("application/json", 0) != 0) return NotAHash();
    body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return NotAHash();
    const std::string email = request.Header("from");
    if (!email.empty() && email.find('@') == std::string::npos) {
      return Error(400, "Malformed \"From\" header", 1028);
    }
    const model::PagerDutyUserSpec* user = world_.FindUserByEmail(email);
    if (!user) {
      return Error(400,
                   "You must specify a user's email address in the \"From\" header to perform "
                   "this action",
                   2016);
    }
    from = user->id;
  }

  if (parts.size() == 1) return method == "GET" ? List(request) : Create(body, from, now);
  const world::PdIncident* incident = world_.FindIncident(parts[1]);
  if (!incident) {
    // The API also takes the incident number where it takes an id.
    if (std::optional<int> n = Number(parts[1])) incident = world_.FindIncidentByNumber(*n);
  }
  if (!incident) return NotFound();
  if (parts.size() == 2) {
    if (method == "GET") return PdJsonResponse(200, Json{{"incident", IncidentJson(*incident)}});
    return Update(*incident, body, from, now);
  }
  if (method == "POST") return AddNote(*incident, body, from, now);
  Json notes = Json::array();
  for (const world::PdNote& note : incident->notes) notes.push_back(NoteJson(note));
  return PdJsonResponse(200, Json{{"notes", notes}});
}

HttpResponse PagerDutyRestBackend::List(const HttpRequest& request) const {
  std::vector<std::string> statuses;
  std::vector<std::string> services;
  std::optional<std::string> incident_key;
  int limit = kDefaultLimit;
  int offset = 0;
  bool want_total = false;
  for (const auto& [name, value] : ParseQuery(request.target)) {
    if (name == "statuses[]" || name == "statuses") statuses.push_back(value);
    if (name == "service_ids[]" || name == "service_ids") services.push_back(value);
    if (name == "incident_key") incident_key = value;
    if (name == "limit") limit = std::clamp(Number(value).value_or(kDefaultLimit), 1, kMaxLimit);
    if (name == "offset") offset = Number(value).value_or(0);
    if (name == "total") want_total = value == "true";
  }
  std::vector<const world::PdIncident*> matched;
  for (const world::PdIncident& i : world_.incidents()) {
    const std::string status(world::PdStatusName(i.status));
    if (!statuses.empty() &&
        std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
      continue;
    }
    if (!services.empty() &&
        std::find(services.begin(), services.end(), i.service_id) == services.end()) {
      continue;
    }
    if (incident_key && i.incident_key != *incident_key) continue;
    matched.push_back(&i);
  }
  Json page = Json::array();
  for (size_t k = static_cast<size_t>(offset);
       k < matched.size() && k < static_cast<size_t>(offset + limit); ++k) {
    page.push_back(IncidentJson(*matched[k]));
  }
  return PdJsonResponse(200, Json{{"incidents", page},
                                  {"limit", limit},
                                  {"offset", offset},
                                  {"more", static_cast<size_t>(offset + limit) < matched.size()},
                                  {"total", want_total ? Json(matched.size()) : Json(nullptr)}});
}

HttpResponse PagerDutyRestBackend::Create(const nlohmann::json& body, const std::string& from,
                                          SimTime now) {
  if (!body.contains("incident") || !body["incident"].is_object()) return NotAHash();
  const nlohmann::json& in = body["incident"];
  std::vector<std::string> errors;
  world::PdNewIncident request;
  request.from_user = from;
  request.title = Field(in, "title");
  request.service_id = RefId(in, "service");
  if (Field(in, "type") != "incident" && Field(in, "type") != "incident_reference") {
    errors.push_back("Type must be incident.");
  }
  if (request.title.empty()) errors.push_back("Title cannot be empty.");
  if (request.service_id.empty()) errors.push_back("Service cannot be empty.");
  if (in.contains("urgency")) {
    request.urgency = Field(in, "urgency");
    if (request.urgency != "high" && request.urgency != "low") {
      errors.push_back("Urgency must be one of high, low.");
    }
  }
  request.incident_key = Field(in, "incident_key");
  if (in.contains("body")) request.details = Field(in["body"], "details");
  request.escalation_policy_id = RefId(in, "escalation_policy");
  if (in.contains("assignments") && in["assignments"].is_array()) {
    for (const nlohmann::json& a : in["assignments"]) {
      request.assignee_ids.push_back(RefId(a, "assignee"));
    }
  }
  if (!request.escalation_policy_id.empty() && !request.assignee_ids.empty()) {
    errors.push_back("Escalation policy and assignments cannot both be specified.");
  }
  if (!errors.empty()) return Error(400, "Invalid Input Provided", 2001, errors);
  StatusOr<std::string> id = world_.CreateIncident(request, now);
  if (!id.ok()) return Error(400, "Invalid Input Provided", 2001, {id.status().message()});
  return PdJsonResponse(201, Json{{"incident", IncidentJson(*world_.FindIncident(*id))}});
}

HttpResponse PagerDutyRestBackend::Update(const world::PdIncident& incident,
                                          const nlohmann::json& body, const std::string& from,
                                          SimTime now) {
  if (!body.contains("incident") || !body["incident"].is_object()) return NotAHash();
  const nlohmann::json& in = body["incident"];
  if (in.contains("status")) {
    const std::string status = Field(in, "status");
    if (status != "acknowledged" && status != "resolved") {
      return Error(400, "Invalid Status Provided", 1003);
    }
    if (incident.status == world::PdStatus::kResolved) {
      return Error(400, "Incident Already Resolved", 1001);
    }
    if (status == "acknowledged" && incident.status == world::PdStatus::kAcknowledged) {
      return Error(400, "Incident Already Acknowledged", 1002);
    }
    const std::string id = incident.id;
    const Status s = status == "acknowledged" ? world_.Acknowledge(id, from, now)
                                              : world_.Resolve(id, from, now);
    if (!s.ok()) return NotFound();
  }
  return PdJsonResponse(200, Json{{"incident", IncidentJson(*world_.FindIncident(incident.id))}});
}

HttpResponse PagerDutyRestBackend::AddNote(const world::PdIncident& incident,
                                           const nlohmann::json& body, const std::string& from,
                                           SimTime now) {
  if (!body.contains("note") || !body["note"].is_object()) return NotAHash();
  const std::string content = Field(body["note"], "content");
  if (content.empty())
    return Error(400, "Invalid Input Provided", 2001, {"Content cannot be empty."});
  const std::string incident_id = incident.id;
  StatusOr<std::string> note_id = world_.AddNote(incident_id, from, content, now);
  if (!note_id.ok()) return NotFound();
  const world::PdIncident* updated = world_.FindIncident(incident_id);
  return PdJsonResponse(201, Json{{"note", NoteJson(updated->notes.back())}});
}

nlohmann::ordered_json PagerDutyRestBackend::UserReference(const std::string& user) const {
  const model::PagerDutyUserSpec* spec = world_.FindUser(user);
  if (!spec) return Json{{"id", user}, {"type", "user_reference"}, {"summary", user}};
  return Json{{"id", spec->id},
              {"type", "user_reference"},
              {"summary", spec->name},
              {"self", std::string(kApi) + "/users/" + spec->id},
              {"html_url", std::string(kWeb) + "/users/" + spec->id}};
}

nlohmann::ordered_json PagerDutyRestBackend::NoteJson(const world::PdNote& note) const {
  return Json{{"id", note.id},
              {"user", UserReference(note.user)},
              {"channel", {{"summary", "The PagerDuty website or APIs"}}},
              {"content", note.content},
              {"created_at", world_.epoch().Rfc3339(note.at)}};
}

nlohmann::ordered_json PagerDutyRestBackend::IncidentJson(const world::PdIncident& i) const {
  const Epoch& epoch = world_.epoch();
  const model::PagerDutyServiceSpec* service = world_.FindService(i.service_id);
  Json assignments = Json::array();
  for (const world::PdAssignment& a : i.assignments) {
    assignments.push_back(Json{{"at", epoch.Rfc3339(a.at)}, {"assignee", UserReference(a.user)}});
  }
  Json acknowledgements = Json::array();
  for (const std::string& user : i.acknowledgers) {
    acknowledgements.push_back(Json{{"at", epoch.Rfc3339(i.last_status_change_at)},
                                    {"acknowledger", UserReference(user)}});
  }
  Json pending = Json::array();
  if (i.escalate_at)
    pending.push_back(Json{{"type", "escalate"}, {"at", epoch.Rfc3339(*i.escalate_at)}});
  if (i.unacknowledge_at) {
    pending.push_back(Json{{"type", "unacknowledge"}, {"at", epoch.Rfc3339(*i.unacknowledge_at)}});
  }
  if (i.auto_resolve_at) {
    pending.push_back(Json{{"type", "resolve"}, {"at", epoch.Rfc3339(*i.auto_resolve_at)}});
  }
  Json policy = nullptr;
  if (const model::PagerDutyEscalationPolicySpec* p = world_.FindPolicy(i.escalation_policy_id)) {
    policy = Json{{"id", p->id},
                  {"type", "escalation_policy_reference"},
                  {"summary", p->name},
                  {"self", std::string(kApi) + "/escalation_policies/" + p->id},
                  {"html_url", std::string(kWeb) + "/escalation_policies/" + p->id}};
  }
  const std::string log_id = "R" + i.id.substr(1);
  // Changes no person made (events, timeouts) are attributed to the service, as PagerDuty does.
  const Json service_ref{{"id", service->id},
                         {"type", "service_reference"},
                         {"summary", service->name},
                         {"self", std::string(kApi) + "/services/" + service->id},
                         {"html_url", std::string(kWeb) + "/services/" + service->id}};
  return Json{{"id", i.id},
              {"type", "incident"},
              {"summary", "[#" + std::to_string(i.number) + "] " + i.title},
              {"self", std::string(kApi) + "/incidents/" + i.id},
              {"html_url", std::string(kWeb) + "/incidents/" + i.id},
              {"incident_number", i.number},
              {"title", i.title},
              {"description", i.title},
              {"created_at", epoch.Rfc3339(i.created_at)},
              {"updated_at", epoch.Rfc3339(i.log.empty() ? i.created_at : i.log.back().at)},
              {"status", world::PdStatusName(i.status)},
              {"incident_key", i.incident_key.empty() ? Json(nullptr) : Json(i.incident_key)},
              {"service", service_ref},
              {"assignments", assignments},
              {"assigned_via", i.assigned_via},
              {"acknowledgements", acknowledgements},
              {"last_status_change_at", epoch.Rfc3339(i.last_status_change_at)},
              {"last_status_change_by", world_.FindUser(i.last_status_change_by)
                                            ? UserReference(i.last_status_change_by)
                                            : service_ref},
              {"resolved_at", i.resolved_at ? Json(epoch.Rfc3339(*i.resolved_at)) : Json(nullptr)},
              {"first_trigger_log_entry",
               {{"id", log_id},
                {"type", "trigger_log_entry_reference"},
                {"self", std::string(kApi) + "/log_entries/" + log_id},
                {"html_url", std::string(kWeb) + "/incidents/" + i.id + "/log_entries/" + log_id}}},
              {"escalation_policy", policy},
              {"teams", Json::array()},
              {"pending_actions", pending},
              {"urgency", i.urgency}};
}

}  // namespace rundrill::fakes
