#include "simulator/drill/expectations.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

#include "simulator/text/pattern.h"
#include "simulator/text/quote.h"
#include "simulator/text/series_selector.h"
#include "simulator/world/metrics/metrics.h"

namespace rundrill::drill {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "none" : out;
}

// The last run of the runbook: when an alert flaps, the state it left is the one that
// counts.
const RunbookRecord* FindRun(const DrillResult& result, const std::string& name) {
  const RunbookRecord* found = nullptr;
  for (const auto& run : result.runbooks) {
    if (run.name == name) found = &run;
  }
  return found;
}

// The step's record in `run`; nullptr when the run is null or has no such step.
const StepRecord* FindStep(const RunbookRecord* run, const std::string& id) {
  const StepRecord* found = nullptr;
  if (run) {
    for (const auto& s : run->steps) {
      if (s.id == id) found = &s;
    }
  }
  return found;
}

// `"text"`, on one line and cut, for details that quote what was found.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  return QuoteText(text, kMaxShown);
}

// "a", "a and b", "a, b and c".
std::string JoinAnd(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

std::string Plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "exactly 1 message", "at least 2 messages", "no message".
std::string CountPhrase(const model::CountSpec& c, std::string_view one, std::string_view many) {
  if (c.count && *c.count == 0) return "no " + std::string(one);
  if (c.count) return "exactly " + Plural(*c.count, one, many);
  return "at least " + Plural(c.at_least, one, many);
}

bool CountHolds(const model::CountSpec& c, int n) {
  return c.count ? n == *c.count : n >= c.at_least;
}

// How a finished filter stage reads in a detail: "2 on service production", "none resolved".
std::string StageText(size_t kept, const std::string& label) {
  return (kept == 0 ? std::string("none") : std::to_string(kept)) + " " + label;
}

// ---- slack

// Every string stored under one of `keys`, anywhere inside `value`, in document order.
void CollectStrings(const nlohmann::json& value, const std::set<std::string>& keys,
                    std::vector<std::string>* out) {
  if (value.is_array()) {
    for (const auto& item : value) CollectStrings(item, keys, out);
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (item.is_string() && keys.count(key)) {
        out->push_back(item.get<std::string>());
      } else {
        CollectStrings(item, keys, out);
      }
    }
  }
}

// What a reader of the channel sees of a message: its text, the text of its blocks
// (header and section text, section fields, context and rich text elements) and of its
// legacy attachments. A message posted with blocks may carry only a fallback `text`, so
// searching the text alone would miss what the blocks say.
std::vector<std::string> MessageTexts(const world::SlackMessage& message) {
  std::vector<std::string> out;
  if (!message.content.text.empty()) out.push_back(message.content.text);
  CollectStrings(message.content.blocks, {"text"}, &out);
  CollectStrings(message.content.attachments, {"text", "pretext", "title", "fallback", "value"},
                 &out);
  return out;
}

std::string MessageExcerpt(const world::SlackMessage& message) {
  const std::vector<std::string> texts = MessageTexts(message);
  return Excerpt(texts.empty() ? std::string_view() : std::string_view(texts.front()));
}

bool HasReaction(const world::SlackMessage& message, const std::string& name) {
  return std::any_of(message.reactions.begin(), message.reactions.end(),
                     [&](const world::SlackReaction& r) { return r.name == name; });
}

// Deleted channels count too: what was posted before a fault removed the channel was still
// posted.
const world::SlackChannel* FindChannelForExpectation(const world::SlackWorld& slack,
                                                     std::string_view id_or_name) {
  if (!id_or_name.empty() && id_or_name.front() == '#') id_or_name.remove_prefix(1);
  for (const auto& channel : slack.channels()) {
    if (channel.id == id_or_name || channel.name == id_or_name) return &channel;
  }
  return nullptr;
}

