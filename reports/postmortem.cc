#include "reports/postmortem.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace rundrill::reports {
namespace {

using drill::AlertRecord;
using drill::DrillResult;
using drill::RunbookRecord;
using drill::StepOutcome;
using drill::StepRecord;
using nlohmann::json;

constexpr size_t kTimelineDetail = 80;
constexpr size_t kCellText = 160;
constexpr size_t kProseText = 240;
constexpr char kOnCallTeam[] = "on-call team";

// ------------------------------------------------------------------------------------ text

// A newline would end a table row or a list item early, so text is folded onto one line.
std::string OneLine(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string out;
  for (size_t i = 0; i < end; ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < end && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      out += " ⏎ ";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// At most `max` characters, counted as code points so a cut never splits a UTF-8 sequence;
// the last one is an ellipsis when the text was cut.
std::string Shorten(const std::string& text, size_t max) {
  size_t count = 0;
  size_t cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count + 1 == max) cut = i;
    ++count;
  }
  if (count <= max) return text;
  return text.substr(0, cut) + "…";
}

// A pipe inside a cell would end the cell.
std::string Cell(const std::string& text, size_t max = kCellText) {
  std::string out;
  for (char c : Shorten(OneLine(text), max)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string Prose(const std::string& text) { return Shorten(OneLine(text), kProseText); }

// A code span whose fence is longer than any run of backticks in the text, so the text cannot
// close it.
std::string Code(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

std::string FirstLine(const std::string& text) {
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    std::string line = OneLine(text.substr(begin, end - begin));
    if (line.find_first_not_of(' ') != std::string::npos) return line;
    begin = end + 1;
  }
  return "";
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? (items.size() == 2 ? " and " : ", and ") : ", ";
    out += items[i];
  }
  return out;
}

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Whole minutes, as incident reviews speak of durations, with the exact figure beside them
// when rounding hid something.
std::string Minutes(SimDuration d) {
  const int64_t minutes = (d.count() + 30000) / 60000;
  std::string text = minutes == 0 && d.count() > 0 ? "less than a minute"
                     : minutes == 1                ? "1 minute"
                                                   : std::to_string(minutes) + " minutes";
  if (d.count() % 60000 != 0) text += " (" + FormatDuration(d) + ")";
  return text;
}

// ------------------------------------------------------------------------------ wall clock

// Virtual time as the UTC wall-clock reading it stands for, as people read a post-mortem.
class WallClock {
 public:
  // A result whose start_time is not RFC 3339 falls back to the default scenario start, the
  // same instant a drill without `start:` would have used.
  explicit WallClock(const std::string& start_time)
      : epoch_seconds_(ParseRfc3339Utc(start_time).value_or(Epoch{}.unix_seconds)) {}

  std::string DateTime(SimTime t) const {
    const Civil c = At(t);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u %02u:%02u:%02u",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
    return buffer;
  }

  std::string Date(SimTime t) const { return DateTime(t).substr(0, 10); }

 private:
  Civil At(SimTime t) const {
    // Floor division: a reading is the second that has begun, also before time 0.
    const int64_t ms = t.count();
    const int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    return CivilFromUnix(epoch_seconds_ + seconds);
  }

  int64_t epoch_seconds_;
};

// ------------------------------------------------------------------ final world, read safely

// The final world is plain JSON that a hand-built result may leave empty; every read tolerates
// a missing or mistyped field instead of throwing.
const json& Field(const json& object, const char* key) {
  static const json kMissing;
  if (!object.is_object()) return kMissing;
  auto it = object.find(key);
  return it == object.end() ? kMissing : *it;
}

std::string Text(const json& object, const char* key) {
  const json& value = Field(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

int64_t Number(const json& object, const char* key) {
  const json& value = Field(object, key);
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

const json& List(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const json& value = Field(object, key);
  return value.is_array() ? value : kEmpty;
}

struct Event {
  SimTime at{0};
  std::string action;
  std::string details;
};

struct SlackSummary {
  size_t messages = 0;
  std::vector<std::string> channels;  // "#name", in name order
};

// Channels come in name order (JSON objects keep their keys sorted), messages in the order
// they were posted.
SlackSummary AddSlackEvents(const json& slack, std::vector<Event>* events) {
  SlackSummary summary;
  if (!slack.is_object()) return summary;
  for (const auto& [name, channel] : slack.items()) {
    const json& messages = List(channel, "messages");
    if (messages.empty()) continue;
    summary.channels.push_back("#" + name);
    for (const json& m : messages) {
      ++summary.messages;
      std::string text = FirstLine(Text(m, "text"));
      if (text.empty()) text = "(no text: blocks or attachments only)";
      const std::string thread = Text(m, "thread_ts");
      const bool reply = !thread.empty() && thread != Text(m, "ts");
      events->push_back(Event{SimTime(Number(m, "posted_at_ms")),
                              reply ? "slack.replied" : "slack.posted", "#" + name + ": " + text});
    }
  }
  return summary;
}

// What the PagerDuty fake recorded, with people named the way its log names them.
class PagerDutyView {
 public:
  explicit PagerDutyView(const json& pagerduty) : pagerduty_(pagerduty) {
    for (const json& incident : Incidents()) {
      numbers_[Text(incident, "id")] = Number(incident, "number");
      // The snapshot holds user ids only; the log's own "Notified <name>" lines name them.
      for (const json& entry : List(incident, "log")) {
        const std::string user = Text(entry, "user");
        const std::string summary = Text(entry, "summary");
        for (const std::string prefix : {"Notified ", "Assigned to "}) {
          if (!user.empty() && summary.rfind(prefix, 0) == 0) {
            names_[user] = summary.substr(prefix.size());
          }
        }
      }
    }
  }

  const json& Incidents() const { return List(pagerduty_, "incidents"); }
  const json& Pages() const { return List(pagerduty_, "pages"); }

  std::string Who(const std::string& agent) const {
    if (agent == "events_api") return "the Events API";
    if (agent == "service") return "a service timeout";
    if (agent == "escalation") return "the escalation policy";
    auto it = names_.find(agent);
    return it == names_.end() ? agent : it->second;
  }

  std::string IncidentNumber(const std::string& incident_id) const {
    auto it = numbers_.find(incident_id);
    return "#" + (it == numbers_.end() ? incident_id : std::to_string(it->second));
  }

  // Users paged for an escalation of this incident at this instant, in page order.
  std::vector<std::string> EscalatedTo(const std::string& incident_id, int64_t at_ms,
                                       int64_t* level) const {
    std::vector<std::string> users;
    for (const json& page : Pages()) {
      if (Text(page, "incident") != incident_id || Text(page, "reason") != "escalation" ||
          Number(page, "at_ms") != at_ms) {
        continue;
      }
      users.push_back(Who(Text(page, "user")));
      *level = Number(page, "level") + 1;
    }
    return users;
  }

  void AddEvents(std::vector<Event>* events) const {
    for (const json& incident : Incidents()) {
      const std::string id = Text(incident, "id");
      const std::string number = IncidentNumber(id);
      for (const json& entry : List(incident, "log")) {
        const SimTime at(Number(entry, "at_ms"));
        const std::string type = Text(entry, "type");
        const std::string agent = Text(entry, "agent");
        if (type == "trigger_log_entry") {
          std::string details = number + ": " + Text(incident, "title");
          if (!Text(incident, "urgency").empty()) {
            details += " (urgency " + Text(incident, "urgency") + ")";
          }
          events->push_back(Event{at, "pagerduty.triggered", details});
        } else if (type == "acknowledge_log_entry") {
          events->push_back(Event{at, "pagerduty.acknowledged", number + " by " + Who(agent)});
        } else if (type == "unacknowledge_log_entry") {
          events->push_back(
              Event{at, "pagerduty.unacknowledged", number + ": acknowledgement timed out"});
        } else if (type == "resolve_log_entry") {
          events->push_back(Event{at, "pagerduty.resolved",
                                  agent == "service" ? number + ": resolved by a service timeout"
                                                     : number + " by " + Who(agent)});
        } else if (type == "escalate_log_entry") {
          int64_t level = 0;
          const auto users = EscalatedTo(id, at.count(), &level);
          std::string details = number + (users.empty() ? "" : " to " + JoinList(users));
          details += level > 0 ? ", level " + std::to_string(level) : ": " + Text(entry, "summary");
          events->push_back(Event{at, "pagerduty.escalated", details});
        }
      }
      for (const json& note : List(incident, "notes")) {
        events->push_back(Event{
            SimTime(Number(note, "at_ms")), "pagerduty.note",
            number + " by " + Who(Text(note, "user")) + ": " + FirstLine(Text(note, "content"))});
      }
    }
    for (const json& page : Pages()) {
      const std::string reason = Text(page, "reason");
      // Escalation pages are shown with the escalation itself.
      if (reason == "escalation") continue;
      std::string details =
          Who(Text(page, "user")) + " for " + IncidentNumber(Text(page, "incident"));
      if (reason == "unacknowledge") {
        details += ", again: the acknowledgement timed out";
      } else if (reason != "trigger" && reason != "assignment") {
        details += " (" + reason + ")";
      }
      events->push_back(Event{SimTime(Number(page, "at_ms")), "pagerduty.paged", details});
    }
  }

 private:
  const json& pagerduty_;
  std::map<std::string, int64_t> numbers_;
  std::map<std::string, std::string> names_;
};

// ------------------------------------------------------------------------------ the incident

std::string LabelText(const std::map<std::string, std::string>& labels, bool with_severity) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (k == "alertname" || (k == "severity" && !with_severity)) continue;
    out += (out.empty() ? "" : ", ") + k + "=" + v;
  }
  return out;
}

// "HighErrorRate {namespace=production, service=api}": enough to tell episodes apart.
std::string AlertTitle(const AlertRecord& alert) {
  const std::string labels = LabelText(alert.labels, false);
  return alert.alertname + (labels.empty() ? "" : " {" + labels + "}");
}

std::string LabelOr(const std::map<std::string, std::string>& labels, const std::string& key,
                    const std::string& fallback) {
  auto it = labels.find(key);
  return it == labels.end() || it->second.empty() ? fallback : it->second;
}

// Lower is more severe; names outside the list rank after every known one.
size_t SeverityRank(std::string severity) {
  static constexpr const char* kOrder[] = {"critical", "page",  "high", "error", "major", "warning",
                                           "medium",   "minor", "low",  "info",  "none"};
  std::transform(severity.begin(), severity.end(), severity.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto* it = std::find(std::begin(kOrder), std::end(kOrder), severity);
  return static_cast<size_t>(it - std::begin(kOrder));
}

bool Failed(const StepRecord& step) {
  return step.outcome == StepOutcome::kFailed || step.outcome == StepOutcome::kTimedOut;
}

struct Improvement {
  std::string finding;  // what happened, for "What Could Be Improved"
  std::string action;   // what to do about it, for "Action Items"
  std::string owner;
  std::string priority;
};

// Everything the sections share, worked out once.
class Postmortem {
 public:
  explicit Postmortem(const DrillResult& r)
      : r_(r), clock_(r.start_time), pagerduty_(Field(r.final_world, "pagerduty")) {
    end_ = r.horizon;
    for (const auto& entry : r.timeline) {
      if (entry.kind == "drill.finished") end_ = entry.at;
    }
    all_resolved_ = true;
    for (size_t i = 0; i < r.alerts.size(); ++i) {
      const AlertRecord& a = r.alerts[i];
      start_ = i == 0 ? a.incident_start : std::min(start_, a.incident_start);
      if (a.resolved_at) {
        resolved_at_ = std::max(resolved_at_.value_or(SimTime(0)), *a.resolved_at);
      } else {
        all_resolved_ = false;
      }
    }
    if (!all_resolved_) resolved_at_.reset();

    events_.reserve(r.timeline.size());
    for (const auto& entry : r.timeline) {
      events_.push_back(Event{entry.at, entry.kind, entry.detail});
    }
    slack_ = AddSlackEvents(Field(r.final_world, "slack"), &events_);
    pagerduty_.AddEvents(&events_);
    // At the same instant the drill's own events come first, then Slack, then PagerDuty: the
    // order they were appended in, which a stable sort keeps.
    std::stable_sort(events_.begin(), events_.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
    CollectImprovements();
  }

  std::string Render() const {
    std::ostringstream md;
    md << "# Post-Mortem: " << Id() << "\n\n";
    Summary(md);
    Timeline(md);
    RootCause(md);
    Impact(md);
    WentWell(md);
    CouldBeImproved(md);
    ActionItems(md);
    Footer(md);
    return md.str();
  }

 private:
  // Derived from the first alert's fingerprint, so the same drill always names its incident
  // the same way.
  std::string Id() const {
    if (r_.alerts.empty() || r_.alerts.front().fingerprint.empty()) {
      return "DRILL-" + r_.scenario_name;
    }
    std::string hex = r_.alerts.front().fingerprint.substr(0, 8);
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return "INC-" + hex;
  }

  std::string Title() const {
    if (r_.alerts.empty()) return "no alert fired during the drill of " + r_.scenario_name;
    const AlertRecord& first = r_.alerts.front();
    auto it = first.annotations.find("summary");
    if (it != first.annotations.end() && !OneLine(it->second).empty()) return Prose(it->second);
    return first.alertname;
  }

  // The most severe label any alert carried; at equal rank the earliest alert's wording.
  std::string Severity() const {
    std::optional<std::string> best;
    for (const auto& a : r_.alerts) {
      const std::string severity = LabelOr(a.labels, "severity", "");
      if (severity.empty()) continue;
      if (!best || SeverityRank(severity) < SeverityRank(*best)) best = severity;
    }
    return best.value_or("unknown");
  }

  std::string Duration() const {
    if (r_.alerts.empty()) return "none";
    if (resolved_at_) return Minutes(*resolved_at_ - start_);
    return "ongoing at the end of the drill (" + Minutes(end_ - start_) + ")";
  }

  bool Escalated() const {
    for (const auto& run : r_.runbooks) {
      if (run.outcome == "failed") return true;
    }
    return !pagerduty_.Incidents().empty();
  }

  // The action step that may be credited with ending the run's alert: it succeeded, the alert
  // resolved after it, no verify step after it failed, and the scenario changed nothing in
  // between (a heal or a new event could have ended the alert as well).
  const StepRecord* CreditedFix(const RunbookRecord& run) const {
    const AlertRecord* alert = AlertOf(run);
    if (alert == nullptr || !alert->resolved_at) return nullptr;
    for (size_t i = 0; i < run.steps.size(); ++i) {
      const StepRecord& step = run.steps[i];
      if (step.type != "action" || step.on_failure || step.outcome != StepOutcome::kSucceeded ||
          *alert->resolved_at < step.ended_at) {
        continue;
      }
      const bool verify_failed =
          std::any_of(run.steps.begin() + static_cast<long>(i) + 1, run.steps.end(),
                      [](const StepRecord& s) { return s.type == "verify" && Failed(s); });
      const bool world_changed =
          std::any_of(r_.timeline.begin(), r_.timeline.end(), [&](const drill::TimelineEntry& e) {
            return e.at > step.ended_at && e.at <= *alert->resolved_at &&
                   (e.kind.rfind("scenario.", 0) == 0 || e.kind.rfind("fault.", 0) == 0);
          });
      if (!verify_failed && !world_changed) return &step;
    }
    return nullptr;
  }

  bool AutoRemediated() const {
    return std::any_of(r_.runbooks.begin(), r_.runbooks.end(),
                       [this](const RunbookRecord& run) { return CreditedFix(run) != nullptr; });
  }

  std::string Status() const {
    if (Escalated()) return "escalated";
    if (r_.alerts.empty() || all_resolved_) return AutoRemediated() ? "auto-resolved" : "resolved";
    return "unresolved";
  }

  const AlertRecord* AlertOf(const RunbookRecord& run) const {
    return run.alert_record < r_.alerts.size() ? &r_.alerts[run.alert_record] : nullptr;
  }

  bool StillFiring(const RunbookRecord& run) const {
    const AlertRecord* alert = AlertOf(run);
    return alert != nullptr && !alert->resolved_at;
  }

  // Who fixes a finding about a runbook: its file, which is what a reviewer opens.
  std::string OwnerOf(const RunbookRecord& run) const {
    return run.path.empty() ? run.name : run.path;
  }

  void Summary(std::ostringstream& md) const {
    md << "## Summary\n\n";
    md << "- **Title:** " << Title() << "\n";
    md << "- **Severity:** " << Severity() << "\n";
    md << "- **Duration:** " << Duration() << "\n";
    md << "- **Date:** " << clock_.Date(start_) << "\n";
    md << "- **Status:** " << Status() << "\n\n";
  }

  void Timeline(std::ostringstream& md) const {
    md << "## Timeline\n\n";
    md << "| Time (UTC) | Action | Details |\n|------------|--------|---------|\n";
    for (const auto& e : events_) {
      md << "| " << clock_.DateTime(e.at) << " | " << Cell(e.action, kTimelineDetail) << " | "
         << Cell(e.details, kTimelineDetail) << " |\n";
    }
    md << "\n";
  }

  void RootCause(std::ostringstream& md) const {
    md << "## Root Cause\n\n";
    if (r_.alerts.empty()) {
      md << "No alert fired, so there is no incident to explain.\n\n";
      return;
    }
    md << "The drill injected this incident, so its cause is known rather than inferred:\n\n";
    std::vector<std::string> lines;
    for (const auto& a : r_.alerts) {
      const std::string cause = Prose(a.incident_cause);
      const std::string line = "- " + Prose(AlertTitle(a)) + ": caused by " +
                               (cause.rfind("the ", 0) == 0 ? "" : "the ") + cause +
                               "; its condition held " +
                               (a.active_at == a.incident_start
                                    ? std::string("at once")
                                    : FormatDuration(a.active_at - a.incident_start) + " later") +
                               ".\n";
      // A flapping alert fires once per episode; each cause is worth saying once.
      if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
    for (const auto& line : lines) md << line;
    SimTime last_fired(0);
    for (const auto& a : r_.alerts) last_fired = std::max(last_fired, a.fired_at);
    std::vector<std::string> injected;
    for (const auto& e : r_.timeline) {
      if (e.at > last_fired) break;
      if (e.kind.rfind("scenario.", 0) == 0 || e.kind.rfind("fault.", 0) == 0) {
        injected.push_back("- " + clock_.DateTime(e.at) + " " + e.kind + ": " + Prose(e.detail));
      }
    }
    if (!injected.empty()) {
      md << "\nWhat the drill did up to the last alert:\n\n";
      for (const auto& line : injected) md << line << "\n";
    }
    md << "\n";
  }

  static std::string FigureOr(const std::optional<SimDuration>& d, const std::string& none) {
    return d ? FormatDuration(*d) : none;
  }

  void Impact(std::ostringstream& md) const {
    md << "## Impact\n\n";
    if (r_.alerts.empty()) {
      md << "None: no alert fired.\n\n";
      return;
    }
    md << "| Alert | Labels | Fired (UTC) | Resolved (UTC) | Firing for | Detect | Mitigate | "
          "Resolve |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& a : r_.alerts) {
      const std::string resolved = a.resolved_at ? clock_.DateTime(*a.resolved_at) : "still firing";
      const std::string firing_for =
          a.resolved_at ? FormatDuration(*a.resolved_at - a.fired_at)
                        : FormatDuration(std::max(end_ - a.fired_at, SimDuration(0))) +
                              " (until the drill ended)";
      md << "| " << Cell(a.alertname) << " | " << Cell(LabelText(a.labels, true)) << " | "
         << clock_.DateTime(a.fired_at) << " | " << resolved << " | " << firing_for << " | "
         << FigureOr(a.figures.time_to_detect, "—") << " | "
         << FigureOr(a.figures.time_to_mitigate, "—") << " | "
         << FigureOr(a.figures.time_to_resolve, "—") << " |\n";
    }
    md << "\n";
    // What an incident review calls the blast radius, as far as the alerts' labels tell it.
    std::vector<std::string> affected;
    for (const char* key : {"service", "namespace", "host", "database", "deployment", "instance"}) {
      std::vector<std::string> values;
      for (const auto& a : r_.alerts) {
        const std::string value = LabelOr(a.labels, key, "");
        if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end()) {
          values.push_back(value);
        }
      }
      if (!values.empty()) affected.push_back(std::string(key) + " " + JoinList(values));
    }
    if (!affected.empty())
      md << "Affected, as the alerts' labels tell: " << JoinList(affected) << ".\n\n";
    md << "Counted from the first scenario event: " << Plural(r_.alerts.size(), "alert", "alerts")
       << " fired; time to detect " << FigureOr(r_.figures.time_to_detect, "—") << ", to mitigate "
       << FigureOr(r_.figures.time_to_mitigate, "— (no action step succeeded)") << ", to resolve "
       << FigureOr(r_.figures.time_to_resolve, "— (not resolved when the drill ended)")
       << " (virtual time).\n\n";
  }

  void WentWell(std::ostringstream& md) const {
    std::vector<std::string> items;
    for (const auto& a : r_.alerts) {
      std::string line = "Detected automatically: " + Prose(AlertTitle(a)) + " fired at " +
                         clock_.DateTime(a.fired_at) + ", " +
                         FormatDuration(a.fired_at - a.incident_start) +
                         " after the incident began";
      if (a.source.rfind("rule: ", 0) == 0)
        line += " (alert rule " + Code(a.source.substr(6)) + ")";
      items.push_back(line + ".");
    }
    for (const auto& run : r_.runbooks) {
      std::vector<std::string> checks, verifies;
      for (const auto& step : run.steps) {
        if (step.on_failure || step.outcome != StepOutcome::kSucceeded) continue;
        if (step.type == "check") checks.push_back(Code(step.id));
        if (step.type == "verify") verifies.push_back(Code(step.id));
      }
      if (!checks.empty()) {
        items.push_back("Runbook " + Code(run.name) + " gathered diagnostic context with " +
                        (checks.size() == 1 ? "check step " : "check steps ") + JoinList(checks) +
                        ".");
      }
      const AlertRecord* alert = AlertOf(run);
      if (const StepRecord* fix = CreditedFix(run)) {
        items.push_back("Auto-remediation: runbook " + Code(run.name) + " step " + Code(fix->id) +
                        " succeeded at " + clock_.DateTime(fix->ended_at) + ", " +
                        FormatDuration(fix->ended_at - alert->incident_start) +
                        " after the incident began, and " + alert->alertname + " resolved at " +
                        clock_.DateTime(*alert->resolved_at) + ".");
      }
      if (!verifies.empty()) {
        items.push_back("Runbook " + Code(run.name) + " verified its work with " +
                        (verifies.size() == 1 ? "verify step " : "verify steps ") +
                        JoinList(verifies) + ".");
      }
      if (run.outcome == "succeeded") {
        items.push_back("Runbook " + Code(run.name) + " ran to completion in " +
                        FormatDuration(run.ended_at - run.started_at) + ".");
      }
    }
    for (const auto& e : r_.timeline) {
      if (e.kind == "approval.approved") {
        items.push_back("An approval was granted at " + clock_.DateTime(e.at) + ": " +
                        Prose(e.detail) + ".");
      }
    }
    if (slack_.messages > 0) {
      items.push_back("Responders were kept informed: " +
                      Plural(slack_.messages, "Slack message", "Slack messages") + " in " +
                      JoinList(slack_.channels) + ".");
    }
    for (const json& incident : pagerduty_.Incidents()) {
      const SimTime created(Number(incident, "created_at_ms"));
      for (const json& entry : List(incident, "log")) {
        if (Text(entry, "type") != "acknowledge_log_entry") continue;
        const SimTime at(Number(entry, "at_ms"));
        items.push_back("PagerDuty incident " + pagerduty_.IncidentNumber(Text(incident, "id")) +
                        " was acknowledged by " + pagerduty_.Who(Text(entry, "agent")) + " at " +
                        clock_.DateTime(at) + ", " + FormatDuration(at - created) +
                        " after it was triggered.");
      }
    }
    if (!r_.expectations.empty() &&
        std::all_of(r_.expectations.begin(), r_.expectations.end(),
                    [](const drill::ExpectationResult& e) { return e.passed; })) {
      items.push_back(r_.expectations.size() == 1
                          ? "The scenario's expectation was met."
                          : "All " + std::to_string(r_.expectations.size()) +
                                " of the scenario's expectations were met.");
    }
    md << "## What Went Well\n\n";
    // Runs of the same runbook for a flapping alert would say the same thing twice.
    std::vector<std::string> unique;
    for (auto& item : items) {
      if (std::find(unique.begin(), unique.end(), item) == unique.end()) unique.push_back(item);
    }
    items = std::move(unique);
    if (items.empty())
      items.push_back("Nothing the drill recorded stands out as having gone well.");
    for (const auto& item : items) md << "- " << item << "\n";
    md << "\n";
  }

  void CollectImprovements() {
    for (const auto& run : r_.runbooks) {
      const AlertRecord* alert = AlertOf(run);
      const bool firing = StillFiring(run);
      bool any_failed_step = false;
      for (const auto& step : run.steps) {
        if (!Failed(step)) continue;
        any_failed_step = true;
        const std::string outcome = step.outcome == StepOutcome::kTimedOut ? "timed out" : "failed";
        const std::string reason = step.reason.empty() ? "" : ": " + Prose(step.reason);
        // What the step said on its way out is often the best hint at why it failed.
        const std::string said =
            step.attempts.empty() ? "" : FirstLine(step.attempts.back().stderr_data);
        const bool fix = step.type == "action" || step.type == "verify";
        improvements_.push_back(Improvement{
            "Runbook " + Code(run.name) + (step.on_failure ? " on_failure step " : " step ") +
                Code(step.id) + " (" + step.type +
                (step.name.empty() || step.name == step.id ? ""
                                                           : ", \"" + Prose(step.name) + "\"") +
                ") " + outcome + " at " + clock_.DateTime(step.ended_at) + reason +
                (said.empty() ? "" : "; stderr: " + Prose(said)) + ".",
            std::string(fix ? "Fix" : "Review") + " step " + step.id + " of runbook " + run.name +
                ", which " + outcome + reason,
            OwnerOf(run), fix || firing ? "P1" : "P2"});
      }
      if (run.outcome == "failed" && !any_failed_step) {
        const std::string reason = run.steps.empty() || run.steps.front().reason.empty()
                                       ? ""
                                       : ": " + Prose(run.steps.front().reason);
        improvements_.push_back(
            Improvement{"Runbook " + Code(run.name) + " failed before any step ran" + reason + ".",
                        "Fix runbook " + run.name + ", which failed before any step ran" + reason,
                        OwnerOf(run), "P1"});
      }
      if (firing && alert != nullptr) {
        improvements_.push_back(Improvement{
            "Runbook " + Code(run.name) + " " +
                (run.outcome == "succeeded" ? "succeeded but" : run.outcome + " and") +
                " did not resolve " + Prose(AlertTitle(*alert)) +
                ": it was still firing when the drill ended at " + clock_.DateTime(end_) + ".",
            "Make runbook " + run.name + " resolve " + alert->alertname, OwnerOf(run), "P1"});
      }
    }
    for (size_t i = 0; i < r_.alerts.size(); ++i) {
      const AlertRecord& a = r_.alerts[i];
      const bool ran = std::any_of(r_.runbooks.begin(), r_.runbooks.end(),
                                   [i](const RunbookRecord& run) { return run.alert_record == i; });
      if (a.runbooks.empty()) {
        improvements_.push_back(Improvement{
            "No runbook's trigger matched " + Prose(AlertTitle(a)) +
                (a.resolved_at ? "." : ", and it was still firing when the drill ended."),
            "Write a runbook for " + a.alertname + ", or widen a runbook's trigger to match it",
            kOnCallTeam, a.resolved_at ? "P2" : "P1"});
      } else if (!ran && !a.resolved_at) {
        improvements_.push_back(
            Improvement{Prose(AlertTitle(a)) + " was still firing when the drill ended, and no "
                                               "runbook routed to it ran to its end.",
                        "Resolve " + a.alertname + ": find what the response to it is missing",
                        kOnCallTeam, "P1"});
      }
    }
    for (const auto& e : r_.timeline) {
      if (e.kind.rfind("approval.", 0) != 0) continue;
      const std::string what = e.kind.substr(9);
      // Approval events name their step first, "<runbook>/<step>: ...", as step events do.
      const std::string step = e.detail.substr(0, e.detail.find(": "));
      std::string owner = kOnCallTeam;
      for (const auto& run : r_.runbooks) {
        if (step.rfind(run.name + "/", 0) == 0) owner = OwnerOf(run);
      }
      const std::string when = " at " + clock_.DateTime(e.at) + ": " + Prose(e.detail) + ".";
      if (what == "expired" || what == "timed_out") {
        improvements_.push_back(Improvement{
            "An approval expired" + when,
            "Make sure approvers answer " + step + " in time, or lengthen its approval timeout",
            owner, "P2"});
      } else if (what == "denied" || what == "rejected") {
        improvements_.push_back(Improvement{"An approval was denied" + when,
                                            "Review why " + step + " was denied", owner, "P2"});
      } else if (what == "failed") {
        improvements_.push_back(Improvement{
            "An approval could not be requested" + when,
            "Make the approval request of " + step + " reach its approvers", owner, "P2"});
      } else if (what == "auto_approved") {
        improvements_.push_back(
            Improvement{"Nobody answered an approval, so it was auto-approved" + when,
                        "Make sure approvers answer " + step + " in time", owner, "P2"});
      }
    }
    for (const json& incident : pagerduty_.Incidents()) {
      const std::string id = Text(incident, "id");
      const std::string number = pagerduty_.IncidentNumber(id);
      std::vector<std::string> escalations;
      size_t timeouts = 0;
      for (const json& entry : List(incident, "log")) {
        const std::string type = Text(entry, "type");
        const int64_t at_ms = Number(entry, "at_ms");
        if (type == "escalate_log_entry") {
          int64_t level = 0;
          const auto users = pagerduty_.EscalatedTo(id, at_ms, &level);
          escalations.push_back(
              (users.empty() ? std::string("escalated") : "to " + JoinList(users)) + " at " +
              clock_.DateTime(SimTime(at_ms)));
        } else if (type == "unacknowledge_log_entry") {
          ++timeouts;
        }
      }
      if (!escalations.empty()) {
        improvements_.push_back(Improvement{
            "PagerDuty incident " + number +
                " escalated because nobody acknowledged it in time: " + JoinList(escalations) + ".",
            "Make sure pages like PagerDuty incident " + number +
                " are acknowledged within the escalation delay",
            kOnCallTeam, "P2"});
      }
      if (timeouts > 0) {
        improvements_.push_back(
            Improvement{"The acknowledgement of PagerDuty incident " + number + " timed out " +
                            Plural(timeouts, "time", "times") + ", so it was paged again.",
                        "Resolve incident " + number + " before its acknowledgement times out",
                        kOnCallTeam, "P2"});
      }
      const std::string status = Text(incident, "status");
      if (!status.empty() && status != "resolved") {
        improvements_.push_back(Improvement{
            "PagerDuty incident " + number + " (" + Prose(Text(incident, "title")) +
                ") was still " + status + " when the drill ended.",
            "Resolve PagerDuty incident " + number + " when the alert clears", kOnCallTeam, "P2"});
      }
    }
    for (const auto& e : r_.expectations) {
      if (e.passed) continue;
      improvements_.push_back(
          Improvement{"Expectation not met: " + Prose(e.what) + "; found " + Prose(e.detail) +
                          (e.source.empty() ? "" : " (" + e.source + ")") + ".",
                      "Meet the scenario's expectation: " + Prose(e.what), kOnCallTeam, "P2"});
    }
  }

  void CouldBeImproved(std::ostringstream& md) const {
    md << "## What Could Be Improved\n\n";
    if (improvements_.empty()) {
      md << "- Nothing: every step that ran succeeded, every alert resolved and every expectation "
            "was met.\n\n";
      return;
    }
    for (const auto& item : improvements_) md << "- " << item.finding << "\n";
    md << "\n";
  }

  void ActionItems(std::ostringstream& md) const {
    md << "## Action Items\n\n";
    md << "| Action | Owner | Priority | Status |\n|--------|-------|----------|--------|\n";
    if (improvements_.empty()) {
      md << "| _None: the drill found nothing to improve._ | | | |\n";
    }
    // A finding that recurs (a flapping alert runs the same runbook twice) needs one action.
    std::vector<Improvement> items;
    for (const auto& item : improvements_) {
      auto same = std::find_if(items.begin(), items.end(), [&](const Improvement& other) {
        return other.action == item.action && other.owner == item.owner;
      });
      if (same == items.end()) {
        items.push_back(item);
      } else {
        same->priority = std::min(same->priority, item.priority);
      }
    }
    for (const auto& item : items) {
      md << "| " << Cell(item.action) << " | " << Cell(item.owner) << " | " << item.priority
         << " | Open |\n";
    }
    md << "\n";
  }

  void Footer(std::ostringstream& md) const {
    md << "---\n";
    md << "_Generated automatically by rundrill from a drill of " << Code(r_.scenario_path)
       << " (seed " << r_.seed << ", " << (r_.passed ? "passed" : "failed") << ")";
    if (!r_.reproduce.empty()) md << "; rerun it with " << Code(r_.reproduce);
    md << "._\n";
    md << "_Review and complete within 48 hours of resolution._\n";
  }

  const DrillResult& r_;
  WallClock clock_;
  PagerDutyView pagerduty_;
  SlackSummary slack_;
  std::vector<Event> events_;
  std::vector<Improvement> improvements_;
  SimTime start_{0};
  SimTime end_{0};
  std::optional<SimTime> resolved_at_;
  bool all_resolved_ = false;
};

}  // namespace

bool HasIncident(const drill::DrillResult& result) { return !result.alerts.empty(); }

std::string RenderPostmortem(const drill::DrillResult& result) {
  return Postmortem(result).Render();
}

}  // namespace rundrill::reports
