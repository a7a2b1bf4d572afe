#include "simulator/world/pagerduty/pagerduty_world.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "simulator/core/random.h"

namespace rundrill::world {
namespace {

constexpr SimDuration kMinute{60 * 1000};

std::string Place(const model::SourceMark& mark) {
  const std::string where = mark.ToString();
  return where.empty() ? "" : where + ": ";
}

bool IsRoutingKey(const std::string& key) {
  return key.size() == 32 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::string Hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[i] = kDigits[value & 0xf];
  return out;
}

std::string UrgencyOf(model::PagerDutyUrgencyRule rule, const std::string& severity) {
  switch (rule) {
    case model::PagerDutyUrgencyRule::kHigh:
      return "high";
    case model::PagerDutyUrgencyRule::kLow:
      return "low";
    case model::PagerDutyUrgencyRule::kSeverityBased:
      return severity == "critical" || severity == "error" ? "high" : "low";
  }
  return "high";
}

// Kinds of timed change, in the order they apply when due at the same instant: a person
// acting at the very moment a timer fires is taken to have been first.
enum class Due { kScriptedResolve, kScriptedAck, kAutoResolve, kUnacknowledge, kEscalate };

struct NextDue {
  SimTime at{0};
  Due kind = Due::kEscalate;
  uint64_t sequence = 0;  // of the scripted action; 0 for timers
  size_t action = 0;      // index into `scripted`
};

std::optional<NextDue> EarliestOf(const PdIncident& incident) {
  std::optional<NextDue> best;
  auto consider = [&best](NextDue candidate) {
    if (!best || std::tie(candidate.at, candidate.kind, candidate.sequence) <
                     std::tie(best->at, best->kind, best->sequence)) {
      best = candidate;
    }
  };
  for (size_t i = 0; i < incident.scripted.size(); ++i) {
    const PdIncident::ScriptedAction& a = incident.scripted[i];
    consider({a.at, a.resolve ? Due::kScriptedResolve : Due::kScriptedAck, a.sequence, i});
  }
  if (incident.auto_resolve_at) consider({*incident.auto_resolve_at, Due::kAutoResolve, 0, 0});
  if (incident.unacknowledge_at) {
    consider({*incident.unacknowledge_at, Due::kUnacknowledge, 0, 0});
  }
  if (incident.escalate_at) consider({*incident.escalate_at, Due::kEscalate, 0, 0});
  return best;
}

nlohmann::json LogJson(const PdLogEntry& e) {
  return {{"at_ms", e.at.count()},
          {"type", e.type},
          {"agent", e.agent},
          {"user", e.user},
          {"summary", e.summary}};
}

}  // namespace

std::string_view PdStatusName(PdStatus status) {
  switch (status) {
    case PdStatus::kTriggered:
      return "triggered";
    case PdStatus::kAcknowledged:
      return "acknowledged";
    case PdStatus::kResolved:
      return "resolved";
  }
  return "triggered";
}

std::string PagerDutyWorld::NewId(char prefix, std::string_view salt) {
  // PagerDuty ids are seven characters from digits and upper-case letters; derived from a
  // stable hash so that ids survive reordering of unrelated declarations.
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  for (uint64_t attempt = 0;; ++attempt) {
    uint64_t h = StableHash(std::string(salt) + "#" + std::to_string(attempt), seed_ ^ 0x9e37);
    std::string id(1, prefix);
    for (int i = 0; i < 6; ++i, h /= 34) id += kAlphabet[h % 34];
    if (std::find(used_ids_.begin(), used_ids_.end(), id) == used_ids_.end()) {
      used_ids_.push_back(id);
      return id;
    }
  }
}

Status PagerDutyWorld::Build(const model::PagerDutySpec& spec) {
  spec_ = spec;
  for (const auto& u : spec_.users) {
    if (!u.id.empty()) used_ids_.push_back(u.id);
  }
  for (const auto& p : spec_.escalation_policies) {
    if (!p.id.empty()) used_ids_.push_back(p.id);
  }
  for (const auto& s : spec_.services) {
    if (!s.id.empty()) used_ids_.push_back(s.id);
  }
  std::set<std::string> seen(used_ids_.begin(), used_ids_.end());
  if (seen.size() != used_ids_.size()) {
    std::vector<std::string> sorted = used_ids_;
    std::sort(sorted.begin(), sorted.end());
    const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    return Status::InvalidInput("pagerduty: id \"" + *dup + "\" is declared twice");
  }
  std::set<std::string> emails;
  for (auto& u : spec_.users) {
    if (u.id.empty()) u.id = NewId('P', "user/" + u.name + "/" + u.email);
    if (!u.email.empty() && !emails.insert(u.email).second) {
      return Status::InvalidInput(Place(u.mark) + "pagerduty user email \"" + u.email +
                                  "\" is declared twice");
    }
  }
  for (auto& p : spec_.escalation_policies) {
    if (p.id.empty()) p.id = NewId('P', "policy/" + p.name);
    if (p.rules.empty()) {
      return Status::InvalidInput(Place(p.mark) + "escalation policy \"" + p.name +
                                  "\" has no rules");
    }
    if (p.num_loops < 0) {
      return Status::InvalidInput(Place(p.mark) + "escalation policy \"" + p.name +
                                  "\": num_loops must not be negative");
    }
    for (const auto& rule : p.rules) {
      if (rule.escalation_delay_in_minutes < 1) {
        return Status::InvalidInput(Place(p.mark) + "escalation policy \"" + p.name +
                                    "\": escalation_delay_in_minutes must be at least 1");
      }
      if (rule.targets.empty() || rule.targets.size() > 10) {
        return Status::InvalidInput(Place(p.mark) + "escalation policy \"" + p.name +
                                    "\": a rule needs 1 to 10 targets");
      }
      for (const auto& t : rule.targets) {
        if (!FindUser(t)) {
          return Status::InvalidInput(Place(p.mark) + "escalation policy \"" + p.name +
                                      "\": unknown user \"" + t + "\"");
        }
      }
    }
  }
  std::set<std::string> keys;
  for (auto& s : spec_.services) {
    if (s.id.empty()) s.id = NewId('P', "service/" + s.name);
    if (!FindPolicy(s.escalation_policy)) {
      return Status::InvalidInput(Place(s.mark) + "service \"" + s.name +
                                  "\": unknown escalation policy \"" + s.escalation_policy + "\"");
    }
    for (const auto& key : s.integration_keys) {
      if (!IsRoutingKey(key)) {
        return Status::InvalidInput(Place(s.mark) + "service \"" + s.name +
                                    "\": integration key \"" + key +
                                    "\" must be 32 letters and digits");
      }
      if (!keys.insert(key).second) {
        return Status::InvalidInput(Place(s.mark) + "integration key \"" + key +
                                    "\" is declared twice");
      }
    }
  }
  for (const auto& r : spec_.responders) {
    if (!FindUser(r.user)) {
      return Status::InvalidInput(Place(r.mark) + "responder: unknown user \"" + r.user + "\"");
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------- time

void PagerDutyWorld::AdvanceTo(SimTime t) {
  for (;;) {
    PdIncident* target = nullptr;
    std::optional<NextDue> best;
    // Across incidents, equal (time, kind) goes to the lower incident number: the order
    // they were opened in, which every call pattern agrees on.
    for (PdIncident& incident : incidents_) {
      std::optional<NextDue> due = EarliestOf(incident);
      if (!due || due->at > t) continue;
      if (!best || std::tie(due->at, due->kind) < std::tie(best->at, best->kind)) {
        best = due;
        target = &incident;
      }
    }
    if (!best) break;
    now_ = std::max(now_, best->at);
    switch (best->kind) {
      case Due::kScriptedResolve:
      case Due::kScriptedAck: {
        const PdIncident::ScriptedAction action = target->scripted[best->action];
        target->scripted.erase(target->scripted.begin() + static_cast<long>(best->action));
        if (action.resolve) {
          if (target->open()) DoResolve(*target, action.user, best->at);
        } else if (target->status == PdStatus::kTriggered) {
          DoAcknowledge(*target, action.user, best->at);
        }
        break;
      }
      case Due::kAutoResolve:
        DoResolve(*target, kPdAgentService, best->at);
        break;
      case Due::kUnacknowledge:
        Unacknowledge(*target, best->at);
        break;
      case Due::kEscalate:
        Escalate(*target, best->at);
        break;
    }
  }
  now_ = std::max(now_, t);
}

std::optional<SimTime> PagerDutyWorld::NextChangeTime() const {
  std::optional<SimTime> next;
  for (const PdIncident& incident : incidents_) {
    if (std::optional<NextDue> due = EarliestOf(incident); due && (!next || due->at < *next)) {
      next = due->at;
    }
  }
  return next;
}

// ---------------------------------------------------------------------------- credentials

void PagerDutyWorld::SetCredentialState(const std::string& key_or_token, CredentialState state) {
  for (auto& [key, s] : credentials_) {
    if (key == key_or_token) {
      s = state;
      return;
    }
  }
  credentials_.emplace_back(key_or_token, state);
}

CredentialState PagerDutyWorld::Credential(const std::string& key_or_token) const {
  for (const auto& [key, s] : credentials_) {
    if (key == key_or_token) return s;
  }
  return CredentialState::kValid;
}

// ---------------------------------------------------------------------------- operations

PdIncident& PagerDutyWorld::Open(PdIncident incident, const model::PagerDutyServiceSpec& service,
                                 const std::vector<std::string>& assignees, SimTime now) {
  incident.number = static_cast<int64_t>(incidents_.size()) + 1;
  incident.id = NewId('Q', "incident/" + std::to_string(incident.number));
  incident.service_id = service.id;
  incident.created_at = now;
  incident.last_status_change_at = now;
  incident.last_status_change_by = incident.created_by;
  if (service.auto_resolve_timeout) incident.auto_resolve_at = now + *service.auto_resolve_timeout;
  incident.log.push_back(
      {now, "trigger_log_entry", incident.created_by, "", "Triggered: " + incident.title});
  incidents_.push_back(std::move(incident));
  PdIncident& opened = incidents_.back();
  if (!assignees.empty()) {
    opened.assigned_via = "direct_assignment";
    opened.escalation_policy_id.clear();
    for (const std::string& user : assignees) PageUser(opened, user, "assignment", now);
  } else {
    if (opened.escalation_policy_id.empty())
      opened.escalation_policy_id = service.escalation_policy;
    PageLevel(opened, "trigger", now);
  }
  return opened;
}

void PagerDutyWorld::PageLevel(PdIncident& incident, const std::string& reason, SimTime now) {
  const model::PagerDutyEscalationPolicySpec* policy = FindPolicy(incident.escalation_policy_id);
  const model::PagerDutyEscalationRuleSpec& rule = policy->rules[incident.level];
  incident.assignments.clear();
  for (const std::string& user : rule.targets) PageUser(incident, user, reason, now);
  incident.escalate_at = now + rule.escalation_delay_in_minutes * kMinute;
}

void PagerDutyWorld::PageUser(PdIncident& incident, const std::string& user,
                              const std::string& reason, SimTime now) {
  if (std::none_of(incident.assignments.begin(), incident.assignments.end(),
                   [&](const PdAssignment& a) { return a.user == user; })) {
    incident.assignments.push_back({user, now});
    incident.log.push_back(
        {now, "assign_log_entry",
         reason == "assignment" ? incident.created_by : std::string(kPdAgentPolicy), user,
         "Assigned to " + FindUser(user)->name});
  }
  incident.log.push_back(
      {now, "notify_log_entry", kPdAgentPolicy, user, "Notified " + FindUser(user)->name});
  pages_.push_back(
      {now, incident.number, incident.id, user, incident.level, incident.loop, reason});
  for (const model::PagerDutyResponderSpec& r : spec_.responders) {
    if (r.user != user) continue;
    if (r.acks_after)
      incident.scripted.push_back({now + *r.acks_after, false, user, ++scripted_sequence_});
    if (r.resolves_after) {
      incident.scripted.push_back({now + *r.resolves_after, true, user, ++scripted_sequence_});
    }
  }
}

void PagerDutyWorld::Escalate(PdIncident& incident, SimTime now) {
  const model::PagerDutyEscalationPolicySpec* policy = FindPolicy(incident.escalation_policy_id);
  incident.escalate_at.reset();
  int level = incident.level + 1;
  int loop = incident.loop;
  if (level == static_cast<int>(policy->rules.size())) {
    // The chain is spent: the incident stays with the last rule's targets.
    if (loop >= policy->num_loops) return;
    level = 0;
    ++loop;
  }
  incident.level = level;
  incident.loop = loop;
  incident.log.push_back({now, "escalate_log_entry", kPdAgentPolicy, "",
                          "Escalated to level " + std::to_string(level + 1)});
  PageLevel(incident, "escalation", now);
}

void PagerDutyWorld::Unacknowledge(PdIncident& incident, SimTime now) {
  incident.unacknowledge_at.reset();
  incident.status = PdStatus::kTriggered;
  incident.last_status_change_at = now;
  incident.last_status_change_by = kPdAgentService;
  incident.acknowledgers.clear();
  incident.log.push_back(
      {now, "unacknowledge_log_entry", kPdAgentService, "", "Unacknowledged due to timeout"});
  if (incident.assigned_via == "direct_assignment") {
    const std::vector<PdAssignment> current = incident.assignments;
    for (const PdAssignment& a : current) PageUser(incident, a.user, "unacknowledge", now);
    return;
  }
  PageLevel(incident, "unacknowledge", now);
}

void PagerDutyWorld::DoAcknowledge(PdIncident& incident, const std::string& agent, SimTime now) {
  const model::PagerDutyServiceSpec* service = FindService(incident.service_id);
  if (incident.status != PdStatus::kAcknowledged) {
    incident.status = PdStatus::kAcknowledged;
    incident.last_status_change_at = now;
    incident.last_status_change_by = agent;
  }
  if (std::find(incident.acknowledgers.begin(), incident.acknowledgers.end(), agent) ==
      incident.acknowledgers.end()) {
    incident.acknowledgers.push_back(agent);
  }
  incident.escalate_at.reset();
  incident.unacknowledge_at.reset();
  if (service->acknowledgement_timeout) {
    incident.unacknowledge_at = now + *service->acknowledgement_timeout;
  }
  incident.log.push_back({now, "acknowledge_log_entry", agent, "", "Acknowledged"});
}

void PagerDutyWorld::DoResolve(PdIncident& incident, const std::string& agent, SimTime now) {
  incident.status = PdStatus::kResolved;
  incident.resolved_at = now;
  incident.last_status_change_at = now;
  incident.last_status_change_by = agent;
  incident.escalate_at.reset();
  incident.unacknowledge_at.reset();
  incident.auto_resolve_at.reset();
  incident.scripted.clear();
  incident.log.push_back({now, "resolve_log_entry", agent, "",
                          agent == kPdAgentService ? "Resolved due to timeout" : "Resolved"});
}

PdIncident* PagerDutyWorld::OpenByRoutingKey(const std::string& routing_key,
                                             const std::string& dedup_key) {
  for (PdIncident& incident : incidents_) {
    if (incident.open() && incident.routing_key == routing_key &&
        incident.incident_key == dedup_key) {
      return &incident;
    }
  }
  return nullptr;
}

PdTriggerOutcome PagerDutyWorld::Trigger(const PdTriggerEvent& event, SimTime now) {
  AdvanceTo(now);
  now = now_;
  PdTriggerOutcome outcome;
  outcome.dedup_key = event.dedup_key;
  if (outcome.dedup_key.empty()) {
    // 32 hex digits like PagerDuty's generated keys, numbered so that a rerun agrees.
    const std::string salt = event.routing_key + "/" + std::to_string(++generated_keys_);
    outcome.dedup_key = Hex(StableHash(salt, seed_)) + Hex(StableHash(salt, ~seed_));
  }
  if (PdIncident* open = OpenByRoutingKey(event.routing_key, outcome.dedup_key)) {
    ++open->deduplicated_events;
    outcome.incident_id = open->id;
    return outcome;
  }
  const model::PagerDutyServiceSpec* service = FindServiceByRoutingKey(event.routing_key);
  PdIncident incident;
  incident.title = event.summary;
  incident.routing_key = event.routing_key;
  incident.incident_key = outcome.dedup_key;
  incident.severity = event.severity;
  incident.source = event.source;
  incident.urgency = UrgencyOf(service->urgency, event.severity);
  incident.created_by = kPdAgentEvents;
  outcome.incident_id = Open(std::move(incident), *service, {}, now).id;
  outcome.created = true;
  return outcome;
}

std::optional<std::string> PagerDutyWorld::AcknowledgeByKey(const std::string& routing_key,
                                                            const std::string& dedup_key,
                                                            SimTime now) {
  AdvanceTo(now);
  PdIncident* incident = OpenByRoutingKey(routing_key, dedup_key);
  if (!incident) return std::nullopt;
  DoAcknowledge(*incident, kPdAgentEvents, now_);
  return incident->id;
}

std::optional<std::string> PagerDutyWorld::ResolveByKey(const std::string& routing_key,
                                                        const std::string& dedup_key, SimTime now) {
  AdvanceTo(now);
  PdIncident* incident = OpenByRoutingKey(routing_key, dedup_key);
  if (!incident) return std::nullopt;
  DoResolve(*incident, kPdAgentEvents, now_);
  return incident->id;
}

StatusOr<std::string> PagerDutyWorld::CreateIncident(const PdNewIncident& request, SimTime now) {
  AdvanceTo(now);
  const model::PagerDutyServiceSpec* service = FindService(request.service_id);
  if (!service) return Status::InvalidInput("Service not found");
  if (!request.escalation_policy_id.empty() && !FindPolicy(request.escalation_policy_id)) {
    return Status::InvalidInput("Escalation Policy not found");
  }
  for (const std::string& user : request.assignee_ids) {
    if (!FindUser(user)) return Status::InvalidInput("Assignee not found");
  }
  if (!request.incident_key.empty()) {
    for (const PdIncident& other : incidents_) {
      if (other.open() && other.service_id == service->id &&
          other.incident_key == request.incident_key) {
        return Status::InvalidInput("Open incident with key '" + request.incident_key +
                                    "' already exists for this service.");
      }
    }
  }
  PdIncident incident;
  incident.title = request.title;
  incident.details = request.details;
  incident.urgency = request.urgency;
  incident.incident_key = request.incident_key;
  incident.escalation_policy_id = request.escalation_policy_id;
  incident.created_by = request.from_user;
  PdIncident& opened = Open(std::move(incident), *service, request.assignee_ids, now_);
  // PagerDuty starts an incident its creator assigns to themselves as acknowledged.
  if (request.assignee_ids.size() == 1 && request.assignee_ids[0] == request.from_user) {
    DoAcknowledge(opened, request.from_user, now_);
  }
  return opened.id;
}

Status PagerDutyWorld::Acknowledge(const std::string& incident_id, const std::string& user,
                                   SimTime now) {
  AdvanceTo(now);
  PdIncident* incident = Mutable(incident_id);
  if (!incident) return Status::InvalidInput("incident \"" + incident_id + "\" not found");
  if (incident->open()) DoAcknowledge(*incident, user, now_);
  return Status::Ok();
}

Status PagerDutyWorld::Resolve(const std::string& incident_id, const std::string& user,
                               SimTime now) {
  AdvanceTo(now);
  PdIncident* incident = Mutable(incident_id);
  if (!incident) return Status::InvalidInput("incident \"" + incident_id + "\" not found");
  if (incident->open()) DoResolve(*incident, user, now_);
  return Status::Ok();
}

StatusOr<std::string> PagerDutyWorld::AddNote(const std::string& incident_id,
                                              const std::string& user, const std::string& content,
                                              SimTime now) {
  AdvanceTo(now);
  PdIncident* incident = Mutable(incident_id);
  if (!incident) return Status::InvalidInput("incident \"" + incident_id + "\" not found");
  PdNote note{NewId('P', "note/" + std::to_string(++notes_)), now_, user, content};
  incident->notes.push_back(note);
  incident->log.push_back({now_, "annotate_log_entry", user, "", "Note added"});
  return note.id;
}

// ---------------------------------------------------------------------------- reads

PdIncident* PagerDutyWorld::Mutable(const std::string& id) {
  for (PdIncident& incident : incidents_) {
    if (incident.id == id) return &incident;
  }
  return nullptr;
}

const PdIncident* PagerDutyWorld::FindIncident(const std::string& id) const {
  return const_cast<PagerDutyWorld*>(this)->Mutable(id);
}

const PdIncident* PagerDutyWorld::FindIncidentByNumber(int64_t number) const {
  if (number < 1 || number > static_cast<int64_t>(incidents_.size())) return nullptr;
  return &incidents_[static_cast<size_t>(number - 1)];
}

std::vector<PdPage> PagerDutyWorld::PagesOf(const std::string& user) const {
  std::vector<PdPage> out;
  for (const PdPage& p : pages_) {
    if (p.user == user) out.push_back(p);
  }
  return out;
}

const model::PagerDutyUserSpec* PagerDutyWorld::FindUser(const std::string& id) const {
  for (const auto& u : spec_.users) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

const model::PagerDutyUserSpec* PagerDutyWorld::FindUserByEmail(const std::string& email) const {
  for (const auto& u : spec_.users) {
    if (!u.email.empty() && u.email == email) return &u;
  }
  return nullptr;
}

const model::PagerDutyServiceSpec* PagerDutyWorld::FindService(const std::string& id) const {
  for (const auto& s : spec_.services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const model::PagerDutyServiceSpec* PagerDutyWorld::FindServiceByRoutingKey(
    const std::string& key) const {
  for (const auto& s : spec_.services) {
    if (std::find(s.integration_keys.begin(), s.integration_keys.end(), key) !=
        s.integration_keys.end()) {
      return &s;
    }
  }
  return nullptr;
}

const model::PagerDutyEscalationPolicySpec* PagerDutyWorld::FindPolicy(
    const std::string& id) const {
  for (const auto& p : spec_.escalation_policies) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool PagerDutyWorld::IsApiToken(const std::string& token) const {
  return std::find(spec_.api_tokens.begin(), spec_.api_tokens.end(), token) !=
         spec_.api_tokens.end();
}

nlohmann::json PagerDutyWorld::Snapshot() const {
  nlohmann::json incidents = nlohmann::json::array();
  for (const PdIncident& i : incidents_) {
    nlohmann::json assignments = nlohmann::json::array();
    for (const PdAssignment& a : i.assignments) {
      assignments.push_back({{"user", a.user}, {"at_ms", a.at.count()}});
    }
    nlohmann::json log = nlohmann::json::array();
    for (const PdLogEntry& e : i.log) log.push_back(LogJson(e));
    nlohmann::json notes = nlohmann::json::array();
    for (const PdNote& n : i.notes) {
      notes.push_back(
          {{"id", n.id}, {"at_ms", n.at.count()}, {"user", n.user}, {"content", n.content}});
    }
    incidents.push_back({{"number", i.number},
                         {"id", i.id},
                         {"title", i.title},
                         {"service", i.service_id},
                         {"incident_key", i.incident_key},
                         {"status", PdStatusName(i.status)},
                         {"urgency", i.urgency},
                         {"created_at_ms", i.created_at.count()},
                         {"resolved_at_ms", i.resolved_at ? nlohmann::json(i.resolved_at->count())
                                                          : nlohmann::json(nullptr)},
                         {"assigned_via", i.assigned_via},
                         {"escalation_policy", i.escalation_policy_id},
                         {"level", i.level},
                         {"loop", i.loop},
                         {"acknowledgers", i.acknowledgers},
                         {"deduplicated_events", i.deduplicated_events},
                         {"assignments", assignments},
                         {"log", log},
                         {"notes", notes}});
  }
  nlohmann::json pages = nlohmann::json::array();
  for (const PdPage& p : pages_) {
    pages.push_back({{"at_ms", p.at.count()},
                     {"incident", p.incident_id},
                     {"user", p.user},
                     {"level", p.level},
                     {"loop", p.loop},
                     {"reason", p.reason}});
  }
  return {{"incidents", incidents}, {"pages", pages}};
}

}  // namespace rundrill::world
