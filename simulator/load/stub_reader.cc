// `stubs:` answers for programs rundrill does not model, and the world effects they have.

#include <algorithm>
#include <boost/regex.hpp>

#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"

namespace rundrill::load {
namespace {

// The programs rundrill answers itself; a stub would be shadowed by (or shadow) the fake.
const std::vector<std::string> kModelledPrograms = {"kubectl", "ssh", "sleep"};

const std::vector<std::string> kEffectKinds = {"terminate_idle_connections",
                                               "stop_connection_leak",
                                               "free_disk",
                                               "restart_service",
                                               "start_service",
                                               "stop_service",
                                               "restart_deployment"};

bool IsProgramName(std::string_view s) {
  if (s.empty() || s[0] == '-' || s[0] == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '+';
  });
}

// The capture groups of `pattern`, counted as the stub backend counts them when it answers.
// Precondition: the pattern compiled with Pattern (ECMAScript).
int GroupCount(const std::string& pattern) {
  try {
    return static_cast<int>(boost::regex(pattern, boost::regex::ECMAScript).mark_count());
  } catch (const std::exception&) {
    return 0;
  }
}

std::string Groups(int n) {
  if (n == 0) return "no groups";
  return "only " + std::to_string(n) + (n == 1 ? " group" : " groups");
}

model::StubEffect::Kind EffectKind(const std::string& name) {
  using Kind = model::StubEffect::Kind;
  if (name == "stop_connection_leak") return Kind::kStopConnectionLeak;
  if (name == "free_disk") return Kind::kFreeDisk;
  if (name == "restart_service") return Kind::kRestartService;
  if (name == "start_service") return Kind::kStartService;
  if (name == "stop_service") return Kind::kStopService;
  if (name == "restart_deployment") return Kind::kRestartDeployment;
  return Kind::kTerminateIdleConnections;
}

}  // namespace

void ScenarioReader::ReadStubs(MapReader& root, std::vector<model::StubSpec>* out) {
  std::optional<YAML::Node> list = root.List("stubs");
  if (!list) return;
  const Field lf = root.Get("stubs");
  for (const YAML::Node& item : *list) {
    model::StubSpec stub;
    ReadStub(ListEntry(r_, lf, item), &stub);
    out->push_back(std::move(stub));
  }
}

void ScenarioReader::ReadStub(const Field& f, model::StubSpec* stub) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "stub",
              {"program", "args", "stdout", "stderr", "exit_code", "duration", "effects"});
  stub->mark = m.mark();
  if (m.Require("program")) {
    if (auto program = m.String("program")) {
      const Field pf = m.Get("program");
      if (!IsProgramName(*program)) {
        r_.Error(pf.mark, "invalid program name " + Quote(*program) +
                              " (use the plain name looked up on PATH, like psql)");
      } else if (std::count(kModelledPrograms.begin(), kModelledPrograms.end(), *program)) {
        r_.Error(pf.mark, Quote(*program) +
                              " is modelled by rundrill and cannot be stubbed (stub only programs "
                              "rundrill does not model, like psql or aws)");
      }
      stub->program = *program;
      stub->mark = pf.mark;
    }
  }
  int groups = -1;  // no `args`
  if (auto args = m.Regex("args")) {
    stub->args = *args;
    groups = GroupCount(*args);
  }
  if (auto text = m.String("stdout")) {
    stub->stdout_text = *text;
    CheckStubTemplates(m.Get("stdout"), groups);
  }
  if (auto text = m.String("stderr")) {
    stub->stderr_text = *text;
    CheckStubTemplates(m.Get("stderr"), groups);
  }
  if (auto code = m.Int("exit_code", 0, 255)) stub->exit_code = static_cast<int>(*code);
  if (auto d = m.Duration("duration")) stub->duration = *d;
  if (std::optional<YAML::Node> list = m.List("effects")) {
    const Field lf = m.Get("effects");
    for (const YAML::Node& item : *list) {
      model::StubEffect effect;
      ReadEffect(ListEntry(r_, lf, item), &effect);
      stub->effects.push_back(std::move(effect));
    }
  }
}

