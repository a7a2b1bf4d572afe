#pragma once

#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/exec/step_host.h"

namespace rundrill::drill::testing {

// A StepHost that runs no process: each step's `run` is a tiny script of statements
// separated by newlines or ';', so tests of the drill engine are fast and exact.
//   call PROGRAM ARGS...   a call to a faked program, through the drill's dispatcher
//   http SERVICE METHOD TARGET [BODY]
//                          a request to an HTTP service, through DispatchHttp unless the
//                          drill closed the service (a BODY starting with '{' is sent as
//                          application/json); stdout gets one line, and the exit
//                          code is curl's: "<status> <body>" (0), "refused" (7: the service
//                          is closed), "no answer" (28: held), "reset" (56)
//   out TEXT               TEXT and a newline on stdout
//   exit N                 stop with exit code N
// The exit code is the last call's unless `exit` says otherwise. Arguments are split on
// spaces; there is no quoting. HTTP services start open; the host has no server, so
// HttpBaseUrl is empty.

// What the steps were given, kept by the test (the host itself dies with the drill).
struct HostJournal {
  std::map<std::string, std::string> files;
  std::vector<std::map<std::string, std::string>> environments;
  std::map<std::string, bool> http_open;  // services the drill ever opened or closed
  // Each change of a service's state, in order: "slack closed", "slack open".
  std::vector<std::string> http_changes;
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
  std::string HttpBaseUrl(std::string_view) const override { return ""; }
  void SetHttpServiceOpen(std::string_view service, bool open) override {
    auto [it, added] = journal_->http_open.try_emplace(std::string(service), true);
    if (it->second == open) return;
    it->second = open;
    journal_->http_changes.push_back(std::string(service) + (open ? " open" : " closed"));
  }
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
      } else if (argv[0] == "http" && argv.size() >= 4) {
        fakes::HttpRequest request;
        request.service = argv[1];
        request.method = argv[2];
        request.target = argv[3];
        if (argv.size() > 4) request.body = argv[4];
        if (request.body.rfind('{', 0) == 0) request.headers["content-type"] = "application/json";
        request.step_id = spec.step_id;
        auto open = journal_->http_open.find(request.service);
        if (open != journal_->http_open.end() && !open->second) {
          result.stdout_data += "refused\n";
          result.exit_code = 7;
          continue;
        }
        request.sequence = ++sequence;
        exec::HttpDispatchResult answer = dispatcher.DispatchHttp(request);
        ++result.calls;
        using Disposition = exec::HttpDispatchResult::Disposition;
        switch (answer.disposition) {
          case Disposition::kAnswer:
            result.stdout_data +=
                std::to_string(answer.response.status) + " " + answer.response.body + "\n";
            result.exit_code = 0;
            break;
          case Disposition::kHold:
            result.stdout_data += "no answer\n";
            result.exit_code = 28;
            break;
          case Disposition::kReset:
            result.stdout_data += "reset\n";
            result.exit_code = 56;
            break;
        }
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
