#include "simulator/cli/commands.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include "reports/contracts_json.h"
#include "reports/html_report.h"
#include "reports/junit.h"
#include "reports/markdown_report.h"
#include "reports/postmortem.h"
#include "reports/result_json.h"
#include "simulator/cli/drill_outputs.h"
#include "simulator/contracts/contracts.h"
#include "simulator/drill/drill.h"
#include "simulator/exec/interrupt.h"
#include "simulator/lint/lint.h"
#include "simulator/load/loader.h"
#include "simulator/suite/chaos.h"
#include "simulator/verify/checks.h"

namespace rundrill::cli {
namespace {

namespace fs = std::filesystem;

void PrintDiagnostics(const std::vector<load::Diagnostic>& errors, std::ostream& err) {
  for (const auto& e : errors) err << e.ToString() << "\n";
}

std::string FigureText(const std::optional<SimDuration>& d) {
  return d ? FormatDuration(*d) : "n/a";
}

// The first line where two texts differ, numbered from 1, with both versions.
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t line = 1;
  size_t start = 0;
  for (;;) {
    const size_t end_a = std::min(a.find('\n', start), a.size());
    const size_t end_b = std::min(b.find('\n', start), b.size());
    const std::string_view line_a =
        std::string_view(a).substr(std::min(start, a.size()), end_a - std::min(start, end_a));
    const std::string_view line_b =
        std::string_view(b).substr(std::min(start, b.size()), end_b - std::min(start, end_b));
    if (line_a != line_b || end_a != end_b) {
      return "line " + std::to_string(line) + ":\n  first run:  " + std::string(line_a) +
             "\n  second run: " + std::string(line_b) + "\n";
    }
    if (end_a >= a.size()) return "";
    start = end_a + 1;
    ++line;
  }
}

}  // namespace

bool WriteFileAtomically(const fs::path& path, const std::string& content, std::string* error) {
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) {
      *error = "cannot write " + temp.string();
      return false;
    }
    file << content;
    if (!file.flush()) {
      *error = "cannot write " + temp.string();
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    *error = "cannot rename " + temp.string() + ": " + ec.message();
    return false;
  }
  return true;
}

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "_-./=:,@%+") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string DefaultShimPath() {
  if (const char* override_path = std::getenv("RUNDRILL_SHIM")) return override_path;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "rundrill-shim";
  return (self.parent_path() / "rundrill-shim").string();
}

int Validate(const ValidateOptions& options, Io io) {
  std::vector<load::Diagnostic> errors;
  const load::Catalog catalog = load::LoadPaths(options.paths, &errors);
  if (!errors.empty()) {
    PrintDiagnostics(errors, io.err);
    io.err << errors.size() << (errors.size() == 1 ? " error" : " errors") << "\n";
    return kExitBadInput;
  }

  std::unique_ptr<lint::ShellcheckRunner> shellcheck;
  if (options.shellcheck && !catalog.runbooks.empty()) {
    shellcheck = lint::FindShellcheck();
    if (!shellcheck) io.err << "lint: shellcheck is not on PATH; shell checks skipped\n";
  }
  size_t lint_errors = 0;
  size_t lint_warnings = 0;
  size_t silenced = 0;
  for (const model::Runbook& runbook : catalog.runbooks) {
    lint::LintOptions lint_options;
    lint_options.shellcheck = shellcheck.get();
    std::string shellcheck_error;
    for (const lint::LintFinding& f : lint::LintRunbook(runbook, lint_options, &shellcheck_error)) {
      if (f.silenced()) {
        ++silenced;
        if (options.show_silenced) io.out << f.ToString() << "\n";
        continue;
      }
      (f.severity == lint::Severity::kError ? lint_errors : lint_warnings)++;
      io.out << f.ToString() << "\n";
    }
    if (!shellcheck_error.empty()) {
      io.err << runbook.path << ": shell checks skipped: " << shellcheck_error << "\n";
    }
  }

  if (lint_errors + lint_warnings > 0) {
    io.out << "lint: " << lint_errors << (lint_errors == 1 ? " error, " : " errors, ")
           << lint_warnings << (lint_warnings == 1 ? " warning" : " warnings") << " in "
           << catalog.runbooks.size() << " runbook" << (catalog.runbooks.size() == 1 ? "" : "s");
    if (silenced > 0) io.out << " (" << silenced << " silenced)";
    io.out << "\n";
  }
  if (lint_errors > 0 || (options.strict && lint_warnings > 0)) return kExitFailed;
  io.out << "ok: " << catalog.runbooks.size() << " runbook"
         << (catalog.runbooks.size() == 1 ? "" : "s") << ", " << catalog.scenarios.size()
         << " scenario" << (catalog.scenarios.size() == 1 ? "" : "s") << "\n";
  return kExitPassed;
}