ExpectationResult CheckSlack(const model::SlackExpectation& x, const world::SlackWorld& slack) {
  ExpectationResult r;
  r.source = x.mark.ToString();
  const world::SlackChannel* channel = FindChannelForExpectation(slack, x.channel);
  std::string where = channel                                          ? "#" + channel->name
                      : !x.channel.empty() && x.channel.front() == '#' ? x.channel
                                                                       : "#" + x.channel;
  r.what = CountPhrase(x.count, "Slack message", "Slack messages") + " in " + where;
  std::string regex_label;
  if (x.text_matches) {
    regex_label = "matching /" + *x.text_matches + "/";
    r.what += " " + regex_label;
  }
  if (x.reaction) r.what += " with :" + *x.reaction + ":";
  if (!channel) {
    r.detail = "no channel " + where + " in the workspace";
    r.passed = CountHolds(x.count, 0);
    return r;
  }
  if (channel->deleted) where += " (deleted)";

  std::optional<Pattern> pattern;
  if (x.text_matches) {
    auto compiled = Pattern::Compile(*x.text_matches);
    if (!compiled.ok()) {
      r.detail = "invalid regex /" + *x.text_matches + "/: " + compiled.status().message();
      return r;
    }
    pattern = *compiled;
  }

  std::vector<const world::SlackMessage*> text_matched;
  std::string match_error;
  for (const world::SlackMessage& message : channel->messages) {
    bool matched = !pattern;
    if (pattern) {
      for (const std::string& text : MessageTexts(message)) {
        StatusOr<bool> found = pattern->Search(text);
        if (!found.ok()) {
          if (match_error.empty()) match_error = found.status().message();
          continue;
        }
        if (*found) {
          matched = true;
          break;
        }
      }
    }
    if (matched) text_matched.push_back(&message);
  }
  std::vector<const world::SlackMessage*> matched;
  for (const world::SlackMessage* message : text_matched) {
    if (!x.reaction || HasReaction(*message, *x.reaction)) matched.push_back(message);
  }
  r.passed = match_error.empty() && CountHolds(x.count, static_cast<int>(matched.size()));

  const auto& all = channel->messages;
  if (all.empty()) {
    r.detail = "no messages in " + where;
    return r;
  }
  r.detail = Plural(static_cast<int>(all.size()), "message", "messages") + " in " + where;
  if (pattern) r.detail += ", " + StageText(text_matched.size(), regex_label);
  if (x.reaction && !(pattern && text_matched.empty())) {
    r.detail += ", " + StageText(matched.size(), std::string(pattern ? "of them " : "") +
                                                     "with :" + *x.reaction + ":");
  }
  // Show the message a reader would look at next: the latest match, else the latest that
  // got furthest through the filters.
  if (!pattern && !x.reaction) {
    r.detail += "; latest: " + MessageExcerpt(all.back());
  } else if (!matched.empty()) {
    r.detail += "; latest match: " + MessageExcerpt(*matched.back());
  } else if (!text_matched.empty()) {
    r.detail += "; closest: " + MessageExcerpt(*text_matched.back());
  } else {
    r.detail += "; latest: " + MessageExcerpt(all.back());
  }
  if (!match_error.empty()) r.detail += "; matching failed: " + match_error;
  return r;
}

// ---- pagerduty

bool UserIs(const world::PagerDutyWorld& pd, const std::string& id, const std::string& wanted) {
  if (id == wanted) return true;
  const model::PagerDutyUserSpec* user = pd.FindUser(id);
  return user != nullptr && user->name == wanted;
}

// `wanted` is a service id or name, as expectations may give either.
bool OnService(const world::PagerDutyWorld& pd, const world::PdIncident& incident,
               const std::string& wanted) {
  const model::PagerDutyServiceSpec* service = pd.FindService(incident.service_id);
  return incident.service_id == wanted || (service != nullptr && service->name == wanted);
}

std::string ServiceText(const world::PagerDutyWorld& pd, const std::string& id) {
  const model::PagerDutyServiceSpec* service = pd.FindService(id);
  return service ? service->name + " (" + id + ")" : id;
}

