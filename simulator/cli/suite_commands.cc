#include "simulator/cli/suite_commands.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "reports/coverage.h"
#include "reports/gameday_report.h"
#include "reports/junit.h"
#include "reports/result_json_reader.h"
#include "reports/suite_report.h"
#include "simulator/cli/drill_outputs.h"
#include "simulator/contracts/real_kubectl.h"
#include "simulator/lint/lint.h"
#include "simulator/load/loader.h"
#include "simulator/suite/chaos.h"
#include "simulator/suite/history.h"
#include "simulator/suite/suite_plan.h"
#include "simulator/suite/suite_runner.h"

extern char** environ;

namespace rundrill::cli {
namespace {

namespace fs = std::filesystem;

std::optional<load::Catalog> LoadLibrary(const std::string& runbooks_dir,
                                         const std::string& scenarios_dir, Io io) {
  std::vector<load::Diagnostic> errors;
  load::Catalog catalog = load::LoadPaths({runbooks_dir, scenarios_dir}, &errors);
  if (!errors.empty()) {
    for (const auto& e : errors) io.err << e.ToString() << "\n";
    io.err << errors.size() << (errors.size() == 1 ? " error" : " errors") << "\n";
    return std::nullopt;
  }
  return catalog;
}

std::vector<lint::LintFinding> LintLibrary(const load::Catalog& catalog, bool use_shellcheck,
                                           Io io) {
  std::unique_ptr<lint::ShellcheckRunner> shellcheck;
  if (use_shellcheck) shellcheck = lint::FindShellcheck();
  std::vector<lint::LintFinding> out;
  std::vector<const model::Runbook*> runbooks;
  for (const auto& r : catalog.runbooks) runbooks.push_back(&r);
  std::sort(runbooks.begin(), runbooks.end(),
            [](const auto* a, const auto* b) { return a->path < b->path; });
  for (const model::Runbook* runbook : runbooks) {
    lint::LintOptions options;
    options.shellcheck = shellcheck.get();
    std::string shellcheck_error;
    for (auto& f : lint::LintRunbook(*runbook, options, &shellcheck_error)) {
      out.push_back(std::move(f));
    }
    if (!shellcheck_error.empty()) {
      io.err << runbook->path << ": shell checks skipped: " << shellcheck_error << "\n";
    }
  }
  return out;
}

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

// Runs `git` with `args` (no shell) and returns its stdout; false when it failed.
bool Git(const std::vector<std::string>& args, std::string* out, std::string* error) {
  std::string command = "git";
  for (const auto& a : args) command += " " + ShellQuote(a);
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *error = "cannot start git";
    return false;
  }
  std::array<char, 4096> buffer{};
  std::string text;
  for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    text.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  if (status != 0) {
    *error = text.empty() ? "git failed" : text.substr(0, text.find('\n'));
    return false;
  }
  *out = std::move(text);
  return true;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Writes every file of a suite under `out_dir`, replacing the drills an earlier suite left
// there. `results` holds each drill's result (null when it could not run), in record order.
bool WriteSuite(const fs::path& out_dir, const reports::SuiteRecord& record,
                const load::Catalog& library, std::string* error) {
  std::error_code ec;
  fs::remove_all(out_dir / "drills", ec);
  if (!ec) fs::create_directories(out_dir / "drills", ec);
  if (ec) {
    *error = "cannot prepare " + (out_dir / "drills").string() + ": " + ec.message();
    return false;
  }
  std::vector<drill::DrillResult> results;
  for (const auto& d : record.drills) {
    if (d.result != nullptr) results.push_back(*d.result);
  }
  const reports::RunbookCoverage coverage = reports::ComputeCoverage(library.runbooks, results);
  // The real kubectl's verdicts are cached per distinct line inside one CheckContracts call;
  // one parser for the whole suite keeps the cost to one run per line per drill.
  const std::unique_ptr<contracts::KubectlParser> real_kubectl = contracts::FindRealKubectl();
  std::vector<std::vector<contracts::ContractResult>> contracts;
  for (const auto& d : record.drills) {
    if (d.result == nullptr) continue;
    contracts.push_back(contracts::CheckContracts(*d.result, real_kubectl.get()));
    if (!WriteDrillOutputs(out_dir / "drills" / d.id, *d.result, contracts.back(), &coverage,
                           error)) {
      return false;
    }
  }
  return WriteFileAtomically(out_dir / "suite.json", reports::RenderSuiteJson(record), error) &&
         WriteFileAtomically(out_dir / "summary.md", reports::RenderSuiteMarkdown(record), error) &&
         WriteFileAtomically(out_dir / "junit.xml",
                             reports::RenderJUnit(results, record.lint, contracts), error) &&
         WriteFileAtomically(out_dir / "coverage.json", reports::RenderCoverageJson(coverage),
                             error) &&
         WriteFileAtomically(out_dir / "coverage.md", reports::RenderCoverageMarkdown(coverage),
                             error);
}

int Conclude(const reports::SuiteRecord& record, const fs::path& out_dir, Io io) {
  const int ran = static_cast<int>(record.drills.size());
  io.out << "rundrill: " << ran << (ran == 1 ? " drill" : " drills");
  if (!record.shard.empty()) {
    io.out << " (shard " << record.shard << " of " << record.planned << ")";
  }
  io.out << ", " << (ran - record.failed() - record.errors()) << " passed, " << record.failed()
         << " failed";
  if (record.errors() > 0) io.out << ", " << record.errors() << " could not run";
  io.out << "; lint: " << record.lint_errors() << " errors, " << record.lint_warnings()
         << " warnings\n";
  for (const auto& d : record.drills) {
    if (d.result == nullptr) {
      io.out << "  could not run " << d.id << ": " << d.error << "\n";
    } else if (!d.result->passed) {
      io.out << "  FAILED " << d.id << ": " << (out_dir / "drills" / d.id / "report.md").string()
             << "\n    reproduce: " << d.result->reproduce << "\n";
    }
  }
  for (const auto& f : record.lint) {
    if (!f.silenced() && f.severity == lint::Severity::kError) {
      io.out << "  " << f.ToString() << "\n";
    }
  }
  io.out << "summary: " << (out_dir / "summary.md").string() << "\n"
         << "junit: " << (out_dir / "junit.xml").string() << "\n";
  io.out << (record.passed() ? "PASSED" : "FAILED") << "\n";
  if (record.errors() > 0) return kExitInternal;
  return record.passed() ? kExitPassed : kExitFailed;
}

std::string Reproduce(const SuiteFlags& flags, const suite::DrillSpec& spec) {
  std::string line = "rundrill run " + ShellQuote(spec.scenario->path) + " --runbooks " +
                     ShellQuote(flags.runbooks_dir) + " --seed " + std::to_string(spec.seed);
  if (flags.wall_limit != SuiteFlags{}.wall_limit) {
    line += " --wall-limit " + FormatDuration(SimDuration(flags.wall_limit.count()));
  }
  if (flags.verify) line += " --verify";
  return line;
}

}  // namespace

int Ci(const CiOptions& options, Io io) {
  std::optional<load::Catalog> library =
      LoadLibrary(options.runbooks_dir, options.scenarios_dir, io);
  if (!library) return kExitBadInput;
  auto shard = suite::ResolveShard(options.shard, Environment());
  if (!shard.ok()) {
    io.err << "rundrill: " << shard.status().message() << "\n";
    return kExitBadInput;
  }

  reports::SuiteRecord record;
  record.lint = LintLibrary(*library, options.shellcheck, io);
  std::vector<suite::DrillSpec> plan = suite::PlanSuite(library->scenarios, options.seeds);
  if (!options.changed_since.empty()) {
    std::string top, diff, error;
    if (!Git({"rev-parse", "--show-toplevel"}, &top, &error) ||
        !Git({"diff", "--name-only", options.changed_since, "--"}, &diff, &error)) {
      io.err << "rundrill: --changed-since " << options.changed_since << ": " << error << "\n";
      return kExitBadInput;
    }
    const std::string root = top.substr(0, top.find('\n'));
    const suite::Selection selection = suite::SelectChanged(*library, Lines(diff), root);
    plan = suite::Select(plan, selection);
    record.selection =
        reports::SuiteSelection{options.changed_since, selection.everything, selection.reasons};
  }
  record.planned = plan.size();
  if (*shard) {
    plan = suite::TakeShard(plan, **shard);
    record.shard = std::to_string((*shard)->index) + "/" + std::to_string((*shard)->total);
  }

  suite::SuiteOptions suite_options;
  suite_options.jobs = options.jobs;
  suite_options.verify = options.verify;
  suite_options.drill.shim_path = options.shim_path.empty() ? DefaultShimPath() : options.shim_path;
  suite_options.drill.wall_limit = options.wall_limit;
  suite_options.reproduce = [&](const suite::DrillSpec& spec) { return Reproduce(options, spec); };
  const std::vector<suite::DrillRun> runs = suite::RunSuite(plan, library->runbooks, suite_options);
  for (const auto& run : runs) {
    record.drills.push_back({run.spec.id, run.spec.scenario->path, run.spec.seed,
                             run.result ? &*run.result : nullptr, run.error});
  }

  std::string error;
  if (!WriteSuite(options.out_dir, record, *library, &error)) {
    io.err << "rundrill: " << error << "\n";
    return kExitInternal;
  }
  return Conclude(record, options.out_dir, io);
}

int Gameday(const GamedayOptions& options, Io io) {
  std::optional<load::Catalog> library =
      LoadLibrary(options.runbooks_dir, options.scenarios_dir, io);
  if (!library) return kExitBadInput;
  // A game day's date is the one thing in it read off the wall clock: it names the day in the
  // history and seeds the day's faults; the drills themselves stay on the virtual clock.
  std::string label = options.label;
  if (label.empty()) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
    label = day;
  }
  std::optional<uint64_t> chaos_seed = options.chaos_seed;
  std::string chaos;
  if (!chaos_seed && options.chaos) {
    chaos_seed = suite::ChaosSeedForDate(label);
    chaos = "seed " + std::to_string(*chaos_seed) + " (from " + label + ")";
  } else if (chaos_seed) {
    chaos = "seed " + std::to_string(*chaos_seed);
  }
  if (!chaos.empty()) io.out << "extra faults: " << chaos << "\n";

