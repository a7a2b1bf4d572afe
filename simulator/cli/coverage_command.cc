#include "simulator/cli/coverage_command.h"

#include <filesystem>
#include <ostream>

#include "reports/coverage.h"
#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"

namespace rundrill::cli {

namespace fs = std::filesystem;

int Coverage(const CoverageOptions& options, Io io) {
  std::vector<load::Diagnostic> errors;
  // One load, so that scenarios are checked against the runbooks they will run with.
  const load::Catalog catalog =
      load::LoadPaths({options.runbooks_dir, options.scenarios_dir}, &errors);
  if (!errors.empty()) {
    for (const auto& e : errors) io.err << e.ToString() << "\n";
    return kExitBadInput;
  }

  std::vector<drill::DrillResult> results;
  std::vector<std::string> drill_errors;
  for (const model::Scenario& scenario : catalog.scenarios) {
    drill::DrillOptions drill_options;
    drill_options.seed = options.seed.value_or(scenario.seed.value_or(1));
    drill_options.shim_path = options.shim_path.empty() ? DefaultShimPath() : options.shim_path;
    drill_options.wall_limit = options.wall_limit;
    drill_options.reproduce = "rundrill run " + ShellQuote(scenario.path) + " --runbooks " +
                              ShellQuote(options.runbooks_dir) + " --seed " +
                              std::to_string(drill_options.seed);
    auto result = drill::RunDrill(scenario, catalog.runbooks, drill_options);
    if (!result.ok()) {
      drill_errors.push_back(scenario.path + ": " + result.status().message());
      continue;
    }
    results.push_back(std::move(*result));
  }

  reports::RunbookCoverage coverage = reports::ComputeCoverage(catalog.runbooks, results);
  coverage.errors = drill_errors;

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    io.err << "rundrill: cannot create " << options.out_dir << ": " << ec.message() << "\n";
    return kExitInternal;
  }
  const fs::path json_path = fs::path(options.out_dir) / "coverage.json";
  const fs::path md_path = fs::path(options.out_dir) / "coverage.md";
  std::string write_error;
  if (!WriteFileAtomically(json_path, reports::RenderCoverageJson(coverage), &write_error) ||
      !WriteFileAtomically(md_path, reports::RenderCoverageMarkdown(coverage), &write_error)) {
    io.err << "rundrill: " << write_error << "\n";
    return kExitInternal;
  }

  for (const auto& entry : coverage.runbooks) {
    io.out << reports::CoverageSummaryLine(entry) << "\n";
  }
  std::vector<std::string> failed;
  for (const auto& drill : coverage.drills) {
    if (!drill.passed) failed.push_back(drill.scenario);
  }
  io.out << coverage.drills.size() << (coverage.drills.size() == 1 ? " drill, " : " drills, ")
         << failed.size() << " failed";
  for (size_t i = 0; i < failed.size(); ++i) io.out << (i == 0 ? ": " : ", ") << failed[i];
  io.out << "\n";
  for (const auto& error : coverage.errors) io.out << "could not run: " << error << "\n";
  io.out << "coverage: " << json_path.string() << ", " << md_path.string() << "\n";
  return kExitPassed;
}

}  // namespace rundrill::cli