int Run(const RunOptions& options, Io io) {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::LoadScenarioFile(options.scenario, &errors);
  std::vector<model::Runbook> runbooks;
  if (options.runbooks.empty()) {
    load::Catalog catalog = load::LoadPaths({options.runbooks_dir}, &errors);
    runbooks = std::move(catalog.runbooks);
  } else {
    for (const auto& path : options.runbooks) {
      if (auto runbook = load::LoadRunbookFile(path, &errors)) runbooks.push_back(*runbook);
    }
  }
  if (scenario) load::CheckScenarioAgainstRunbooks(*scenario, runbooks, &errors);
  if (!errors.empty() || !scenario) {
    PrintDiagnostics(errors, io.err);
    return kExitBadInput;
  }
  if (options.chaos_seed) scenario = suite::WithExtraFaults(*scenario, *options.chaos_seed);

  drill::DrillOptions drill_options;
  drill_options.seed = options.seed.value_or(scenario->seed.value_or(1));
  drill_options.shim_path = options.shim_path.empty() ? DefaultShimPath() : options.shim_path;
  drill_options.wall_limit = options.wall_limit;
  std::string reproduce = "rundrill run " + ShellQuote(options.scenario);
  if (options.runbooks.empty()) {
    reproduce += " --runbooks " + ShellQuote(options.runbooks_dir);
  } else {
    for (const auto& path : options.runbooks) reproduce += " --runbook " + ShellQuote(path);
  }
  reproduce += " --seed " + std::to_string(drill_options.seed);
  if (options.wall_limit != RunOptions{}.wall_limit) {
    reproduce += " --wall-limit " + FormatDuration(SimDuration(options.wall_limit.count()));
  }
  if (options.verify) reproduce += " --verify";
  if (options.chaos_seed) reproduce += " --chaos-seed " + std::to_string(*options.chaos_seed);
  drill_options.reproduce = reproduce;

  auto result = drill::RunDrill(*scenario, runbooks, drill_options);
  if (!result.ok()) {
    io.err << "rundrill: " << result.status().message() << "\n";
    return result.status().ExitCode();
  }
  if (options.check_determinism && !result->interrupted) {
    // Before --verify adds its findings: the drill itself is what must repeat.
    auto again = drill::RunDrill(*scenario, runbooks, drill_options);
    if (!again.ok()) {
      io.err << "rundrill: " << again.status().message() << "\n";
      return again.status().ExitCode();
    }
    if (!again->interrupted) {
      const std::string first = reports::RenderResultJson(*result);
      const std::string second = reports::RenderResultJson(*again);
      if (first != second) {
        io.err << "rundrill: not deterministic: two runs of seed " << drill_options.seed
               << " differ in result.json at " << FirstDifference(first, second);
        return kExitFailed;
      }
      if (result->final_draw != again->final_draw) {
        io.err << "rundrill: not deterministic: two runs of seed " << drill_options.seed
               << " gave the same result.json but consumed different randomness (final draws "
               << result->final_draw << " and " << again->final_draw << ")\n";
        return kExitFailed;
      }
      io.out << "determinism: two runs of seed " << drill_options.seed << " are identical ("
             << first.size() << " bytes, final draw " << result->final_draw << ")\n";
    }
  }
  if (options.verify && !result->interrupted) {
    auto verification = verify::VerifyDrill(*scenario, runbooks, drill_options, *result);
    if (!verification.ok()) {
      io.err << "rundrill: " << verification.status().message() << "\n";
      return verification.status().ExitCode();
    }
    result->passed = result->passed && verification->passed();
    result->verification = std::move(*verification);
  }

  const fs::path out_dir(options.out_dir);
  const fs::path json_path = out_dir / "result.json";
  const fs::path report_path = out_dir / "report.md";
  const fs::path html_path = out_dir / "report.html";
  const fs::path postmortem_path = out_dir / "postmortem.md";
  const fs::path contracts_dir = out_dir / "contracts";
  const fs::path junit_path = out_dir / "junit.xml";
  const bool incident = reports::HasIncident(*result);
  // Checked after the drill, from its transcript: the real kubectl's verdicts (which depend
  // on the machine) go to contracts/ and junit.xml only, never into result.json.
  const std::unique_ptr<contracts::KubectlParser> real_kubectl = contracts::FindRealKubectl();
  const std::vector<contracts::ContractResult> contract_results =
      contracts::CheckContracts(*result, real_kubectl.get());
  size_t contracts_violated = 0;
  for (const auto& contract : contract_results) {
    contracts_violated += contract.Count(contracts::ContractStatus::kViolated) > 0;
  }
  std::string write_error;
  if (!WriteDrillOutputs(out_dir, *result, contract_results, nullptr, &write_error) ||
      !WriteFileAtomically(junit_path, reports::RenderJUnit({*result}, {}, {contract_results}),
                           &write_error)) {
    io.err << "rundrill: " << write_error << "\n";
    return kExitInternal;
  }

  const auto& r = *result;
  if (r.interrupted || exec::Interrupted()) {
    io.err << "rundrill: interrupted; partial result in " << json_path.string() << ", report in "
           << report_path.string() << "\n";
    return kExitInterrupted;
  }
  size_t met = 0;
  for (const auto& e : r.expectations) met += e.passed;
  io.out << "drill " << r.scenario_name << " (seed " << r.seed
         << "): " << (r.passed ? "PASSED" : "FAILED") << "\n";
  if (r.runbooks.empty()) io.out << "  no runbook ran\n";
  for (const auto& run : r.runbooks) {
    io.out << "  runbook " << run.name << ": " << run.outcome << " (";
    bool first = true;
    for (const auto& step : run.steps) {
      io.out << (first ? "" : ", ") << step.id << " " << drill::StepOutcomeName(step.outcome);
      first = false;
    }
    io.out << ")\n";
  }
  io.out << "  expectations: " << met << "/" << r.expectations.size() << " met\n";
  if (r.verification) {
    size_t checks_passed = 0;
    for (const auto& f : r.verification->findings) checks_passed += f.passed;
    io.out << "  checks: " << checks_passed << "/" << r.verification->findings.size()
           << " passed\n";
    for (const auto& f : r.verification->findings) {
      if (!f.passed) {
        io.out << "    " << f.check << " " << f.runbook << (f.step.empty() ? "" : "/" + f.step)
               << ": " << f.summary << "\n";
      }
    }
  }
  for (const auto& e : r.expectations) {
    if (!e.passed) io.out << "    not met: " << e.what << " — found " << e.detail << "\n";
  }
  io.out << "  time to detect " << FigureText(r.figures.time_to_detect) << ", to mitigate "
         << FigureText(r.figures.time_to_mitigate) << ", to resolve "
         << FigureText(r.figures.time_to_resolve) << " (virtual)\n";
  io.out << "report: " << report_path.string() << "\n";
  if (incident) io.out << "postmortem: " << postmortem_path.string() << "\n";
  io.out << "html: " << html_path.string() << "\n";
  io.out << "result: " << json_path.string() << "\n";
  io.out << "junit: " << junit_path.string() << "\n";
  io.out << "contracts: " << contracts_dir.string() << " (" << contract_results.size() << " file"
         << (contract_results.size() == 1 ? "" : "s") << ", " << contracts_violated
         << " with violations)\n";
  if (!r.passed) io.out << "reproduce: " << r.reproduce << "\n";
  return r.passed ? kExitPassed : kExitFailed;
}

