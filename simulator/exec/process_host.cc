#include "simulator/exec/sandbox.h"
#include "simulator/exec/step_host.h"
#include "simulator/exec/step_runner.h"

namespace rundrill::exec {
namespace {

class ProcessHost : public StepHost {
 public:
  ProcessHost(std::unique_ptr<Sandbox> sandbox, const std::vector<std::string>& http_services)
      : sandbox_(std::move(sandbox)), runner_(*sandbox_, http_services) {}

  std::map<std::string, std::string> Environment(
      const std::map<std::string, std::string>& extra) const override {
    return sandbox_->Environment(extra);
  }
  std::string WorkDir() const override { return sandbox_->home_dir(); }
  std::string VolatileRoot() const override { return sandbox_->root(); }
  std::string HttpBaseUrl(std::string_view service) const override {
    return runner_.HttpBaseUrl(service);
  }
  void SetHttpServiceOpen(std::string_view service, bool open) override {
    runner_.SetHttpServiceOpen(service, open);
  }
  StatusOr<std::string> WriteFile(std::string_view relative_path,
                                  std::string_view contents) override {
    return sandbox_->WriteFile(relative_path, contents);
  }
  StatusOr<StepProcessResult> Run(const StepProcessSpec& spec,
                                  CommandDispatcher& dispatcher) override {
    return runner_.Run(spec, dispatcher);
  }

 private:
  std::unique_ptr<Sandbox> sandbox_;  // declared first: the runner uses it until destroyed
  StepRunner runner_;
};

}  // namespace

StatusOr<std::unique_ptr<StepHost>> CreateProcessHost(
    const std::string& shim_path, const std::vector<std::string>& programs,
    const std::vector<std::string>& http_services) {
  Sandbox::Options options;
  options.shim_path = shim_path;
  options.programs = programs;
  auto sandbox = Sandbox::Create(options);
  if (!sandbox.ok()) return sandbox.status();
  return std::unique_ptr<StepHost>(
      std::make_unique<ProcessHost>(std::move(*sandbox), http_services));
}

}  // namespace rundrill::exec