// The users notified about an incident, in the order first paged.
std::vector<std::string> PagedUsers(const world::PagerDutyWorld& pd,
                                    const world::PdIncident& incident) {
  std::vector<std::string> users;
  for (const world::PdPage& page : pd.pages()) {
    if (page.incident_id == incident.id &&
        std::find(users.begin(), users.end(), page.user) == users.end()) {
      users.push_back(page.user);
    }
  }
  return users;
}

std::string IncidentText(const world::PagerDutyWorld& pd, const world::PdIncident& incident) {
  std::vector<std::string> parts = {std::string(world::PdStatusName(incident.status)),
                                    incident.urgency + " urgency",
                                    "service " + ServiceText(pd, incident.service_id)};
  if (!incident.acknowledgers.empty()) {
    parts.push_back("acknowledged by " + JoinAnd(incident.acknowledgers));
  }
  const std::vector<std::string> paged = PagedUsers(pd, incident);
  parts.push_back(paged.empty() ? "nobody paged" : JoinAnd(paged) + " paged");
  std::string out = "#" + std::to_string(incident.number) + " " + Excerpt(incident.title) + " (";
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : ", ") + parts[i];
  return out + ")";
}

ExpectationResult CheckPagerDuty(const model::PagerDutyExpectation& x,
                                 const world::PagerDutyWorld& pd) {
  ExpectationResult r;
  r.source = x.mark.ToString();

  // One filter: how the expectation and the count-down name it, and what it keeps. The
  // service and title say which incidents are meant (`selects`); the rest say what must
  // hold of them.
  struct Stage {
    std::string label;
    bool selects = false;
    std::function<bool(const world::PdIncident&)> keep;
  };
  std::vector<Stage> stages;
  if (x.service) {
    const std::string wanted = *x.service;
    stages.push_back({"on service " + wanted, true, [&pd, wanted](const world::PdIncident& i) {
                        return OnService(pd, i, wanted);
                      }});
  }
  std::optional<Pattern> pattern;
  std::string match_error;
  if (x.title_matches) {
    auto compiled = Pattern::Compile(*x.title_matches);
    if (!compiled.ok()) {
      r.what = "PagerDuty incidents titled /" + *x.title_matches + "/";
      r.detail = "invalid regex /" + *x.title_matches + "/: " + compiled.status().message();
      return r;
    }
    pattern = *compiled;
    stages.push_back({"titled /" + *x.title_matches + "/", true, [&](const world::PdIncident& i) {
                        StatusOr<bool> found = pattern->Search(i.title);
                        if (!found.ok() && match_error.empty()) {
                          match_error = found.status().message();
                        }
                        return found.ok() && *found;
                      }});
  }
  if (x.status) {
    const std::string wanted = *x.status;
    stages.push_back({wanted, false, [wanted](const world::PdIncident& i) {
                        return world::PdStatusName(i.status) == wanted;
                      }});
  }
  if (x.urgency) {
    const std::string wanted = *x.urgency;
    stages.push_back({"with " + wanted + " urgency", false,
                      [wanted](const world::PdIncident& i) { return i.urgency == wanted; }});
  }
  if (x.acknowledged_by) {
    const std::string wanted = *x.acknowledged_by;
    stages.push_back(
        {"acknowledged by " + wanted, false, [&pd, wanted](const world::PdIncident& i) {
           return std::any_of(i.acknowledgers.begin(), i.acknowledgers.end(),
                              [&](const std::string& id) { return UserIs(pd, id, wanted); });
         }});
  }
  if (!x.paged.empty()) {
    const std::vector<std::string> wanted = x.paged;
    stages.push_back(
        {"with " + JoinAnd(wanted) + " paged", false, [&pd, wanted](const world::PdIncident& i) {
           const std::vector<std::string> paged = PagedUsers(pd, i);
           return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
             return std::any_of(paged.begin(), paged.end(),
                                [&](const std::string& id) { return UserIs(pd, id, w); });
           });
         }});
  }

  r.what = CountPhrase(x.count, "PagerDuty incident", "PagerDuty incidents");
  std::vector<std::string> conditions;
  for (const Stage& stage : stages) {
    if (stage.selects) {
      r.what += " " + stage.label;
    } else {
      conditions.push_back(stage.label);
    }
  }
  for (size_t i = 0; i < conditions.size(); ++i) r.what += (i == 0 ? ": " : ", ") + conditions[i];

  std::vector<const world::PdIncident*> kept;
  for (const world::PdIncident& incident : pd.incidents()) kept.push_back(&incident);
  const size_t total = kept.size();
  std::vector<std::string> funnel;
  const world::PdIncident* shown = kept.empty() ? nullptr : kept.back();
  for (const Stage& stage : stages) {
    if (kept.empty()) break;
    std::vector<const world::PdIncident*> next;
    for (const world::PdIncident* incident : kept) {
      if (stage.keep(*incident)) next.push_back(incident);
    }
    funnel.push_back(StageText(next.size(), stage.label));
    kept = std::move(next);
    if (!kept.empty()) shown = kept.back();
  }
  r.passed = match_error.empty() && CountHolds(x.count, static_cast<int>(kept.size()));

  if (total == 0) {
    r.detail = "no PagerDuty incidents";
    return r;
  }
  r.detail = Plural(static_cast<int>(total), "incident", "incidents");
  for (size_t i = 0; i < funnel.size(); ++i) r.detail += (i == 0 ? ": " : ", ") + funnel[i];
  // The latest match, else the latest incident that got furthest through the filters.
  const char* shown_as = stages.empty() ? "; latest: "
                         : kept.empty() ? "; closest: "
                                        : "; latest match: ";
  r.detail += shown_as + IncidentText(pd, *shown);
  if (!match_error.empty()) r.detail += "; matching failed: " + match_error;
  return r;
}

