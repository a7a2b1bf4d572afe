// rundrill: parses the command line and maps outcomes to exit codes; the work
// is in the library (simulator/cli/commands.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "simulator/cli/commands.h"
#include "simulator/cli/coverage_command.h"
#include "simulator/core/sim_time.h"

namespace {

// CLI11 validator for durations such as 30s or 2m.
std::string CheckDuration(const std::string& text) {
  return rundrill::ParseDuration(text) ? ""
                                       : "invalid duration \"" + text + "\" (use 90s, 5m, 1h30m)";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rundrill;
  CLI::App app{"rundrill: testing and chaos drills for incident runbooks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rundrill 0.1.0");

  cli::ValidateOptions validate;
  auto* validate_cmd =
      app.add_subcommand("validate",
                         "Check runbooks and scenarios (exit 2 on any error), then lint the "
                         "runbooks (exit 1 on a lint error)");
  validate_cmd->add_option("paths", validate.paths, "Files or folders")->required();
  validate_cmd->add_flag("--strict", validate.strict, "Lint warnings fail too (exit 1)");
  validate_cmd->add_flag("--show-silenced", validate.show_silenced,
                         "Also list findings silenced by a step's lint: ignore, with reasons");
  validate_cmd->add_flag("!--no-shellcheck", validate.shellcheck,
                         "Skip the shellcheck pass even when shellcheck is on PATH");

  cli::RunOptions run;
  std::string run_wall_limit = "30s";
  auto* run_cmd = app.add_subcommand("run", "Run a drill: one scenario against runbooks");
  run_cmd->add_option("scenario", run.scenario, "Scenario file")->required();
  run_cmd->add_option("--runbook", run.runbooks,
                      "Runbook file (repeatable); default: every runbook in --runbooks");
  run_cmd->add_option("--runbooks", run.runbooks_dir, "Folder of runbooks")->capture_default_str();
  run_cmd->add_option("--seed", run.seed, "Seed (default: the scenario's, else 1)");
  run_cmd->add_flag("--verify", run.verify,
                    "Also check idempotence (per step and per runbook), rollbacks and "
                    "crash-consistency; a failed check fails the drill");
  run_cmd->add_option("--out", run.out_dir, "Where result.json, report.md and postmortem.md go")
      ->capture_default_str();
  run_cmd
      ->add_option("--wall-limit", run_wall_limit, "Real time a step may go without calling a fake")
      ->check(CheckDuration)
      ->capture_default_str();

  cli::ExecOptions exec;
  std::string exec_wall_limit = "30s";
  auto* exec_cmd =
      app.add_subcommand("exec", "Run one command inside a scenario's world at a virtual time");
  exec_cmd->add_option("scenario", exec.scenario, "Scenario file")->required();
  exec_cmd->add_option("--at", exec.at, "Virtual time (e.g. 5m)")
      ->check(CheckDuration)
      ->capture_default_str();
  exec_cmd->add_flag("--transcript", exec.transcript, "Also print the backend calls (stderr)");
  exec_cmd->add_option("--seed", exec.seed, "Seed (default: the scenario's, else 1)");
  exec_cmd
      ->add_option("--wall-limit", exec_wall_limit,
                   "Real time the command may go without calling a fake")
      ->check(CheckDuration);
  exec_cmd->add_option("command", exec.command, "The command, after --")->required();

  cli::CoverageOptions coverage;
  std::string coverage_wall_limit = "30s";
  auto* coverage_cmd = app.add_subcommand(
      "coverage", "Run every scenario with every runbook; report steps and branches never taken");
  coverage_cmd->add_option("--runbooks", coverage.runbooks_dir, "Folder of runbooks")
      ->capture_default_str();
  coverage_cmd->add_option("--scenarios", coverage.scenarios_dir, "Folder of scenarios")
      ->capture_default_str();
  coverage_cmd->add_option("--seed", coverage.seed, "Seed (default: each scenario's, else 1)");
  coverage_cmd->add_option("--out", coverage.out_dir, "Where coverage.json and coverage.md go")
      ->capture_default_str();
  coverage_cmd
      ->add_option("--wall-limit", coverage_wall_limit,
                   "Real time a step may go without calling a fake")
      ->check(CheckDuration)
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitBadInput;
  }

  cli::Io io{std::cout, std::cerr};
  try {
    if (*validate_cmd) return cli::Validate(validate, io);
    if (*run_cmd) {
      run.wall_limit = std::chrono::milliseconds(ParseDuration(run_wall_limit)->count());
      return cli::Run(run, io);
    }
    if (*coverage_cmd) {
      coverage.wall_limit = std::chrono::milliseconds(ParseDuration(coverage_wall_limit)->count());
      return cli::Coverage(coverage, io);
    }
    if (*exec_cmd) {
      exec.wall_limit = std::chrono::milliseconds(ParseDuration(exec_wall_limit)->count());
      return cli::Exec(exec, io);
    }
  } catch (const std::exception& e) {
    std::cerr << "rundrill: internal error: " << e.what() << "\n";
    return cli::kExitInternal;
  }
  return cli::kExitBadInput;
}
