#include "fakes/stub/stub_backend.h"

#include <algorithm>
#include <boost/regex.hpp>

#include "fakes/stub/stub_effects.h"
#include "simulator/text/pattern.h"
#include "simulator/world/metrics/metric_template.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {

// The groups of `args` are needed for `{{ $N }}`, which Pattern does not expose, so the
// regex is compiled here too, with the same grammar (ECMAScript) Pattern uses; Pattern
// still vets it so that errors read the same as everywhere else.
struct StubBackend::Compiled {
  model::StubSpec spec;
  std::optional<boost::regex> args;
  world::metrics::MetricTemplate stdout_text;
  world::metrics::MetricTemplate stderr_text;

  // Whether the stub answers `arguments`; fills `groups` ($0 the whole, then each group,
  // "" for a group that took no part). Fails when the match grows too complex to finish.
  StatusOr<bool> Match(const std::string& arguments, std::vector<std::string>& groups) const {
    if (!args) {
      groups = {arguments};
      return true;
    }
    boost::smatch match;
    try {
      if (!boost::regex_match(arguments, match, *args)) return false;
    } catch (const std::runtime_error& e) {
      return Status::InvalidInput("pattern \"" + *spec.args + "\": " + e.what());
    }
    groups.clear();
    for (size_t i = 0; i < match.size(); ++i) {
      groups.push_back(match[i].matched ? match[i].str() : std::string());
    }
    return true;
  }
};

namespace {

std::string WithPlace(const std::string& text, const model::SourceMark& mark) {
  const std::string where = mark.ToString();
  return where.empty() ? text : text + " (" + where + ")";
}

std::string Prefix(const model::SourceMark& mark) {
  const std::string where = mark.ToString();
  return where.empty() ? "" : where + ": ";
}

}  // namespace

std::string_view StubEffectName(model::StubEffect::Kind kind) {
  using Kind = model::StubEffect::Kind;
  switch (kind) {
    case Kind::kTerminateIdleConnections:
      return "terminate_idle_connections";
    case Kind::kStopConnectionLeak:
      return "stop_connection_leak";
    case Kind::kFreeDisk:
      return "free_disk";
    case Kind::kRestartService:
      return "restart_service";
    case Kind::kStartService:
      return "start_service";
    case Kind::kStopService:
      return "stop_service";
    case Kind::kRestartDeployment:
      return "restart_deployment";
  }
  return "unknown";
}

StatusOr<StubBackend> StubBackend::Create(std::string program,
                                          const std::vector<model::StubSpec>& stubs) {
  std::vector<std::shared_ptr<const Compiled>> compiled;
  for (const model::StubSpec& spec : stubs) {
    if (spec.program != program) {
      return Status::Internal("stub for \"" + spec.program + "\" given to the backend of \"" +
                              program + "\"");
    }
    auto stub = std::make_shared<Compiled>();
    stub->spec = spec;
    int groups = 0;
    if (spec.args) {
      StatusOr<Pattern> vetted = Pattern::Compile(*spec.args);
      if (!vetted.ok()) {
        return Status::InvalidInput(Prefix(spec.mark) + "stub for " + program +
                                    ": args pattern \"" + *spec.args +
                                    "\": " + vetted.status().message());
      }
      stub->args.emplace(*spec.args, boost::regex::ECMAScript);
      groups = static_cast<int>(stub->args->mark_count());
    }
    for (auto [text, out] : {std::pair{&spec.stdout_text, &stub->stdout_text},
                             std::pair{&spec.stderr_text, &stub->stderr_text}}) {
      StatusOr<world::metrics::MetricTemplate> parsed = world::metrics::ParseMetricTemplate(*text);
      if (!parsed.ok()) {
        return Status::InvalidInput(Prefix(spec.mark) + "stub for " + program + ": " +
                                    parsed.status().message());
      }
      if (parsed->max_argument > groups) {
        return Status::InvalidInput(
            Prefix(spec.mark) + "stub for " + program + ": {{ $" +
            std::to_string(parsed->max_argument) + " }} but the args pattern has " +
            (groups == 0 ? "no groups" : "only " + std::to_string(groups) + " group(s)"));
      }
      *out = std::move(*parsed);
    }
    compiled.push_back(std::move(stub));
  }
  return StubBackend(std::move(program), std::move(compiled));
}