// ---- escalated

ExpectationResult CheckEscalated(const model::EscalationExpectation& x,
                                 const world::PagerDutyWorld& pd) {
  ExpectationResult r;
  r.source = x.mark.ToString();
  std::string scope = "PagerDuty incident";
  if (x.service) scope += " on service " + *x.service;
  r.what = (x.escalated ? "a " : "no ") + scope + " escalated";
  if (x.to) r.what += " to " + *x.to;

  // An escalation pages the next rule's targets with reason "escalation"; the pages, in time
  // order, say when, about which incident and whom.
  const world::PdPage* first = nullptr;  // the first escalation page in scope
  std::vector<std::string> paged;        // whom escalations in scope paged, for the detail
  for (const world::PdPage& page : pd.pages()) {
    if (page.reason != "escalation") continue;
    const world::PdIncident* incident = pd.FindIncident(page.incident_id);
    if (incident == nullptr || (x.service && !OnService(pd, *incident, *x.service))) continue;
    if (std::find(paged.begin(), paged.end(), page.user) == paged.end()) {
      paged.push_back(page.user);
    }
    if (first == nullptr && (!x.to || UserIs(pd, page.user, *x.to))) first = &page;
  }
  r.passed = (first != nullptr) == x.escalated;
  if (first != nullptr) {
    const world::PdIncident* incident = pd.FindIncident(first->incident_id);
    r.detail = "#" + std::to_string(incident->number) + " " + Excerpt(incident->title) +
               " escalated at " + FormatClock(first->at) + " to level " +
               std::to_string(first->level + 1) + ", paging " + first->user;
  } else if (pd.incidents().empty()) {
    r.detail = "no PagerDuty incidents";
  } else if (paged.empty()) {
    r.detail = "no escalation among " +
               Plural(static_cast<int>(pd.incidents().size()), "incident", "incidents");
  } else {
    r.detail = "escalations paged only " + JoinAnd(paged);
  }
  return r;
}

// ---- order

// When an `order:` event first happened, and where the drill recorded it. Two events at the
// same virtual time are in order only when one record holds both, in that order: the
// drill's timeline (steps, alerts), one channel's messages, one incident's log. Across
// records nothing says which came first within a millisecond, so neither did.
struct Occurrence {
  SimTime at{0};
  std::string record;  // "" when the place in a record could not be found
  size_t index = 0;    // position within `record`
};