int Exec(const ExecOptions& options, Io io) {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::LoadScenarioFile(options.scenario, &errors);
  if (!scenario) {
    PrintDiagnostics(errors, io.err);
    return kExitBadInput;
  }
  const auto at = ParseDuration(options.at);
  if (!at) {
    io.err << "rundrill: --at: invalid duration \"" << options.at
           << "\" (use forms like 90s, 5m, 1h30m)\n";
    return kExitBadInput;
  }
  if (options.command.empty()) {
    io.err << "rundrill: exec needs a command after --\n";
    return kExitBadInput;
  }
  std::string command;
  for (const auto& arg : options.command) {
    if (!command.empty()) command += ' ';
    command += ShellQuote(arg);
  }

  drill::DrillOptions drill_options;
  drill_options.seed = options.seed.value_or(scenario->seed.value_or(1));
  drill_options.shim_path = options.shim_path.empty() ? DefaultShimPath() : options.shim_path;
  drill_options.wall_limit = options.wall_limit;
  auto result = drill::ExecInScenario(*scenario, *at, command, drill_options);
  if (!result.ok()) {
    io.err << "rundrill: " << result.status().message() << "\n";
    return result.status().ExitCode();
  }
  io.out << result->stdout_data;
  io.err << result->stderr_data;
  if (result->stop == "wall-guard") {
    io.err << "rundrill: the command was killed: it called no fake for "
           << FormatDuration(SimDuration(options.wall_limit.count())) << " of real time\n";
  } else if (result->stop == "virtual-timeout") {
    io.err << "rundrill: the command was stopped at the scenario's horizon\n";
  }
  if (options.transcript) {
    io.err << "--- transcript (" << result->transcript.size() << " calls)\n";
    for (const auto& call : result->transcript) {
      io.err << FormatClock(call.at) << " +" << FormatDuration(call.duration) << " exit "
             << call.exit_code << ":";
      for (const auto& arg : call.argv) io.err << " " << ShellQuote(arg);
      io.err << "\n";
    }
  }
  io.out.flush();
  io.err.flush();
  return result->exit_code;
}

}  // namespace rundrill::cli