  // Each scenario with the day's faults, kept alive for the drills that point at them.
  std::vector<model::Scenario> scenarios;
  std::vector<std::string> faults;
  for (const auto& scenario : library->scenarios) {
    if (!chaos_seed) {
      scenarios.push_back(scenario);
      continue;
    }
    std::vector<std::string> added;
    scenarios.push_back(suite::WithExtraFaults(scenario, *chaos_seed, &added));
    for (const auto& line : added) faults.push_back(scenario.name + ": " + line);
  }

  reports::SuiteRecord record;
  record.lint = LintLibrary(*library, options.shellcheck, io);
  const std::vector<suite::DrillSpec> plan = suite::PlanSuite(scenarios, options.seeds);
  record.planned = plan.size();
  suite::SuiteOptions suite_options;
  suite_options.jobs = options.jobs;
  suite_options.verify = options.verify;
  suite_options.drill.shim_path = options.shim_path.empty() ? DefaultShimPath() : options.shim_path;
  suite_options.drill.wall_limit = options.wall_limit;
  suite_options.reproduce = [&](const suite::DrillSpec& spec) {
    return Reproduce(options, spec) +
           (chaos_seed ? " --chaos-seed " + std::to_string(*chaos_seed) : std::string());
  };
  const std::vector<suite::DrillRun> runs = suite::RunSuite(plan, library->runbooks, suite_options);
  suite::HistoryRun history_run;
  for (const auto& run : runs) {
    record.drills.push_back({run.spec.id, run.spec.scenario->path, run.spec.seed,
                             run.result ? &*run.result : nullptr, run.error});
    suite::HistoryDrill d;
    d.id = run.spec.id;
    d.scenario = run.spec.scenario->path;
    d.seed = run.spec.seed;
    d.passed = run.result && run.result->passed;
    if (run.result && run.result->figures.time_to_resolve) {
      d.time_to_resolve_ms = run.result->figures.time_to_resolve->count();
    }
    d.failures = run.error;
    if (run.result) {
      for (const auto& line : reports::DrillFailures(*run.result)) d.failures += line + "\n";
    }
    history_run.drills.push_back(std::move(d));
  }

