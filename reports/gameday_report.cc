#include "reports/gameday_report.h"

#include <sstream>

namespace rundrill::reports {
namespace {

std::string Ms(const std::optional<int64_t>& ms) {
  return ms ? FormatDuration(SimDuration(*ms)) : "—";
}

void List(std::ostringstream& md, const std::string& title, const std::vector<std::string>& ids,
          const std::string& none) {
  md << "## " << title << "\n\n";
  if (ids.empty()) md << none << "\n";
  for (const auto& id : ids) md << "- [" << id << "](drills/" << id << "/report.md)\n";
  md << "\n";
}

}  // namespace

std::string RenderGamedayMarkdown(const GamedayReport& r) {
  std::ostringstream md;
  const SuiteRecord& suite = *r.suite;
  md << "# Game day " << r.label << ": " << (suite.passed() ? "PASSED" : "FAILED") << "\n\n";
  md << "- Drills: " << (suite.drills.size() - suite.failed() - suite.errors()) << " of "
     << suite.drills.size() << " passed (details in [summary.md](summary.md))\n";
  md << "- Extra faults: " << (r.chaos.empty() ? "none" : r.chaos) << "\n";
  md << "- History: `" << r.history_path << "`, " << r.earlier_runs
     << (r.earlier_runs == 1 ? " earlier game day" : " earlier game days") << "\n\n";

  if (r.earlier_runs == 0) {
    md << "This is the first game day in this history: the next one will be compared with it.\n\n";
  } else {
    List(md, "New failures", r.trend.new_failures, "None.");
    List(md, "Fixed since the last game day", r.trend.fixed, "None.");
    List(md, "Still failing", r.trend.still_failing, "None.");
  }

  md << "## Pass rate\n\n| Game day | Passed |\n|---|---|\n";
  for (const auto& [label, rate] : r.trend.pass_rates)
    md << "| " << label << " | " << rate << " |\n";
  md << "\n## Time to resolve\n\nVirtual time from the first scenario event to the last alert "
        "resolving; — when it did not resolve.\n\n| Drill | This game day | Last one | Median "
        "before |\n|---|---|---|---|\n";
  for (const auto& t : r.trend.resolve) {
    md << "| " << t.scenario << " | " << Ms(t.now_ms) << " | " << Ms(t.previous_ms) << " | "
       << Ms(t.median_ms) << " |\n";
  }
  md << "\n";
  if (!r.faults.empty()) {
    md << "## Extra faults\n\n";
    for (const auto& f : r.faults) md << "- " << f << "\n";
    md << "\n";
  }
  return md.str();
}

}  // namespace rundrill::reports