CommandResponse StubBackend::Handle(const CommandRequest& request, SimContext& context) {
  std::string arguments;
  for (size_t i = 1; i < request.argv.size(); ++i) {
    if (i > 1) arguments += ' ';
    arguments += request.argv[i];
  }
  StubCall call{context.Now(), arguments, std::nullopt, 0};
  CommandResponse response;
  std::string tried;
  for (size_t i = 0; i < stubs_.size() && !call.stub; ++i) {
    const Compiled& stub = *stubs_[i];
    std::vector<std::string> groups;
    const StatusOr<bool> matched = stub.Match(arguments, groups);
    if (!matched.ok()) {
      response.stderr_data = "rundrill: " + program_ + ": " +
                             WithPlace(matched.status().message(), stub.spec.mark) + "\n";
      response.exit_code = 127;
      break;
    }
    if (*matched) {
      call.stub = i;
      response = Answer(stub, groups, context);
      break;
    }
    tried += tried.empty() ? "" : ", ";
    tried += WithPlace("\"" + stub.spec.args.value_or("") + "\"", stub.spec.mark);
  }
  if (!call.stub && response.exit_code == 0) {
    // Exit 127, as a shell reports a program it cannot run: a runbook must not read a
    // missing stub as the program's own failure.
    response.stderr_data =
        "rundrill: " + program_ + ": no stub matches the arguments \"" + arguments + "\"; " +
        (tried.empty() ? "the scenario declares no stub for " + program_ : "tried: " + tried) +
        "\n";
    response.exit_code = 127;
  }
  call.exit_code = response.exit_code;
  calls_.push_back(std::move(call));
  return response;
}

CommandResponse StubBackend::Answer(const Compiled& stub, const std::vector<std::string>& groups,
                                    SimContext& context) const {
  CommandResponse response;
  const SimTime at = context.Now();
  for (const model::StubEffect& effect : stub.spec.effects) {
    const Status status = ApplyStubEffect(effect, context.World(), at);
    if (status.ok()) continue;
    const model::SourceMark& mark = effect.mark.file.empty() ? stub.spec.mark : effect.mark;
    // Later effects are not applied: the call failed part-way, as a script stopping at its
    // first error would.
    response.stderr_data = "rundrill: " + program_ + ": effect " +
                           std::string(StubEffectName(effect.kind)) +
                           " failed: " + WithPlace(status.message(), mark) + "\n";
    response.exit_code = 1;
    return response;
  }
  if (!context.AdvanceTo(at + stub.spec.duration)) {
    // The step's deadline came first and the step is being stopped: answer at once, as a
    // program killed by SIGTERM would, with nothing printed.
    response.exit_code = 143;
    return response;
  }
  // Rendered when the call answers, so a slow call reports the state at its end.
  const world::World& world = context.World();
  StatusOr<std::string> out = world::metrics::RenderMetricTemplate(stub.stdout_text, world, groups);
  StatusOr<std::string> err = world::metrics::RenderMetricTemplate(stub.stderr_text, world, groups);
  for (const StatusOr<std::string>* rendered : {&out, &err}) {
    if (!rendered->ok()) {
      response.stderr_data = "rundrill: " + program_ + ": stub cannot answer: " +
                             WithPlace(rendered->status().message(), stub.spec.mark) + "\n";
      response.exit_code = 127;
      return response;
    }
  }
  response.stdout_data = std::move(*out);
  response.stderr_data = std::move(*err);
  response.exit_code = stub.spec.exit_code;
  return response;
}

StatusOr<std::vector<StubBackend>> CreateStubBackends(const std::vector<model::StubSpec>& stubs) {
  std::vector<std::string> programs;
  for (const model::StubSpec& spec : stubs) {
    if (std::find(programs.begin(), programs.end(), spec.program) == programs.end()) {
      programs.push_back(spec.program);
    }
  }
  std::vector<StubBackend> out;
  for (const std::string& program : programs) {
    std::vector<model::StubSpec> mine;
    for (const model::StubSpec& spec : stubs) {
      if (spec.program == program) mine.push_back(spec);
    }
    StatusOr<StubBackend> backend = StubBackend::Create(program, mine);
    if (!backend.ok()) return backend.status();
    out.push_back(std::move(*backend));
  }
  return out;
}

}  // namespace rundrill::fakes
