#include "reports/suite_report.h"

#include <sstream>

namespace rundrill::reports {
namespace {

using nlohmann::json;

bool Counts(const lint::LintFinding& f, lint::Severity severity) {
  return !f.silenced() && f.severity == severity;
}

}  // namespace

std::vector<std::string> DrillFailures(const drill::DrillResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.expectations) {
    if (!e.passed) out.push_back("expected " + e.what + "; found " + e.detail);
  }
  if (r.verification) {
    for (const auto& f : r.verification->findings) {
      if (!f.passed) {
        out.push_back(f.check + " " + f.runbook + (f.step.empty() ? "" : "/" + f.step) + ": " +
                      f.summary);
      }
    }
  }
  if (out.empty()) {
    for (const auto& run : r.runbooks) {
      for (const auto& s : run.steps) {
        if (s.outcome == drill::StepOutcome::kFailed ||
            s.outcome == drill::StepOutcome::kTimedOut) {
          out.push_back("step " + run.name + "/" + s.id + " " +
                        std::string(drill::StepOutcomeName(s.outcome)) + ": " + s.reason);
        }
      }
    }
  }
  return out;
}

namespace {

std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int SuiteRecord::lint_errors() const {
  int n = 0;
  for (const auto& f : lint) n += Counts(f, lint::Severity::kError);
  return n;
}

int SuiteRecord::lint_warnings() const {
  int n = 0;
  for (const auto& f : lint) n += Counts(f, lint::Severity::kWarning);
  return n;
}

int SuiteRecord::failed() const {
  int n = 0;
  for (const auto& d : drills) n += d.result != nullptr && !d.result->passed;
  return n;
}

int SuiteRecord::errors() const {
  int n = 0;
  for (const auto& d : drills) n += d.result == nullptr;
  return n;
}

json SuiteToJson(const SuiteRecord& suite) {
  json drills = json::array();
  for (const auto& d : suite.drills) {
    json entry{{"id", d.id},
               {"scenario", d.scenario_path},
               {"seed", d.seed},
               {"result", "drills/" + d.id + "/result.json"}};
    if (d.result != nullptr) {
      entry["passed"] = d.result->passed;
      entry["reproduce"] = d.result->reproduce;
      entry["failures"] = DrillFailures(*d.result);
      entry["error"] = nullptr;
    } else {
      entry["passed"] = false;
      entry["error"] = d.error;
    }
    drills.push_back(std::move(entry));
  }
  json lint = json::array();
  for (const auto& f : suite.lint) {
    lint.push_back(json{{"rule", f.rule},
                        {"severity", std::string(lint::SeverityName(f.severity))},
                        {"file", f.mark.file},
                        {"line", f.mark.line},
                        {"column", f.mark.column},
                        {"message", f.message},
                        {"step", f.step_id},
                        {"silenced", f.silenced_reason}});
  }
  json selection = nullptr;
  if (suite.selection) {
    selection = json{{"changed_since", suite.selection->changed_since},
                     {"everything", suite.selection->everything},
                     {"reasons", suite.selection->reasons}};
  }
  return json{{"schema", kSuiteSchema},
              {"shard", suite.shard.empty() ? json(nullptr) : json(suite.shard)},
              {"planned", suite.planned},
              {"selection", selection},
              {"passed", suite.passed()},
              {"counts", json{{"drills", suite.drills.size()},
                              {"failed", suite.failed()},
                              {"errors", suite.errors()},
                              {"lint_errors", suite.lint_errors()},
                              {"lint_warnings", suite.lint_warnings()}}},
              {"drills", drills},
              {"lint", lint}};
}

std::string RenderSuiteJson(const SuiteRecord& suite) {
  return SuiteToJson(suite).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::vector<lint::LintFinding> LintFromJson(const json& lint) {
  std::vector<lint::LintFinding> out;
  if (!lint.is_array()) return out;
  for (const json& j : lint) {
    lint::LintFinding f;
    f.rule = j.value("rule", "");
    f.severity =
        j.value("severity", "") == "error" ? lint::Severity::kError : lint::Severity::kWarning;
    f.mark.file = j.value("file", "");
    f.mark.line = j.value("line", 0);
    f.mark.column = j.value("column", 0);
    f.message = j.value("message", "");
    f.step_id = j.value("step", "");
    f.silenced_reason = j.value("silenced", "");
    out.push_back(std::move(f));
  }
  return out;
}

std::string RenderSuiteMarkdown(const SuiteRecord& suite) {
  std::ostringstream md;
  const int passed = static_cast<int>(suite.drills.size()) - suite.failed() - suite.errors();
  md << "# rundrill suite: " << (suite.passed() ? "PASSED" : "FAILED") << "\n\n";
  md << "- Drills: " << passed << " of " << suite.drills.size() << " passed";
  if (suite.failed() > 0) md << ", " << suite.failed() << " failed";
  if (suite.errors() > 0) md << ", " << suite.errors() << " could not run";
  md << "\n";
  if (!suite.shard.empty()) {
    md << "- Shard " << suite.shard << " of a suite of " << suite.planned << " drills\n";
  }
  if (suite.selection) {
    md << "- Selected by the changes since `" << suite.selection->changed_since << "`"
       << (suite.selection->everything ? ": everything" : "") << "\n";
    for (const auto& reason : suite.selection->reasons) md << "  - " << reason << "\n";
  }
  md << "- Lint: " << suite.lint_errors() << " errors, " << suite.lint_warnings()
     << " warnings\n\n";

  bool any_failure = false;
  for (const auto& d : suite.drills) {
    if (d.result != nullptr && d.result->passed) continue;
    if (!any_failure) md << "## Failures\n\n";
    any_failure = true;
    md << "### " << d.id << "\n\n";
    if (d.result == nullptr) {
      md << "Could not run: " << d.error << "\n\n";
      continue;
    }
    for (const auto& line : DrillFailures(*d.result)) md << "- " << line << "\n";
    md << "\nReproduce:\n\n```sh\n"
       << d.result->reproduce << "\n```\n\nReport: `drills/" << d.id << "/report.md`\n\n";
  }
  if (suite.lint_errors() > 0) {
    md << "## Lint errors\n\n";
    for (const auto& f : suite.lint) {
      if (Counts(f, lint::Severity::kError)) md << "- `" << f.ToString() << "`\n";
    }
    md << "\n";
  }

  md << "## Drills\n\n| | Drill | Scenario | Seed | Runbooks ran | Checks |\n"
        "|---|---|---|---|---|---|\n";
  for (const auto& d : suite.drills) {
    std::string runbooks;
    std::string checks = "not run";
    if (d.result != nullptr) {
      for (const auto& run : d.result->runbooks) {
        runbooks += (runbooks.empty() ? "" : ", ") + run.name + " (" + run.outcome + ")";
      }
      if (d.result->verification) {
        int ok = 0;
        for (const auto& f : d.result->verification->findings) ok += f.passed;
        checks = std::to_string(ok) + "/" +
                 std::to_string(d.result->verification->findings.size()) + " passed";
      }
    }
    md << "| "
       << (d.result == nullptr ? "⚠️"
           : d.result->passed  ? "✅"
                               : "❌")
       << " | [" << d.id << "](drills/" << d.id << "/report.md) | `" << d.scenario_path << "` | "
       << d.seed << " | " << Cell(runbooks.empty() ? "none" : runbooks) << " | " << checks
       << " |\n";
  }
  md << "\n";
  return md.str();
}

}  // namespace rundrill::reports
