#include "reports/markdown_report.h"

#include <algorithm>
#include <sstream>

#include "reports/report_text.h"

namespace rundrill::reports {
namespace {

constexpr size_t kMaxOutputLines = 40;

// A table cell: pipes escaped, newlines folded, long text shortened.
std::string Cell(const std::string& text, size_t max = 120) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += " ⏎ ";
    } else if (c != '\r') {
      out += c;
    }
  }
  if (out.size() > max) {
    // Cut on a character boundary: never in the middle of a UTF-8 sequence.
    while (max > 0 && (static_cast<unsigned char>(out[max]) & 0xC0) == 0x80) --max;
    out = out.substr(0, max) + "…";
  }
  return out;
}

// A code fence longer than any run of backticks in the text, so output cannot close it.
std::string Fenced(const std::string& text, const std::string& info = "") {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string body = text;
  size_t lines = static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
  if (lines > kMaxOutputLines) {
    size_t pos = 0;
    for (size_t i = 0; i < kMaxOutputLines; ++i) pos = body.find('\n', pos) + 1;
    body = body.substr(0, pos) + "… (" + std::to_string(lines - kMaxOutputLines) +
           " more lines in result.json)\n";
  }
  if (!body.empty() && body.back() != '\n') body += '\n';
  return fence + info + "\n" + body + fence + "\n";
}

std::string OutcomeMark(drill::StepOutcome outcome) {
  switch (outcome) {
    case drill::StepOutcome::kSucceeded:
      return "✅ succeeded";
    case drill::StepOutcome::kFailed:
      return "❌ failed";
    case drill::StepOutcome::kSkipped:
      return "⏭ skipped";
    case drill::StepOutcome::kTimedOut:
      return "⏱ timed out";
  }
  return "";
}

// The last lines of a step's output: where the error usually is.
std::string Tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

// Everything that failed, first, so the reader of a chat message or a pull request sees why
// before the detail: unmet expectations, failed checks with their diffs, failed steps with
// the end of their stderr, and the command that replays the drill.
void RenderFailures(const drill::DrillResult& r, std::ostringstream& md) {
  md << "## What failed\n\n";
  bool fenced = false;  // the last thing written was a fenced block (and its blank line)
  for (const auto& e : r.expectations) {
    if (!e.passed)
      md << "- Expected " << e.what << "; found " << e.detail << " (`" << e.source << "`)\n";
  }
  for (const auto& run : r.runbooks) {
    for (const auto& step : run.steps) {
      if (step.outcome != drill::StepOutcome::kFailed &&
          step.outcome != drill::StepOutcome::kTimedOut) {
        continue;
      }
      md << "- Step " << run.name << "/" << step.id << " " << OutcomeMark(step.outcome)
         << (step.reason.empty() ? "" : ": " + step.reason) << "\n";
      fenced = !step.attempts.empty() && !step.attempts.back().stderr_data.empty();
      if (fenced) md << "\n" << Fenced(Tail(step.attempts.back().stderr_data, 5)) << "\n";
    }
  }
  if (r.verification) {
    for (const auto& f : r.verification->findings) {
      if (f.passed) continue;
      md << "- Check " << f.check << " " << f.runbook << (f.step.empty() ? "" : "/" + f.step)
         << ": " << f.summary << " (`" << f.mark << "`)\n";
      fenced = !f.diff.empty();
      if (fenced) {
        std::string lines;
        for (const auto& d : f.diff) lines += verify::FormatDiffEntry(d) + "\n";
        md << "\n" << Fenced(lines, "diff") << "\n";
      }
    }
  }
  md << (fenced ? "" : "\n") << "Reproduce:\n\n" << Fenced(r.reproduce, "sh") << "\n";
}

}  // namespace