  std::string error;
  if (!WriteSuite(options.out_dir, record, *library, &error)) {
    io.err << "rundrill: " << error << "\n";
    return kExitInternal;
  }

  const std::string history_path = options.history.empty()
                                       ? (fs::path(options.out_dir) / "history.sqlite").string()
                                       : options.history;
  auto history = suite::History::Open(history_path);
  if (!history.ok()) {
    io.err << "rundrill: " << history.status().message() << "\n";
    return history.status().ExitCode();
  }
  {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    history_run.recorded_at = stamp;
  }
  history_run.label = label;
  history_run.chaos_seed = chaos_seed;
  auto id = (*history)->Record(history_run);
  if (!id.ok()) {
    io.err << "rundrill: " << id.status().message() << "\n";
    return id.status().ExitCode();
  }
  auto earlier = (*history)->Recent(*id, 10);
  if (!earlier.ok()) {
    io.err << "rundrill: " << earlier.status().message() << "\n";
    return earlier.status().ExitCode();
  }
  reports::GamedayReport report;
  report.label = label;
  report.chaos = chaos;
  report.faults = faults;
  report.history_path = history_path;
  report.suite = &record;
  report.trend = suite::CompareWithHistory(history_run, *earlier);
  report.earlier_runs = earlier->size();
  const fs::path gameday_path = fs::path(options.out_dir) / "gameday.md";
  if (!WriteFileAtomically(gameday_path, reports::RenderGamedayMarkdown(report), &error)) {
    io.err << "rundrill: " << error << "\n";
    return kExitInternal;
  }
  if (!earlier->empty()) {
    io.out << "since " << earlier->front().label << ": pass rate "
           << report.trend.pass_rates[1].second << " → " << report.trend.pass_rates[0].second
           << ", " << report.trend.new_failures.size() << " new failures, "
           << report.trend.fixed.size() << " fixed\n";
    for (const auto& id_text : report.trend.new_failures)
      io.out << "  new failure: " << id_text << "\n";
    for (const auto& id_text : report.trend.fixed) io.out << "  fixed: " << id_text << "\n";
  } else {
    io.out << "first game day in " << history_path << "\n";
  }
  io.out << "game day: " << gameday_path.string() << "\n";
  return Conclude(record, options.out_dir, io);
}

