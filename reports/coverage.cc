#include "reports/coverage.h"

#include <map>
#include <nlohmann/json.hpp>

namespace rundrill::reports {
namespace {

// How a drill recorded a step whose `when` did not hold (drill.cc, RunStep).
constexpr std::string_view kWhenNotMet = "when: condition not met";

struct Seen {
  bool ran = false;
  bool when_false = false;
};

std::string Fraction(int part, int whole) {
  return std::to_string(part) + "/" + std::to_string(whole);
}

}  // namespace

std::string MissingBranch::Text() const {
  if (!seen_true && !seen_false) return id + ": `when` never evaluated";
  return id + ": `when` never " + (seen_true ? "false" : "true");
}

RunbookCoverage ComputeCoverage(const std::vector<model::Runbook>& runbooks,
                                const std::vector<drill::DrillResult>& drills) {
  // runbook name → step id → what the suite saw of it.
  std::map<std::string, std::map<std::string, Seen>> seen;
  std::map<std::string, int> runs;
  RunbookCoverage out;
  for (const drill::DrillResult& drill : drills) {
    out.drills.push_back({drill.scenario_name, drill.scenario_path, drill.seed, drill.passed});
    for (const drill::RunbookRecord& run : drill.runbooks) {
      ++runs[run.name];
      for (const drill::StepRecord& step : run.steps) {
        Seen& s = seen[run.name][step.id];
        if (step.outcome != drill::StepOutcome::kSkipped) {
          s.ran = true;
        } else if (step.reason == kWhenNotMet) {
          s.when_false = true;
        }
      }
    }
  }

  for (const model::Runbook& runbook : runbooks) {
    RunbookCoverageEntry entry;
    entry.runbook = runbook.name;
    entry.path = runbook.path;
    entry.runs = runs[runbook.name];
    const std::map<std::string, Seen>& steps_seen = seen[runbook.name];
    auto visit = [&](const std::vector<model::Step>& steps, bool on_failure) {
      for (const model::Step& step : steps) {
        auto it = steps_seen.find(step.id);
        const Seen s = it == steps_seen.end() ? Seen{} : it->second;
        ++entry.steps_total;
        if (s.ran) {
          ++entry.steps_exercised;
        } else {
          entry.unexercised.push_back({step.id, step.mark.ToString(), on_failure});
        }
        if (!step.when) continue;
        entry.branches_total += 2;
        entry.branches_taken += (s.ran ? 1 : 0) + (s.when_false ? 1 : 0);
        if (!s.ran || !s.when_false) {
          entry.missing_branches.push_back({step.id, step.mark.ToString(), s.ran, s.when_false});
        }
      }
    };
    visit(runbook.steps, false);
    visit(runbook.on_failure, true);
    visit(runbook.escalation, true);
    out.runbooks.push_back(std::move(entry));
  }
  return out;
}

std::string CoverageSummaryLine(const RunbookCoverageEntry& entry) {
  std::string line = entry.runbook + ": " + Fraction(entry.steps_exercised, entry.steps_total) +
                     " steps, " + Fraction(entry.branches_taken, entry.branches_total) +
                     " when-branches";
  if (entry.runs == 0) line += "; no drill ran it";
  if (!entry.unexercised.empty()) {
    line += "; never ran: ";
    for (size_t i = 0; i < entry.unexercised.size(); ++i) {
      const UnexercisedStep& step = entry.unexercised[i];
      line += (i == 0 ? "" : ", ") + step.id + " (" + step.mark + ")";
    }
  }
  for (const MissingBranch& branch : entry.missing_branches) line += "; " + branch.Text();
  return line;
}

std::string RenderCoverageJson(const RunbookCoverage& coverage) {
  nlohmann::json root = nlohmann::json::object();
  nlohmann::json runbooks = nlohmann::json::array();
  for (const RunbookCoverageEntry& entry : coverage.runbooks) {
    nlohmann::json unexercised = nlohmann::json::array();
    for (const UnexercisedStep& step : entry.unexercised) {
      unexercised.push_back(
          {{"id", step.id}, {"mark", step.mark}, {"on_failure", step.on_failure}});
    }
    nlohmann::json missing = nlohmann::json::array();
    for (const MissingBranch& branch : entry.missing_branches) {
      missing.push_back({{"id", branch.id},
                         {"mark", branch.mark},
                         {"seen_true", branch.seen_true},
                         {"seen_false", branch.seen_false},
                         {"text", branch.Text()}});
    }
    runbooks.push_back(
        {{"runbook", entry.runbook},
         {"path", entry.path},
         {"runs", entry.runs},
         {"steps", {{"total", entry.steps_total}, {"exercised", entry.steps_exercised}}},
         {"unexercised_steps", unexercised},
         {"when_branches", {{"total", entry.branches_total}, {"taken", entry.branches_taken}}},
         {"missing_branches", missing}});
  }
  nlohmann::json drills = nlohmann::json::array();
  for (const CoveredDrill& drill : coverage.drills) {
    drills.push_back({{"scenario", drill.scenario},
                      {"path", drill.path},
                      {"seed", drill.seed},
                      {"passed", drill.passed}});
  }
  root["runbooks"] = runbooks;
  root["drills"] = drills;
  root["errors"] = coverage.errors;
  return root.dump(2) + "\n";
}

std::string RenderCoverageMarkdown(const RunbookCoverage& coverage) {
  int failed = 0;
  for (const CoveredDrill& drill : coverage.drills) failed += drill.passed ? 0 : 1;
  std::string md = "# Runbook coverage\n\n";
  md +=
      std::to_string(coverage.drills.size()) +
      (coverage.drills.size() == 1 ? " drill, " : " drills, ") + std::to_string(failed) +
      " failed" +
      (coverage.errors.empty() ? ""
                               : ", " + std::to_string(coverage.errors.size()) + " could not run") +
      ".\n\n";
  md += "| runbook | runs | steps | when-branches |\n|---|---|---|---|\n";
  for (const RunbookCoverageEntry& entry : coverage.runbooks) {
    md += "| " + entry.runbook + " | " + std::to_string(entry.runs) + " | " +
          Fraction(entry.steps_exercised, entry.steps_total) + " | " +
          Fraction(entry.branches_taken, entry.branches_total) + " |\n";
  }
  for (const RunbookCoverageEntry& entry : coverage.runbooks) {
    if (entry.unexercised.empty() && entry.missing_branches.empty()) continue;
    md += "\n## " + entry.runbook + "\n\n";
    for (const UnexercisedStep& step : entry.unexercised) {
      md += "- never ran: `" + step.id + "`" + (step.on_failure ? " (on failure)" : "") + " at " +
            step.mark + "\n";
    }
    for (const MissingBranch& branch : entry.missing_branches) {
      md += "- " + branch.Text() + " at " + branch.mark + "\n";
    }
  }
  md += "\n## Drills\n\n";
  for (const CoveredDrill& drill : coverage.drills) {
    md += "- " + drill.scenario + " (seed " + std::to_string(drill.seed) +
          "): " + (drill.passed ? "passed" : "FAILED") + "\n";
  }
  for (const std::string& error : coverage.errors) md += "- could not run: " + error + "\n";
  return md;
}

}  // namespace rundrill::reports