std::string RenderMarkdown(const drill::DrillResult& r) {
  std::ostringstream md;
  size_t passed = 0;
  for (const auto& e : r.expectations) passed += e.passed;

  md << "# Drill " << r.scenario_name << ": " << (r.passed ? "PASSED ✅" : "FAILED ❌") << "\n\n";
  if (r.interrupted) {
    md << "> **Interrupted.** rundrill was stopped (SIGINT or SIGTERM) before the drill's end; "
          "this report holds what ran until then.\n\n";
  }
  if (!r.scenario_description.empty()) md << r.scenario_description << "\n\n";
  md << "| | |\n|---|---|\n";
  md << "| Scenario | `" << r.scenario_path << "` |\n";
  md << "| Seed | " << r.seed << " |\n";
  md << "| Virtual start | " << r.start_time << " |\n";
  md << "| Horizon | " << FormatDuration(r.horizon) << " |\n";
  md << "| Expectations | " << passed << " of " << r.expectations.size() << " met |\n";
  md << "| Time to detect | " << FigureOrDash(r.figures.time_to_detect) << " |\n";
  md << "| Time to mitigate | " << FigureOrDash(r.figures.time_to_mitigate) << " |\n";
  md << "| Time to resolve | " << FigureOrDash(r.figures.time_to_resolve) << " |\n\n";

  if (!r.passed) RenderFailures(r, md);

  md << "## Expectations\n\n";
  if (r.expectations.empty()) {
    md << "The scenario states no expectations.\n\n";
  } else {
    md << "| | Expected | Found | Where |\n|---|---|---|---|\n";
    for (const auto& e : r.expectations) {
      md << "| " << (e.passed ? "✅" : "❌") << " | " << Cell(e.what) << " | " << Cell(e.detail)
         << " | `" << e.source << "` |\n";
    }
    md << "\n";
  }

  if (r.verification) {
    const auto& v = *r.verification;
    md << "## Checks\n\n";
    if (v.findings.empty()) {
      md << "No runbook ran, so there was nothing to check.\n\n";
    } else {
      md << "| | Check | Runbook / step | Found | Where |\n|---|---|---|---|---|\n";
      for (const auto& f : v.findings) {
        md << "| "
           << (f.skipped  ? "⏭️"
               : f.passed ? "✅"
                          : "❌")
           << " | " << f.check << " | " << Cell(f.runbook + (f.step.empty() ? "" : " / " + f.step))
           << " | " << Cell(f.summary) << " | `" << f.mark << "` |\n";
      }
      md << "\n";
      for (const auto& f : v.findings) {
        if (f.passed || f.diff.empty()) continue;
        md << "### " << f.check << ": " << f.runbook << (f.step.empty() ? "" : " / " + f.step)
           << "\n\n";
        std::string lines;
        for (const auto& d : f.diff) lines += verify::FormatDiffEntry(d) + "\n";
        md << Fenced(lines, "diff") << "\n";
      }
    }
    if (!v.mutating_without_rollback.empty()) {
      md << "Steps that change the world and have no rollback:\n\n";
      for (const auto& s : v.mutating_without_rollback) md << "- " << s << "\n";
      md << "\n";
    }
    if (!v.ignored.empty()) {
      md << "Left out of the comparisons, as asked:\n\n";
      for (const auto& i : v.ignored) {
        md << "- `" << i.pattern << "` (" << i.scope << ", `" << i.source << "`): " << i.reason
           << "\n";
      }
      md << "\n";
    }
  }

  if (!r.alerts.empty()) {
    // Each alert episode is an incident; this is where "which alert started which run" is
    // read.
    md << "## Incidents\n\n| Alert | Fired | Resolved | Counted from | Detect | Mitigate | "
          "Resolve | Runbooks started |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& a : r.alerts) {
      const std::string labels = AlertLabelsText(a);
      const std::string runbooks = JoinNames(a.runbooks);
      md << "| " << Cell(a.alertname + (labels.empty() ? "" : " {" + labels + "}"))
         << (a.value.empty() ? "" : " = " + a.value) << " | " << FormatClock(a.fired_at) << " | "
         << (a.resolved_at ? FormatClock(*a.resolved_at) : "still firing") << " | "
         << Cell(a.incident_cause) << " | " << FigureOrDash(a.figures.time_to_detect) << " | "
         << FigureOrDash(a.figures.time_to_mitigate) << " | "
         << FigureOrDash(a.figures.time_to_resolve) << " | "
         << (runbooks.empty() ? "none" : Cell(runbooks)) << " |\n";
    }
    md << "\n";
  }

  md << "## Timeline\n\n| Virtual time | Event | Detail |\n|---|---|---|\n";
  for (const auto& t : r.timeline) {
    md << "| " << FormatClock(t.at) << " | " << t.kind << " | " << Cell(t.detail, 200) << " |\n";
  }
  md << "\n";

  md << "## Runbooks\n\n";
  if (r.runbooks.empty()) md << "No runbook ran.\n\n";
  for (const auto& run : r.runbooks) {
    md << "### " << run.name << " — " << run.outcome << "\n\n";
    md << "`" << run.path << "`, for alert " << run.alertname << " (" << run.alert_fingerprint
       << "), from " << FormatClock(run.started_at) << " to " << FormatClock(run.ended_at) << ".";
    if (!run.params.empty()) {
      md << " Params:";
      for (const auto& [k, v] : run.params) md << " `" << k << "=" << v << "`";
    }
    md << "\n\n";
    for (const auto& step : run.steps) {
      md << "#### " << (step.on_failure ? "on_failure: " : "") << step.id << " (" << step.type
         << ") — " << OutcomeMark(step.outcome) << "\n\n";
      if (step.name != step.id) md << step.name << "\n\n";
      md << Fenced(step.command, "sh");
      if (step.approval) {
        const auto& a = *step.approval;
        md << "\nApproval asked in " << a.channel << " at " << FormatClock(a.requested_at) << ": **"
           << a.decision << "** at " << FormatClock(a.decided_at) << " (" << a.detail << ")\n";
      }
      if (step.outcome == drill::StepOutcome::kSkipped) {
        md << "\n" << step.reason << "\n\n";
        continue;
      }
      md << "\n" << FormatClock(step.started_at) << " → " << FormatClock(step.ended_at);
      if (!step.reason.empty()) md << ": " << step.reason;
      md << "\n\n";
      for (size_t i = 0; i < step.attempts.size(); ++i) {
        const auto& a = step.attempts[i];
        if (step.attempts.size() > 1) {
          md << "Attempt " << (i + 1) << " at " << FormatClock(a.started_at) << ": exit "
             << a.exit_code << (a.stop == "exited" ? "" : " (" + a.stop + ")") << "\n\n";
        } else if (a.stop != "exited" || a.exit_code != 0) {
          md << "Exit " << a.exit_code << (a.stop == "exited" ? "" : " (" + a.stop + ")") << "\n\n";
        }
        if (!a.stdout_data.empty()) md << "stdout:\n\n" << Fenced(a.stdout_data) << "\n";
        if (!a.stderr_data.empty()) md << "stderr:\n\n" << Fenced(a.stderr_data) << "\n";
      }
      if (step.capture_name) {
        md << "Captured `" << *step.capture_name << "`.\n\n";
      }
    }
  }

  md << "## Backend calls\n\n";
  if (r.transcript.empty()) {
    md << "No fake was called.\n\n";
  } else {
    md << "| Virtual time | Step | Call | Exit | Took |\n|---|---|---|---|---|\n";
    for (const auto& c : r.transcript) {
      md << "| " << FormatClock(c.at) << " | " << c.runbook << "/" << c.step << " #" << c.sequence
         << " | `" << Cell(JoinArgv(c.argv)) << "` | " << c.exit_code << " | "
         << FormatDuration(c.duration) << " |\n";
    }
    md << "\n";
  }

  md << "## Reproduce\n\n" << Fenced(r.reproduce, "sh");
  return md.str();
}

}  // namespace rundrill::reports