int MergeReports(const MergeOptions& options, Io io) {
  if (options.shard_dirs.empty()) {
    io.err << "rundrill report merge: name the shards' output folders\n";
    return kExitBadInput;
  }
  std::optional<load::Catalog> library =
      LoadLibrary(options.runbooks_dir, options.scenarios_dir, io);
  if (!library) return kExitBadInput;

  reports::SuiteRecord record;
  std::vector<std::unique_ptr<drill::DrillResult>> results;
  std::map<int, std::string> shards_seen;  // index → folder
  int total = 0;
  nlohmann::json first_selection;
  for (size_t i = 0; i < options.shard_dirs.size(); ++i) {
    const fs::path dir(options.shard_dirs[i]);
    const fs::path index_path = dir / "suite.json";
    std::ifstream in(index_path);
    const nlohmann::json index =
        in ? nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false) : nlohmann::json();
    if (!in || index.is_discarded() || !index.is_object() ||
        index.value("schema", "") != reports::kSuiteSchema) {
      io.err << "rundrill: " << index_path.string() << ": not a rundrill suite index ("
             << reports::kSuiteSchema << ")\n";
      return kExitBadInput;
    }
    const std::string shard =
        index["shard"].is_string() ? index["shard"].get<std::string>() : "1/1";
    const int k = std::stoi(shard.substr(0, shard.find('/')));
    const int n = std::stoi(shard.substr(shard.find('/') + 1));
    if (total != 0 && n != total) {
      io.err << "rundrill: " << index_path.string() << " is shard " << shard
             << ", of another matrix than the shards before it (of " << total << ")\n";
      return kExitBadInput;
    }
    total = n;
    if (!shards_seen.emplace(k, dir.string()).second) {
      io.err << "rundrill: shard " << shard << " given twice: " << shards_seen[k] << " and "
             << dir.string() << "\n";
      return kExitBadInput;
    }
    if (i == 0) {
      record.planned = index.value("planned", size_t{0});
      record.lint = reports::LintFromJson(index["lint"]);
      first_selection = index["selection"];
    }
    for (const auto& entry : index["drills"]) {
      reports::SuiteDrill d;
      d.id = entry.value("id", "");
      d.scenario_path = entry.value("scenario", "");
      d.seed = entry.value("seed", uint64_t{0});
      if (!entry["error"].is_null()) {
        d.error = entry.value("error", "");
      } else {
        const fs::path result_path = dir / entry.value("result", "");
        std::ifstream result_in(result_path, std::ios::binary);
        std::ostringstream text;
        text << result_in.rdbuf();
        auto result = reports::ParseResultJson(text.str(), result_path.string());
        if (!result.ok()) {
          io.err << "rundrill: " << result.status().message() << "\n";
          return kExitBadInput;
        }
        results.push_back(std::make_unique<drill::DrillResult>(std::move(*result)));
        d.result = results.back().get();
      }
      record.drills.push_back(std::move(d));
    }
  }
  std::string missing;
  for (int k = 1; k <= total; ++k) {
    if (!shards_seen.count(k)) {
      missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(total);
    }
  }
  if (!missing.empty()) {
    io.err << "rundrill: cannot merge: shard " << missing << " missing\n";
    return kExitBadInput;
  }
  if (first_selection.is_object()) {
    record.selection = reports::SuiteSelection{
        first_selection.value("changed_since", ""), first_selection.value("everything", false),
        first_selection.value("reasons", std::vector<std::string>{})};
  }
  // Plan order, as the unsharded run has it.
  std::stable_sort(record.drills.begin(), record.drills.end(), [](const auto& a, const auto& b) {
    return std::tie(a.scenario_path, a.seed, a.id) < std::tie(b.scenario_path, b.seed, b.id);
  });

  std::string error;
  if (!WriteSuite(options.out_dir, record, *library, &error)) {
    io.err << "rundrill: " << error << "\n";
    return kExitInternal;
  }
  return Conclude(record, options.out_dir, io);
}

}  // namespace rundrill::cli
