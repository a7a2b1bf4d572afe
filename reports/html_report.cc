#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/coverage.h"
#include "reports/report_text.h"

namespace rundrill::reports {
namespace {

using drill::DrillResult;
using drill::StepOutcome;
using drill::StepRecord;

// Longer outputs are cut: the page stays quick to open, and result.json keeps them whole.
constexpr size_t kMaxOutputLines = 400;
constexpr size_t kMaxOutputBytes = 64 * 1024;
constexpr size_t kMaxTitleChars = 300;
constexpr size_t kMaxRowLabelChars = 26;
constexpr size_t kMaxDiffValueChars = 400;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// ------------------------------------------------------------------------------------ text

// The length of the well-formed UTF-8 sequence at text[i], or 0 when there is none (a stray
// continuation byte, an overlong form, a surrogate, a code point past U+10FFFF, a sequence
// cut short). The ranges are those of the Unicode standard, table 3-7.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c == 0xE0) {
    length = 3, low = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    length = 3;
  } else if (c == 0xED) {
    length = 3, high = 0x9F;
  } else if (c == 0xF0) {
    length = 4, low = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    length = 4;
  } else if (c == 0xF4) {
    length = 4, high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// Well-formed UTF-8 a browser shows as it was meant: each byte that is not part of a UTF-8
// sequence becomes U+FFFD, and control characters other than tab and line breaks become
// their visible pictures (U+2400…), as an HTML parser would reject or hide them.
std::string Valid(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8Length(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (length == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += "\xE2\x90";
      out += static_cast<char>(0x80 + c);
    } else if (length == 1 && c == 0x7F) {
      out += "\xE2\x90\xA1";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

// Safe in element content and in quoted attribute values alike.
std::string Esc(std::string_view text) {
  std::string out;
  for (char c : Valid(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// At most `max` code points of valid text, the last an ellipsis when it was cut.
std::string Short(std::string_view text, size_t max) {
  const std::string valid = Valid(text);
  size_t count = 0, cut = 0;
  for (size_t i = 0; i < valid.size(); ++i) {
    if ((static_cast<unsigned char>(valid[i]) & 0xC0) == 0x80) continue;
    if (count + 1 == max) cut = i;
    ++count;
  }
  if (count <= max) return valid;
  return valid.substr(0, cut) + "…";
}

// For summaries and tooltips, where a line break would be lost or break the layout.
std::string OneLine(std::string_view text) {
  std::string out;
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) {
    --end;
  }
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\r' && i + 1 < end && text[i + 1] == '\n') continue;
    if (text[i] == '\n' || text[i] == '\r') {
      out += " ⏎ ";
    } else {
      out += text[i];
    }
  }
  return out;
}

// A program's output for a <pre>, cut when long; the cut never splits a UTF-8 sequence.
std::string Output(std::string_view text) {
  std::string valid = Valid(text);
  size_t lines = 0, cut = std::string::npos;
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i] != '\n') continue;
    if (++lines == kMaxOutputLines && cut == std::string::npos) cut = i + 1;
  }
  if (cut == std::string::npos && valid.size() > kMaxOutputBytes) {
    cut = kMaxOutputBytes;
    while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0) == 0x80) --cut;
  }
  if (cut == std::string::npos || cut >= valid.size()) return Esc(valid);
  const size_t rest = static_cast<size_t>(std::count(valid.begin() + cut, valid.end(), '\n'));
  std::string out = Esc(valid.substr(0, cut));
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + "<span class=\"cut\">… (" + std::to_string(rest) +
         " more lines in result.json)</span>";
}

std::string Pre(std::string_view text, const std::string& css_class = "") {
  return "<pre" + (css_class.empty() ? std::string() : " class=\"" + css_class + "\"") + ">" +
         Output(text) + "</pre>\n";
}

std::string Code(std::string_view text) { return "<code>" + Esc(text) + "</code>"; }

std::string Clock(SimTime t) { return FormatClock(t); }

std::string OutcomeClass(StepOutcome outcome) {
  std::string name(drill::StepOutcomeName(outcome));
  std::replace(name.begin(), name.end(), '_', '-');  // a CSS class: "timed-out"
  return name;
}

std::string Badge(const std::string& css_class, std::string_view text) {
  return "<span class=\"badge " + css_class + "\">" + Esc(text) + "</span>";
}

std::string StepBadge(StepOutcome outcome) {
  return Badge(OutcomeClass(outcome), drill::StepOutcomeName(outcome));
}

std::string FindingClass(const verify::Finding& f) {
  return f.skipped ? "skipped" : f.passed ? "passed" : "failed";
}

bool StepFailed(const StepRecord& step) {
  return step.outcome == StepOutcome::kFailed || step.outcome == StepOutcome::kTimedOut;
}

std::string StepWhere(const std::string& runbook, const std::string& step) {
  return runbook + (step.empty() ? "" : " / " + step);
}

// A JSON value as a diff cell shows it: compact, cut when long, strings that are not UTF-8
// shown with U+FFFD rather than failing the whole report.
std::string DiffValue(bool present, const nlohmann::json& value) {
  if (!present) return "<span class=\"absent\">(absent)</span>";
  return Code(Short(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    kMaxDiffValueChars));
}

std::string DiffTable(const std::vector<verify::DiffEntry>& diff) {
  std::string out =
      "<table class=\"diff\">\n<thead><tr><th>Path</th><th>Before</th><th>After</th></tr>"
      "</thead>\n<tbody>\n";
  for (const auto& d : diff) {
    out += "<tr><td>" + Code(d.path) + "</td><td class=\"before\">" +
           DiffValue(d.had_before, d.before) + "</td><td class=\"after\">" +
           DiffValue(d.has_after, d.after) + "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// ---------------------------------------------------------------------------------- timeline

constexpr int kSvgWidth = 1200;
constexpr int kPlotLeft = 210;
constexpr int kPlotRight = 1150;
constexpr int kAxisHeight = 30;
constexpr int kRowHeight = 20;
constexpr int kBarHeight = 12;
constexpr int kLaneGap = 8;
// A step of a few milliseconds on a day-long axis would be invisible; every bar gets at
// least this width.
constexpr double kMinBarWidth = 3.0;

// One decimal, formatted by hand: printf's %f would follow the C locale of the process.
std::string Px(double v) {
  const long tenths = std::lround(std::max(v, 0.0) * 10);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// Tick spacing: the smallest step that gives at most ten ticks over the span.
SimDuration TickStep(SimDuration span) {
  static constexpr int64_t kSteps[] = {1000,    2000,    5000,     10000,    15000,    30000,
                                       60000,   120000,  300000,   600000,   900000,   1800000,
                                       3600000, 7200000, 10800000, 21600000, 43200000, 86400000};
  for (int64_t step : kSteps) {
    if (span.count() / step <= 10) return SimDuration(step);
  }
  const int64_t day = 86400000;
  return SimDuration((span.count() / (10 * day) + 1) * day);
}

// Maps virtual time in [from, to] onto the plot area.
class Scale {
 public:
  Scale(SimTime from, SimTime to) : from_(from), to_(std::max(to, from + SimDuration(1))) {}
  SimTime from() const { return from_; }
  SimTime to() const { return to_; }
  bool Contains(SimTime t) const { return t >= from_ && t <= to_; }
  double X(SimTime t) const {
    const SimTime clamped = std::clamp(t, from_, to_);
    return kPlotLeft + static_cast<double>((clamped - from_).count()) * (kPlotRight - kPlotLeft) /
                           static_cast<double>((to_ - from_).count());
  }

 private:
  SimTime from_;
  SimTime to_;
};

std::string Title(std::string_view text) {
  return "<title>" + Esc(Short(text, kMaxTitleChars)) + "</title>";
}

// A bar from `start` to `end` in row-relative coordinates; nothing when it lies outside.
std::string Bar(const Scale& scale, SimTime start, SimTime end, const std::string& css_class,
                const std::string& title, int y) {
  if (end < scale.from() || start > scale.to()) return "";
  double x = scale.X(start);
  double w = scale.X(std::max(start, end)) - x;
  if (w < kMinBarWidth) {
    w = kMinBarWidth;
    x = std::min(x, static_cast<double>(kPlotRight) - w);
  }
  return "<rect class=\"" + css_class + "\" x=\"" + Px(x) + "\" y=\"" +
         std::to_string(y + (kRowHeight - kBarHeight) / 2) + "\" width=\"" + Px(w) +
         "\" height=\"" + std::to_string(kBarHeight) + "\">" + Title(title) + "</rect>";
}

std::string Diamond(const Scale& scale, SimTime at, const std::string& css_class,
                    const std::string& title, int y) {
  if (!scale.Contains(at)) return "";
  const double x = scale.X(at);
  const double cy = y + kRowHeight / 2.0, r = 6;
  return "<polygon class=\"" + css_class + "\" points=\"" + Px(x) + "," + Px(cy - r) + " " +
         Px(x + r) + "," + Px(cy) + " " + Px(x) + "," + Px(cy + r) + " " + Px(x - r) + "," +
         Px(cy) + "\">" + Title(title) + "</polygon>";
}

std::string Tick(const Scale& scale, SimTime at, const std::string& css_class,
                 const std::string& title, int y) {
  if (!scale.Contains(at)) return "";
  return "<rect class=\"" + css_class + "\" x=\"" + Px(scale.X(at) - 1) + "\" y=\"" +
         std::to_string(y + (kRowHeight - kBarHeight) / 2) + "\" width=\"2\" height=\"" +
         std::to_string(kBarHeight) + "\">" + Title(title) + "</rect>";
}

std::string Dot(const Scale& scale, SimTime at, const std::string& css_class,
                const std::string& title, int y) {
  if (!scale.Contains(at)) return "";
  return "<circle class=\"" + css_class + "\" cx=\"" + Px(scale.X(at)) + "\" cy=\"" +
         Px(y + kRowHeight / 2.0) + "\" r=\"5\">" + Title(title) + "</circle>";
}

std::string Square(const Scale& scale, SimTime at, const std::string& css_class,
                   const std::string& title, int y) {
  if (!scale.Contains(at)) return "";
  return "<rect class=\"" + css_class + "\" x=\"" + Px(scale.X(at) - 5) + "\" y=\"" +
         Px(y + kRowHeight / 2.0 - 5) + "\" width=\"10\" height=\"10\">" + Title(title) + "</rect>";
}

using MarkFn = std::string (*)(const Scale&, SimTime, const std::string&, const std::string&, int);

// Marks are drawn once the row's place is known; each is kept as a function of y.
struct Mark {
  MarkFn draw = nullptr;
  SimTime at{0};
  SimTime end{0};  // bars only
  std::string css_class;
  std::string title;
};

struct PlotRow {
  std::string label;
  std::vector<Mark> marks;
};

struct PlotLane {
  std::string name;
  std::vector<PlotRow> rows;
};

std::string AlertTitle(const drill::AlertRecord& a) {
  std::string labels;
  for (const auto& [k, v] : a.labels) {
    if (k != "alertname") labels += (labels.empty() ? "" : ", ") + k + "=" + v;
  }
  return a.alertname + (labels.empty() ? "" : " {" + labels + "}") + ": fired " +
         Clock(a.fired_at) + ", " +
         (a.resolved_at ? "resolved " + Clock(*a.resolved_at) : std::string("still firing")) +
         (a.value.empty() ? "" : ", value " + a.value) + " (" + a.source + ")";
}

// A fault that heals later ("partition to X healed") is drawn as a bar up to its heal; this
// finds the fault a heal belongs to from the texts the drill writes for both.
bool HealMatches(const drill::TimelineEntry& fault, const std::string& heal) {
  struct Pair {
    const char* kind;
    const char* heal_prefix;
    const char* heal_suffix;
  };
  static constexpr Pair kPairs[] = {{"fault.partition", "partition to ", " healed"},
                                    {"fault.latency", "added latency on ", " gone"},
                                    {"fault.errors", "error injection on ", " over"},
                                    {"fault.host_crash", "host ", " booted"}};
  for (const auto& p : kPairs) {
    if (fault.kind != p.kind || heal.rfind(p.heal_prefix, 0) != 0) continue;
    const size_t begin = std::string_view(p.heal_prefix).size();
    const size_t end = heal.find(p.heal_suffix, begin);
    if (end == std::string::npos) continue;
    const std::string target = heal.substr(begin, end - begin);
    if (fault.detail.find(target) != std::string::npos) return true;
  }
  return false;
}

std::vector<PlotLane> TimelineLanes(const DrillResult& r, SimTime end) {
  std::vector<PlotLane> lanes;

  // Alerts: one row per alert (name and fingerprint); its episodes never overlap.
  PlotLane alerts{"Alerts", {}};
  std::vector<std::string> alert_keys;
  for (const auto& a : r.alerts) {
    const std::string key = a.alertname + "\n" + a.fingerprint;
    auto it = std::find(alert_keys.begin(), alert_keys.end(), key);
    if (it == alert_keys.end()) {
      alert_keys.push_back(key);
      alerts.rows.push_back(PlotRow{a.alertname, {}});
      it = alert_keys.end() - 1;
    }
    auto& row = alerts.rows[static_cast<size_t>(it - alert_keys.begin())];
    const std::string title = AlertTitle(a);
    if (a.active_at < a.fired_at) {
      row.marks.push_back(Mark{nullptr, a.active_at, a.fired_at, "alert-pending",
                               a.alertname + " pending from " + Clock(a.active_at)});
    }
    row.marks.push_back(Mark{nullptr, a.fired_at, a.resolved_at.value_or(end),
                             a.resolved_at ? "alert" : "alert firing", title});
  }
  if (alerts.rows.empty()) alerts.rows.push_back(PlotRow{"none fired", {}});
  lanes.push_back(std::move(alerts));

  // Faults and scenario events; a fault that heals within the drill is a bar.
  PlotLane faults{"Faults", {PlotRow{"scenario & faults", {}}}};
  std::vector<bool> healed(r.timeline.size(), false);
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const auto& e = r.timeline[i];
    const bool scenario = e.kind.rfind("scenario.", 0) == 0;
    if ((!scenario && e.kind.rfind("fault.", 0) != 0) || healed[i]) continue;
    const std::string title = Clock(e.at) + " " + e.kind + ": " + e.detail;
    const std::string css = e.kind == "scenario.error" ? "event error"
                            : scenario                 ? "event scenario"
                                                       : "event fault";
    if (e.kind == "fault.healed") {
      faults.rows[0].marks.push_back(Mark{Diamond, e.at, e.at, "event healed", title});
      continue;
    }
    // The earliest heal of this fault that follows it: faults are noted in time order, so
    // the first matching heal belongs to the first matching fault.
    std::optional<size_t> heal;
    for (size_t j = i + 1; j < r.timeline.size() && !heal; ++j) {
      if (!healed[j] && r.timeline[j].kind == "fault.healed" &&
          HealMatches(e, r.timeline[j].detail)) {
        heal = j;
      }
    }
    if (heal) {
      healed[*heal] = true;
      const auto& h = r.timeline[*heal];
      faults.rows[0].marks.push_back(
          Mark{nullptr, e.at, h.at, "fault",
               title + "; " + Clock(h.at) + " " + h.kind + ": " + h.detail});
    } else {
      faults.rows[0].marks.push_back(Mark{Diamond, e.at, e.at, css, title});
    }
  }
  lanes.push_back(std::move(faults));

  // Steps: one row per runbook run, its span behind its steps.
  PlotLane steps{"Steps", {}};
  for (size_t i = 0; i < r.runbooks.size(); ++i) {
    const auto& run = r.runbooks[i];
    size_t same = 0;
    for (size_t j = 0; j < i; ++j) same += r.runbooks[j].name == run.name;
    PlotRow row{run.name + (same > 0 ? " #" + std::to_string(same + 1) : ""), {}};
    row.marks.push_back(Mark{
        nullptr, run.started_at, run.ended_at, "run",
        run.name + " " + run.outcome + ", " + Clock(run.started_at) + " → " + Clock(run.ended_at)});
    for (const auto& step : run.steps) {
      if (step.outcome == StepOutcome::kSkipped) continue;
      std::string title = run.name + "/" + step.id + ": " +
                          std::string(drill::StepOutcomeName(step.outcome)) + ", " +
                          Clock(step.started_at) + " → " + Clock(step.ended_at) + " (" +
                          FormatDuration(step.ended_at - step.started_at) + ")";
      if (!step.reason.empty()) title += " — " + OneLine(step.reason);
      if (!step.command.empty()) title += "\n" + OneLine(step.command);
      row.marks.push_back(Mark{nullptr, step.started_at, step.ended_at,
                               "step " + OutcomeClass(step.outcome), title});
    }
    steps.rows.push_back(std::move(row));
  }
  if (steps.rows.empty()) steps.rows.push_back(PlotRow{"no runbook ran", {}});
  lanes.push_back(std::move(steps));

  PlotLane calls{"Backend calls", {PlotRow{"fakes", {}}}};
  PlotLane notifications{"Notifications", {PlotRow{"Slack, PagerDuty", {}}, {"Alertmanager", {}}}};
  for (const auto& c : r.transcript) {
    const std::string title = Clock(c.at) + " " + c.runbook + "/" + c.step + ": " +
                              JoinArgv(c.argv) + " (exit " + std::to_string(c.exit_code) +
                              ", took " + FormatDuration(c.duration) + ")";
    calls.rows[0].marks.push_back(
        Mark{Tick, c.at, c.at, c.exit_code == 0 ? "call" : "call error", title});
    if (!c.argv.empty() && c.argv[0] == "HTTP") {
      notifications.rows[0].marks.push_back(Mark{Dot, c.at, c.at, "http", title});
    }
  }
  for (const auto& n : r.notifications) {
    std::string runbooks;
    for (const auto& name : n.runbooks) runbooks += (runbooks.empty() ? "" : ", ") + name;
    notifications.rows[1].marks.push_back(
        Mark{Square, n.at, n.at, "notification " + n.status,
             Clock(n.at) + " Alertmanager " + n.status + " notification, " + n.reason + ", " +
                 std::to_string(n.alerts.size()) + " alert(s)" +
                 (runbooks.empty() ? "" : "; started " + runbooks) + " [" + n.group_key + "]"});
  }
  lanes.push_back(std::move(calls));
  lanes.push_back(std::move(notifications));
  return lanes;
}

std::string TimelineSvg(const std::vector<PlotLane>& lanes, const Scale& scale,
                        const std::string& label) {
  int rows = 0;
  for (const auto& lane : lanes) rows += static_cast<int>(lane.rows.size());
  const int height =
      kAxisHeight + rows * kRowHeight + static_cast<int>(lanes.size()) * kLaneGap + 4;
  std::string svg = "<svg class=\"timeline\" viewBox=\"0 0 " + std::to_string(kSvgWidth) + " " +
                    std::to_string(height) + "\" width=\"" + std::to_string(kSvgWidth) +
                    "\" height=\"" + std::to_string(height) + "\" role=\"img\" aria-label=\"" +
                    Esc(label) + "\">\n";

  const SimDuration step = TickStep(scale.to() - scale.from());
  SimTime first((scale.from().count() + step.count() - 1) / step.count() * step.count());
  svg += "<g class=\"axis\">";
  for (SimTime t = first; t <= scale.to(); t += step) {
    const std::string x = Px(scale.X(t));
    svg += "<line x1=\"" + x + "\" y1=\"" + std::to_string(kAxisHeight - 6) + "\" x2=\"" + x +
           "\" y2=\"" + std::to_string(height) + "\"/><text x=\"" + x + "\" y=\"" +
           std::to_string(kAxisHeight - 10) + "\">" + Clock(t) + "</text>";
  }
  svg += "</g>\n";

  int y = kAxisHeight;
  bool shaded = false;
  for (const auto& lane : lanes) {
    const int lane_height = static_cast<int>(lane.rows.size()) * kRowHeight + kLaneGap;
    svg += "<g class=\"lane\"><rect class=\"band" + std::string(shaded ? " shaded" : "") +
           "\" x=\"0\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(kSvgWidth) +
           "\" height=\"" + std::to_string(lane_height) +
           "\"/><text class=\"lane-name\" x=\"8\" y=\"" + std::to_string(y + kLaneGap / 2 + 14) +
           "\">" + Esc(lane.name) + "</text>\n";
    shaded = !shaded;
    int row_y = y + kLaneGap / 2;
    for (const auto& row : lane.rows) {
      svg += "<text class=\"row-name\" x=\"" + std::to_string(kPlotLeft - 8) + "\" y=\"" +
             std::to_string(row_y + 14) + "\">" + Esc(Short(row.label, kMaxRowLabelChars)) +
             "</text>";
      for (const auto& m : row.marks) {
        svg += m.draw ? m.draw(scale, m.at, m.css_class, m.title, row_y)
                      : Bar(scale, m.at, m.end, m.css_class, m.title, row_y);
      }
      svg += "\n";
      row_y += kRowHeight;
    }
    svg += "</g>\n";
    y += lane_height;
  }
  return svg + "</svg>\n";
}

// Where the drill ends on the picture: the horizon, or later when something outlasted it.
SimTime TimelineEnd(const DrillResult& r) {
  SimTime end = r.horizon;
  for (const auto& e : r.timeline) end = std::max(end, e.at);
  for (const auto& a : r.alerts) end = std::max(end, a.resolved_at.value_or(a.fired_at));
  for (const auto& run : r.runbooks) end = std::max(end, run.ended_at);
  for (const auto& c : r.transcript) end = std::max(end, c.at + c.duration);
  for (const auto& n : r.notifications) end = std::max(end, n.at);
  return std::max(end, SimTime(1000));
}

std::string TimelineSection(const DrillResult& r) {
  const SimTime end = TimelineEnd(r);
  const auto lanes = TimelineLanes(r, end);
  std::string out = "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  out += "<p class=\"note\">Virtual time from " + Clock(SimTime(0)) + " to " + Clock(end) +
         ". Hover a mark for its details; steps are coloured by outcome.</p>\n";
  out += "<div class=\"figure\">" +
         TimelineSvg(lanes, Scale(SimTime(0), end), "Timeline of drill " + r.scenario_name) +
         "</div>\n";

  // On a long horizon the runbooks' minutes are a sliver of the picture; they get a second
  // one of their own.
  if (!r.runbooks.empty()) {
    SimTime from = r.runbooks.front().started_at, to = r.runbooks.front().ended_at;
    for (const auto& run : r.runbooks) {
      from = std::min(from, run.started_at);
      to = std::max(to, run.ended_at);
    }
    const SimDuration pad = std::max(SimDuration(2000), (to - from) / 10);
    from = std::max(SimTime(0), from - pad);
    to = std::min(end, to + pad);
    if ((to - from) * 8 < end) {
      out += "<h3>While the runbooks ran: " + Clock(from) + " to " + Clock(to) + "</h3>\n";
      out += "<div class=\"figure\">" +
             TimelineSvg(lanes, Scale(from, to), "Timeline while the runbooks ran") + "</div>\n";
    }
  }

  out += "<details class=\"events\"><summary>All " + std::to_string(r.timeline.size()) +
         " timeline events</summary>\n<table>\n<thead><tr><th>Virtual time</th><th>Event</th>"
         "<th>Detail</th></tr></thead>\n<tbody>\n";
  for (const auto& e : r.timeline) {
    out += "<tr><td class=\"time\">" + Clock(e.at) + "</td><td>" + Code(e.kind) + "</td><td>" +
           Esc(e.detail) + "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n</details>\n</section>\n";
}

// ---------------------------------------------------------------------------------- sections

std::string Verdict(const DrillResult& r) {
  const std::string verdict = r.passed ? "PASSED" : "FAILED";
  const std::string css = r.passed ? "passed" : "failed";
  size_t met = 0;
  for (const auto& e : r.expectations) met += e.passed;
  std::string out = "<header class=\"verdict " + css + "\">\n<h1><span class=\"verdict-word\">" +
                    verdict + "</span> Drill " + Esc(r.scenario_name) + "</h1>\n";
  if (r.interrupted) {
    out +=
        "<p class=\"interrupted\"><strong>Interrupted.</strong> rundrill was stopped "
        "(SIGINT or SIGTERM) before the drill's end; this report holds what ran until "
        "then.</p>\n";
  }
  if (!r.scenario_description.empty()) {
    out += "<p class=\"description\">" + Esc(r.scenario_description) + "</p>\n";
  }
  const auto fact = [](const std::string& name, const std::string& html) {
    return "<div><dt>" + name + "</dt><dd>" + html + "</dd></div>\n";
  };
  out += "<dl class=\"facts\">\n";
  out += fact("Scenario", Code(r.scenario_path));
  out += fact("Seed", std::to_string(r.seed));
  out += fact("Virtual start", Esc(r.start_time));
  out += fact("Horizon", FormatDuration(r.horizon));
  out += fact("Expectations",
              std::to_string(met) + " of " + std::to_string(r.expectations.size()) + " met");
  if (r.verification) {
    size_t passed = 0;
    for (const auto& f : r.verification->findings) passed += f.passed;
    out += fact("Checks", std::to_string(passed) + " of " +
                              std::to_string(r.verification->findings.size()) + " passed");
  }
  out += fact("Time to detect", FigureOrDash(r.figures.time_to_detect));
  out += fact("Time to mitigate", FigureOrDash(r.figures.time_to_mitigate));
  out += fact("Time to resolve", FigureOrDash(r.figures.time_to_resolve));
  return out + "</dl>\n</header>\n";
}

std::string LastStderr(const StepRecord& step) {
  for (auto it = step.attempts.rbegin(); it != step.attempts.rend(); ++it) {
    if (!it->stderr_data.empty()) return it->stderr_data;
  }
  return "";
}

// Empty when nothing failed.
std::string Failures(const DrillResult& r) {
  std::string out;
  std::string items;
  for (const auto& e : r.expectations) {
    if (e.passed) continue;
    items += "<li>" + Badge("failed", "not met") + " " + Esc(e.what) + " — found " + Esc(e.detail) +
             " <span class=\"where\">" + Code(e.source) + "</span></li>\n";
  }
  if (!items.empty()) out += "<h3>Expectations not met</h3>\n<ul>\n" + items + "</ul>\n";

  if (r.verification) {
    std::string checks;
    for (const auto& f : r.verification->findings) {
      if (f.passed || f.skipped) continue;
      checks += "<div class=\"finding\"><p>" + Badge("failed", "failed") + " " + Code(f.check) +
                " " + Esc(StepWhere(f.runbook, f.step)) + ": " + Esc(f.summary) +
                " <span class=\"where\">" + Code(f.mark) + "</span></p>\n";
      if (!f.diff.empty()) checks += DiffTable(f.diff);
      checks += "</div>\n";
    }
    if (!checks.empty()) out += "<h3>Checks that failed</h3>\n" + checks;
  }

  std::string steps;
  for (const auto& run : r.runbooks) {
    for (const auto& step : run.steps) {
      if (!StepFailed(step)) continue;
      steps += "<div class=\"failed-step\"><p>" + StepBadge(step.outcome) + " " +
               Code(run.name + "/" + step.id) + " at " + Clock(step.started_at) +
               (step.reason.empty() ? "" : ": " + Esc(step.reason)) + "</p>\n";
      const std::string stderr_text = LastStderr(step);
      if (!stderr_text.empty()) steps += Pre(stderr_text, "stderr");
      steps += "</div>\n";
    }
  }
  if (!steps.empty()) out += "<h3>Steps that failed</h3>\n" + steps;

  std::string errors;
  for (const auto& e : r.timeline) {
    if (e.kind == "scenario.error" || e.kind == "runbook.error") {
      errors += "<li>" + Clock(e.at) + " " + Code(e.kind) + " " + Esc(e.detail) + "</li>\n";
    }
  }
  if (!errors.empty()) out += "<h3>Errors</h3>\n<ul>\n" + errors + "</ul>\n";

  if (out.empty()) return "";
  return "<section id=\"failures\" class=\"failures\">\n<h2>What failed</h2>\n" + out +
         "</section>\n";
}

std::string Incidents(const DrillResult& r) {
  if (r.alerts.empty()) return "";
  std::string out =
      "<section id=\"incidents\">\n<h2>Incidents</h2>\n<table>\n<thead><tr><th>Alert</th>"
      "<th>Fired</th><th>Resolved</th><th>Counted from</th><th>Detect</th><th>Mitigate</th>"
      "<th>Resolve</th><th>Runbooks started</th></tr></thead>\n<tbody>\n";
  for (const auto& a : r.alerts) {
    const std::string labels = AlertLabelsText(a);
    const std::string runbooks = JoinNames(a.runbooks);
    out += "<tr><td>" + Esc(a.alertname) +
           (labels.empty() ? "" : " <span class=\"labels\">{" + Esc(labels) + "}</span>") +
           (a.value.empty() ? "" : " = " + Esc(a.value)) + "</td><td class=\"time\">" +
           Clock(a.fired_at) + "</td><td class=\"time\">" +
           (a.resolved_at ? Clock(*a.resolved_at) : "still firing") + "</td><td>" +
           Esc(a.incident_cause) + "</td><td>" + FigureOrDash(a.figures.time_to_detect) +
           "</td><td>" + FigureOrDash(a.figures.time_to_mitigate) + "</td><td>" +
           FigureOrDash(a.figures.time_to_resolve) + "</td><td>" +
           (runbooks.empty() ? "none" : Esc(runbooks)) + "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string StepDetails(const StepRecord& step) {
  std::string out = "<details class=\"step " + OutcomeClass(step.outcome) + "\">\n<summary>" +
                    StepBadge(step.outcome) + " " + (step.on_failure ? "on_failure: " : "") +
                    Code(step.id) + " <span class=\"type\">" + Esc(step.type) + "</span>";
  if (step.outcome != StepOutcome::kSkipped) {
    out += " <span class=\"when\">" + Clock(step.started_at) + " → " + Clock(step.ended_at) + " (" +
           FormatDuration(step.ended_at - step.started_at) + ")</span>";
  }
  out += "</summary>\n<div class=\"body\">\n";
  if (step.name != step.id) out += "<p class=\"name\">" + Esc(step.name) + "</p>\n";
  out += "<p class=\"label\">Command</p>\n" + Pre(step.command, "command");
  if (step.approval) {
    const auto& a = *step.approval;
    out += "<p class=\"approval\">Approval asked in " + Esc(a.channel) + " at " +
           Clock(a.requested_at) + ": <strong>" + Esc(a.decision) + "</strong>" +
           (a.by.empty() ? "" : " by " + Esc(a.by)) + " at " + Clock(a.decided_at) +
           (a.detail.empty() ? "" : " (" + Esc(a.detail) + ")") + "</p>\n";
  }
  if (!step.reason.empty()) {
    out += "<p class=\"reason\">" + StepBadge(step.outcome) + " " + Esc(step.reason) + "</p>\n";
  }
  for (size_t i = 0; i < step.attempts.size(); ++i) {
    const auto& a = step.attempts[i];
    out += "<div class=\"attempt\"><p class=\"label\">Attempt " + std::to_string(i + 1) + " at " +
           Clock(a.started_at) + ": exit " + std::to_string(a.exit_code) +
           (a.stop == "exited" ? "" : " (" + Esc(a.stop) + ")") + ", took " +
           FormatDuration(a.ended_at - a.started_at) + "</p>\n";
    if (!a.failures.empty()) {
      out += "<ul class=\"attempt-failures\">\n";
      for (const auto& f : a.failures) out += "<li>" + Esc(f) + "</li>\n";
      out += "</ul>\n";
    }
    if (!a.stdout_data.empty()) out += "<p class=\"label\">stdout</p>\n" + Pre(a.stdout_data);
    if (!a.stderr_data.empty()) {
      out += "<p class=\"label\">stderr</p>\n" + Pre(a.stderr_data, "stderr");
    }
    out += "</div>\n";
  }
  if (step.capture_name) {
    out += "<p>Captured " + Code(*step.capture_name) +
           (step.capture_value ? " = " + Code(Short(*step.capture_value, 200)) : "") + "</p>\n";
  }
  return out + "</div>\n</details>\n";
}

std::string Runbooks(const DrillResult& r) {
  std::string out = "<section id=\"runbooks\">\n<h2>Runbooks</h2>\n";
  if (r.runbooks.empty()) out += "<p>No runbook ran.</p>\n";
  for (const auto& run : r.runbooks) {
    out += "<div class=\"runbook\">\n<h3>" + Esc(run.name) + " " +
           Badge(run.outcome == "succeeded" ? "succeeded" : "failed", run.outcome) + "</h3>\n";
    out += "<p>" + Code(run.path) + ", for alert " + Esc(run.alertname) + " (" +
           Esc(run.alert_fingerprint) + "), from " + Clock(run.started_at) + " to " +
           Clock(run.ended_at) + ".";
    if (!run.params.empty()) {
      out += " Params:";
      for (const auto& [k, v] : run.params) out += " " + Code(k + "=" + v);
    }
    out += "</p>\n";
    for (const auto& step : run.steps) out += StepDetails(step);
    out += "</div>\n";
  }
  return out + "</section>\n";
}

std::string Calls(const DrillResult& r) {
  std::string out = "<section id=\"calls\">\n<h2>Backend calls</h2>\n";
  if (r.transcript.empty()) return out + "<p>No fake was called.</p>\n</section>\n";
  out +=
      "<table class=\"calls\">\n<thead><tr><th>Virtual time</th><th>Step</th><th>Call</th>"
      "<th>Exit</th><th>Took</th></tr></thead>\n<tbody>\n";
  for (const auto& c : r.transcript) {
    const std::string call = Code(JoinArgv(c.argv));
    std::string cell = call;
    if (!c.stdin_data.empty() || !c.stdout_data.empty() || !c.stderr_data.empty()) {
      cell = "<details><summary>" + call + "</summary>\n";
      const bool http = !c.argv.empty() && c.argv[0] == "HTTP";
      if (!c.stdin_data.empty()) {
        cell += "<p class=\"label\">" + std::string(http ? "request body" : "stdin") + "</p>\n" +
                Pre(c.stdin_data);
      }
      if (!c.stdout_data.empty()) {
        cell += "<p class=\"label\">" + std::string(http ? "response" : "stdout") + "</p>\n" +
                Pre(c.stdout_data);
      }
      if (!c.stderr_data.empty()) {
        cell += "<p class=\"label\">stderr</p>\n" + Pre(c.stderr_data, "stderr");
      }
      cell += "</details>";
    }
    out += "<tr" + std::string(c.exit_code == 0 ? "" : " class=\"error\"") +
           "><td class=\"time\">" + Clock(c.at) + "</td><td>" +
           Esc(c.runbook + "/" + c.step + " #" + std::to_string(c.sequence)) + "</td><td>" + cell +
           "</td><td>" + std::to_string(c.exit_code) + "</td><td>" + FormatDuration(c.duration) +
           "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string Expectations(const DrillResult& r) {
  std::string out = "<section id=\"expectations\">\n<h2>Expectations</h2>\n";
  if (r.expectations.empty()) {
    return out + "<p>The scenario states no expectations.</p>\n</section>\n";
  }
  out +=
      "<table>\n<thead><tr><th></th><th>Expected</th><th>Found</th><th>Where</th></tr>"
      "</thead>\n<tbody>\n";
  for (const auto& e : r.expectations) {
    out += "<tr><td>" + (e.passed ? Badge("passed", "met") : Badge("failed", "not met")) +
           "</td><td>" + Esc(e.what) + "</td><td>" + Esc(e.detail) + "</td><td>" + Code(e.source) +
           "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string Checks(const DrillResult& r) {
  if (!r.verification) return "";
  const auto& v = *r.verification;
  std::string out = "<section id=\"checks\">\n<h2>Checks</h2>\n";
  if (v.findings.empty()) {
    out += "<p>No runbook ran, so there was nothing to check.</p>\n";
  } else {
    out +=
        "<table>\n<thead><tr><th></th><th>Check</th><th>Runbook / step</th><th>Found</th>"
        "<th>Where</th></tr></thead>\n<tbody>\n";
    for (const auto& f : v.findings) {
      std::string found = Esc(f.summary);
      if (!f.diff.empty()) {
        found = "<details><summary>" + found + "</summary>\n" + DiffTable(f.diff) + "</details>";
      }
      out += "<tr><td>" + Badge(FindingClass(f), FindingClass(f)) + "</td><td>" + Code(f.check) +
             "</td><td>" + Esc(StepWhere(f.runbook, f.step)) + "</td><td>" + found + "</td><td>" +
             Code(f.mark) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  if (!v.ignored.empty()) {
    out += "<p>Left out of the comparisons, as asked:</p>\n<ul>\n";
    for (const auto& i : v.ignored) {
      out += "<li>" + Code(i.pattern) + " (" + Esc(i.scope) + ", " + Code(i.source) +
             "): " + Esc(i.reason) + "</li>\n";
    }
    out += "</ul>\n";
  }
  if (!v.mutating_without_rollback.empty()) {
    out += "<p>Steps that change the world and have no rollback:</p>\n<ul>\n";
    for (const auto& s : v.mutating_without_rollback) out += "<li>" + Esc(s) + "</li>\n";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

std::string Coverage(const RunbookCoverage& c) {
  std::string out = "<section id=\"coverage\">\n<h2>Coverage</h2>\n";
  if (c.runbooks.empty()) out += "<p>No runbooks were considered.</p>\n";
  for (const auto& e : c.runbooks) {
    out += "<div class=\"coverage\">\n<h3>" + Esc(e.runbook) + "</h3>\n<p>" + Code(e.path) + ": " +
           std::to_string(e.runs) + " run" + (e.runs == 1 ? "" : "s") + ", " +
           std::to_string(e.steps_exercised) + " of " + std::to_string(e.steps_total) +
           " steps exercised, " + std::to_string(e.branches_taken) + " of " +
           std::to_string(e.branches_total) + " when-branches taken.</p>\n";
    if (!e.unexercised.empty()) {
      out += "<p class=\"label\">Steps never exercised</p>\n<ul>\n";
      for (const auto& s : e.unexercised) {
        out += "<li>" + Code(s.id) + (s.on_failure ? " (on_failure)" : "") + " " +
               "<span class=\"where\">" + Code(s.mark) + "</span></li>\n";
      }
      out += "</ul>\n";
    }
    if (!e.missing_branches.empty()) {
      out += "<p class=\"label\">When-branches never taken</p>\n<ul>\n";
      for (const auto& b : e.missing_branches) {
        out += "<li>" + Esc(b.Text()) + " <span class=\"where\">" + Code(b.mark) + "</span></li>\n";
      }
      out += "</ul>\n";
    }
    out += "</div>\n";
  }
  if (!c.drills.empty()) {
    out += "<details><summary>" + std::to_string(c.drills.size()) + " drill" +
           (c.drills.size() == 1 ? "" : "s") + " counted</summary>\n<ul>\n";
    for (const auto& d : c.drills) {
      out += "<li>" + Badge(d.passed ? "passed" : "failed", d.passed ? "passed" : "failed") + " " +
             Esc(d.scenario) + " " + Code(d.path) + " seed " + std::to_string(d.seed) + "</li>\n";
    }
    out += "</ul>\n</details>\n";
  }
  if (!c.errors.empty()) {
    out += "<p class=\"label\">Drills that could not run</p>\n<ul>\n";
    for (const auto& e : c.errors) out += "<li>" + Esc(e) + "</li>\n";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

constexpr char kStyle[] = R"(
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#bc4c00;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff}
main,header.verdict,nav,footer{max-width:1240px;margin:0 auto;padding:0 20px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;max-height:32em;white-space:pre-wrap;word-break:break-word;margin:4px 0 10px}
pre.stderr{background:#fff5f5;border-color:#f5c2c7}
pre.command{background:#f0f4ff}
.cut{color:var(--muted);font-style:italic}
header.verdict{padding-top:18px;padding-bottom:14px;border-left:8px solid;margin-top:16px;background:var(--bg)}
header.verdict.passed{border-color:var(--ok)}
header.verdict.failed{border-color:var(--bad)}
header.verdict h1{margin:0 0 6px;font-size:26px}
.verdict-word{display:inline-block;padding:0 10px;border-radius:6px;color:#fff;margin-right:8px}
.passed .verdict-word{background:var(--ok)}
.failed .verdict-word{background:var(--bad)}
.description{margin:0 0 10px;color:#333}
dl.facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}
dl.facts div{min-width:120px}
dt{color:var(--muted);font-size:12px}
dd{margin:0;font-weight:600}
nav{margin:10px auto;color:var(--muted)}
nav a{color:#0969da;text-decoration:none;margin-right:14px}
h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
section.failures{border:1px solid #f5c2c7;background:#fffafa;border-radius:8px;padding:0 16px 10px;margin-top:20px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:var(--bg)}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
tr.error td{background:#fff5f5}
table.diff{table-layout:fixed}
table.diff th:first-child{width:40%}
table.diff td.before{background:#fff5f5}
table.diff td.after{background:#f0fff4}
.absent{color:var(--muted);font-style:italic}
.badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
.badge.succeeded,.badge.passed{background:var(--ok)}
.badge.failed{background:var(--bad)}
.badge.timed-out{background:var(--warn)}
.badge.skipped{background:#8c959f}
.where{color:var(--muted)}
.labels{color:var(--muted)}
.note{color:var(--muted)}
.label{margin:6px 0 2px;color:var(--muted);font-size:12px;font-weight:600}
details{margin:4px 0}
details.step{border:1px solid var(--line);border-radius:6px;padding:4px 10px}
details.step.failed,details.step.timed-out{border-color:#f5c2c7}
details summary{cursor:pointer}
details.step .type,details.step .when{color:var(--muted);font-size:12px;margin-left:6px}
.attempt{border-left:3px solid var(--line);padding-left:10px;margin:6px 0}
.figure{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
svg.timeline{display:block;width:100%;min-width:900px;height:auto;font-size:11px}
svg .band{fill:#fff}
svg .band.shaded{fill:#f6f8fa}
svg .axis line{stroke:#d8dee4;stroke-width:1}
svg .axis text{fill:var(--muted);text-anchor:middle}
svg .lane-name{font-weight:700;fill:#1f2328}
svg .row-name{fill:var(--muted);text-anchor:end}
svg .alert{fill:#d1242f}
svg .alert.firing{fill:#ff8182}
svg .alert-pending{fill:#ffd8b5}
svg .fault{fill:#8250df;opacity:.75}
svg .event.scenario{fill:#0969da}
svg .event.fault{fill:#8250df}
svg .event.error{fill:#d1242f}
svg .event.healed{fill:#1a7f37}
svg .run{fill:#ddf4ff}
svg .step{stroke:#fff;stroke-width:1}
svg .step.succeeded{fill:#2da44e}
svg .step.failed{fill:#cf222e}
svg .step.timed-out{fill:#bc4c00}
svg .call{fill:#57606a}
svg .call.error{fill:#cf222e}
svg .http{fill:#bf8700}
svg .notification{fill:#0969da}
svg .notification.resolved{fill:#1a7f37}
footer{color:var(--muted);font-size:12px;margin:30px auto 20px}
)";

}  // namespace

std::string RenderHtml(const DrillResult& r, const RunbookCoverage* coverage) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Drill " +
      Esc(r.scenario_name) + ": " + (r.passed ? "PASSED" : "FAILED") + "</title>\n<style>" +
      kStyle + "</style>\n</head>\n<body>\n";
  out += Verdict(r);
  const std::string failures = Failures(r);
  out += "<nav>";
  if (!failures.empty()) out += "<a href=\"#failures\">What failed</a>";
  out += "<a href=\"#timeline\">Timeline</a>";
  if (!r.alerts.empty()) out += "<a href=\"#incidents\">Incidents</a>";
  out +=
      "<a href=\"#runbooks\">Runbooks</a><a href=\"#calls\">Backend calls</a>"
      "<a href=\"#expectations\">Expectations</a>";
  if (r.verification) out += "<a href=\"#checks\">Checks</a>";
  if (coverage) out += "<a href=\"#coverage\">Coverage</a>";
  out += "<a href=\"#reproduce\">Reproduce</a></nav>\n<main>\n";
  out += failures;
  out += TimelineSection(r);
  out += Incidents(r);
  out += Runbooks(r);
  out += Calls(r);
  out += Expectations(r);
  out += Checks(r);
  if (coverage) out += Coverage(*coverage);
  out += "<section id=\"reproduce\">\n<h2>Reproduce</h2>\n" + Pre(r.reproduce, "command") +
         "</section>\n</main>\n";
  out += "<footer>rundrill drill report · " + Esc(r.scenario_path) + " · seed " +
         std::to_string(r.seed) + "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace rundrill::reports