bool HappenedBefore(const Occurrence& a, const Occurrence& b) {
  if (a.at != b.at) return a.at < b.at;
  return !a.record.empty() && a.record == b.record && a.index < b.index;
}

// The earlier of two candidates; on a tie, the one earlier in their shared record.
void KeepEarliest(std::optional<Occurrence>* best, const Occurrence& candidate) {
  if (!*best || HappenedBefore(candidate, **best)) *best = candidate;
}

std::string DescribeEvent(const model::OrderEvent& e) {
  switch (e.kind) {
    case model::OrderEvent::Kind::kSlack:
      return std::string("Slack message in ") + (e.channel.rfind('#', 0) == 0 ? "" : "#") +
             e.channel + (e.text_matches ? " matching /" + *e.text_matches + "/" : "");
    case model::OrderEvent::Kind::kPagerDuty:
      return "PagerDuty incident" + (e.service ? " on service " + *e.service : "") +
             (e.text_matches ? " titled /" + *e.text_matches + "/" : "") + " " + e.status;
    case model::OrderEvent::Kind::kStep:
      return "step " + e.runbook + "/" + e.step + " " + e.outcome.value_or("ran");
    case model::OrderEvent::Kind::kAlert:
      return "alert " + e.alertname + " " + e.status;
  }
  return "";
}

// The timeline entry of `kind`s at `at` whose detail starts with `prefix`: how the drill
// noted the step or alert, which places it among the others noted in the same millisecond.
Occurrence OnTimeline(const DrillResult& result, SimTime at,
                      const std::vector<std::string_view>& kinds, const std::string& prefix) {
  for (size_t i = 0; i < result.timeline.size(); ++i) {
    const TimelineEntry& entry = result.timeline[i];
    if (entry.at != at || entry.detail.rfind(prefix, 0) != 0) continue;
    if (std::find(kinds.begin(), kinds.end(), entry.kind) != kinds.end()) {
      return {at, "timeline", i};
    }
  }
  return {at, "", 0};
}

// The event's `text_matches` (or `title_matches`), when it has one. False, with `*error` set,
// when it does not compile.
bool CompileEventPattern(const model::OrderEvent& e, std::optional<Pattern>* pattern,
                         std::string* error) {
  if (!e.text_matches) return true;
  auto compiled = Pattern::Compile(*e.text_matches);
  if (!compiled.ok()) {
    *error = "invalid regex /" + *e.text_matches + "/: " + compiled.status().message();
    return false;
  }
  *pattern = *compiled;
  return true;
}

// nullopt when the event never happened; `error` receives a regex that failed to compile.
std::optional<Occurrence> FindSlackEvent(const model::OrderEvent& e, const world::SlackWorld& slack,
                                         std::string* error) {
  const world::SlackChannel* channel = FindChannelForExpectation(slack, e.channel);
  if (channel == nullptr) return std::nullopt;
  std::optional<Pattern> pattern;
  if (!CompileEventPattern(e, &pattern, error)) return std::nullopt;
  // Messages are kept by ts, which never goes backwards within a channel.
  for (size_t i = 0; i < channel->messages.size(); ++i) {
    const world::SlackMessage& message = channel->messages[i];
    bool matched = !pattern;
    for (const std::string& text : MessageTexts(message)) {
      if (matched) break;
      StatusOr<bool> found = pattern->Search(text);
      matched = found.ok() && *found;
    }
    if (matched) return Occurrence{message.posted_at, "slack " + channel->id, i};
  }
  return std::nullopt;
}

