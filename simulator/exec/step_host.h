#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/exec/command_dispatcher.h"
#include "simulator/exec/step_process.h"

namespace rundrill::exec {

// Where a drill's steps run. The real host is a Sandbox (folder, scrubbed environment, faked
// programs linked to the shim) with a StepRunner (processes, the drill's socket); tests of
// the drill engine pass a fake that answers without starting processes.
class StepHost {
 public:
  virtual ~StepHost() = default;

  // The complete environment of a step: the host's own variables plus `extra`.
  virtual std::map<std::string, std::string> Environment(
      const std::map<std::string, std::string>& extra) const = 0;
  // The folder steps start in.
  virtual std::string WorkDir() const = 0;
  // A path prefix that differs from run to run (a temporary folder) and so must not appear
  // in recorded output; empty when there is none.
  virtual std::string VolatileRoot() const = 0;
  // `http://127.0.0.1:PORT` of the loopback listener of the HTTP service `service` (one of
  // the names the host was created with), whose requests reach
  // CommandDispatcher::DispatchHttp while a step runs. The URL stays the same while the
  // service is closed and after it reopens. Empty when the host has no such service.
  virtual std::string HttpBaseUrl(std::string_view service) const = 0;
  // Opens or closes the listener of `service`: closed, a connection to its port is refused
  // (and connections the host had not yet accepted are reset); open again, it listens on
  // the same port. Callable between steps and from inside the dispatcher's calls while a
  // step runs. An unknown service is ignored. When the port cannot be bound again, the
  // next Run fails with Status::Environment (as does the running one, if any).
  virtual void SetHttpServiceOpen(std::string_view service, bool open) = 0;
  // Writes a file for steps to read; returns its path as steps see it.
  virtual StatusOr<std::string> WriteFile(std::string_view relative_path,
                                          std::string_view contents) = 0;
  // Runs one step to its end, serving its calls to faked programs through `dispatcher`.
  virtual StatusOr<StepProcessResult> Run(const StepProcessSpec& spec,
                                          CommandDispatcher& dispatcher) = 0;
};

// Real processes in a fresh sandbox, with `programs` linked to the shim at `shim_path` and
// one loopback HTTP listener per name in `http_services` (by default the drill's Slack and
// PagerDuty services).
StatusOr<std::unique_ptr<StepHost>> CreateProcessHost(
    const std::string& shim_path, const std::vector<std::string>& programs,
    const std::vector<std::string>& http_services = fakes::DrillHttpServices());

}  // namespace rundrill::exec
