#pragma once

// A small CommandDispatcher for tests that run real processes: it records every call and
// answers according to argv[1] (argv[0] is the faked program's name):
//
//   get pods                 a kubectl-like table
//   echo-argv A B...         stdout: the arguments, one per line
//   cat                      stdout: the call's stdin
//   big N                    stdout: N bytes, every byte value in turn
//   exit N [TEXT]            exit code N, stderr TEXT + "\n" when given
//   env NAME                 stdout: the forwarded variable NAME + "\n" (or "<unset>")
//   deadline                 stdout "deadline\n", and stop_step
//   throw                    throws std::runtime_error
//   anything else            stdout "called: <argv joined by spaces>\n"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/backend.h"
#include "simulator/exec/command_dispatcher.h"

namespace rundrill::exec::testing {

class FakeDispatcher : public CommandDispatcher {
 public:
  DispatchResult Dispatch(const fakes::CommandRequest& request) override {
    calls.push_back(request);
    DispatchResult result;
    fakes::CommandResponse& response = result.response;
    const std::vector<std::string>& argv = request.argv;
    std::string verb = argv.size() > 1 ? argv[1] : "";
    if (verb == "get" && argv.size() > 2 && argv[2] == "pods") {
      response.stdout_data =
          "NAME                   READY   STATUS    RESTARTS   AGE\n"
          "api-7d9f8b6c5d-x2x4k   1/1     Running   0          5m\n";
    } else if (verb == "echo-argv") {
      for (size_t i = 2; i < argv.size(); ++i) response.stdout_data += argv[i] + "\n";
    } else if (verb == "cat") {
      response.stdout_data = request.stdin_data;
    } else if (verb == "big" && argv.size() > 2) {
      size_t n = std::stoul(argv[2]);
      response.stdout_data.resize(n);
      for (size_t i = 0; i < n; ++i) response.stdout_data[i] = static_cast<char>(i % 256);
    } else if (verb == "exit" && argv.size() > 2) {
      response.exit_code = std::stoi(argv[2]);
      if (argv.size() > 3) response.stderr_data = argv[3] + "\n";
    } else if (verb == "env" && argv.size() > 2) {
      auto it = request.env.find(argv[2]);
      response.stdout_data = (it == request.env.end() ? "<unset>" : it->second) + "\n";
    } else if (verb == "deadline") {
      response.stdout_data = "deadline\n";
      result.stop_step = true;
    } else if (verb == "throw") {
      throw std::runtime_error("backend exploded");
    } else {
      response.stdout_data = "called:";
      for (const std::string& arg : argv) response.stdout_data += " " + arg;
      response.stdout_data += "\n";
    }
    return result;
  }

  // HTTP: answers `<METHOD> <target> #<sequence>\n` then the body, with the status the
  // request's `x-status` header asks for (200 by default); `x-disposition: hold` or `reset`
  // gives no answer. `on_http`, when set, runs first (to open or close services mid-step).
  HttpDispatchResult DispatchHttp(const fakes::HttpRequest& request) override {
    http_calls.push_back(request);
    if (on_http) on_http(request);
    HttpDispatchResult result;
    const std::string disposition = request.Header("x-disposition");
    if (disposition == "hold") result.disposition = HttpDispatchResult::Disposition::kHold;
    if (disposition == "reset") result.disposition = HttpDispatchResult::Disposition::kReset;
    const std::string status = request.Header("x-status");
    result.response.status = status.empty() ? 200 : std::stoi(status);
    result.response.headers = {{"Content-Type", "text/plain"}, {"X-Fake", "yes"}};
    result.response.body = request.method + " " + request.target + " #" +
                           std::to_string(request.sequence) + "\n" + request.body;
    return result;
  }

  std::vector<fakes::CommandRequest> calls;
  std::vector<fakes::HttpRequest> http_calls;
  std::function<void(const fakes::HttpRequest&)> on_http;
};

}  // namespace rundrill::exec::testing