std::optional<Occurrence> FindPagerDutyEvent(const model::OrderEvent& e,
                                             const world::PagerDutyWorld& pd, std::string* error) {
  std::optional<Pattern> pattern;
  if (!CompileEventPattern(e, &pattern, error)) return std::nullopt;
  // Triggered is reached when the incident opens; an unacknowledge comes back to it later.
  const std::string entry_type = e.status == "triggered"      ? "trigger_log_entry"
                                 : e.status == "acknowledged" ? "acknowledge_log_entry"
                                                              : "resolve_log_entry";
  std::optional<Occurrence> best;
  for (const world::PdIncident& incident : pd.incidents()) {
    if (e.service && !OnService(pd, incident, *e.service)) continue;
    if (pattern) {
      StatusOr<bool> found = pattern->Search(incident.title);
      if (!found.ok() || !*found) continue;
    }
    for (size_t i = 0; i < incident.log.size(); ++i) {
      if (incident.log[i].type != entry_type) continue;
      KeepEarliest(&best, {incident.log[i].at, "pagerduty " + incident.id, i});
      break;
    }
  }
  return best;
}

std::optional<Occurrence> FindStepEvent(const model::OrderEvent& e, const DrillResult& result) {
  std::optional<Occurrence> best;
  for (const RunbookRecord& run : result.runbooks) {
    if (run.name != e.runbook) continue;
    for (const StepRecord& step : run.steps) {
      if (step.id != e.step) continue;
      const bool skipped = step.outcome == StepOutcome::kSkipped;
      if (e.outcome ? StepOutcomeName(step.outcome) != *e.outcome : skipped) continue;
      // A step the runbook never reached has no moment of its own.
      if (skipped && step.reason.rfind("not reached", 0) == 0) continue;
      KeepEarliest(&best, OnTimeline(result, step.ended_at, {"step.finished", "step.skipped"},
                                     run.name + "/" + step.id + " "));
    }
  }
  return best;
}

std::optional<Occurrence> FindAlertEvent(const model::OrderEvent& e, const DrillResult& result) {
  std::optional<Occurrence> best;
  for (const AlertRecord& alert : result.alerts) {
    if (alert.alertname != e.alertname) continue;
    if (e.status == "firing") {
      KeepEarliest(&best, OnTimeline(result, alert.fired_at, {"alert.fired", "alert.firing"},
                                     alert.alertname + " firing"));
    } else if (alert.resolved_at) {
      KeepEarliest(&best, OnTimeline(result, *alert.resolved_at, {"alert.resolved"},
                                     alert.alertname + " resolved"));
    }
  }
  return best;
}

ExpectationResult CheckOrder(const model::OrderExpectation& x, const DrillResult& result,
                             const world::World& world) {
  ExpectationResult r;
  r.source = x.mark.ToString();
  std::vector<std::string> names;
  for (const model::OrderEvent& e : x.events) names.push_back(DescribeEvent(e));
  r.what = "in order: ";
  for (size_t i = 0; i < names.size(); ++i) r.what += (i == 0 ? "" : ", then ") + names[i];

  std::vector<Occurrence> found;
  for (size_t i = 0; i < x.events.size(); ++i) {
    const model::OrderEvent& e = x.events[i];
    std::string error;
    std::optional<Occurrence> occurrence;
    switch (e.kind) {
      case model::OrderEvent::Kind::kSlack:
        occurrence = FindSlackEvent(e, world.slack(), &error);
        break;
      case model::OrderEvent::Kind::kPagerDuty:
        occurrence = FindPagerDutyEvent(e, world.pagerduty(), &error);
        break;
      case model::OrderEvent::Kind::kStep:
        occurrence = FindStepEvent(e, result);
        break;
      case model::OrderEvent::Kind::kAlert:
        occurrence = FindAlertEvent(e, result);
        break;
    }
    if (!error.empty()) {
      r.detail = error;
      return r;
    }
    if (!occurrence) {
      r.detail = names[i] + " never happened";
      return r;
    }
    found.push_back(*occurrence);
  }
  for (size_t i = 0; i + 1 < found.size(); ++i) {
    if (HappenedBefore(found[i], found[i + 1])) continue;
    const std::string first = names[i] + " at " + FormatClock(found[i].at);
    const std::string second = names[i + 1] + " at " + FormatClock(found[i + 1].at);
    r.detail = HappenedBefore(found[i + 1], found[i])
                   ? second + " came before " + first
                   : first + " and " + second + ", in no recorded order";
    return r;
  }
  r.passed = true;
  for (size_t i = 0; i < found.size(); ++i) {
    r.detail += (i == 0 ? "" : ", ") + names[i] + " at " + FormatClock(found[i].at);
  }
  return r;
}

}  // namespace