void ScenarioReader::CheckStubTemplates(const Field& f, int groups) {
  const std::string& text = f.node.Scalar();
  std::optional<size_t> unclosed;
  for (const TemplateHole& hole : FindTemplateHoles(text, &unclosed)) {
    const std::string written = Quote(text.substr(hole.offset, hole.length));
    if (!hole.inner.empty() && hole.inner[0] == '$') {
      const std::string_view digits = std::string_view(hole.inner).substr(1);
      if (digits.empty() || digits.size() > 4 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        r_.Error(PlaceInScalar(r_, f, hole.offset),
                 "unsupported template " + written +
                     " (use {{ $N }} for a group of \"args\", or a series selector like "
                     "{{ db_connections{database=\"orders\"} }})");
        continue;
      }
      const int n = std::stoi(std::string(digits));
      if (n > std::max(groups, 0)) {
        r_.Error(PlaceInScalar(r_, f, hole.offset),
                 "template " + written + " refers to group " + std::to_string(n) + ", but " +
                     (groups < 0 ? std::string("the stub has no \"args\"")
                                 : "\"args\" has " + Groups(groups)));
      }
      continue;
    }
    const text::ParsedSelector parsed = text::ParseSeriesSelector(hole.inner);
    if (!parsed.selector) {
      r_.Error(PlaceInScalar(r_, f, hole.inner_offset + parsed.error.offset),
               "invalid selector: " + parsed.error.message);
      continue;
    }
    CheckSelector(f, hole.inner, hole.inner_offset, *parsed.selector);
  }
  if (unclosed) {
    r_.Error(PlaceInScalar(r_, f, *unclosed), "unclosed template (\"{{\" without \"}}\")");
  }
}

void ScenarioReader::ReadEffect(const Field& f, model::StubEffect* effect) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "effect", kEffectKinds);
  effect->mark = m.mark();
  std::optional<std::string> kind = m.OneOf(kEffectKinds, !m.has_misspelt_keys());
  if (!kind) return;
  const Field kf = m.Get(*kind);
  if (!CheckMap(r_, kf)) return;
  effect->kind = EffectKind(*kind);

  if (*kind == "restart_deployment") {
    MapReader dm(r_, kf.node, *kind, {"namespace", "deployment"});
    ReadTarget(dm, &effect->namespace_name, &effect->deployment);
    return;
  }
  if (*kind == "terminate_idle_connections" || *kind == "stop_connection_leak") {
    std::vector<std::string> keys = {"database"};
    if (*kind == "terminate_idle_connections") keys = {"database", "older_than", "state"};
    MapReader dm(r_, kf.node, *kind, keys);
    if (dm.Require("database")) {
      if (auto db = dm.String("database")) {
        effect->database = *db;
        CheckDatabase(dm.Get("database"), *db);
      }
    }
    if (auto d = dm.Duration("older_than")) effect->older_than = *d;
    if (auto state = dm.Enum("state", {"idle", "idle in transaction"})) effect->state = *state;
    return;
  }

  // The rest act on a host: free_disk on a file, the others on a service.
  const bool on_file = *kind == "free_disk";
  MapReader hm(r_, kf.node, *kind, {"host", on_file ? "path" : "service"});
  std::optional<std::string> host;
  if (hm.Require("host")) host = hm.String("host");
  if (host) effect->host = *host;
  const bool host_ok = host && CheckHost(hm.Get("host"), *host);
  if (!on_file) {
    if (hm.Require("service")) {
      if (auto service = hm.String("service")) {
        effect->service = *service;
        if (host_ok) CheckHostService(hm.Get("service"), *host, *service);
      }
    }
    return;
  }
  if (!hm.Require("path")) return;
  std::optional<std::string> path = hm.String("path");
  if (!path) return;
  effect->path = *path;
  const Field pf = hm.Get("path");
  if (!IsCanonicalAbsolutePath(*path) || *path == "/") {
    r_.Error(pf.mark, "invalid file path " + Quote(*path) +
                          " (use an absolute path like /var/log/app/debug.log)");
    return;
  }
  if (!host_ok) return;
  // A file the stub can free: one the host declares, or one a disk_fill writes.
  std::vector<std::string> files = host_index_[*host].files;
  const std::vector<std::string>& filled = filled_paths_[*host];
  files.insert(files.end(), filled.begin(), filled.end());
  if (std::find(files.begin(), files.end(), *path) == files.end()) {
    r_.Error(pf.mark, "file " + Quote(*path) + " is neither declared on host " + Quote(*host) +
                          " nor written by a disk_fill event" + DidYouMean(*path, files));
  }
}

}  // namespace rundrill::load
