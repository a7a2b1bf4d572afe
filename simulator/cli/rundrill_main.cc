// rundrill: parses the command line and maps outcomes to exit codes; the work
// is in the library (simulator/cli/commands.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "simulator/cli/commands.h"
#include "simulator/cli/coverage_command.h"
#include "simulator/cli/suite_commands.h"
#include "simulator/core/sim_time.h"
#include "simulator/exec/interrupt.h"

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
  run_cmd->add_flag("--check-determinism", run.check_determinism,
                    "Run the drill twice with the same seed; exit 1 unless both results (and "
                    "the seeded generator's final draw) are identical");
  run_cmd->add_option("--chaos-seed", run.chaos_seed,
                      "Add a game day's extra faults, drawn from this seed");
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

  cli::CiOptions ci;
  std::string ci_wall_limit = "30s";
  auto* ci_cmd = app.add_subcommand(
      "ci",
      "Validate and lint everything, run the drills a change affects with every check, "
      "write suite reports and junit.xml; exit 0 passed, 1 failed, 2 bad input, 3 error");
  const auto add_suite_flags = [](CLI::App* cmd, cli::SuiteFlags& flags, std::string& wall) {
    cmd->add_option("--runbooks", flags.runbooks_dir, "Folder of runbooks")->capture_default_str();
    cmd->add_option("--scenarios", flags.scenarios_dir, "Folder of scenarios")
        ->capture_default_str();
    cmd->add_option("--out", flags.out_dir, "Where the suite's reports go")->capture_default_str();
    cmd->add_option("--jobs,-j", flags.jobs, "Drills run at once")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("--seeds", flags.seeds,
                    "Run each scenario under these seeds instead of its own")
        ->delimiter(',');
    cmd->add_option("--wall-limit", wall, "Real time a step may go without calling a fake")
        ->check(CheckDuration)
        ->capture_default_str();
    cmd->add_flag("!--no-verify", flags.verify, "Skip the verification checks");
    cmd->add_flag("!--no-shellcheck", flags.shellcheck, "Skip the shellcheck pass of lint");
  };
  add_suite_flags(ci_cmd, ci, ci_wall_limit);
  ci_cmd->add_option("--shard", ci.shard,
                     "Run part K of N (K/N); default: CI_NODE_INDEX/CI_NODE_TOTAL, or "
                     "JOB_COMPLETION_INDEX with RUNDRILL_SHARD_TOTAL");
  ci_cmd->add_option("--changed-since", ci.changed_since,
                     "Only the drills that the changes since this git ref affect");

  cli::GamedayOptions gameday;
  std::string gameday_wall_limit = "30s";
  auto* gameday_cmd =
      app.add_subcommand("gameday",
                         "Run the whole library, optionally with extra faults, record it in the "
                         "game-day history and report what changed since the last game day");
  add_suite_flags(gameday_cmd, gameday, gameday_wall_limit);
  gameday_cmd->add_option("--history", gameday.history,
                          "SQLite history file (default: <out>/history.sqlite)");
  gameday_cmd->add_flag("--chaos", gameday.chaos,
                        "Add extra faults drawn from a seed derived from the date (printed)");
  gameday_cmd->add_option("--chaos-seed", gameday.chaos_seed,
                          "Add extra faults drawn from this seed");
  gameday_cmd->add_option("--label", gameday.label,
                          "The game day's name in the history (default: today's date, UTC)");

  cli::MergeOptions merge;
  auto* report_cmd = app.add_subcommand("report", "Work with suite reports");
  report_cmd->require_subcommand(1);
  auto* merge_cmd = report_cmd->add_subcommand(
      "merge", "Join the outputs of every shard into the reports of the whole suite");
  merge_cmd->add_option("shards", merge.shard_dirs, "Each shard's --out folder")->required();
  merge_cmd->add_option("--out", merge.out_dir, "Where the merged reports go")
      ->capture_default_str();
  merge_cmd->add_option("--runbooks", merge.runbooks_dir, "Folder of runbooks")
      ->capture_default_str();
  merge_cmd->add_option("--scenarios", merge.scenarios_dir, "Folder of scenarios")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitBadInput;
  }

  cli::Io io{std::cout, std::cerr};
  // Commands that run drills stop in order on SIGINT or SIGTERM: steps killed, partial
  // reports written, sandboxes removed, exit 130. The others keep the default action.
  if (*run_cmd || *ci_cmd || *gameday_cmd) exec::InstallInterruptHandlers();
  const auto interruptible = [](int code) {
    return exec::Interrupted() ? cli::kExitInterrupted : code;
  };
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
    if (*ci_cmd) {
      ci.wall_limit = std::chrono::milliseconds(ParseDuration(ci_wall_limit)->count());
      return interruptible(cli::Ci(ci, io));
    }
    if (*merge_cmd) return cli::MergeReports(merge, io);
    if (*gameday_cmd) {
      gameday.wall_limit = std::chrono::milliseconds(ParseDuration(gameday_wall_limit)->count());
      return interruptible(cli::Gameday(gameday, io));
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