std::string DescribePredicate(const model::DeploymentPredicate& p) {
  std::vector<std::string> parts;
  if (p.image) parts.push_back("image is " + *p.image);
  if (p.ready_replicas) parts.push_back(std::to_string(*p.ready_replicas) + " ready replicas");
  if (p.revision) parts.push_back("revision " + std::to_string(*p.revision));
  if (p.healthy) parts.push_back(*p.healthy ? "healthy" : "not healthy");
  std::string out = "deployment " + p.namespace_name + "/" + p.name;
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? " " : ", ") + parts[i];
  return out;
}

bool DeploymentPredicateHolds(const world::KubeWorld& kube, const model::DeploymentPredicate& p,
                              std::string* found) {
  const auto state = kube.Deployment(p.namespace_name, p.name);
  if (!state) {
    if (found) *found = "deployment not found";
    return false;
  }
  if (found) {
    *found = "image " + state->image + ", " + std::to_string(state->ready) + "/" +
             std::to_string(state->replicas) + " ready, revision " +
             std::to_string(state->revision) + (state->healthy ? ", healthy" : ", not healthy");
  }
  if (p.image && *p.image != state->image) return false;
  if (p.ready_replicas && *p.ready_replicas != state->ready) return false;
  if (p.revision && *p.revision != state->revision) return false;
  if (p.healthy && *p.healthy != state->healthy) return false;
  return true;
}

