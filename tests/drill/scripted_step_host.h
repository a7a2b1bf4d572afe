#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "simulator/exec/step_host.h"

namespace rundrill::drill::testing {

// A StepHost that runs no process: each step's `run` is a tiny script of statements
// separated by newlines or ';', so tests of the drill engine are fast and exact.
//   call PROGRAM ARGS...   a call to a faked program, through the drill's dispatcher
//   out TEXT               TEXT and a newline on stdout
//   exit N                 stop with exit code N
// The exit code is the last call's unless `exit` says otherwise. Arguments are split on
// spaces; there is no quoting.

// What the steps were given, kept by the test (the host itself dies with the drill).
struct HostJournal {
  std::map<std::string, std::string> files;
  std::vector<std::map<std::string, std::string>> environments;
};

class ScriptedStepHost : public exec::StepHost {
 public:
  explicit ScriptedStepHost(HostJournal* journal) : journal_(journal) {}

  std::map<std::string, std::string> Environment(
      const std::map<std::string, std::string>& extra) const override {
    return extra;
  }
  std::string WorkDir() const override { return "/work"; }
  std::string VolatileRoot() const override { return ""; }
  std::string HttpBaseUrl() const override { return ""; }
  StatusOr<std::string> WriteFile(std::string_view relative_path,
                                  std::string_view contents) override {
    journal_->files[std::string(relative_path)] = std::string(contents);
    return "/host/" + std::string(relative_path);
  }

  StatusOr<exec::StepProcessResult> Run(const exec::StepProcessSpec& spec,
                                        exec::CommandDispatcher& dispatcher) override {
    journal_->environments.push_back(spec.env);
    exec::StepProcessResult result;
    std::string script = spec.command;
    for (char& c : script) {
      if (c == ';') c = '\n';
    }
    std::istringstream lines(script);
    std::string line;
    uint64_t sequence = 0;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::vector<std::string> argv;
      for (std::string word; words >> word;) argv.push_back(word);
      if (argv.empty()) continue;
      if (argv[0] == "out") {
        result.stdout_data += line.substr(line.find("out") + 4) + "\n";
      } else if (argv[0] == "exit") {
        result.exit_code = std::stoi(argv.at(1));
        return result;
      } else if (argv[0] == "call") {
        fakes::CommandRequest request;
        request.argv.assign(argv.begin() + 1, argv.end());
        request.step_id = spec.step_id;
        request.sequence = ++sequence;
        exec::DispatchResult answer = dispatcher.Dispatch(request);
        ++result.calls;
        result.stdout_data += answer.response.stdout_data;
        result.stderr_data += answer.response.stderr_data;
        result.exit_code = answer.response.exit_code;
        if (answer.stop_step) {
          result.stop = exec::StepProcessResult::Stop::kVirtualDeadline;
          result.exit_code = 137;
          return result;
        }
      } else {
        return Status::Internal("scripted host cannot run: " + line);
      }
    }
    return result;
  }

 private:
  HostJournal* journal_;
};

}  // namespace rundrill::drill::testing
