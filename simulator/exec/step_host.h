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
  // `http://127.0.0.1:PORT` of the loopback HTTP server whose requests reach
  // CommandDispatcher::DispatchHttp while a step runs; empty when the host has none.
  virtual std::string HttpBaseUrl() const = 0;
  // Writes a file for steps to read; returns its path as steps see it.
  virtual StatusOr<std::string> WriteFile(std::string_view relative_path,
                                          std::string_view contents) = 0;
  // Runs one step to its end, serving its calls to faked programs through `dispatcher`.
  virtual StatusOr<StepProcessResult> Run(const StepProcessSpec& spec,
                                          CommandDispatcher& dispatcher) = 0;
};

// Real processes in a fresh sandbox, with `programs` linked to the shim at `shim_path`.
StatusOr<std::unique_ptr<StepHost>> CreateProcessHost(const std::string& shim_path,
                                                      const std::vector<std::string>& programs);

}  // namespace rundrill::exec