std::vector<ExpectationResult> CheckExpectations(const model::Expectations& expect,
                                                 const DrillResult& result,
                                                 const world::World& world) {
  const world::KubeWorld& kube = world.kube();
  std::vector<ExpectationResult> out;
  const std::string source = expect.mark.ToString();

  std::vector<std::string> still_firing;
  std::optional<SimTime> last_resolved;
  std::optional<SimTime> first_fired;
  for (const auto& alert : result.alerts) {
    if (!first_fired || alert.fired_at < *first_fired) first_fired = alert.fired_at;
    if (!alert.resolved_at) {
      still_firing.push_back(alert.alertname);
    } else if (!last_resolved || *alert.resolved_at > *last_resolved) {
      last_resolved = alert.resolved_at;
    }
  }

  if (expect.resolved) {
    ExpectationResult r;
    r.source = source;
    const bool resolved = still_firing.empty() && !result.alerts.empty();
    r.what = *expect.resolved ? "every alert resolved by the horizon"
                              : "an alert still firing at the horizon";
    r.passed = resolved == *expect.resolved;
    if (result.alerts.empty()) {
      r.detail = "no alert fired";
    } else if (still_firing.empty()) {
      r.detail = "all resolved, the last at " + FormatClock(*last_resolved);
    } else {
      r.detail = "still firing: " + Join(still_firing);
    }
    out.push_back(r);
  }

  if (expect.resolved_within) {
    ExpectationResult r;
    r.source = source;
    r.what = "resolved within " + FormatDuration(*expect.resolved_within) + " of the first alert";
    if (!first_fired) {
      r.detail = "no alert fired";
    } else if (!still_firing.empty()) {
      r.detail = "still firing: " + Join(still_firing);
    } else {
      const SimDuration took = *last_resolved - *first_fired;
      r.passed = took <= *expect.resolved_within;
      r.detail = "resolved " + FormatDuration(took) + " after the first alert";
    }
    out.push_back(r);
  }

  for (const auto& predicate : expect.deployments) {
    ExpectationResult r;
    r.source = predicate.mark.ToString();
    r.what = DescribePredicate(predicate);
    r.passed = DeploymentPredicateHolds(kube, predicate, &r.detail);
    out.push_back(r);
  }

  for (const auto& metric : expect.metrics) {
    ExpectationResult r;
    r.source = metric.mark.ToString();
    r.what = "metric " + metric.expr;
    const std::vector<world::metrics::Sample> samples =
        world::metrics::QueryMetric(world, metric.selector);
    if (samples.empty()) {
      r.detail = "no series matches " + text::SelectorText(metric.selector);
    } else {
      r.passed = true;
      for (const auto& sample : samples) {
        const bool holds = text::Compare(sample.value, metric.comparison, metric.threshold);
        r.passed = r.passed && holds;
        if (!r.detail.empty()) r.detail += ", ";
        r.detail += world::metrics::SeriesText(metric.selector.metric, sample.labels) + " = " +
                    world::metrics::FormatValue(sample.value);
      }
    }
    out.push_back(r);
  }

  if (expect.runbooks_ran) {
    ExpectationResult r;
    r.source = source;
    std::set<std::string> wanted(expect.runbooks_ran->begin(), expect.runbooks_ran->end());
    std::set<std::string> ran;
    for (const auto& run : result.runbooks) ran.insert(run.name);
    r.what = "runbooks ran: " + Join(std::vector<std::string>(wanted.begin(), wanted.end()));
    r.passed = wanted == ran;
    r.detail = "ran: " + Join(std::vector<std::string>(ran.begin(), ran.end()));
    out.push_back(r);
  }

  for (const auto& rb : expect.runbooks) {
    const RunbookRecord* run = FindRun(result, rb.runbook);
    const std::string where = rb.mark.ToString();
    if (rb.ran) {
      ExpectationResult r{"runbook " + rb.runbook + (*rb.ran ? " ran" : " did not run"),
                          (run != nullptr) == *rb.ran, run ? "it ran" : "it did not run", where};
      out.push_back(r);
    }
    if (rb.runs) {
      int runs = 0;
      for (const auto& r : result.runbooks) runs += r.name == rb.runbook ? 1 : 0;
      ExpectationResult r{"runbook " + rb.runbook + " ran " + std::to_string(*rb.runs) +
                              (*rb.runs == 1 ? " time" : " times"),
                          runs == *rb.runs,
                          "it ran " + std::to_string(runs) + (runs == 1 ? " time" : " times"),
                          where};
      out.push_back(r);
    }
    if (rb.outcome) {
      ExpectationResult r{"runbook " + rb.runbook + " " + *rb.outcome, false, "", where};
      r.passed = run && run->outcome == *rb.outcome;
      r.detail = run ? "it " + run->outcome : "it did not run";
      out.push_back(r);
    }
    for (const auto& [step_id, outcome] : rb.steps) {
      ExpectationResult r{"step " + rb.runbook + "/" + step_id + " " + outcome, false, "", where};
      const StepRecord* step = FindStep(run, step_id);
      if (!run) {
        r.detail = "the runbook did not run";
      } else if (!step) {
        r.detail = "no such step in the run";
      } else {
        r.detail = std::string(StepOutcomeName(step->outcome));
        r.passed = r.detail == outcome;
      }
      out.push_back(r);
    }
    for (const auto& step_id : rb.steps_not_ran) {
      ExpectationResult r{"step " + rb.runbook + "/" + step_id + " did not run", true, "", where};
      const StepRecord* step = FindStep(run, step_id);
      if (!run) {
        r.detail = "the runbook did not run";
      } else if (!step) {
        r.detail = "not in the run";
      } else if (step->outcome == StepOutcome::kSkipped) {
        r.detail = "skipped" + (step->reason.empty() ? "" : ": " + step->reason);
      } else {
        r.passed = false;
        r.detail = "it " + std::string(StepOutcomeName(step->outcome));
      }
      out.push_back(r);
    }
  }

  for (const auto& x : expect.slack) out.push_back(CheckSlack(x, world.slack()));
  for (const auto& x : expect.pagerduty) out.push_back(CheckPagerDuty(x, world.pagerduty()));
  if (expect.escalated) out.push_back(CheckEscalated(*expect.escalated, world.pagerduty()));
  for (const auto& x : expect.order) out.push_back(CheckOrder(x, result, world));
  return out;
}

}  // namespace rundrill::drill
